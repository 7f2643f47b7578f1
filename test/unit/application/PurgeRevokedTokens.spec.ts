import { expect } from '../../support/chai.js';
import { buildCore } from '../../support/core.js';

describe('PurgeRevokedTokens', () => {
  it('deletes the revocations of every token already expired (no tolerance past exp)', async () => {
    const core = buildCore();
    const now = core.clock.now().getTime();
    await core.revoked.revoke('long-gone', new Date(now - 60_000));
    await core.revoked.revoke('just-expired', new Date(now - 1_000));
    await core.revoked.revoke('alive', new Date(now + 1_000));

    expect(await core.purgeRevokedTokens.execute()).to.deep.equal({
      revocations: 2,
      refreshTokens: 0,
    });
    expect(await core.revoked.isRevoked('long-gone')).to.equal(false);
    expect(await core.revoked.isRevoked('just-expired')).to.equal(false);
    expect(await core.revoked.isRevoked('alive')).to.equal(true);
  });
});
