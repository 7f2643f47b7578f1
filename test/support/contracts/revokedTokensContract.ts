import type { RevokedTokens } from '../../../src/domain/index.js';
import { expect } from '../chai.js';

const NOW = new Date('2026-03-01T12:00:00.000Z');

function secondsFromNow(seconds: number): Date {
  return new Date(NOW.getTime() + seconds * 1000);
}

/** The behaviour every RevokedTokens shares; `makeRevoked` runs before each test on an empty store. */
export function revokedTokensContract(makeRevoked: () => RevokedTokens): void {
  let revoked: RevokedTokens;

  beforeEach(function () {
    revoked = makeRevoked();
  });

  it('reports a revoked token as revoked', async function () {
    await revoked.revoke('token-1', secondsFromNow(900));
    expect(await revoked.isRevoked('token-1')).to.equal(true);
  });

  it('reports a token nobody revoked as not revoked', async function () {
    await revoked.revoke('token-1', secondsFromNow(900));
    expect(await revoked.isRevoked('token-2')).to.equal(false);
  });

  it('accepts revoking the same token twice, saying only the first time that it revoked it', async function () {
    expect(await revoked.revoke('token-1', secondsFromNow(900))).to.equal(true);
    expect(await revoked.revoke('token-1', secondsFromNow(900))).to.equal(false);
    expect(await revoked.isRevoked('token-1')).to.equal(true);
  });

  it('says true to exactly one of concurrent revocations of one token', async function () {
    const results = await Promise.all(
      Array.from({ length: 5 }, () => revoked.revoke('token-1', secondsFromNow(900))),
    );
    expect(results.filter(Boolean)).to.have.length(1);
  });

  it('keeps the first expiry when a token is revoked again', async function () {
    await revoked.revoke('token-1', secondsFromNow(-60));
    await revoked.revoke('token-1', secondsFromNow(3600));
    expect(await revoked.purgeExpired(NOW)).to.equal(1);
    expect(await revoked.isRevoked('token-1')).to.equal(false);
  });

  it('purges only revocations that expired before now and returns how many', async function () {
    await revoked.revoke('expired-long-ago', secondsFromNow(-3600));
    await revoked.revoke('expired-just-now', new Date(NOW.getTime() - 1));
    await revoked.revoke('expires-now', NOW);
    await revoked.revoke('expires-later', secondsFromNow(3600));

    expect(await revoked.purgeExpired(NOW)).to.equal(2);

    expect(await revoked.isRevoked('expired-long-ago')).to.equal(false);
    expect(await revoked.isRevoked('expired-just-now')).to.equal(false);
    expect(await revoked.isRevoked('expires-now')).to.equal(true);
    expect(await revoked.isRevoked('expires-later')).to.equal(true);
  });

  it('purges nothing and returns 0 when nothing has expired', async function () {
    await revoked.revoke('token-1', secondsFromNow(1));
    expect(await revoked.purgeExpired(NOW)).to.equal(0);
    expect(await revoked.isRevoked('token-1')).to.equal(true);
  });
}
