import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import knex, { type Knex } from 'knex';
import type { Database } from 'sqlite3';
import { migrationSource } from './migrations/index.js';

export type DatabaseKind = 'postgres' | 'sqlite';

const UNSUPPORTED = 'Unsupported DATABASE_URL: expected postgres://… or sqlite:<file>';
const SQLITE_PREFIX = 'sqlite:';
const MEMORY = ':memory:';
/**
 * A request that needs the database fails (503) within these bounds when the database cannot be
 * reached, instead of holding its socket: opening a connection (TCP and login) may take 2 s,
 * waiting for one from the pool (including opening it) 3 s. No statement timeout: migrations run
 * on this pool and may legitimately take long; an operator can set one in the URL
 * (`?options=-c%20statement_timeout%3D5s`).
 */
const CONNECT_TIMEOUT_MS = 2_000;
const ACQUIRE_TIMEOUT_MS = 3_000;

/** Which database a `DATABASE_URL` names; throws a one-line error (never echoing it) otherwise. */
export function databaseKind(url: string): DatabaseKind {
  if (/^postgres(ql)?:\/\//i.test(url)) return 'postgres';
  if (url.toLowerCase().startsWith(SQLITE_PREFIX) && sqliteFilename(url) !== '') return 'sqlite';
  throw new Error(UNSUPPORTED);
}

/**
 * The knex configuration for a `DATABASE_URL`, shared by the service and the knex CLI (knexfile.ts).
 * For a SQLite file it creates the file's parent directory if missing.
 */
export function knexConfig(url: string, log?: Knex.Logger): Knex.Config {
  const migrations = { migrationSource };
  const logging = log === undefined ? {} : { log };
  if (databaseKind(url) === 'postgres') {
    return {
      client: 'pg',
      connection: { connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS },
      pool: { min: 0, max: 10 },
      acquireConnectionTimeout: ACQUIRE_TIMEOUT_MS,
      migrations,
      ...logging,
    };
  }
  const filename = sqliteFilename(url);
  const inMemory = filename === MEMORY;
  if (!inMemory) mkdirSync(dirname(filename), { recursive: true });
  const pragmas = [
    'PRAGMA foreign_keys = ON',
    'PRAGMA busy_timeout = 5000',
    ...(inMemory ? [] : ['PRAGMA journal_mode = WAL']),
  ].join('; ');
  return {
    client: 'sqlite3',
    connection: { filename },
    useNullAsDefault: true,
    pool: {
      afterCreate: (
        connection: Database,
        done: (error: Error | null, connection: Database) => void,
      ) => connection.exec(pragmas, (error) => done(error, connection)),
    },
    migrations,
    ...logging,
  };
}

export function createKnex(url: string, log?: Knex.Logger): Knex {
  return knex(knexConfig(url, log));
}

/** Knex's own messages (connection trouble, deprecations) as structured log lines, not stderr. */
export function knexLogger(logger: {
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
  debug(object: object, message: string): void;
}): Knex.Logger {
  const text = (message: unknown) => (message instanceof Error ? message.message : String(message));
  return {
    warn: (message: unknown) => logger.warn({ component: 'knex' }, text(message)),
    error: (message: unknown) => logger.error({ component: 'knex' }, text(message)),
    debug: (message: unknown) => logger.debug({ component: 'knex' }, text(message)),
    deprecate: (method: string, alternative: string) =>
      logger.warn({ component: 'knex' }, `${method} is deprecated; use ${alternative}`),
  };
}

/** `sqlite:./f.sqlite`, `sqlite:/abs/f.sqlite`, `sqlite::memory:`; also `sqlite:///abs/f.sqlite`. */
function sqliteFilename(url: string): string {
  const rest = url.slice(SQLITE_PREFIX.length);
  return rest.startsWith('//') ? rest.slice(2) : rest;
}
