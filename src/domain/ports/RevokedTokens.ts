export interface RevokedTokens {
  /** Revokes a token id until `expiresAt`; revoking an already revoked id is a no-op. */
  revoke(tokenId: string, expiresAt: Date): Promise<void>;
  isRevoked(tokenId: string): Promise<boolean>;
  /** Deletes revocations whose token expired before `now`; returns how many. */
  purgeExpired(now: Date): Promise<number>;
}
