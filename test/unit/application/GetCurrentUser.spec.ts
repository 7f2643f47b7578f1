import { expect } from '../../support/chai.js';
import { buildCore, TOKEN_TTL_SECONDS, TEST_ORIGIN } from '../../support/core.js';

describe('GetCurrentUser', () => {
  it('returns the user and the seconds left on the presented token', async () => {
    const core = buildCore();
    const { accessToken } = await core.registerUser.execute(
      {
        email: 'alice@example.com',
        password: 'password1',
      },
      TEST_ORIGIN,
    );
    core.clock.advanceSeconds(100);
    const current = await core.getCurrentUser.execute(await core.authenticate.execute(accessToken));
    expect(current.user.email).to.equal('alice@example.com');
    expect(current.tokenExpiresIn).to.equal(TOKEN_TTL_SECONDS - 100);
  });
});
