export interface RevokedTokens {
  /**
   * Revokes a token id until `expiresAt`. True when this call revoked it; false when it was
   * already revoked (then nothing changes), so of concurrent revocations exactly one gets true.
   */
  revoke(tokenId: string, expiresAt: Date): Promise<boolean>;
  isRevoked(tokenId: string): Promise<boolean>;
  /** Deletes revocations whose token expired before `now`; returns how many. */
  purgeExpired(now: Date): Promise<number>;
}
