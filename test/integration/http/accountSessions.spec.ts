import { expect } from '../../support/chai.js';
import { describeEachServer, type Reply, type TestApi } from '../../support/server.js';
import { expectFail, expectTokenAnswer } from '../../support/answers.js';

const MISSING = 'Missing required parameter in the JSON body or the post body or the query string';
const PASSWORD_RULE = 'Password must be at least 8 characters and at most 72 bytes';
const REVOKED = 'Token blacklisted. Please log in again.';
const REVOKED_CHALLENGE = `Bearer realm="gatehouse", error="invalid_token", error_description="${REVOKED}"`;
const ALICE = { email: 'alice@example.com', password: 'password1' };
const CHANGE = { current_password: 'password1', new_password: 'a-new-password' };

async function register(api: TestApi, email = ALICE.email): Promise<string> {
  const reply = await api.request('POST', '/api/v1/auth/register', {
    json: { email, password: ALICE.password },
  });
  expect(reply.status, JSON.stringify(reply.body)).to.equal(201);
  return reply.json.access_token as string;
}

async function logIn(api: TestApi, password = ALICE.password, email = ALICE.email) {
  return api.request('POST', '/api/v1/auth/login', { json: { email, password } });
}

async function tokenOf(reply: Promise<Reply>): Promise<string> {
  const answered = await reply;
  expect(answered.status, JSON.stringify(answered.body)).to.equal(200);
  return answered.json.access_token as string;
}

/** The `gen` claim of a token (its payload, unverified: the server verified it). */
function generationOf(token: string): unknown {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString());
  return (payload as { gen?: unknown }).gen;
}

async function expectRevoked(api: TestApi, token: string, what = 'token'): Promise<void> {
  const reply = await api.request('GET', '/api/v1/auth/user', { token });
  expectFail(reply, 401, REVOKED, { what });
  expect(reply.headers.get('www-authenticate'), what).to.equal(REVOKED_CHALLENGE);
}

async function expectAccepted(api: TestApi, token: string, email = ALICE.email): Promise<void> {
  const reply = await api.request('GET', '/api/v1/auth/user', { token });
  expect([reply.status, reply.json.email]).to.deep.equal([200, email]);
}

async function storedGeneration(api: TestApi, email = ALICE.email): Promise<number> {
  const row = (await api.db.knex()('users').where({ email }).first()) as {
    token_generation: number;
  };
  return Number(row.token_generation);
}

describeEachServer('account sessions API', (api) => {
  describe('POST /api/v1/auth/password', () => {
    it('answers 200 with a fresh token that is not cached, and the new password replaces the old', async () => {
      const token = await register(api);
      const reply = await api.request('POST', '/api/v1/auth/password', { token, json: CHANGE });
      expectTokenAnswer(reply, 200, 'password changed');
      await expectAccepted(api, reply.json.access_token as string);

      expect((await logIn(api, 'a-new-password')).status).to.equal(200);
      const old = await logIn(api);
      expectFail(old, 401, 'email or password does not match');
    });

    it('refuses every token of the user issued before, in the same second too, and only those', async () => {
      const first = await register(api);
      const second = await tokenOf(logIn(api));
      const third = await tokenOf(logIn(api));
      const bob = await register(api, 'bob@example.com');
      const changed = await api.request('POST', '/api/v1/auth/password', {
        token: second,
        json: CHANGE,
      });
      expect(changed.status).to.equal(200);
      const fresh = changed.json.access_token as string;

      for (const [what, token] of Object.entries({ first, second, third })) {
        await expectRevoked(api, token, what);
      }
      await expectAccepted(api, fresh);
      await expectAccepted(api, bob, 'bob@example.com');
      // One counter moved on: no revocation row per token.
      expect([generationOf(fresh), await storedGeneration(api)]).to.deep.equal([1, 1]);
      expect(await api.db.knex()('revoked_tokens').count({ n: '*' })).to.deep.equal([
        { n: api.db.knex().client.config.client === 'pg' ? '0' : 0 },
      ]);
    });

    it('accepts a form body, as the original clients send', async () => {
      const token = await register(api);
      const reply = await api.request('POST', '/api/v1/auth/password', { token, form: CHANGE });
      expect([reply.status, reply.json.message]).to.deep.equal([200, 'password changed']);
    });

    it("refuses a new password that breaks register's rule, changing nothing", async () => {
      const token = await register(api);
      for (const new_password of ['short', '', 'é'.repeat(37)]) {
        const reply = await api.request('POST', '/api/v1/auth/password', {
          token,
          json: { ...CHANGE, new_password },
        });
        expectFail(reply, 400, 'Input payload validation failed', {
          errors: { new_password: PASSWORD_RULE },
          what: new_password,
        });
      }
      await expectAccepted(api, token);
      expect(await storedGeneration(api)).to.equal(0);
    });

    it('answers missing and mistyped fields in the validation shape, all at once', async () => {
      const token = await register(api);
      const cases: Array<[unknown, Record<string, string>]> = [
        [{}, { current_password: MISSING, new_password: MISSING }],
        [{ new_password: 'a-new-password' }, { current_password: MISSING }],
        [
          { current_password: ['password1'], new_password: 7 },
          {
            current_password: 'current_password must be a string',
            new_password: 'new_password must be a string',
          },
        ],
      ];
      for (const [json, errors] of cases) {
        const reply = await api.request('POST', '/api/v1/auth/password', { token, json });
        expect([reply.status, reply.json], JSON.stringify(json)).to.deep.equal([
          400,
          { status: 'fail', message: 'Input payload validation failed', errors },
        ]);
      }
    });

    it('answers a wrong current password with 401 "password does not match", no challenge, and changes nothing', async () => {
      const token = await register(api);
      const reply = await api.request('POST', '/api/v1/auth/password', {
        token,
        json: { ...CHANGE, current_password: 'password2' },
      });
      expectFail(reply, 401, 'password does not match');
      expect(reply.headers.get('www-authenticate')).to.equal(null);
      await expectAccepted(api, token);
      expect((await logIn(api)).status).to.equal(200);
      expect(await storedGeneration(api)).to.equal(0);
    });

    it('authenticates before it reads the body: no token, a 401 and no field details', async () => {
      const reply = await api.request('POST', '/api/v1/auth/password', { json: {} });
      expectFail(reply, 401, 'Unauthorized');
      expect(reply.headers.get('www-authenticate')).to.equal('Bearer realm="gatehouse"');
    });

    it('refuses the token it was called with on a second change', async () => {
      const token = await register(api);
      expect(
        (await api.request('POST', '/api/v1/auth/password', { token, json: CHANGE })).status,
      ).to.equal(200);
      const again = await api.request('POST', '/api/v1/auth/password', {
        token,
        json: { current_password: 'a-new-password', new_password: 'a-third-password' },
      });
      expectFail(again, 401, REVOKED);
    });
  });

  describe('POST /api/v1/auth/logout-all', () => {
    it("answers 200 and refuses every token of the user issued until now, this one included, and no one else's", async () => {
      const first = await register(api);
      const second = await tokenOf(logIn(api));
      const bob = await register(api, 'bob@example.com');
      const reply = await api.request('POST', '/api/v1/auth/logout-all', { token: first });
      expect([reply.status, reply.json]).to.deep.equal([
        200,
        { status: 'success', message: 'successfully logged out everywhere' },
      ]);
      await expectRevoked(api, first, 'first');
      await expectRevoked(api, second, 'second');
      await expectAccepted(api, bob, 'bob@example.com');

      // Logging in again works at once, in the same second too.
      await expectAccepted(api, await tokenOf(logIn(api)));
    });

    it('refuses a second logout everywhere with the same token', async () => {
      const token = await register(api);
      expect((await api.request('POST', '/api/v1/auth/logout-all', { token })).status).to.equal(
        200,
      );
      const again = await api.request('POST', '/api/v1/auth/logout-all', { token });
      expectFail(again, 401, REVOKED);
      expect(again.headers.get('www-authenticate')).to.equal(REVOKED_CHALLENGE);
    });

    it('needs a token', async () => {
      const reply = await api.request('POST', '/api/v1/auth/logout-all');
      expectFail(reply, 401, 'Unauthorized');
    });
  });
});

describeEachServer(
  'password change under the per-account limit',
  (api) => {
    it('counts wrong current passwords with failed logins, then answers 429 with Retry-After', async () => {
      const token = await register(api);
      const wrong = () =>
        api.request('POST', '/api/v1/auth/password', {
          token,
          json: { ...CHANGE, current_password: 'wrong-password' },
        });
      expect((await wrong()).status).to.equal(401);
      expect((await logIn(api, 'wrong-password')).status).to.equal(401);
      const limited = await api.request('POST', '/api/v1/auth/password', { token, json: CHANGE });
      expectFail(limited, 429, 'Too many attempts. Try again later.');
      expect(Number(limited.headers.get('retry-after'))).to.be.within(890, 900);
      expect((await logIn(api)).status).to.equal(429);
    });
  },
  { LOGIN_MAX_FAILURES: '2' },
);
