import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Knex } from 'knex';
import { pino } from 'pino';
import { createKnex, knexLogger } from '../../../src/adapters/persistence/knex/createKnex.js';
import { isDatabaseUnavailable } from '../../../src/adapters/persistence/knex/databaseUnavailable.js';
import { expect } from '../../support/chai.js';
import { resolvePostgresUrl, sqliteUrl } from '../../support/databases.js';

/** createKnex's bounds: 2 s to open a connection, 3 s to get one from the pool. */
const CONNECT_TIMEOUT_MS = 2_000;
const ACQUIRE_TIMEOUT_MS = 3_000;
/** Timers fire late on a busy machine. */
const SLACK_MS = 500;
const quiet = knexLogger(pino({ level: 'silent' }));

interface Failure {
  error: unknown;
  ms: number;
}

/** How `select 1` fails, and after how long; a query that succeeds fails the test. */
async function failureOf(query: Promise<unknown>): Promise<Failure> {
  const started = performance.now();
  try {
    await query;
  } catch (error) {
    return { error, ms: performance.now() - started };
  }
  return expect.fail('the query succeeded');
}

async function listen(server: Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

/**
 * Which failures the persistence adapter calls "the database cannot be reached" (the HTTP layer
 * answers those 503, everything else 500), and how long the pg pool takes to give up — with the
 * real driver, against real sockets.
 */
describe('database unavailability, as the Knex adapter classifies it', function () {
  this.timeout(20_000);

  let knex: Knex | undefined;
  afterEach(async function () {
    await knex?.destroy();
    knex = undefined;
  });

  it('a refused connection is unavailability, reported at once', async function () {
    const closed = createServer();
    const port = await listen(closed);
    closed.close(); // nothing listens there any more
    knex = createKnex(`postgres://postgres@127.0.0.1:${port}/gatehouse`, quiet);

    const { error, ms } = await failureOf(knex.raw('select 1'));

    expect((error as { code?: unknown }).code).to.equal('ECONNREFUSED');
    expect(isDatabaseUnavailable(error)).to.equal(true);
    expect(ms).to.be.below(SLACK_MS);
  });

  it('a server that accepts but never answers fails every caller within the connect and acquire timeouts', async function () {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    const port = await listen(silent);
    knex = createKnex(`postgres://postgres@127.0.0.1:${port}/gatehouse`, quiet);
    try {
      // More callers than the pool has connections (10): the rest wait for a slot instead.
      const failures = await Promise.all(
        Array.from({ length: 12 }, () => failureOf(knex!.raw('select 1'))),
      );

      for (const { error } of failures) expect(isDatabaseUnavailable(error)).to.equal(true);
      const times = failures.map((failure) => failure.ms).sort((a, b) => a - b);
      expect(times[0]).to.be.at.least(CONNECT_TIMEOUT_MS - 50);
      expect(times.at(-1)).to.be.below(ACQUIRE_TIMEOUT_MS + SLACK_MS);
      const names = failures.map(({ error }) => (error as Error).name);
      expect(names).to.include('KnexTimeoutError');
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });

  describe('[postgres]', function () {
    let url: string | null = null;
    before(async function () {
      url = await resolvePostgresUrl();
      if (url === null) this.skip();
    });

    it('a database that does not exist is unavailability', async function () {
      const missing = new URL(url!);
      missing.pathname = `/gh_fault_missing_${randomBytes(6).toString('hex')}`;
      knex = createKnex(missing.href, quiet);

      const { error } = await failureOf(knex.raw('select 1'));

      expect((error as { code?: unknown }).code).to.equal('3D000');
      expect(isDatabaseUnavailable(error)).to.equal(true);
    });

    it('a failing statement is not', async function () {
      knex = createKnex(url!, quiet);
      const syntax = await failureOf(knex.raw('selec 1'));
      const missingTable = await failureOf(knex.raw('select * from no_such_table_here'));
      const divide = await failureOf(knex.raw('select 1 / 0'));

      for (const { error } of [syntax, missingTable, divide]) {
        expect(isDatabaseUnavailable(error), String(error)).to.equal(false);
      }
    });
  });

  it('SQLite failures are not: a failing statement or a broken constraint stays a 500', async function () {
    knex = createKnex(sqliteUrl(), quiet);
    await knex.schema.createTable('keys', (table) => table.string('key').primary());
    await knex('keys').insert({ key: 'one' });

    const duplicate = await failureOf(knex('keys').insert({ key: 'one' }));
    const syntax = await failureOf(knex.raw('selec 1'));

    for (const { error } of [duplicate, syntax]) {
      expect(isDatabaseUnavailable(error), String(error)).to.equal(false);
    }
  });
});
