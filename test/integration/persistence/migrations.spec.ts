import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKnex, databaseKind } from '../../../src/adapters/persistence/knex/createKnex.js';
import {
  migrateLatest,
  migrateRollback,
  migrationSource,
  migrationStatus,
} from '../../../src/adapters/persistence/knex/migrations/index.js';
import { expect } from '../../support/chai.js';
import { describeEachDatabase } from '../../support/databases.js';

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
    expect(await knex.schema.hasTable('users')).to.equal(false);
    expect(await knex.schema.hasTable('revoked_tokens')).to.equal(false);
    expect(await migrationStatus(knex)).to.deep.equal({ completed: [], pending: allMigrations });

    expect(await migrateLatest(knex)).to.deep.equal(allMigrations);
    expect(await knex.schema.hasTable('users')).to.equal(true);
    expect(await knex.schema.hasTable('revoked_tokens')).to.equal(true);
  });
});

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
