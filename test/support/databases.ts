import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import type { StartedPostgreSqlContainer } from '@testcontainers/postgresql';
import { createKnex } from '../../src/adapters/persistence/knex/createKnex.js';
import { migrateLatest } from '../../src/adapters/persistence/knex/migrations/index.js';

/** What a suite defined with `describeEachDatabase` gets: available inside hooks and tests. */
export interface TestDatabase {
  knex(): Knex;
  url(): string;
}

const KNEX_BOOKKEEPING = ['knex_migrations', 'knex_migrations_lock'];
/**
 * Tables the database keeps from other tables' rows with triggers: emptying those resets them
 * (widget_counts to a zero total), and emptying them as well would lose their one row.
 */
const TRIGGER_KEPT = ['widget_counts'];
const POSTGRES_IMAGE = 'postgres:16-alpine';
const POSTGRES_START_TIMEOUT_MS = 180_000;

let sqliteDir: string | undefined;
let sqliteFiles = 0;
let postgresUrl: Promise<string | null> | undefined;
let container: StartedPostgreSqlContainer | undefined;

/** A fresh, empty SQLite database file (under one temporary directory per run). */
export function sqliteUrl(): string {
  sqliteDir ??= mkdtempSync(join(tmpdir(), 'gatehouse-test-'));
  sqliteFiles += 1;
  return `sqlite:${join(sqliteDir, `db-${sqliteFiles}.sqlite`)}`;
}

/**
 * The Postgres database to test against: `TEST_DATABASE_URL` as is, else a throwaway container.
 * Null (after one warning per run) when neither is available, unless REQUIRE_POSTGRES=1, which
 * rejects instead. Resolved once per run.
 */
export function resolvePostgresUrl(): Promise<string | null> {
  postgresUrl ??= discoverPostgres();
  return postgresUrl;
}

async function discoverPostgres(): Promise<string | null> {
  const configured = process.env.TEST_DATABASE_URL;
  if (configured !== undefined && configured !== '') return configured;

  const { getContainerRuntimeClient } = await import('testcontainers');
  try {
    await getContainerRuntimeClient();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (process.env.REQUIRE_POSTGRES === '1') {
      throw new Error(
        `REQUIRE_POSTGRES=1 but no Postgres is available: TEST_DATABASE_URL is not set and ` +
          `no container runtime was found (${reason}).`,
        { cause: error },
      );
    }
    warnPostgresSkipped(reason);
    return null;
  }
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  container = await new PostgreSqlContainer(POSTGRES_IMAGE).start();
  return container.getConnectionUri();
}

function warnPostgresSkipped(reason: string): void {
  const rule = '='.repeat(78);
  console.warn(
    [
      '',
      rule,
      '  POSTGRES TESTS SKIPPED: no Postgres database available.',
      `  TEST_DATABASE_URL is not set and no container runtime was found (${reason}).`,
      '  To run them: set TEST_DATABASE_URL=postgres://user@host:5432/db (a database the tests',
      '  may empty), or start Docker so a postgres container can be used.',
      '  Set REQUIRE_POSTGRES=1 to make a missing Postgres fail the run instead.',
      rule,
      '',
    ].join('\n'),
  );
}

/** Root-hook cleanup: stops the Postgres container (if one was started), removes SQLite files. */
export async function releaseTestDatabases(): Promise<void> {
  const started = container;
  container = undefined;
  postgresUrl = undefined;
  if (sqliteDir !== undefined) rmSync(sqliteDir, { recursive: true, force: true });
  sqliteDir = undefined;
  await started?.stop();
}

/** The application's tables (everything but knex's bookkeeping), read from the database. */
export async function listTables(knex: Knex): Promise<string[]> {
  const rows: { name: string }[] = isPostgres(knex)
    ? await knex
        .select('tablename as name')
        .from('pg_catalog.pg_tables')
        .whereRaw('schemaname = current_schema()')
        .orderBy('tablename')
    : await knex.select('name').from('sqlite_master').where({ type: 'table' }).orderBy('name');
  return rows
    .map((row) => row.name)
    .filter((name) => !KNEX_BOOKKEEPING.includes(name) && !name.startsWith('sqlite_'));
}

/**
 * Empties every application table, so tests do not depend on order. Postgres truncates them all
 * in one statement (CASCADE); SQLite defers foreign key checks to the end of one transaction, so
 * the order of the deletes does not matter. Tables kept by triggers are left to their triggers
 * (Postgres: AFTER TRUNCATE; SQLite: its DELETE without WHERE fires the row triggers).
 */
export async function truncateAll(knex: Knex): Promise<void> {
  const tables = (await listTables(knex)).filter((name) => !TRIGGER_KEPT.includes(name));
  if (tables.length === 0) return;
  if (isPostgres(knex)) {
    const list = tables.map(() => '??').join(', ');
    await knex.raw(`TRUNCATE TABLE ${list} RESTART IDENTITY CASCADE`, tables);
    return;
  }
  await knex.transaction(async (trx) => {
    await trx.raw('PRAGMA defer_foreign_keys = ON');
    for (const table of tables) await trx(table).delete();
    if (await trx.schema.hasTable('sqlite_sequence')) await trx('sqlite_sequence').delete();
  });
}

function isPostgres(knex: Knex): boolean {
  return knex.client.config.client === 'pg';
}

/**
 * Defines `<title> [sqlite]` and `<title> [postgres]`. Each migrates a database to latest before
 * its tests, empties every table before each test and closes its pool afterwards. The Postgres
 * suite is skipped when no Postgres is available (see resolvePostgresUrl).
 */
export function describeEachDatabase(title: string, body: (db: TestDatabase) => void): void {
  defineDatabaseSuite(`${title} [sqlite]`, async () => sqliteUrl(), body);
  defineDatabaseSuite(`${title} [postgres]`, resolvePostgresUrl, body);
}

function defineDatabaseSuite(
  title: string,
  resolveUrl: () => Promise<string | null>,
  body: (db: TestDatabase) => void,
): void {
  describe(title, function () {
    let knex: Knex | undefined;
    let url: string | undefined;
    const db: TestDatabase = {
      knex: () => knex ?? notReady(title),
      url: () => url ?? notReady(title),
    };

    before(async function () {
      this.timeout(POSTGRES_START_TIMEOUT_MS);
      const resolved = await resolveUrl();
      if (resolved === null) this.skip();
      url = resolved;
      knex = createKnex(resolved);
      await migrateLatest(knex);
    });

    beforeEach(async function () {
      await truncateAll(db.knex());
    });

    after(async function () {
      await knex?.destroy();
      knex = undefined;
    });

    body(db);
  });
}

function notReady(title: string): never {
  throw new Error(`${title}: the database is only available inside hooks and tests`);
}
