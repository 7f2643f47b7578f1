import { pino } from 'pino';
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

interface LogLine {
  level: number;
  time: number;
  msg: string;
  audit?: boolean;
  event?: string;
  public_id?: string | null;
  ip?: string | null;
  requestId?: string;
}

/**
 * The log lines the server writes, read back: a pino logger at `info` (the production default)
 * writing into memory, given to the server as its logger.
 */
describeEachDatabase('audit log over HTTP', (db) => {
  const written: string[] = [];
  let running: RunningServer | undefined;

  before(async function () {
    const logger = pino({ level: 'info' }, { write: (line: string) => written.push(line) });
    running = await startTestServer(db.url(), { TRUST_PROXY: '1' }, logger);
  });

  after(async function () {
    await running?.close();
    running = undefined;
  });

  beforeEach(function () {
    written.length = 0;
  });

  /** A request from `client` (TRUST_PROXY: the address X-Forwarded-For names). */
  const from = (client: string, method: string, path: string, options: RequestOptions = {}) => {
    if (running === undefined) throw new Error('the server runs only inside tests');
    const headers = { ...options.headers, 'X-Forwarded-For': client };
    return request(running.url, method, path, { ...options, headers });
  };
  const auditLines = () =>
    written.map((line) => JSON.parse(line) as LogLine).filter((line) => line.audit === true);
  const publicIdOf = async (email: string) =>
    ((await db.knex()('users').where({ email }).first()) as { public_id: string }).public_id;
  const hashes = async () => (await db.knex()('users').pluck('password_hash')) as string[];

  it('writes one line per account or session event: event, public_id, client address, request id and time, and nothing secret', async function () {
    const started = Date.now();
    const seenHashes = new Set<string>();
    const tokens: string[] = [];
    const expected: Array<Pick<LogLine, 'event' | 'public_id' | 'ip' | 'requestId'>> = [];
    const expectLine = (reply: Reply, event: string, publicId: string | null, ip: string) => {
      expected.push({
        event,
        public_id: publicId,
        ip,
        requestId: reply.headers.get('x-request-id') ?? '',
      });
    };
    const keep = async (reply: Reply) => {
      if (typeof reply.json?.access_token === 'string') tokens.push(reply.json.access_token);
      for (const hash of await hashes()) seenHashes.add(hash);
      return reply;
    };

    const registered = await keep(
      await from('203.0.113.1', 'POST', '/api/v1/auth/register', {
        json: { email: 'alice@example.com', password: 'first-secret-1' },
      }),
    );
    expect(registered.status).to.equal(201);
    const alice = await publicIdOf('alice@example.com');
    expectLine(registered, 'register', alice, '203.0.113.1');

    const loggedIn = await keep(
      await from('203.0.113.2', 'POST', '/api/v1/auth/login', {
        form: { email: 'alice@example.com', password: 'first-secret-1' },
      }),
    );
    expect(loggedIn.status).to.equal(200);
    expectLine(loggedIn, 'login_success', alice, '203.0.113.2');

    const wrong = await from('203.0.113.3', 'POST', '/api/v1/auth/login', {
      json: { email: 'alice@example.com', password: 'wrong-secret-3' },
    });
    expect(wrong.status).to.equal(401);
    expectLine(wrong, 'login_failure', alice, '203.0.113.3');

    const unknown = await from('203.0.113.4', 'POST', '/api/v1/auth/login', {
      json: { email: 'nobody@example.com', password: 'unknown-secret-4' },
    });
    expect(unknown.status).to.equal(401);
    expectLine(unknown, 'login_failure', null, '203.0.113.4');

    const loggedOut = await from('203.0.113.5', 'POST', '/api/v1/auth/logout', {
      token: loggedIn.json.access_token,
    });
    expect(loggedOut.status).to.equal(200);
    expectLine(loggedOut, 'logout', alice, '203.0.113.5');

    const changed = await keep(
      await from('203.0.113.6', 'POST', '/api/v1/auth/password', {
        token: registered.json.access_token,
        json: { current_password: 'first-secret-1', new_password: 'second-secret-6' },
        headers: { 'X-Request-Id': 'client-chosen.id-6' },
      }),
    );
    expect(changed.status).to.equal(200);
    expect(changed.headers.get('x-request-id')).to.equal('client-chosen.id-6');
    expectLine(changed, 'password_change', alice, '203.0.113.6');

    const everywhere = await from('203.0.113.7', 'POST', '/api/v1/auth/logout-all', {
      token: changed.json.access_token,
    });
    expect(everywhere.status).to.equal(200);
    expectLine(everywhere, 'logout_all', alice, '203.0.113.7');

    const lines = auditLines();
    expect(
      lines.map(({ event, public_id, ip, requestId }) => ({ event, public_id, ip, requestId })),
    ).to.deep.equal(expected);
    for (const line of lines) {
      expect(line).to.include({ level: 30, msg: 'audit' });
      expect(line.time).to.be.within(started, Date.now());
    }

    const everything = written.join('');
    const secrets = [
      'first-secret-1',
      'wrong-secret-3',
      'unknown-secret-4',
      'second-secret-6',
      TEST_SECRET,
      ...tokens,
      ...seenHashes,
    ];
    expect(seenHashes.size).to.equal(2);
    expect(tokens).to.have.length(3);
    for (const secret of secrets) {
      expect(everything.includes(secret), `the log holds ${secret.slice(0, 12)}…`).to.equal(false);
      // Nor any token's signature or payload on its own.
      for (const part of secret.split('.').filter((p) => p.length > 20)) {
        expect(everything.includes(part)).to.equal(false);
      }
    }
  });

  it('writes no audit line for a request refused before any account was touched', async function () {
    const registered = await from('203.0.113.8', 'POST', '/api/v1/auth/register', {
      json: { email: 'bob@example.com', password: 'bob-secret-8' },
    });
    written.length = 0;
    const refusals = await Promise.all([
      from('203.0.113.9', 'POST', '/api/v1/auth/register', {
        json: { email: 'bob@example.com', password: 'bob-secret-9' },
      }),
      from('203.0.113.9', 'POST', '/api/v1/auth/login', { json: { email: 'bob' } }),
      from('203.0.113.9', 'POST', '/api/v1/auth/password', {
        token: registered.json.access_token,
        json: { current_password: 'bob-secret-8', new_password: 'short' },
      }),
      from('203.0.113.9', 'POST', '/api/v1/auth/logout-all', { token: 'forged' }),
    ]);
    expect(refusals.map((reply) => reply.status)).to.deep.equal([409, 400, 400, 401]);
    expect(auditLines()).to.deep.equal([]);
    // The access log still saw every request.
    expect(written.map((line) => (JSON.parse(line) as LogLine).msg)).to.deep.equal(
      Array(4).fill('request'),
    );
  });
});
