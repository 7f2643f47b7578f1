import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { createKnex, databaseKind } from '../../../src/adapters/persistence/knex/createKnex.js';
import {
  migrateLatest,
  migrateRollback,
  migrationSource,
  migrationStatus,
} from '../../../src/adapters/persistence/knex/migrations/index.js';
import { expect } from '../../support/chai.js';
import { describeEachDatabase, listTables } from '../../support/databases.js';

const UNSUPPORTED = 'Unsupported DATABASE_URL: expected postgres://… or sqlite:<file>';

describeEachDatabase('migrations', function (db) {
  let allMigrations: string[];

  before(async function () {
    allMigrations = await migrationSource.getMigrations([]);
  });

  afterEach(async function () {
    await migrateLatest(db.knex());
  });

  it('leaves nothing pending once migrated to latest', async function () {
    await migrateLatest(db.knex());
    expect(await migrationStatus(db.knex())).to.deep.equal({
      completed: allMigrations,
      pending: [],
    });
  });

  it('applies nothing when migrating to latest again', async function () {
    expect(await migrateLatest(db.knex())).to.deep.equal([]);
  });

  it('drops every table on rolling everything back, and re-creates them', async function () {
    const knex = db.knex();
    await migrateRollback(knex, true);
    expect(await listTables(knex)).to.deep.equal([]);
    expect(await migrationStatus(knex)).to.deep.equal({ completed: [], pending: allMigrations });

    expect(await migrateLatest(knex)).to.deep.equal(allMigrations);
    expect(await listTables(knex)).to.deep.equal([
      'auth_attempts',
      'refresh_families',
      'refresh_tokens',
      'revoked_tokens',
      'users',
      'widget_counts',
      'widgets',
    ]);
  });

  describe('the widget counter', function () {
    const COUNTS = '20261124000300_widget_counts';

    async function addWidgetsByHand(knex: Knex, count: number, prefix: string): Promise<void> {
      const owner = randomUUID();
      await knex('users').insert({
        public_id: owner,
        email: `${prefix}@example.com`,
        password_hash: 'not-a-hash',
        admin: false,
        registered_on: new Date(),
      });
      const rows = Array.from({ length: count }, (_, i) => ({
        name: `${prefix}-${i}`,
        info_url: 'https://www.example.com/info',
        deadline: new Date('2031-05-13T23:59:59.999Z'),
        created_at: new Date(),
        owner_id: owner,
      }));
      await knex('widgets').insert(rows);
    }

    async function counter(knex: Knex): Promise<number[]> {
      return (await knex('widget_counts').pluck('total')).map(Number);
    }

    it('starts from the widgets already stored, then follows every insert', async function () {
      const knex = db.knex();
      await migrateUpToBefore(knex, COUNTS);
      await addWidgetsByHand(knex, 3, 'before');

      await knex.migrate.up({ migrationSource });
      expect((await migrationStatus(knex)).completed).to.include(COUNTS);
      expect(await counter(knex)).to.deep.equal([3]);
      await addWidgetsByHand(knex, 2, 'after');
      expect(await counter(knex)).to.deep.equal([5]);
    });

    it('rolls back to no table, no trigger and no function, widgets still writable', async function () {
      const knex = db.knex();
      await migrateUpToBefore(knex, COUNTS);
      await knex.migrate.up({ migrationSource });
      await knex.migrate.down({ migrationSource });

      expect((await migrationStatus(knex)).pending[0]).to.equal(COUNTS);
      expect(await knex.schema.hasTable('widget_counts')).to.equal(false);
      expect(await triggersOn(knex, 'widgets')).to.deep.equal([]);
      if (knex.client.config.client === 'pg') {
        const functions = await knex('pg_proc').where({ proname: 'widget_counts_track' });
        expect(functions).to.deep.equal([]);
      }
      await addWidgetsByHand(knex, 2, 'after');
      expect(await knex('widgets').delete()).to.equal(2);
    });
  });

  describe('the token generation', function () {
    const GENERATION = '20261203000000_token_generation';

    it('starts existing users at generation 0, and rolls back to the users table as it was', async function () {
      const knex = db.knex();
      // Whatever comes after it: one step up, then one step down, is this migration alone.
      await migrateUpToBefore(knex, GENERATION);
      expect(await knex.schema.hasColumn('users', 'token_generation')).to.equal(false);
      await knex('users').insert({
        public_id: randomUUID(),
        email: 'before@example.com',
        password_hash: 'not-a-hash',
        admin: false,
        registered_on: new Date(),
      });

      await knex.migrate.up({ migrationSource });
      expect((await migrationStatus(knex)).completed.at(-1)).to.equal(GENERATION);
      expect(await knex('users').pluck('token_generation')).to.deep.equal([0]);

      await knex.migrate.down({ migrationSource });
      expect(await knex.schema.hasColumn('users', 'token_generation')).to.equal(false);
      expect(await knex('users').pluck('email')).to.deep.equal(['before@example.com']);
      // The case-insensitive unique index on email survived the column's removal.
      await expect(
        knex('users').insert({
          public_id: randomUUID(),
          email: 'BEFORE@example.com',
          password_hash: 'not-a-hash',
          admin: false,
          registered_on: new Date(),
        }),
      ).to.be.rejected;
    });
  });
});

/** Rolls everything back, then migrates up to (not including) `name`. */
async function migrateUpToBefore(knex: Knex, name: string): Promise<void> {
  await migrateRollback(knex, true);
  for (;;) {
    const { pending } = await migrationStatus(knex);
    if (pending[0] === name) return;
    if (pending.length === 0) throw new Error(`${name} is not pending`);
    await knex.migrate.up({ migrationSource });
  }
}

async function triggersOn(knex: Knex, table: string): Promise<string[]> {
  if (knex.client.config.client === 'pg') {
    return knex('pg_trigger')
      .whereRaw('tgrelid = ?::regclass', [table])
      .andWhere({ tgisinternal: false })
      .pluck('tgname');
  }
  return knex('sqlite_master').where({ type: 'trigger', tbl_name: table }).pluck('name');
}

describe('createKnex', function () {
  it('rejects an unsupported URL with a one-line message that does not echo it', function () {
    for (const url of [
      'mysql://admin:s3cret-pw@db.example.com/app',
      'sqlite:',
      'gatehouse.db',
      '',
    ]) {
      expect(() => createKnex(url)).to.throw(Error, UNSUPPORTED);
      try {
        createKnex(url);
      } catch (error) {
        expect(error).to.be.instanceOf(Error).with.property('message', UNSUPPORTED);
      }
    }
  });

  it('recognises postgres and sqlite URLs', function () {
    expect(databaseKind('postgres://u:p@localhost:5432/db')).to.equal('postgres');
    expect(databaseKind('postgresql://localhost/db')).to.equal('postgres');
    expect(databaseKind('sqlite:./var/gatehouse.sqlite')).to.equal('sqlite');
    expect(databaseKind('sqlite:/tmp/gatehouse.sqlite')).to.equal('sqlite');
    expect(databaseKind('sqlite::memory:')).to.equal('sqlite');
  });

  describe('on SQLite', function () {
    let dir: string;

    beforeEach(function () {
      dir = mkdtempSync(join(tmpdir(), 'gatehouse-createknex-'));
    });

    afterEach(function () {
      rmSync(dir, { recursive: true, force: true });
    });

    it('creates the missing parent directory and sets the connection pragmas', async function () {
      const file = join(dir, 'nested', 'deeper', 'gatehouse.sqlite');
      const knex = createKnex(`sqlite:${file}`);
      try {
        expect(await pragma(knex, 'foreign_keys')).to.equal(1);
        expect(await pragma(knex, 'busy_timeout')).to.equal(5000);
        expect(await pragma(knex, 'journal_mode')).to.equal('wal');
        expect(existsSync(file)).to.equal(true);
      } finally {
        await knex.destroy();
      }
    });

    it('opens an in-memory database', async function () {
      const knex = createKnex('sqlite::memory:');
      try {
        await migrateLatest(knex);
        expect(await migrationStatus(knex)).to.have.property('pending').that.is.empty;
        expect(await pragma(knex, 'foreign_keys')).to.equal(1);
      } finally {
        await knex.destroy();
      }
    });
  });
});

async function pragma(knex: ReturnType<typeof createKnex>, name: string): Promise<unknown> {
  const rows: Record<string, unknown>[] = await knex.raw(`PRAGMA ${name}`);
  const [row] = rows;
  return row === undefined ? undefined : Object.values(row)[0];
}
