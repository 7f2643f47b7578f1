import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Knex } from 'knex';
import { pino } from 'pino';
import { HTTP_MESSAGES } from '../../../src/adapters/http/problems.js';
import { TOKENS } from '../../../src/main/container.js';
import type { RunningServer } from '../../../src/main/server.js';
import { expect } from '../../support/chai.js';
import { describeEachDatabase } from '../../support/databases.js';
import {
  request,
  startTestServer,
  TEST_SECRET,
  type Reply,
  type RequestOptions,
} from '../../support/server.js';
import { expectFail } from '../../support/answers.js';

const MISSING = 'Missing required parameter in the JSON body or the post body or the query string';
const INVALID = 'Invalid token. Please log in again.';
const REVOKED = 'Token blacklisted. Please log in again.';
const challenge = (message: string) =>
  `Bearer realm="gatehouse", error="invalid_token", error_description="${message}"`;
const ALICE = { email: 'alice@example.com', password: 'alice-password-1' };
const REFRESH_TOKEN = /^[A-Za-z0-9_-]{43}$/;
const THIRTY_DAYS = 2_592_000;
const TOKEN_KEYS = ['status', 'message', 'access_token', 'token_type', 'expires_in'];
const REFRESH_KEYS = [...TOKEN_KEYS, 'refresh_token', 'refresh_expires_in'];

interface Pair {
  access: string;
  refresh: string;
}

interface LogLine {
  msg: string;
  audit?: boolean;
  event?: string;
  public_id?: string | null;
  ip?: string | null;
  requestId?: string;
}

/**
 * One server of the suite: its settings, the log lines it writes (pino at `info`) and the SQL
 * its own Knex instance sends.
 */
class Server {
  readonly written: string[] = [];
  readonly statements: string[] = [];
  private running: RunningServer | undefined;

  constructor(readonly env: Record<string, string>) {}

  async start(databaseUrl: string): Promise<void> {
    const logger = pino({ level: 'info' }, { write: (line: string) => this.written.push(line) });
    this.running = await startTestServer(databaseUrl, this.env, logger);
    this.running.container
      .get<Knex>(TOKENS.Knex)
      .on('query', (query: { sql: string }) => this.statements.push(query.sql));
  }

  async close(): Promise<void> {
    await this.running?.close();
    this.running = undefined;
  }

  request(method: string, path: string, options?: RequestOptions): Promise<Reply> {
    if (this.running === undefined) throw new Error('the server runs only inside tests');
    return request(this.running.url, method, path, options);
  }

  auditLines(): LogLine[] {
    return this.written
      .map((line) => JSON.parse(line) as LogLine)
      .filter((line) => line.audit === true);
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Refresh tokens over HTTP, on each database: one server with them off (the default), and
 * servers with them on that differ in one setting each, all on the suite's database.
 */
describeEachDatabase('refresh tokens over HTTP', (db) => {
  const off = new Server({});
  /** The defaults: 30-day refresh tokens, 10 s of grace. */
  const on = new Server({ REFRESH_TOKENS: 'on', TRUST_PROXY: '1' });
  /** No grace: any reuse revokes the family. */
  const strict = new Server({
    REFRESH_TOKENS: 'on',
    REFRESH_REUSE_GRACE_SECONDS: '0',
    TRUST_PROXY: '1',
  });
  /** Refresh tokens that live one second. */
  const brief = new Server({ REFRESH_TOKENS: 'on', REFRESH_TOKEN_TTL_SECONDS: '1' });
  /** Two login/register requests per client address. */
  const limited = new Server({ REFRESH_TOKENS: 'on', AUTH_MAX_REQUESTS: '2' });
  const servers = [off, on, strict, brief, limited];

  before(async function () {
    for (const server of servers) await server.start(db.url());
  });

  after(async function () {
    await Promise.all(servers.map((server) => server.close()));
  });

  beforeEach(function () {
    for (const server of servers) {
      server.written.length = 0;
      server.statements.length = 0;
    }
  });

  const register = (server: Server, email = ALICE.email) =>
    server.request('POST', '/api/v1/auth/register', {
      json: { email, password: ALICE.password },
    });
  const logIn = (server: Server, email = ALICE.email) =>
    server.request('POST', '/api/v1/auth/login', { json: { email, password: ALICE.password } });
  const refresh = (server: Server, refreshToken: unknown, form = false) =>
    form
      ? server.request('POST', '/api/v1/auth/refresh', {
          form: { refresh_token: String(refreshToken) },
        })
      : server.request('POST', '/api/v1/auth/refresh', { json: { refresh_token: refreshToken } });

  function pairOf(reply: Reply, status = 200): Pair {
    expect(reply.status, JSON.stringify(reply.body)).to.equal(status);
    return {
      access: reply.json.access_token as string,
      refresh: reply.json.refresh_token as string,
    };
  }

  /** A registered alice, and the pair of a login of hers (a family of its own). */
  async function aliceLoggedIn(server: Server): Promise<Pair> {
    pairOf(await register(server), 201);
    return pairOf(await logIn(server));
  }

  async function expectRefreshRefused(server: Server, refreshToken: unknown, what = 'refresh') {
    const reply = await refresh(server, refreshToken);
    expectFail(reply, 401, INVALID, { what });
    expect(reply.headers.get('www-authenticate'), what).to.equal(challenge(INVALID));
  }

  async function expectAccepted(server: Server, access: string, what = 'access token') {
    const reply = await server.request('GET', '/api/v1/auth/user', { token: access });
    expect([reply.status, reply.json.email], what).to.deep.equal([200, ALICE.email]);
  }

  async function expectAccessRefused(server: Server, access: string, message: string, what = '') {
    const reply = await server.request('GET', '/api/v1/auth/user', { token: access });
    expectFail(reply, 401, message, { what });
    expect(reply.headers.get('www-authenticate'), what).to.equal(challenge(message));
  }

  /** Rows of `table` (Postgres counts in strings). */
  async function count(table: string, live = false): Promise<number> {
    const query = db.knex()(table);
    if (live) query.whereNull('spent_at');
    const [row] = (await query.count({ n: '*' })) as Array<{ n: number | string }>;
    return Number(row?.n);
  }

  /** The stored tokens of the family `refreshToken` belongs to, and whether it is revoked. */
  async function familyOf(refreshToken: string) {
    const knex = db.knex();
    const token = (await knex('refresh_tokens')
      .where({ token_hash: sha256(refreshToken) })
      .first()) as { family_id: string } | undefined;
    if (token === undefined) throw new Error('no such refresh token');
    const family = (await knex('refresh_families').where({ id: token.family_id }).first()) as {
      revoked_at: unknown;
    };
    const tokens = (await knex('refresh_tokens').where({ family_id: token.family_id })) as Array<{
      token_hash: string;
      spent_at: unknown;
    }>;
    const live = tokens.filter((row) => row.spent_at === null).map((row) => row.token_hash);
    return { revoked: family.revoked_at !== null, tokens: tokens.length, live };
  }

  describe('off (the default)', () => {
    it('answers register and login with the tutorial bodies, without refresh fields, and stores no refresh token', async () => {
      const registered = await register(off);
      expect(registered.status).to.equal(201);
      expect(Object.keys(registered.json)).to.deep.equal(TOKEN_KEYS);
      const loggedIn = await logIn(off);
      expect(loggedIn.status).to.equal(200);
      expect(Object.keys(loggedIn.json)).to.deep.equal(TOKEN_KEYS);
      expect(await count('refresh_tokens')).to.equal(0);
      expect(await count('refresh_families')).to.equal(0);
    });

    it('sends no statement to the refresh tables: register, login, password change', async () => {
      const pair = pairOf(await register(off), 201);
      expect((await logIn(off)).status).to.equal(200);
      const changed = await off.request('POST', '/api/v1/auth/password', {
        token: pair.access,
        json: { current_password: ALICE.password, new_password: 'alice-password-2' },
      });
      expect(Object.keys(changed.json)).to.deep.equal(TOKEN_KEYS);
      expect(off.statements.length).to.be.greaterThan(3);
      expect(off.statements.filter((sql) => /refresh_/.test(sql))).to.deep.equal([]);
    });

    it('still ends, at logout, the refresh token family of a session started while they were on', async () => {
      const pair = pairOf(await register(on), 201);

      const out = await off.request('POST', '/api/v1/auth/logout', { token: pair.access });

      expect(out.status).to.equal(200);
      const reply = await refresh(on, pair.refresh);
      expect([reply.status, reply.json.message]).to.deep.equal([401, INVALID]);
    });

    it('has no /api/v1/auth/refresh route: 404, as any unknown path', async () => {
      const reply = await refresh(off, 'x'.repeat(43));
      expectFail(reply, 404, HTTP_MESSAGES.notFound);
    });
  });

  describe('on', () => {
    it('adds refresh_token (43 base64url characters) and refresh_expires_in after expires_in to register and login answers, not cached', async () => {
      for (const reply of [await register(on), await logIn(on)]) {
        expect(Object.keys(reply.json)).to.deep.equal(REFRESH_KEYS);
        expect(reply.json.refresh_token).to.match(REFRESH_TOKEN);
        expect(reply.json.refresh_expires_in).to.equal(THIRTY_DAYS);
        expect(reply.json.expires_in).to.equal(900);
        expect(reply.headers.get('cache-control')).to.equal('no-store');
        expect(reply.headers.get('pragma')).to.equal('no-cache');
      }
    });

    it('costs authenticated requests nothing: the same statements as with refresh tokens off', async () => {
      const withRefresh = await aliceLoggedIn(on);
      const without = pairOf(await register(off, 'bob@example.com'), 201);
      on.statements.length = 0;
      off.statements.length = 0;
      await expectAccepted(on, withRefresh.access);
      const bob = await off.request('GET', '/api/v1/auth/user', { token: without.access });
      expect(bob.status).to.equal(200);
      expect(on.statements).to.deep.equal(off.statements);
    });

    it('stores only the SHA-256 of each refresh token, one family per login', async () => {
      const registered = pairOf(await register(on), 201);
      const loggedIn = pairOf(await logIn(on));
      const rows = (await db.knex()('refresh_tokens').select('*')) as Array<
        Record<string, unknown>
      >;
      expect(rows.map((row) => row.token_hash).sort()).to.deep.equal(
        [sha256(registered.refresh), sha256(loggedIn.refresh)].sort(),
      );
      const stored =
        JSON.stringify(await db.knex()('refresh_families').select('*')) + JSON.stringify(rows);
      for (const secret of [registered.refresh, loggedIn.refresh]) {
        expect(stored).not.to.include(secret);
      }
      expect(await count('refresh_families')).to.equal(2);
    });

    it('rotates: 200 `token refreshed` with a new pair, the new access token works, the old refresh token is spent', async () => {
      const first = await aliceLoggedIn(on);
      const reply = await refresh(on, first.refresh);
      expect(reply.status).to.equal(200);
      expect(Object.keys(reply.json)).to.deep.equal(REFRESH_KEYS);
      expect(reply.json).to.deep.include({
        status: 'success',
        message: 'token refreshed',
        token_type: 'bearer',
        expires_in: 900,
        refresh_expires_in: THIRTY_DAYS,
      });
      expect(reply.headers.get('cache-control')).to.equal('no-store');
      expect(reply.headers.get('pragma')).to.equal('no-cache');
      const second = pairOf(reply);
      expect(second.refresh).to.match(REFRESH_TOKEN);
      expect(second.refresh).not.to.equal(first.refresh);
      expect(second.access).not.to.equal(first.access);
      await expectAccepted(on, second.access);

      await expectRefreshRefused(on, first.refresh, 'the spent refresh token');
      // One family, its first token spent and the new one live.
      expect(await familyOf(second.refresh)).to.deep.equal({
        revoked: false,
        tokens: 2,
        live: [sha256(second.refresh)],
      });
      // A form body refreshes too, and the chain goes on.
      const third = pairOf(await refresh(on, second.refresh, true));
      await expectAccepted(on, third.access);
    });

    it('refuses a spent token within the grace with 401 and revokes nothing', async () => {
      const first = await aliceLoggedIn(on);
      const second = pairOf(await refresh(on, first.refresh));
      await expectRefreshRefused(on, first.refresh, 'reused within the grace');
      expect(await familyOf(second.refresh)).to.deep.include({ revoked: false });
      await expectAccepted(on, first.access, 'the first access token');
      await expectAccepted(on, second.access, 'the second access token');
      const third = pairOf(await refresh(on, second.refresh));
      await expectAccepted(on, third.access);
      expect(on.auditLines().map((line) => line.event)).to.deep.equal([
        'register',
        'login_success',
        'refresh',
        'refresh',
      ]);
    });

    it('of 8 concurrent refreshes with one token: exactly one 200 and seven 401, the winner keeps working, one live token in the family', async () => {
      const first = await aliceLoggedIn(on);
      const replies = await Promise.all(
        Array.from({ length: 8 }, () => refresh(on, first.refresh)),
      );
      const statuses = replies.map((reply) => reply.status).sort();
      expect(statuses).to.deep.equal([200, 401, 401, 401, 401, 401, 401, 401]);
      for (const loser of replies.filter((reply) => reply.status === 401)) {
        expect(loser.json).to.deep.equal({ status: 'fail', message: INVALID });
      }
      const winner = pairOf(replies.find((reply) => reply.status === 200) as Reply);
      expect(await familyOf(winner.refresh)).to.deep.equal({
        revoked: false,
        tokens: 2,
        live: [sha256(winner.refresh)],
      });
      // Live tokens in the whole table: the winner's, and the one of the register's own family.
      expect(await count('refresh_tokens', true)).to.equal(2);
      await expectAccepted(on, winner.access, "the winner's access token");
      const next = pairOf(await refresh(on, winner.refresh));
      await expectAccepted(on, next.access);
    });
  });

  describe('reuse past the grace (REFRESH_REUSE_GRACE_SECONDS=0)', () => {
    it('answers 401 and revokes the family: its live refresh token and its access tokens; the same user’s other login lives on', async () => {
      const first = await aliceLoggedIn(strict);
      const other = pairOf(await logIn(strict));
      const second = pairOf(await refresh(strict, first.refresh));
      await sleep(5); // past a grace of 0, whatever the clock's resolution

      await expectRefreshRefused(strict, first.refresh, 'the reused token');
      expect(await familyOf(second.refresh)).to.deep.equal({
        revoked: true,
        tokens: 2,
        live: [sha256(second.refresh)],
      });
      await expectRefreshRefused(strict, second.refresh, 'the family’s live token');
      await expectAccessRefused(strict, first.access, REVOKED, 'the login’s access token');
      await expectAccessRefused(strict, second.access, REVOKED, 'the refreshed access token');

      expect(await familyOf(other.refresh)).to.deep.include({ revoked: false });
      await expectAccepted(strict, other.access, 'the other login');
      const renewed = pairOf(await refresh(strict, other.refresh));
      await expectAccepted(strict, renewed.access, 'the other login, refreshed');
    });

    it('writes audit lines `refresh` and `refresh_reuse` with the user, client and request id, and no token or secret anywhere in the log', async () => {
      const first = await aliceLoggedIn(strict);
      const alice = (
        (await db.knex()('users').where({ email: ALICE.email }).first()) as { public_id: string }
      ).public_id;
      strict.written.length = 0;
      const headers = (client: string) => ({ 'X-Forwarded-For': client });
      const refreshed = await strict.request('POST', '/api/v1/auth/refresh', {
        json: { refresh_token: first.refresh },
        headers: headers('203.0.113.10'),
      });
      const second = pairOf(refreshed);
      await sleep(5);
      const reused = await strict.request('POST', '/api/v1/auth/refresh', {
        json: { refresh_token: first.refresh },
        headers: headers('203.0.113.11'),
      });
      expect(reused.status).to.equal(401);
      // A refused token that was never spent is no reuse: no audit line.
      await strict.request('POST', '/api/v1/auth/refresh', {
        json: { refresh_token: 'A'.repeat(43) },
        headers: headers('203.0.113.12'),
      });

      expect(
        strict.auditLines().map(({ event, public_id, ip, requestId }) => ({
          event,
          public_id,
          ip,
          requestId,
        })),
      ).to.deep.equal([
        {
          event: 'refresh',
          public_id: alice,
          ip: '203.0.113.10',
          requestId: refreshed.headers.get('x-request-id'),
        },
        {
          event: 'refresh_reuse',
          public_id: alice,
          ip: '203.0.113.11',
          requestId: reused.headers.get('x-request-id'),
        },
      ]);
      const everything = strict.written.join('');
      for (const secret of [
        first.access,
        first.refresh,
        second.access,
        second.refresh,
        sha256(first.refresh),
        sha256(second.refresh),
        ALICE.password,
        TEST_SECRET,
      ]) {
        expect(everything.includes(secret), `the log holds ${secret.slice(0, 12)}…`).to.equal(
          false,
        );
      }
    });
  });

  describe('sessions that end', () => {
    it('logout revokes its family: that refresh token, and the family’s other access tokens, get 401', async () => {
      const first = await aliceLoggedIn(on);
      const other = pairOf(await logIn(on));
      const second = pairOf(await refresh(on, first.refresh));
      const out = await on.request('POST', '/api/v1/auth/logout', { token: second.access });
      expect(out.status).to.equal(200);
      await expectRefreshRefused(on, second.refresh, 'the logged-out family');
      await expectAccessRefused(on, first.access, REVOKED, 'an older access token of the family');
      expect(await familyOf(second.refresh)).to.deep.include({ revoked: true });
      // Another login of the same user is another session.
      pairOf(await refresh(on, other.refresh));
    });

    it('logout-all makes every refresh token of the user 401', async () => {
      const first = await aliceLoggedIn(on);
      const other = pairOf(await logIn(on));
      const out = await on.request('POST', '/api/v1/auth/logout-all', { token: first.access });
      expect(out.status).to.equal(200);
      await expectRefreshRefused(on, first.refresh, 'this login');
      await expectRefreshRefused(on, other.refresh, 'the other login');
    });

    it('a password change makes every earlier refresh token 401 and answers a new pair that works', async () => {
      const first = await aliceLoggedIn(on);
      const other = pairOf(await logIn(on));
      const changed = await on.request('POST', '/api/v1/auth/password', {
        token: first.access,
        json: { current_password: ALICE.password, new_password: 'alice-password-2' },
      });
      expect(changed.status).to.equal(200);
      expect(Object.keys(changed.json)).to.deep.equal(REFRESH_KEYS);
      expect(changed.json).to.deep.include({
        message: 'password changed',
        refresh_expires_in: THIRTY_DAYS,
      });
      const fresh = pairOf(changed);
      expect(fresh.refresh).to.match(REFRESH_TOKEN);
      await expectRefreshRefused(on, first.refresh, 'the changing login');
      await expectRefreshRefused(on, other.refresh, 'the other login');
      await expectAccepted(on, fresh.access);
      const renewed = pairOf(await refresh(on, fresh.refresh));
      await expectAccepted(on, renewed.access);
    });

    it('deleting the account makes its refresh tokens 401 and takes their rows along', async () => {
      const first = await aliceLoggedIn(on);
      const other = pairOf(await logIn(on));
      const deleted = await on.request('DELETE', '/api/v1/auth/user', {
        token: first.access,
        json: { password: ALICE.password },
      });
      expect(deleted.status).to.equal(204);
      await expectRefreshRefused(on, first.refresh, 'this login');
      await expectRefreshRefused(on, other.refresh, 'the other login');
      expect(await count('refresh_tokens')).to.equal(0);
      expect(await count('refresh_families')).to.equal(0);
    });

    it('refuses a refresh token past its lifetime (REFRESH_TOKEN_TTL_SECONDS=1)', async () => {
      pairOf(await register(brief), 201);
      const reply = await logIn(brief);
      expect(reply.json.refresh_expires_in).to.equal(1);
      const pair = pairOf(reply);
      await sleep(1200);
      await expectRefreshRefused(brief, pair.refresh, 'the expired refresh token');
      // The access token (TOKEN_TTL_SECONDS is its own) still works.
      await expectAccepted(brief, pair.access);
    });
  });

  describe('requests', () => {
    it('answers 400 in the validation shape for a missing or non-string refresh_token', async () => {
      const failed = (message: string) => ({
        status: 'fail',
        message: 'Input payload validation failed',
        errors: { refresh_token: message },
      });
      const cases: Array<[RequestOptions, object]> = [
        [{ json: {} }, failed(MISSING)],
        [{ json: { refresh: 'x' } }, failed(MISSING)],
        [{ form: { email: 'x' } }, failed(MISSING)],
        [{ json: { refresh_token: 42 } }, failed('refresh_token must be a string')],
        [{ json: { refresh_token: ['a', 'b'] } }, failed('refresh_token must be a string')],
        [{ json: { refresh_token: { token: 'x' } } }, failed('refresh_token must be a string')],
        [{ json: { refresh_token: null } }, failed('refresh_token must be a string')],
        // A form field sent twice is a list, not a string.
        [
          {
            body: 'refresh_token=a&refresh_token=b',
            headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          },
          failed('refresh_token must be a string'),
        ],
      ];
      for (const [options, body] of cases) {
        const reply = await on.request('POST', '/api/v1/auth/refresh', options);
        expect([reply.status, reply.json], JSON.stringify(options)).to.deep.equal([400, body]);
      }
    });

    it('answers 401 `Invalid token…` for a malformed or unknown refresh token, with the challenge', async () => {
      const first = await aliceLoggedIn(on);
      for (const token of [
        '',
        'abc',
        `${first.refresh}=`,
        first.refresh.slice(1),
        `${first.refresh.slice(1)}+`,
        first.access,
        'B'.repeat(43),
      ]) {
        await expectRefreshRefused(on, token, JSON.stringify(token));
      }
      // None of them touched the real one.
      pairOf(await refresh(on, first.refresh));
    });

    it('does not count refreshes towards AUTH_MAX_REQUESTS, which keeps guarding login and register', async () => {
      const pair = pairOf(await register(limited), 201);
      pairOf(await logIn(limited));
      expect((await logIn(limited)).status).to.equal(429);
      let current = pair.refresh;
      for (let i = 0; i < 3; i += 1) current = pairOf(await refresh(limited, current)).refresh;
      expect((await register(limited, 'bob@example.com')).status).to.equal(429);
    });
  });
});
