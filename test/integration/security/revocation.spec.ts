import { expect } from '../../support/chai.js';
import { describeEachServer, request, startTestServer } from '../../support/server.js';
import { BLACKLISTED, challenge, countRows, registerAccount } from './attacks.js';
import { expectFail } from '../../support/answers.js';

describeEachServer('attack battery: revocation', (api) => {
  it('answers concurrent logouts of one token with one 200, the others 401 blacklisted', async () => {
    const { token } = await registerAccount(api, 'alice@example.com');
    const replies = await Promise.all(
      Array.from({ length: 5 }, () => api.request('POST', '/api/v1/auth/logout', { token })),
    );
    expect(replies.map((r) => r.status).sort()).to.deep.equal([200, 401, 401, 401, 401]);
    for (const reply of replies.filter((r) => r.status === 401)) {
      expect(reply.json).to.deep.equal({ status: 'fail', message: BLACKLISTED });
      expect(reply.headers.get('www-authenticate')).to.equal(
        challenge('invalid_token', BLACKLISTED),
      );
    }
    expect(await countRows(api, 'revoked_tokens')).to.equal(1);
  });

  it('keeps a logout in force for a server started afterwards on the same database', async () => {
    const { token } = await registerAccount(api, 'alice@example.com');
    expect((await api.request('POST', '/api/v1/auth/logout', { token })).status).to.equal(200);
    const restarted = await startTestServer(api.db.url());
    try {
      const reply = await request(restarted.url, 'GET', '/api/v1/auth/user', { token });
      expectFail(reply, 401, BLACKLISTED);
    } finally {
      await restarted.close();
    }
  });
});
