import { expect } from '../../support/chai.js';
import { describeEachServer } from '../../support/server.js';
import { futureDate, registerAccount } from './attacks.js';

describeEachServer('attack battery: races', (api) => {
  it('lets exactly one of 20 concurrent registrations of one email succeed, in any case and body', async () => {
    const spellings = ['race@example.com', 'RACE@example.com', ' Race@Example.com '];
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) => {
        const email = spellings[i % spellings.length] ?? 'race@example.com';
        const password = `password-${i}`;
        return api.request(
          'POST',
          '/api/v1/auth/register',
          i % 2 === 0 ? { json: { email, password } } : { form: { email, password } },
        );
      }),
    );
    expect(replies.map((r) => r.status).sort()).to.deep.equal([201, ...Array(19).fill(409)]);
    for (const reply of replies.filter((r) => r.status === 409)) {
      expect(reply.json).to.deep.equal({
        status: 'fail',
        message: 'race@example.com is already registered',
      });
    }
    const rows = (await api.db.knex()('users').select('email')) as Array<{ email: string }>;
    expect(rows).to.deep.equal([{ email: 'race@example.com' }]);

    // The one stored password is the winner's: its token and its password agree.
    const winner = replies.findIndex((r) => r.status === 201);
    const login = await api.request('POST', '/api/v1/auth/login', {
      json: { email: 'race@example.com', password: `password-${winner}` },
    });
    expect(login.status).to.equal(200);
  });

  it('lets exactly one of 10 concurrent creations of one widget name succeed, in any case', async () => {
    const { token } = await registerAccount(api, 'boss@example.com', { admin: true });
    const replies = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        api.request('POST', '/api/v1/widgets', {
          token,
          json: {
            name: i % 2 === 0 ? 'contested' : 'CONTESTED',
            info_url: `https://example.com/${i}`,
            deadline: futureDate(),
          },
        }),
      ),
    );
    expect(replies.map((r) => r.status).sort()).to.deep.equal([201, ...Array(9).fill(409)]);
    for (const reply of replies.filter((r) => r.status === 409)) {
      expect(reply.json).to.deep.equal({
        status: 'fail',
        message: 'Widget name: contested already exists, must be unique.',
      });
    }
    const winner = replies.findIndex((r) => r.status === 201);
    const rows = await api.db.knex()('widgets').select('name', 'info_url');
    expect(rows).to.deep.equal([{ name: 'contested', info_url: `https://example.com/${winner}` }]);
  });
});
