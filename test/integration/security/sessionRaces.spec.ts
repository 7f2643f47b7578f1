import { expect } from '../../support/chai.js';
import { describeEachServer, type Reply, type TestApi } from '../../support/server.js';

const REVOKED = { status: 'fail', message: 'Token blacklisted. Please log in again.' };
const BAD_CREDENTIALS = { status: 'fail', message: 'email or password does not match' };
const ROUNDS = 4;
/** Start offsets that spread requests over a password change (a verification and a hash). */
const STAGGER_MS = [0, 2, 4, 8, 12, 20, 30];

const later = <T>(ms: number, send: () => Promise<T>): Promise<T> =>
  new Promise((resolve) => setTimeout(resolve, ms)).then(send);

async function register(api: TestApi, email: string): Promise<string> {
  const reply = await api.request('POST', '/api/v1/auth/register', {
    json: { email, password: 'old-password' },
  });
  expect(reply.status, JSON.stringify(reply.body)).to.equal(201);
  return reply.json.access_token as string;
}

const logIn = (api: TestApi, email: string, password: string) =>
  api.request('POST', '/api/v1/auth/login', { json: { email, password } });

const changePassword = (api: TestApi, token: string) =>
  api.request('POST', '/api/v1/auth/password', {
    token,
    json: { current_password: 'old-password', new_password: 'new-password' },
  });

/** 200, or 401 blacklisted: the two answers a token may get here. */
async function accepted(api: TestApi, token: string): Promise<boolean> {
  const reply = await api.request('GET', '/api/v1/auth/user', { token });
  if (reply.status === 200) return true;
  expect([reply.status, reply.json]).to.deep.equal([401, REVOKED]);
  return false;
}

const generationOf = (token: string): number =>
  (JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { gen: number })
    .gen;

async function storedGeneration(api: TestApi, email: string): Promise<number> {
  const row = (await api.db.knex()('users').where({ email }).first()) as {
    token_generation: number;
  };
  return Number(row.token_generation);
}

describeEachServer('races on sessions', (api) => {
  it('a password change racing logins with the old password: no old-password token outlives the change', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const email = `racer${round}@example.com`;
      const token = await register(api, email);
      const [changed, ...logins] = await Promise.all([
        changePassword(api, token),
        ...STAGGER_MS.map((ms) => later(ms, () => logIn(api, email, 'old-password'))),
      ]);
      expect(changed?.status, JSON.stringify(changed?.body)).to.equal(200);

      // Each login either lost the race (its password no longer matched) or won it, with a
      // token of the generation it read before the change: refused now.
      for (const login of logins) {
        if (login.status === 200) {
          expect(await accepted(api, login.json.access_token as string)).to.equal(false);
        } else {
          expect([login.status, login.json]).to.deep.equal([401, BAD_CREDENTIALS]);
        }
      }
      expect(await accepted(api, token)).to.equal(false);
      expect(await accepted(api, changed?.json.access_token as string)).to.equal(true);
      expect((await logIn(api, email, 'new-password')).status).to.equal(200);
      expect((await logIn(api, email, 'old-password')).json).to.deep.equal(BAD_CREDENTIALS);
    }
  });

  it('a logout everywhere racing a password change: the change succeeds, and its token works only if issued after the logout', async () => {
    for (let round = 0; round < 8; round++) {
      const email = `both${round}@example.com`;
      const token = await register(api, email);
      // The logout everywhere starts a little later each round: it lands before the change,
      // between its authentication and its update, or after it.
      const [everywhere, changed] = await Promise.all([
        later(round, () => api.request('POST', '/api/v1/auth/logout-all', { token })),
        changePassword(api, token),
      ]);
      expect(changed?.status, JSON.stringify(changed?.body)).to.equal(200);
      const fresh = changed?.json.access_token as string;
      if (everywhere?.status === 200) {
        // Both authenticated before either advanced the generation: each advanced it once, and
        // the change's token works only if it was issued after the logout (generation 2).
        expect(await storedGeneration(api, email)).to.equal(2);
        expect(await accepted(api, fresh)).to.equal(generationOf(fresh) === 2);
      } else {
        // It came after the change: the token it presented was already refused.
        expect([everywhere?.status, everywhere?.json]).to.deep.equal([401, REVOKED]);
        expect(await storedGeneration(api, email)).to.equal(1);
        expect(await accepted(api, fresh)).to.equal(true);
      }
      expect(await accepted(api, token)).to.equal(false);
      expect((await logIn(api, email, 'new-password')).status).to.equal(200);
    }
  });

  it('concurrent logouts everywhere with one token each advance the generation once, or are refused', async () => {
    const token = await register(api, 'many@example.com');
    const replies: Reply[] = await Promise.all(
      Array.from({ length: 10 }, () => api.request('POST', '/api/v1/auth/logout-all', { token })),
    );
    const succeeded = replies.filter((reply) => reply.status === 200);
    for (const reply of replies.filter((r) => r.status !== 200)) {
      // Authenticated after another one had already advanced the generation.
      expect([reply.status, reply.json]).to.deep.equal([401, REVOKED]);
    }
    expect(succeeded.length).to.be.at.least(1);
    expect(await storedGeneration(api, 'many@example.com')).to.equal(succeeded.length);
    expect(await accepted(api, token)).to.equal(false);
  });
});
