import { TOKENS } from '../../../src/main/container.js';
import type { RunningServer } from '../../../src/main/server.js';
import { expect } from '../../support/chai.js';
import { sqliteUrl } from '../../support/databases.js';
import { describeWithRedis } from '../../support/redis.js';
import { request, startTestServer } from '../../support/server.js';

const TOO_MANY = { status: 'fail', message: 'Too many attempts. Try again later.' };
const UNAVAILABLE = { status: 'fail', message: 'Service unavailable' };
const credentials = { email: 'alice@example.com', password: 'password1' };

describeWithRedis('login and register counted in Redis', (redis) => {
  let server: RunningServer | undefined;
  const url = () => server?.url ?? '';

  beforeEach(async () => {
    server = await startTestServer(sqliteUrl(), {
      RATE_LIMIT_STORE: 'redis',
      REDIS_URL: redis.url(),
      REDIS_KEY_PREFIX: redis.prefix(),
      LOGIN_MAX_FAILURES: '2',
      AUTH_MAX_REQUESTS: '4',
    });
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('answers 429 past the limits, with the counters in Redis and none in the database', async () => {
    const register = await request(url(), 'POST', '/api/v1/auth/register', { json: credentials });
    expect(register.status).to.equal(201);
    const wrong = { ...credentials, password: 'wrong-password' };
    for (let i = 0; i < 2; i += 1) {
      expect((await request(url(), 'POST', '/api/v1/auth/login', { json: wrong })).status).to.equal(
        401,
      );
    }
    const locked = await request(url(), 'POST', '/api/v1/auth/login', { json: credentials });
    expect([locked.status, locked.json]).to.deep.equal([429, TOO_MANY]);
    expect(Number(locked.headers.get('retry-after'))).to.be.within(890, 900);

    // Four requests from this address so far: the fifth is over AUTH_MAX_REQUESTS.
    const fifth = await request(url(), 'POST', '/api/v1/auth/register', {
      json: { email: 'bob@example.com', password: 'password1' },
    });
    expect([fifth.status, fifth.json]).to.deep.equal([429, TOO_MANY]);

    const keys = (await redis.client().keys(`${redis.prefix()}*`)).sort();
    expect(keys).to.deep.equal([
      `${redis.prefix()}attempts:client:127.0.0.1`,
      `${redis.prefix()}attempts:login:alice@example.com`,
    ]);
    const knex = server?.container.get(TOKENS.Knex);
    expect(await knex?.('auth_attempts').count({ n: '*' })).to.deep.equal([{ n: 0 }]);
  });

  it('is ready when the database and Redis answer', async () => {
    const ready = await request(url(), 'GET', '/health/ready');
    expect([ready.status, ready.json]).to.deep.equal([200, { status: 'ok' }]);
  });
});

describe('Redis down, with the counters in Redis', () => {
  let server: RunningServer;
  let token: string;
  const databaseUrl = sqliteUrl();

  before(async () => {
    // An account registered while the counters were in the database.
    const before = await startTestServer(databaseUrl);
    try {
      const registered = await request(before.url, 'POST', '/api/v1/auth/register', {
        json: credentials,
      });
      token = String(registered.json.access_token);
    } finally {
      await before.close();
    }
    // Port 1: nothing listens there, so every connection is refused.
    server = await startTestServer(databaseUrl, {
      RATE_LIMIT_STORE: 'redis',
      REDIS_URL: 'redis://127.0.0.1:1',
      LOGIN_MAX_FAILURES: '10',
      AUTH_MAX_REQUESTS: '100',
    });
  });
  after(async () => {
    await server.close();
  });

  it('answers login and register 503 at once, failing closed', async () => {
    const started = Date.now();
    const login = await request(server.url, 'POST', '/api/v1/auth/login', { json: credentials });
    const register = await request(server.url, 'POST', '/api/v1/auth/register', {
      json: { email: 'bob@example.com', password: 'password1' },
    });
    expect([login.status, login.json]).to.deep.equal([503, UNAVAILABLE]);
    expect([register.status, register.json]).to.deep.equal([503, UNAVAILABLE]);
    expect(Date.now() - started).to.be.below(3000);
  });

  it('serves everything else', async () => {
    const live = await request(server.url, 'GET', '/health/live');
    expect(live.status).to.equal(200);
    const me = await request(server.url, 'GET', '/api/v1/auth/user', { token });
    expect([me.status, me.json.email]).to.deep.equal([200, credentials.email]);
    const logout = await request(server.url, 'POST', '/api/v1/auth/logout', { token });
    expect(logout.status).to.equal(200);
  });

  it('says on /health/ready that Redis is the dependency down', async () => {
    const ready = await request(server.url, 'GET', '/health/ready');
    expect([ready.status, ready.json]).to.deep.equal([
      503,
      { ...UNAVAILABLE, checks: { database: 'up', redis: 'down' } },
    ]);
  });
});
