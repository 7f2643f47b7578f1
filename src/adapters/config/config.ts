import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseEnv } from 'node:util';
import { httpSettings, type HttpSettings } from './http.js';
import { limitSettings, type LimitSettings } from './limits.js';
import { passwordSettings, type PasswordSettings } from './passwords.js';
import { signingSettings, type SigningSettings } from './signing.js';
import { tokenSettings, type TokenSettings } from './tokens.js';
import { ConfigError, Variables } from './variables.js';

export { ConfigError } from './variables.js';
export type { HttpSettings } from './http.js';
export type { LimitSettings, RateLimitStore } from './limits.js';
export type { Argon2Settings, PasswordHasherName, PasswordSettings } from './passwords.js';
export type { JwtAlg, KeyPairAlg, SigningSettings } from './signing.js';
export type { TokenSettings } from './tokens.js';

export type NodeEnv = 'development' | 'test' | 'production';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/**
 * The whole configuration, by section. Each value is checked once, here; a section whose shape
 * depends on a choice (signing, passwords, the limits' store) is a union on that choice, so a
 * consumer gets what the choice needs and never checks for it again.
 */
export interface Config {
  readonly env: NodeEnv;
  readonly logLevel: LogLevel;
  readonly runtime: RuntimeSettings;
  readonly http: HttpSettings;
  readonly database: DatabaseSettings;
  readonly tokens: TokenSettings;
  readonly signing: SigningSettings;
  readonly passwords: PasswordSettings;
  readonly limits: LimitSettings;
}

export interface DatabaseSettings {
  /** `postgres://…`, `postgresql://…` or `sqlite:<file>`. */
  readonly url: string;
}

export interface RuntimeSettings {
  /** Processes serving requests (WEB_CONCURRENCY or `serve --workers`); 1 serves in-process. */
  readonly workers: number;
  /** Threads of libuv's pool, as libuv reads UV_THREADPOOL_SIZE (bcrypt, argon2 and sqlite3 use it). */
  readonly threadpoolSize: number;
}

export interface LoadConfigOptions {
  /** The `.env` file to read if present (default `./.env`); `false` reads none. */
  readonly envFile?: string | false;
}

const NODE_ENVS: readonly NodeEnv[] = ['development', 'test', 'production'];
const LOG_LEVELS: readonly LogLevel[] = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
];
const DEFAULT_LOG_LEVEL: Record<NodeEnv, LogLevel> = {
  production: 'info',
  development: 'info',
  test: 'silent',
};
const DEFAULT_DATABASE_URL: Record<NodeEnv, string> = {
  production: 'sqlite:./var/gatehouse.sqlite',
  development: 'sqlite:./var/gatehouse.sqlite',
  test: 'sqlite:./var/gatehouse-test.sqlite',
};
/** A bound on WEB_CONCURRENCY: past it, a typo rather than a machine. */
const MAX_WORKERS = 256;
/** libuv's own default and bound for its pool. */
const DEFAULT_THREADPOOL_SIZE = 4;
const MAX_THREADPOOL_SIZE = 1024;

/**
 * Reads the configuration from `env`, falling back on a `.env` file (real variables win) and then
 * on the defaults of NODE_ENV. Throws one ConfigError naming every unusable variable.
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  options: LoadConfigOptions = {},
): Config {
  const vars = new Variables({ ...readEnvFile(options.envFile ?? './.env'), ...env });
  // An unusable NODE_ENV is reported; the rest is read with development's (lenient) defaults.
  const nodeEnv = vars.choice('NODE_ENV', 'development', NODE_ENVS);
  const config: Config = {
    env: nodeEnv,
    logLevel: vars.choice('LOG_LEVEL', DEFAULT_LOG_LEVEL[nodeEnv], LOG_LEVELS, { anyCase: true }),
    runtime: {
      workers: vars.parsed('WEB_CONCURRENCY', 1, workers, workersProblem('WEB_CONCURRENCY')),
      threadpoolSize: threadpoolSize(env['UV_THREADPOOL_SIZE']),
    },
    http: httpSettings(vars, nodeEnv),
    database: {
      url: vars.parsed(
        'DATABASE_URL',
        DEFAULT_DATABASE_URL[nodeEnv],
        (raw) => (/^sqlite:.+/.test(raw) || /^postgres(ql)?:\/\/.+/.test(raw) ? raw : null),
        // Never echo the value: a Postgres URL may carry a password.
        'DATABASE_URL must be postgres://… or sqlite:<file>',
      ),
    },
    tokens: tokenSettings(vars, nodeEnv),
    signing: signingSettings(vars, nodeEnv),
    passwords: passwordSettings(vars, nodeEnv),
    limits: limitSettings(vars),
  };
  vars.throwIfAny();
  return config;
}

/** `auto` (one per core: `os.availableParallelism()`) or an integer from 1; null otherwise. */
function workers(raw: string): number | null {
  const value = raw.trim();
  if (value.toLowerCase() === 'auto') return availableParallelism();
  const count = Number(value);
  return /^\d+$/.test(value) && count >= 1 && count <= MAX_WORKERS ? count : null;
}

function workersProblem(name: string): string {
  return `${name} must be auto or an integer from 1 to ${MAX_WORKERS}`;
}

/**
 * WEB_CONCURRENCY's values, for `serve --workers`, which takes the same ones and wins over it.
 * Throws a ConfigError naming `name`.
 */
export function workerCount(name: string, raw: string): number {
  const count = workers(raw);
  if (count === null) throw new ConfigError(workersProblem(name));
  return count;
}

/**
 * What libuv makes of UV_THREADPOOL_SIZE (`atoi`, then at least 1 and at most 1024), so what is
 * computed from it matches the pool there really is. Read from the real environment only: libuv
 * never sees a `.env` file, and it is Node's variable, not one for Gatehouse to refuse.
 */
function threadpoolSize(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_THREADPOOL_SIZE;
  const size = Number.parseInt(raw, 10);
  if (Number.isNaN(size) || size < 1) return 1;
  return Math.min(size, MAX_THREADPOOL_SIZE);
}

function readEnvFile(path: string | false): NodeJS.Dict<string> {
  if (path === false) return {};
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return {};
    throw new ConfigError(`Cannot read the env file ${path}`);
  }
  return parseEnv(content);
}
