import { tokenError } from './DomainError.js';
import type { User } from './User.js';

/**
 * How far in the future a token's `iat`/`nbf` may lie (instances' clocks may disagree a little).
 * Never applied to `exp`: a token is expired from its `exp` second on, as `expires_in` said.
 */
export const CLOCK_TOLERANCE_SECONDS = 5;

/** The claims of an access token, in domain terms (times in whole seconds since the epoch). */
export interface AccessTokenClaims {
  /** The user's public id (`sub`). */
  readonly subject: string;
  /** The admin flag at issue time (`admin`); authorisation always re-reads it from the database. */
  readonly admin: boolean;
  readonly issuedAt: number;
  readonly expiresAt: number;
  /** Unique per token (`jti`): the handle by which a logout revokes it. */
  readonly tokenId: string;
  /**
   * The user's token generation when the token was issued (`gen`; 0 for tokens issued before
   * the claim existed). Refused once the user's generation has moved past it.
   */
  readonly generation: number;
}

export function accessTokenClaims(
  user: User,
  now: Date,
  ttlSeconds: number,
  tokenId: string,
): AccessTokenClaims {
  const issuedAt = Math.floor(now.getTime() / 1000);
  return {
    subject: user.publicId,
    admin: user.admin,
    issuedAt,
    expiresAt: issuedAt + ttlSeconds,
    tokenId,
    generation: user.tokenGeneration,
  };
}

/** Whole seconds of life left on a token at `now`, never negative. */
export function secondsLeft(claims: AccessTokenClaims, now: Date): number {
  return Math.max(0, claims.expiresAt - Math.floor(now.getTime() / 1000));
}

/** Who is calling: the verified token and the user as the database has them now. */
export interface Actor {
  readonly user: User;
  readonly token: AccessTokenClaims;
}

/** Admin routes: the flag as the database has it now, so a demotion takes effect at once. */
export function assertAdmin(actor: Actor): void {
  if (!actor.user.admin) throw tokenError('FORBIDDEN');
}
