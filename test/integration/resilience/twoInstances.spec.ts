import type { RunningServer } from '../../../src/main/server.js';
import { expect } from '../../support/chai.js';
import { describeEachDatabase } from '../../support/databases.js';
import { request, startTestServer, type RequestOptions } from '../../support/server.js';
import { expectFail } from '../../support/answers.js';

const TOO_MANY = { status: 'fail', message: 'Too many attempts. Try again later.' };
const REVOKED = 'Token blacklisted. Please log in again.';
/** The contract's window is 15 minutes: a fresh one has (almost) all of it left. */
const FRESH_WINDOW_SECONDS = [890, 900] as const;
const LIMITS = { LOGIN_MAX_FAILURES: '3', AUTH_MAX_REQUESTS: '4', TRUST_PROXY: '1' };

/**
 * Two instances of the service on one database, as behind a load balancer: whatever one of them
 * learns (a logout, a failed login) the other honours on its very next request, because both
 * keep that state in the database only.
 */
describeEachDatabase('two instances on one database', (db) => {
  const instances: RunningServer[] = [];

  before(async function () {
    instances.push(await startTestServer(db.url(), LIMITS));
    instances.push(await startTestServer(db.url(), LIMITS));
  });

  after(async function () {
    await Promise.all(instances.splice(0).map((instance) => instance.close()));
  });

  /** A request to instance 0 or 1. */
  const on = (index: 0 | 1, method: string, path: string, options?: RequestOptions) => {
    const instance = instances[index];
    if (instance === undefined) throw new Error('the instances run only inside tests');
    return request(instance.url, method, path, options);
  };
  const register = (index: 0 | 1, client: string, email: string) =>
    on(index, 'POST', '/api/v1/auth/register', {
      json: { email, password: 'password1' },
      headers: { 'X-Forwarded-For': client },
    });

  it('a logout on one instance is refused at once by the other', async function () {
    const registered = await register(0, '10.1.0.1', 'alice@example.com');
    expect(registered.status).to.equal(201);
    const token = registered.json.access_token as string;
    expect((await on(1, 'GET', '/api/v1/auth/user', { token })).status).to.equal(200);

    const logout = await on(0, 'POST', '/api/v1/auth/logout', { token });
    expect(logout.status).to.equal(200);

    for (const [method, path] of [
      ['GET', '/api/v1/auth/user'],
      ['POST', '/api/v1/auth/logout'],
    ] as const) {
      const refused = await on(1, method, path, { token });
      expectFail(refused, 401, REVOKED, { what: `${method} ${path}` });
      expect(refused.headers.get('www-authenticate')).to.equal(
        `Bearer realm="gatehouse", error="invalid_token", error_description="${REVOKED}"`,
      );
    }
  });

  it('a password change or a logout everywhere on one instance is honoured at once by the other', async function () {
    const registered = await register(0, '10.4.0.1', 'carol@example.com');
    const before = registered.json.access_token as string;
    expect((await on(1, 'GET', '/api/v1/auth/user', { token: before })).status).to.equal(200);

    const changed = await on(0, 'POST', '/api/v1/auth/password', {
      token: before,
      json: { current_password: 'password1', new_password: 'password2' },
    });
    expect(changed.status).to.equal(200);
    const fresh = changed.json.access_token as string;
    const refused = await on(1, 'GET', '/api/v1/auth/user', { token: before });
    expectFail(refused, 401, REVOKED);
    expect((await on(1, 'GET', '/api/v1/auth/user', { token: fresh })).status).to.equal(200);

    expect((await on(1, 'POST', '/api/v1/auth/logout-all', { token: fresh })).status).to.equal(200);
    const after = await on(0, 'GET', '/api/v1/auth/user', { token: fresh });
    expectFail(after, 401, REVOKED);
  });

  it('failed logins for one account, split across the instances, reach the limit together', async function () {
    expect((await register(0, '10.2.0.1', 'victim@example.com')).status).to.equal(201);
    // A new client address each time: only the per-account limit is in play.
    const attempt = (index: 0 | 1, password: string, client: string) =>
      on(index, 'POST', '/api/v1/auth/login', {
        json: { email: 'victim@example.com', password },
        headers: { 'X-Forwarded-For': client },
      });
    expect((await attempt(0, 'wrong-password', '10.2.1.1')).status).to.equal(401);
    expect((await attempt(1, 'wrong-password', '10.2.1.2')).status).to.equal(401);
    expect((await attempt(0, 'wrong-password', '10.2.1.3')).status).to.equal(401);

    for (const [index, client] of [
      [1, '10.2.1.4'],
      [0, '10.2.1.5'],
    ] as const) {
      const limited = await attempt(index, 'password1', client); // even the right password
      expect([limited.status, limited.json], `instance ${index}`).to.deep.equal([429, TOO_MANY]);
      expect(Number(limited.headers.get('retry-after'))).to.be.within(...FRESH_WINDOW_SECONDS);
    }
  });

  it('login and register requests from one client address, split across the instances, reach the limit together', async function () {
    const client = '10.3.0.1';
    expect((await register(0, client, 'one@example.com')).status).to.equal(201);
    expect((await register(1, client, 'two@example.com')).status).to.equal(201);
    expect((await register(0, client, 'three@example.com')).status).to.equal(201);
    const login = await on(1, 'POST', '/api/v1/auth/login', {
      json: { email: 'one@example.com', password: 'password1' },
      headers: { 'X-Forwarded-For': client },
    });
    expect(login.status).to.equal(200);

    for (const index of [0, 1] as const) {
      const limited = await register(index, client, `late${index}@example.com`);
      expect([limited.status, limited.json], `instance ${index}`).to.deep.equal([429, TOO_MANY]);
      expect(Number(limited.headers.get('retry-after'))).to.be.within(...FRESH_WINDOW_SECONDS);
    }
    const late = await db.knex()('users').where('email', 'like', 'late%').pluck('email');
    expect(late).to.deep.equal([]);
    // Another client is not held back by that one.
    expect((await register(1, '10.3.0.2', 'other@example.com')).status).to.equal(201);
  });
});
