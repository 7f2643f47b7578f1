import { expect } from '../../support/chai.js';
import { describeEachServer, type TestApi } from '../../support/server.js';

const TOO_MANY = { status: 'fail', message: 'Too many attempts. Try again later.' };

async function registerFrom(api: TestApi, client: string, email: string) {
  return api.request('POST', '/api/v1/auth/register', {
    json: { email, password: 'password1' },
    headers: { 'X-Forwarded-For': client },
  });
}

describeEachServer(
  'brute-force limits',
  (api) => {
    it('answers 429 with Retry-After once an account has had its failed logins', async () => {
      await registerFrom(api, '10.0.0.1', 'victim@example.com');
      const attempt = (password: string) =>
        api.request('POST', '/api/v1/auth/login', {
          json: { email: 'victim@example.com', password },
          headers: { 'X-Forwarded-For': '10.0.0.2' },
        });
      for (let i = 0; i < 3; i += 1) expect((await attempt('wrong-password')).status).to.equal(401);

      const limited = await attempt('password1');
      expect(limited.status).to.equal(429);
      expect(limited.json).to.deep.equal(TOO_MANY);
      const retryAfter = Number(limited.headers.get('retry-after'));
      expect(retryAfter).to.be.within(890, 900);
    });

    it('lets no more guesses through than the limit when they arrive all at once', async () => {
      await registerFrom(api, '10.0.3.1', 'burst@example.com');
      const replies = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          api.request('POST', '/api/v1/auth/login', {
            json: { email: 'burst@example.com', password: 'wrong-password' },
            headers: { 'X-Forwarded-For': `10.0.4.${i}` },
          }),
        ),
      );
      const statuses = replies.map((r) => r.status).sort();
      expect(statuses).to.deep.equal([401, 401, 401, 429, 429, 429, 429, 429, 429, 429, 429, 429]);
    });

    it('limits login and register requests per client address', async () => {
      const client = '10.0.1.1';
      for (let i = 0; i < 4; i += 1) {
        expect((await registerFrom(api, client, `user${i}@example.com`)).status).to.equal(201);
      }
      const login = await api.request('POST', '/api/v1/auth/login', {
        json: { email: 'user0@example.com', password: 'password1' },
        headers: { 'X-Forwarded-For': client },
      });
      expect(login.status).to.equal(200);

      const limited = await registerFrom(api, client, 'user9@example.com');
      expect(limited.status).to.equal(429);
      expect(limited.json).to.deep.equal(TOO_MANY);
      expect(Number(limited.headers.get('retry-after'))).to.be.within(890, 900);
      expect(await api.db.knex()('users').where({ email: 'user9@example.com' })).to.have.length(0);

      expect((await registerFrom(api, '10.0.1.2', 'other@example.com')).status).to.equal(201);
    });

    it('counts the address the proxy appended, whatever the client put before it', async () => {
      for (let i = 0; i < 5; i += 1) {
        const spoofed = `198.51.100.${i}, 10.0.2.1`;
        expect((await registerFrom(api, spoofed, `spoof${i}@example.com`)).status).to.equal(201);
      }
      const limited = await registerFrom(api, '203.0.113.9, 10.0.2.1', 'spoof9@example.com');
      expect(limited.status).to.equal(429);
    });
  },
  { LOGIN_MAX_FAILURES: '3', AUTH_MAX_REQUESTS: '5', TRUST_PROXY: '1' },
);
