import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseEnv } from 'node:util';
import type { RefreshPolicy } from '../../domain/index.js';

export type NodeEnv = 'development' | 'test' | 'production';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  readonly env: NodeEnv;
  readonly host: string;
  readonly port: number;
  /** Where `GET /metrics` (Prometheus) listens, on `host`; null (METRICS_PORT unset): nowhere. */
  readonly metricsPort: number | null;
  /** `postgres://…`, `postgresql://…` or `sqlite:<file>`. */
  readonly databaseUrl: string;
  readonly jwtSecret: string;
  /** True when no JWT_SECRET was set (development/test only): tokens die with the process. */
  readonly generatedSecret: boolean;
  readonly tokenTtlSeconds: number;
  readonly bcryptCost: number;
  readonly authRealm: string;
  readonly jwtIssuer: string;
  readonly jwtAudience: string;
  readonly corsOrigins: string[];
  readonly logLevel: LogLevel;
  readonly trustProxy: boolean;
  /** 0 disables the limit. */
  readonly loginMaxFailures: number;
  /** 0 disables the limit. */
  readonly authMaxRequests: number;
  readonly passwordHasher: PasswordHasherName;
  /**
   * argon2id's cost for new hashes, where set (the hasher's own defaults, OWASP's, fill the rest);
   * existing hashes verify with the parameters they record.
   */
  readonly argon2: Argon2Settings;
  readonly jwtAlg: JwtAlg;
  /** Private key (PEM or JWK) that signs tokens (EdDSA/ES256 only; required with them). */
  readonly jwtPrivateKeyFile: string | null;
  /** Public keys (PEM or JWK) of retired signing keys, still accepted until their tokens expire. */
  readonly jwtPreviousKeysFile: string | null;
  /** Processes serving requests (WEB_CONCURRENCY or `serve --workers`); 1 serves in-process. */
  readonly workers: number;
  /** Milliseconds a client has to send a request's headers. */
  readonly headersTimeoutMs: number;
  /** Milliseconds a client has to send a whole request, headers and body. */
  readonly requestTimeoutMs: number;
  /** Where the login and register counters live. */
  readonly rateLimitStore: RateLimitStore;
  /** `redis://…` or `rediss://…`; only used with RATE_LIMIT_STORE=redis. */
  readonly redisUrl: string;
  /** Starts every key Gatehouse writes in Redis, so deployments can share one. */
  readonly redisKeyPrefix: string;
  /**
   * REFRESH_TOKENS=on: how long refresh tokens live and the grace for racing refreshes; null
   * (off, the default): token answers are the tutorial's, with no refresh token.
   */
  readonly refresh: RefreshPolicy | null;
}

export type RateLimitStore = 'database' | 'redis';
const RATE_LIMIT_STORES: readonly RateLimitStore[] = ['database', 'redis'];
/** A bound on WEB_CONCURRENCY: past it, a typo rather than a machine. */
const MAX_WORKERS = 256;

export type PasswordHasherName = 'bcrypt' | 'argon2id';
export interface Argon2Settings {
  /** KiB per hash. */
  readonly memoryCost?: number;
  readonly timeCost?: number;
  readonly parallelism?: number;
}
export type JwtAlg = 'HS256' | 'EdDSA' | 'ES256';
const PASSWORD_HASHERS: readonly PasswordHasherName[] = ['bcrypt', 'argon2id'];
const JWT_ALGS: readonly JwtAlg[] = ['HS256', 'EdDSA', 'ES256'];

/** Why the configuration is unusable, in one line that never contains the secret. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(message: string) {
    super(message.replace(/\s*[\r\n]+\s*/g, ' '));
  }
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

type Defaults = Omit<
  Config,
  | 'env'
  | 'metricsPort'
  | 'jwtSecret'
  | 'generatedSecret'
  | 'jwtPrivateKeyFile'
  | 'jwtPreviousKeysFile'
  | 'workers'
  | 'headersTimeoutMs'
  | 'requestTimeoutMs'
  | 'rateLimitStore'
  | 'redisUrl'
  | 'redisKeyPrefix'
  | 'refresh'
>;

const DEFAULT_HEADERS_TIMEOUT_MS = 10_000;
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
const DEFAULT_REDIS_KEY_PREFIX = 'gatehouse:';

const DEFAULTS: Record<NodeEnv, Defaults> = {
  production: defaultsFor('0.0.0.0', 'sqlite:./var/gatehouse.sqlite', 3600, 12, 'info'),
  development: defaultsFor('127.0.0.1', 'sqlite:./var/gatehouse.sqlite', 900, 10, 'info'),
  test: defaultsFor('127.0.0.1', 'sqlite:./var/gatehouse-test.sqlite', 900, 4, 'silent'),
};

function defaultsFor(
  host: string,
  databaseUrl: string,
  tokenTtlSeconds: number,
  bcryptCost: number,
  logLevel: LogLevel,
): Defaults {
  return {
    host,
    port: 3000,
    databaseUrl,
    tokenTtlSeconds,
    bcryptCost,
    authRealm: 'gatehouse',
    jwtIssuer: 'gatehouse',
    jwtAudience: 'gatehouse',
    corsOrigins: [],
    logLevel,
    trustProxy: false,
    loginMaxFailures: 10,
    authMaxRequests: 300,
    passwordHasher: 'bcrypt',
    argon2: {},
    jwtAlg: 'HS256',
  };
}

/** Secrets from tutorials, docs and our own .env.example: refused in production. */
const KNOWN_DEFAULT_SECRETS = new Set([
  'secret',
  'changeme',
  'change-me',
  'your-secret-key',
  'supersecret',
  'jwt_secret',
  'open sesame',
  'change-me-to-at-least-32-random-bytes',
]);
const MIN_SECRET_BYTES = 32;
/** An access token lives a year at the most: revocations must be storable until its `exp`. */
const MAX_TOKEN_TTL_SECONDS = 366 * 24 * 3600;
const DEFAULT_REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 3600;
/** As for access tokens: a refresh token is a row kept until it expires, a year at the most. */
const MAX_REFRESH_TOKEN_TTL_SECONDS = MAX_TOKEN_TTL_SECONDS;
const DEFAULT_REFRESH_REUSE_GRACE_SECONDS = 10;
/**
 * The grace covers one client's refreshes racing each other (seconds apart); every second of it
 * is a second in which a thief's replay of a spent token goes unpunished, so minutes at most.
 */
const MAX_REFRESH_REUSE_GRACE_SECONDS = 300;

/**
 * Reads the configuration from `env`, falling back on a `.env` file (real variables win) and then
 * on the defaults of NODE_ENV. Throws ConfigError naming the first unusable variable.
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  options: LoadConfigOptions = {},
): Config {
  const vars: NodeJS.ProcessEnv = { ...readEnvFile(options.envFile ?? './.env'), ...env };
  const get = (name: string): string | undefined => {
    const value = vars[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const int = (name: string, fallback: number, min: number, max?: number): number =>
    integer(name, get(name), fallback, min, max);

  const nodeEnv = oneOf('NODE_ENV', get('NODE_ENV') ?? 'development', NODE_ENVS);
  const defaults = DEFAULTS[nodeEnv];
  const jwtAlg = caseInsensitive('JWT_ALG', get('JWT_ALG') ?? defaults.jwtAlg, JWT_ALGS);
  const jwtPrivateKeyFile = get('JWT_PRIVATE_KEY_FILE') ?? null;
  if (jwtAlg !== 'HS256' && jwtPrivateKeyFile === null) {
    throw new ConfigError(`JWT_PRIVATE_KEY_FILE is required with JWT_ALG=${jwtAlg}`);
  }
  // The secret signs tokens only with HS256; with a key pair, production needs none.
  const { jwtSecret, generatedSecret } =
    jwtAlg === 'HS256'
      ? secret(nodeEnv, vars['JWT_SECRET'])
      : { jwtSecret: '', generatedSecret: false };

  return {
    env: nodeEnv,
    host: get('HOST') ?? defaults.host,
    port: int('PORT', defaults.port, 0, 65535),
    metricsPort: get('METRICS_PORT') === undefined ? null : int('METRICS_PORT', 0, 0, 65535),
    databaseUrl: databaseUrl(get('DATABASE_URL') ?? defaults.databaseUrl),
    jwtSecret,
    generatedSecret,
    tokenTtlSeconds: int('TOKEN_TTL_SECONDS', defaults.tokenTtlSeconds, 1, MAX_TOKEN_TTL_SECONDS),
    bcryptCost: int('BCRYPT_COST', defaults.bcryptCost, 4, 31),
    authRealm: realm(get('AUTH_REALM') ?? defaults.authRealm),
    jwtIssuer: get('JWT_ISSUER') ?? defaults.jwtIssuer,
    jwtAudience: get('JWT_AUDIENCE') ?? defaults.jwtAudience,
    corsOrigins: origins(get('CORS_ORIGINS')),
    logLevel: oneOf('LOG_LEVEL', get('LOG_LEVEL')?.toLowerCase() ?? defaults.logLevel, LOG_LEVELS),
    trustProxy: boolean('TRUST_PROXY', get('TRUST_PROXY'), defaults.trustProxy),
    loginMaxFailures: int('LOGIN_MAX_FAILURES', defaults.loginMaxFailures, 0),
    authMaxRequests: int('AUTH_MAX_REQUESTS', defaults.authMaxRequests, 0),
    passwordHasher: caseInsensitive(
      'PASSWORD_HASHER',
      get('PASSWORD_HASHER') ?? defaults.passwordHasher,
      PASSWORD_HASHERS,
    ),
    argon2: argon2Settings(get),
    jwtAlg,
    // The key files only matter for the asymmetric algorithms; HS256 ignores them.
    jwtPrivateKeyFile: jwtAlg === 'HS256' ? null : jwtPrivateKeyFile,
    jwtPreviousKeysFile: jwtAlg === 'HS256' ? null : (get('JWT_PREVIOUS_KEYS_FILE') ?? null),
    workers: workerCount('WEB_CONCURRENCY', get('WEB_CONCURRENCY') ?? '1'),
    ...timeouts(get),
    rateLimitStore: caseInsensitive(
      'RATE_LIMIT_STORE',
      get('RATE_LIMIT_STORE') ?? 'database',
      RATE_LIMIT_STORES,
    ),
    redisUrl: redisUrl(get('REDIS_URL') ?? DEFAULT_REDIS_URL),
    redisKeyPrefix: get('REDIS_KEY_PREFIX') ?? DEFAULT_REDIS_KEY_PREFIX,
    refresh: refreshPolicy(get),
  };
}

/**
 * REFRESH_TOKENS switches refresh tokens on; their two numbers are checked even when it is off,
 * as REDIS_URL is with the database store, so a typo shows before the day it is switched on.
 */
function refreshPolicy(get: (name: string) => string | undefined): RefreshPolicy | null {
  const ttlSeconds = integer(
    'REFRESH_TOKEN_TTL_SECONDS',
    get('REFRESH_TOKEN_TTL_SECONDS'),
    DEFAULT_REFRESH_TOKEN_TTL_SECONDS,
    1,
    MAX_REFRESH_TOKEN_TTL_SECONDS,
  );
  const reuseGraceSeconds = integer(
    'REFRESH_REUSE_GRACE_SECONDS',
    get('REFRESH_REUSE_GRACE_SECONDS'),
    DEFAULT_REFRESH_REUSE_GRACE_SECONDS,
    0,
    MAX_REFRESH_REUSE_GRACE_SECONDS,
  );
  // `on`/`off` as the contract spells it, and the spellings TRUST_PROXY takes, so that no
  // boolean of the configuration refuses what another one accepts.
  const on = boolean('REFRESH_TOKENS', get('REFRESH_TOKENS'), false, ON_OFF);
  return on ? { ttlSeconds, reuseGraceSeconds } : null;
}

/**
 * `auto` (one per core: `os.availableParallelism()`) or an integer from 1. Exported for `serve
 * --workers`, which takes the same values and wins over WEB_CONCURRENCY.
 */
export function workerCount(name: string, raw: string): number {
  if (raw.trim().toLowerCase() === 'auto') return availableParallelism();
  const value = raw.trim();
  const count = Number(value);
  if (/^\d+$/.test(value) && count >= 1 && count <= MAX_WORKERS) return count;
  throw new ConfigError(`${name} must be auto or an integer from 1 to ${MAX_WORKERS}`);
}

/** The whole request may not be due before its headers are. */
function timeouts(
  get: (name: string) => string | undefined,
): Pick<Config, 'headersTimeoutMs' | 'requestTimeoutMs'> {
  const headersTimeoutMs = integer(
    'HEADERS_TIMEOUT_MS',
    get('HEADERS_TIMEOUT_MS'),
    DEFAULT_HEADERS_TIMEOUT_MS,
    1,
  );
  const requestTimeoutMs = integer(
    'REQUEST_TIMEOUT_MS',
    get('REQUEST_TIMEOUT_MS'),
    Math.max(DEFAULT_REQUEST_TIMEOUT_MS, headersTimeoutMs),
    1,
  );
  if (requestTimeoutMs < headersTimeoutMs) {
    throw new ConfigError('REQUEST_TIMEOUT_MS must be at least HEADERS_TIMEOUT_MS');
  }
  return { headersTimeoutMs, requestTimeoutMs };
}

function redisUrl(raw: string): string {
  // Never echo the value: it may carry a password.
  if (/^rediss?:\/\/.+/.test(raw) && URL.canParse(raw)) return raw;
  throw new ConfigError('REDIS_URL must be redis://… or rediss://…');
}

/** Only the argon2id parameters set in the environment; the hasher's defaults fill the rest. */
function argon2Settings(get: (name: string) => string | undefined): Argon2Settings {
  const settings: { -readonly [K in keyof Argon2Settings]: Argon2Settings[K] } = {};
  const parallelism = get('ARGON2_PARALLELISM');
  if (parallelism !== undefined) {
    settings.parallelism = integer('ARGON2_PARALLELISM', parallelism, 0, 1, 255);
  }
  const timeCost = get('ARGON2_TIME_COST');
  if (timeCost !== undefined) settings.timeCost = integer('ARGON2_TIME_COST', timeCost, 0, 1, 1000);
  const memoryCost = get('ARGON2_MEMORY_KIB');
  if (memoryCost !== undefined) {
    // argon2 needs 8 KiB per lane (there is at least one); 4 GiB a hash is past any sane login.
    const least = 8 * (settings.parallelism ?? 1);
    settings.memoryCost = integer('ARGON2_MEMORY_KIB', memoryCost, 0, least, 4 * 1024 ** 2);
  }
  return settings;
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

function secret(
  env: NodeEnv,
  raw: string | undefined,
): { jwtSecret: string; generatedSecret: boolean } {
  if (raw === undefined || raw.trim() === '') {
    if (env === 'production') throw new ConfigError('JWT_SECRET is required in production');
    return { jwtSecret: randomBytes(32).toString('base64url'), generatedSecret: true };
  }
  if (env === 'production') {
    if (KNOWN_DEFAULT_SECRETS.has(raw.trim().toLowerCase())) {
      throw new ConfigError(
        'JWT_SECRET is a well-known default: set a random value of at least 32 bytes',
      );
    }
    if (Buffer.byteLength(raw, 'utf8') < MIN_SECRET_BYTES) {
      throw new ConfigError(`JWT_SECRET must be at least ${MIN_SECRET_BYTES} bytes in production`);
    }
    if (/^(.)\1*$/su.test(raw)) {
      throw new ConfigError('JWT_SECRET must not be one repeated character');
    }
  }
  return { jwtSecret: raw, generatedSecret: false };
}

function integer(
  name: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (/^\d+$/.test(raw) && Number.isSafeInteger(value) && value >= min && value <= max)
    return value;
  const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`;
  throw new ConfigError(`${name} must be an integer ${range}`);
}

interface Spellings {
  readonly yes: readonly string[];
  readonly no: readonly string[];
}
const YES_NO: Spellings = { yes: ['1', 'true', 'yes'], no: ['0', 'false', 'no'] };
const ON_OFF: Spellings = { yes: ['on', ...YES_NO.yes], no: ['off', ...YES_NO.no] };

/** A switch, in any case, spelt one of `spellings`. */
function boolean(
  name: string,
  raw: string | undefined,
  fallback: boolean,
  spellings: Spellings = YES_NO,
): boolean {
  if (raw === undefined) return fallback;
  const value = raw.toLowerCase();
  if (spellings.yes.includes(value)) return true;
  if (spellings.no.includes(value)) return false;
  throw new ConfigError(`${name} must be one of ${[...spellings.yes, ...spellings.no].join(', ')}`);
}

function oneOf<T extends string>(name: string, raw: string, allowed: readonly T[]): T {
  const found = allowed.find((value) => value === raw);
  if (found === undefined) throw new ConfigError(`${name} must be one of ${allowed.join(', ')}`);
  return found;
}

function caseInsensitive<T extends string>(name: string, raw: string, allowed: readonly T[]): T {
  const found = allowed.find((value) => value.toLowerCase() === raw.toLowerCase());
  if (found === undefined) throw new ConfigError(`${name} must be one of ${allowed.join(', ')}`);
  return found;
}

function databaseUrl(raw: string): string {
  // Never echo the value: a Postgres URL may carry a password.
  if (/^sqlite:.+/.test(raw) || /^postgres(ql)?:\/\/.+/.test(raw)) return raw;
  throw new ConfigError('DATABASE_URL must be postgres://… or sqlite:<file>');
}

function realm(raw: string): string {
  // It goes into a quoted-string of WWW-Authenticate.
  if (/^[\x20-\x7e]+$/.test(raw) && !/["\\]/.test(raw)) return raw;
  throw new ConfigError('AUTH_REALM must be printable ASCII without quotes or backslashes');
}

function origins(raw: string | undefined): string[] {
  if (raw === undefined) return [];
  return raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      const origin = toOrigin(entry);
      if (origin === null) {
        throw new ConfigError('CORS_ORIGINS must be a comma-separated list of http(s) origins');
      }
      return origin;
    });
}

/** `https://Example.com/` → `https://example.com`; null for anything with a path, query or user. */
function toOrigin(value: string): string | null {
  if (!URL.canParse(value)) return null;
  const url = new URL(value);
  const web = url.protocol === 'http:' || url.protocol === 'https:';
  return web && url.href === `${url.origin}/` ? url.origin : null;
}
