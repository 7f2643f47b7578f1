import { expect } from '../../support/chai.js';
import { describeEachDatabase } from '../../support/databases.js';
import { request, startTestServer } from '../../support/server.js';

describeEachDatabase('switching PASSWORD_HASHER', (db) => {
  const credentials = { email: 'old@example.com', password: 'password1' };
  const hashOf = async () =>
    (
      (await db.knex()('users').where({ email: credentials.email }).first()) as {
        password_hash: string;
      }
    ).password_hash;

  for (const [from, to, fromPrefix, toPrefix] of [
    ['bcrypt', 'argon2id', '$2b$04$', '$argon2id$'],
    ['argon2id', 'bcrypt', '$argon2id$', '$2b$04$'],
  ] as const) {
    it(`keeps ${from} accounts working under ${to}, upgrading each at its next login`, async () => {
      const before = await startTestServer(db.url(), { PASSWORD_HASHER: from });
      try {
        const reply = await request(before.url, 'POST', '/api/v1/auth/register', {
          json: credentials,
        });
        expect(reply.status).to.equal(201);
      } finally {
        await before.close();
      }
      expect(await hashOf()).to.satisfy((hash: string) => hash.startsWith(fromPrefix));

      const after = await startTestServer(db.url(), { PASSWORD_HASHER: to });
      try {
        const wrong = await request(after.url, 'POST', '/api/v1/auth/login', {
          json: { ...credentials, password: 'password2' },
        });
        expect(wrong.status).to.equal(401);
        expect(await hashOf()).to.satisfy((hash: string) => hash.startsWith(fromPrefix));

        const login = await request(after.url, 'POST', '/api/v1/auth/login', { json: credentials });
        expect(login.status).to.equal(200);
        expect(await hashOf()).to.satisfy((hash: string) => hash.startsWith(toPrefix));

        const again = await request(after.url, 'POST', '/api/v1/auth/login', { json: credentials });
        expect(again.status).to.equal(200);
      } finally {
        await after.close();
      }
    });
  }

  it('hashes new passwords with the configured argon2id parameters', async () => {
    const server = await startTestServer(db.url(), {
      PASSWORD_HASHER: 'argon2id',
      ARGON2_MEMORY_KIB: '8192',
      ARGON2_TIME_COST: '1',
      ARGON2_PARALLELISM: '2',
    });
    try {
      const reply = await request(server.url, 'POST', '/api/v1/auth/register', {
        json: credentials,
      });
      expect(reply.status).to.equal(201);
    } finally {
      await server.close();
    }
    expect(await hashOf()).to.match(/^\$argon2id\$v=19\$m=8192,p=2,t=1\$/);
  });
});
