import { TOKEN_MESSAGES } from '../../../src/domain/index.js';
import { expect } from '../../support/chai.js';
import { buildCore, TOKEN_TTL_SECONDS, TEST_ORIGIN } from '../../support/core.js';
import { expectDomainError } from '../../support/expectDomainError.js';

describe('LogOut', () => {
  it('revokes the presented token only, until its expiry', async () => {
    const core = buildCore();
    await core.addUser.execute(
      { email: 'alice@example.com', password: 'password1', admin: false },
      TEST_ORIGIN,
    );
    const credentials = { email: 'alice@example.com', password: 'password1' };
    const first = await core.logIn.execute(credentials, TEST_ORIGIN);
    const second = await core.logIn.execute(credentials, TEST_ORIGIN);

    await core.logOut.execute(await core.authenticate.execute(first.accessToken), TEST_ORIGIN);

    const revokedId = core.tokens.claimsOf(first.accessToken).tokenId;
    expect(await core.revoked.isRevoked(revokedId)).to.equal(true);
    expect(await core.revoked.isRevoked(core.tokens.claimsOf(second.accessToken).tokenId)).to.equal(
      false,
    );
    // Kept until exp (plus tolerance), then purgeable.
    core.clock.advanceSeconds(TOKEN_TTL_SECONDS);
    expect(await core.purgeRevokedTokens.execute()).to.deep.equal({
      revocations: 0,
      refreshTokens: 0,
    });
    core.clock.advanceSeconds(6);
    expect(await core.purgeRevokedTokens.execute()).to.deep.equal({
      revocations: 1,
      refreshTokens: 0,
    });
    expect(await core.revoked.isRevoked(revokedId)).to.equal(false);
  });

  it('refuses a second logout of a token authenticated before the first revoked it', async () => {
    const core = buildCore();
    await core.addUser.execute(
      { email: 'alice@example.com', password: 'password1', admin: false },
      TEST_ORIGIN,
    );
    const { accessToken } = await core.logIn.execute(
      {
        email: 'alice@example.com',
        password: 'password1',
      },
      TEST_ORIGIN,
    );
    // Both requests passed authentication before either revoked the token.
    const [first, second] = await Promise.all([
      core.authenticate.execute(accessToken),
      core.authenticate.execute(accessToken),
    ]);
    await core.logOut.execute(first, TEST_ORIGIN);
    await expectDomainError(
      core.logOut.execute(second, TEST_ORIGIN),
      'TOKEN_REVOKED',
      TOKEN_MESSAGES.TOKEN_REVOKED,
    );
  });

  it('records logout once, for the logout that revoked the token', async () => {
    const core = buildCore();
    await core.addUser.execute(
      { email: 'alice@example.com', password: 'password1', admin: false },
      TEST_ORIGIN,
    );
    const { accessToken } = await core.logIn.execute(
      { email: 'alice@example.com', password: 'password1' },
      TEST_ORIGIN,
    );
    const [first, second] = await Promise.all([
      core.authenticate.execute(accessToken),
      core.authenticate.execute(accessToken),
    ]);
    core.audit.entries.length = 0;
    await core.logOut.execute(first, TEST_ORIGIN);
    await core.logOut.execute(second, TEST_ORIGIN).catch(() => undefined);
    expect(core.audit.entries).to.deep.equal([
      { event: 'logout', publicId: first.user.publicId, origin: TEST_ORIGIN },
    ]);
  });
});
