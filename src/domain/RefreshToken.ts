/**
 * A refresh token as handed out: 32 random bytes (256 bits) in base64url, no padding. Anything
 * else names no token, and is refused without a lookup.
 */
export const REFRESH_TOKEN_LENGTH = 43;
export const REFRESH_TOKEN_PATTERN = new RegExp(`^[A-Za-z0-9_-]{${REFRESH_TOKEN_LENGTH}}$`);

export function isWellFormedRefreshToken(value: string): boolean {
  return REFRESH_TOKEN_PATTERN.test(value);
}

/** REFRESH_TOKENS=on: how long refresh tokens live, and the grace for racing refreshes. */
export interface RefreshPolicy {
  /** Lifetime of each refresh token from its issue (a rotation issues a fresh one). */
  readonly ttlSeconds: number;
  /** Seconds after its rotation during which a spent token comes back without revoking anything. */
  readonly reuseGraceSeconds: number;
}
