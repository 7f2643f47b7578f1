import { expect } from '../../support/chai.js';
import { buildCore, TOKEN_TTL_SECONDS } from '../../support/core.js';

describe('LogOut', () => {
  it('revokes the presented token only, until its expiry', async () => {
    const core = buildCore();
    await core.addUser.execute({ email: 'alice@example.com', password: 'password1', admin: false });
    const credentials = { email: 'alice@example.com', password: 'password1' };
    const first = await core.logIn.execute(credentials);
    const second = await core.logIn.execute(credentials);

    await core.logOut.execute(await core.authenticate.execute(first.accessToken));

    const revokedId = core.tokens.claimsOf(first.accessToken).tokenId;
    expect(await core.revoked.isRevoked(revokedId)).to.equal(true);
    expect(await core.revoked.isRevoked(core.tokens.claimsOf(second.accessToken).tokenId)).to.equal(
      false,
    );
    // Kept until exp (plus tolerance), then purgeable.
    core.clock.advanceSeconds(TOKEN_TTL_SECONDS);
    expect(await core.purgeRevokedTokens.execute()).to.equal(0);
    core.clock.advanceSeconds(6);
    expect(await core.purgeRevokedTokens.execute()).to.equal(1);
    expect(await core.revoked.isRevoked(revokedId)).to.equal(false);
  });
});
