import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { pino } from 'pino';
import { createKnex, knexLogger } from '../../../src/adapters/persistence/knex/createKnex.js';
import type { RunningServer } from '../../../src/main/server.js';
import { expect } from '../../support/chai.js';
import { resolvePostgresUrl } from '../../support/databases.js';
import { request, startTestServer, type Reply, type RequestOptions } from '../../support/server.js';
import { expectFail } from '../../support/answers.js';

const UNAVAILABLE = { status: 'fail', message: 'Service unavailable' };
const NOT_READY = {
  status: 'fail',
  message: 'Service unavailable',
  checks: { database: 'down' },
};
/** What a request may take while the database refuses connections. */
const FAIL_FAST_MS = 3_000;
/** The client gives up after this: a server that hangs fails the test instead of stalling it. */
const CLIENT_TIMEOUT_MS = 5_000;
const RECOVERY_DEADLINE_MS = 5_000;
const ADMIN_PASSWORD = 'admin password 1';

interface Timed {
  reply: Reply;
  ms: number;
}

/** The same server, with `postgres` (the maintenance database) as the database. */
function maintenanceUrl(url: string): string {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  return admin.href;
}

function withDatabase(url: string, database: string): string {
  const scoped = new URL(url);
  scoped.pathname = `/${database}`;
  return scoped.href;
}

function jti(token: string): string {
  const payload = token.split('.')[1] ?? '';
  return (JSON.parse(Buffer.from(payload, 'base64url').toString()) as { jti: string }).jti;
}

/**
 * The database goes away under a running server and comes back. The fault is real: Postgres is
 * told to refuse new sessions to the database and to end the existing ones. The database is one
 * this suite creates and drops, so ending its sessions touches no other suite's pool.
 */
describe('database faults [postgres]', function () {
  this.timeout(60_000);

  /** A connection to the maintenance database, and the database this suite made to break. */
  let fault: { admin: Knex; database: string } | undefined;
  let direct: Knex | undefined;
  let server: RunningServer | undefined;
  const logLines: string[] = [];

  const running = () => server ?? expect.fail('the server runs only inside tests');
  const sql = () => direct ?? expect.fail('the database exists only inside tests');
  const call = async (method: string, path: string, options: RequestOptions = {}) => {
    const started = performance.now();
    const reply = await request(running().url, method, path, {
      ...options,
      signal: AbortSignal.timeout(CLIENT_TIMEOUT_MS),
    });
    return { reply, ms: performance.now() - started };
  };
  const faulty = () => fault ?? expect.fail('the database exists only inside tests');
  const setAllowConnections = async (allow: boolean) => {
    const { admin, database } = faulty();
    await admin.raw(`ALTER DATABASE ?? ALLOW_CONNECTIONS ${allow ? 'true' : 'false'}`, [database]);
  };
  const endSessions = async () => {
    const { admin, database } = faulty();
    await admin.raw(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()',
      [database],
    );
  };

  before(async function () {
    const url = await resolvePostgresUrl(); // warns once per run when there is none
    if (url === null) this.skip();
    const admin = createKnex(maintenanceUrl(url));
    const database = `gh_fault_${randomBytes(6).toString('hex')}`;
    fault = { admin, database };
    await admin.raw('CREATE DATABASE ??', [database]);
    const faultUrl = withDatabase(url, database);
    // Its own connections are ended too: it reconnects quietly, as the server's pool does.
    direct = createKnex(faultUrl, knexLogger(pino({ level: 'silent' })));
    const logger = pino({ level: 'error' }, { write: (line: string) => logLines.push(line) });
    server = await startTestServer(faultUrl, {}, logger);
  });

  after(async function () {
    await server?.close();
    await direct?.destroy();
    if (fault !== undefined) {
      await fault.admin.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [fault.database]);
      await fault.admin.destroy();
    }
    fault = undefined;
  });

  it('answers 503 fast while the database refuses connections, then recovers with every acknowledged write', async function () {
    // Writes acknowledged before the fault: two accounts, an admin's widget, a logout.
    const registered = await call('POST', '/api/v1/auth/register', {
      json: { email: 'admin@example.com', password: ADMIN_PASSWORD },
    });
    expect(registered.reply.status).to.equal(201);
    await sql()('users').where({ email: 'admin@example.com' }).update({ admin: true });
    const adminToken = registered.reply.json.access_token as string;
    const widget = await call('POST', '/api/v1/widgets', {
      token: adminToken,
      json: { name: 'before-fault', info_url: 'https://www.example.com', deadline: '2099-01-01' },
    });
    expect(widget.reply.status).to.equal(201);
    const bob = await call('POST', '/api/v1/auth/register', {
      json: { email: 'bob@example.com', password: 'bob password 1' },
    });
    expect(bob.reply.status).to.equal(201);
    const bobToken = bob.reply.json.access_token as string;
    expect((await call('POST', '/api/v1/auth/logout', { token: bobToken })).reply.status).to.equal(
      200,
    );

    await setAllowConnections(false);
    await endSessions();

    const needingTheDatabase: Array<[string, string, RequestOptions]> = [
      ['GET', '/api/v1/auth/user', { token: adminToken }],
      // A revoked token must not get through while revocations cannot be read.
      ['GET', '/api/v1/auth/user', { token: bobToken }],
      ['POST', '/api/v1/auth/logout', { token: adminToken }],
      ['POST', '/api/v1/auth/register', { json: { email: 'c@example.com', password: 'pw123456' } }],
      ['POST', '/api/v1/auth/login', { json: { email: 'admin@example.com', password: 'x' } }],
      ['GET', '/api/v1/widgets', { token: adminToken }],
      ['GET', '/api/v1/widgets/before-fault', { token: adminToken }],
      ['DELETE', '/api/v1/widgets/before-fault', { token: adminToken }],
    ];
    const during: Timed[] = [];
    for (const [method, path, options] of needingTheDatabase) {
      const timed = await call(method, path, options);
      expect([timed.reply.status, timed.reply.json], `${method} ${path}`).to.deep.equal([
        503,
        UNAVAILABLE,
      ]);
      during.push(timed);
    }
    // A burst larger than the pool (10): none waits for a connection that will not come.
    const burst = await Promise.all(
      Array.from({ length: 15 }, () => call('GET', '/api/v1/auth/user', { token: adminToken })),
    );
    for (const timed of burst) expect(timed.reply.status).to.equal(503);
    during.push(...burst);
    const slowest = Math.max(...during.map((timed) => timed.ms));
    expect(slowest, 'slowest 503 (ms)').to.be.below(FAIL_FAST_MS);

    const ready = await call('GET', '/health/ready');
    expect([ready.reply.status, ready.reply.json]).to.deep.equal([503, NOT_READY]);
    expect(ready.ms).to.be.below(FAIL_FAST_MS);
    const live = await call('GET', '/health/live');
    expect([live.reply.status, live.reply.json]).to.deep.equal([200, { status: 'ok' }]);
    // What needs no database still answers as always.
    expect((await call('GET', '/api/v1/auth/user')).reply.status).to.equal(401);

    // Logged as the database's failure, with the driver's reason but no SQL or bound values.
    const logged = logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const unavailable = logged.filter((entry) => entry.msg === 'database unavailable');
    expect(unavailable).to.have.length(during.length);
    expect(unavailable.at(-1)?.err).to.deep.include({
      code: '55000',
      message: `database "${faulty().database}" is not currently accepting connections`,
    });
    expect(logLines.join('\n')).to.not.match(/example\.com|select |insert into/i);

    await setAllowConnections(true);
    const returned = performance.now();
    for (;;) {
      const probe = await call('GET', '/health/ready');
      if (probe.reply.status === 200) break;
      expect(performance.now() - returned, 'time to recover (ms)').to.be.below(
        RECOVERY_DEADLINE_MS,
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    // The same process serves again, and nothing acknowledged was lost.
    const me = await call('GET', '/api/v1/auth/user', { token: adminToken });
    expect([me.reply.status, me.reply.json.email]).to.deep.equal([200, 'admin@example.com']);
    const revoked = await call('GET', '/api/v1/auth/user', { token: bobToken });
    expectFail(revoked.reply, 401, 'Token blacklisted. Please log in again.');
    const login = await call('POST', '/api/v1/auth/login', {
      json: { email: 'bob@example.com', password: 'bob password 1' },
    });
    expect(login.reply.status).to.equal(200);
    const kept = await call('GET', '/api/v1/widgets/before-fault', { token: adminToken });
    expect([kept.reply.status, kept.reply.json.name]).to.deep.equal([200, 'before-fault']);

    const emails = await sql()('users').orderBy('email').pluck('email');
    expect(emails).to.deep.equal(['admin@example.com', 'bob@example.com']);
    expect(await sql()('widgets').pluck('name')).to.deep.equal(['before-fault']);
    expect(await sql()('revoked_tokens').pluck('token_id')).to.deep.equal([jti(bobToken)]);
  });
});
