import type { RevokedTokens } from '../../../src/domain/index.js';

export class InMemoryRevokedTokens implements RevokedTokens {
  private readonly expiries = new Map<string, Date>();

  async revoke(tokenId: string, expiresAt: Date): Promise<boolean> {
    return this.revokeNow(tokenId, expiresAt);
  }

  /** `revoke` without a turn of the event loop, for fakes that revoke as part of their own step. */
  revokeNow(tokenId: string, expiresAt: Date): boolean {
    if (this.expiries.has(tokenId)) return false;
    this.expiries.set(tokenId, expiresAt);
    return true;
  }

  async isRevoked(tokenId: string): Promise<boolean> {
    return this.expiries.has(tokenId);
  }

  async purgeExpired(now: Date): Promise<number> {
    let purged = 0;
    for (const [tokenId, expiresAt] of this.expiries) {
      if (expiresAt.getTime() < now.getTime()) {
        this.expiries.delete(tokenId);
        purged += 1;
      }
    }
    return purged;
  }
}
