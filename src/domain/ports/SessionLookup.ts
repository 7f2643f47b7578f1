import type { User } from '../User.js';

/** What authenticating a request must know beyond the token itself. */
export interface Session {
  /** The token's user as stored now (admin flag included); null when there is no such user. */
  readonly user: User | null;
  /** Whether a logout revoked this token (by its `jti`). */
  readonly revoked: boolean;
}

/**
 * The one read of every authenticated request: the user a token names, and whether the token
 * was revoked. It spans two stores (users, revocations) on purpose, so an adapter can answer in
 * one round trip: this lookup is the hot path, and the contract forbids caching either half
 * (a logout, a demotion or a deletion takes effect on the next request, on every instance).
 */
export interface SessionLookup {
  find(publicId: string, tokenId: string): Promise<Session>;
}
