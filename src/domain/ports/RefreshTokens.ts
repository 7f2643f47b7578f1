import type { User } from '../User.js';

/**
 * One refresh token as issued: the secret handed to the client, and the access token issued with
 * it, so that revoking the token's family can refuse that access token too.
 */
export interface RefreshGrant {
  /** The opaque secret (see REFRESH_TOKEN_PATTERN). Stores keep only a hash of it. */
  readonly token: string;
  readonly expiresAt: Date;
  /** The `jti` of the access token issued alongside, and when that token expires. */
  readonly accessTokenId: string;
  readonly accessExpiresAt: Date;
}

/** The first refresh token of a login: a new family, which every rotation extends. */
export interface NewRefreshFamily {
  readonly familyId: string;
  readonly publicId: string;
  /**
   * The user's token generation at login. Once the user's generation moves past it (a logout
   * everywhere, a password change), the family is dead, with no write to any family.
   */
  readonly generation: number;
  readonly grant: RefreshGrant;
}

export interface RefreshRequest {
  /** The refresh token the client presented. */
  readonly presented: string;
  /** Stored in the presented token's family when it is spent. */
  readonly next: RefreshGrant;
  readonly now: Date;
  /** How long after its rotation a spent token may come back without revoking its family. */
  readonly graceSeconds: number;
}

export type RefreshOutcome =
  /** The presented token is spent now and `next` is its family's live token. */
  | { readonly outcome: 'rotated'; readonly user: User; readonly familyId: string }
  /**
   * The presented token was spent before, while its family lived. `familyRevoked`: more than the
   * grace after its rotation, so the family is revoked now (its live refresh token and every
   * access token issued from it); false within the grace, when nothing changed.
   */
  | {
      readonly outcome: 'reused';
      readonly publicId: string;
      readonly familyId: string;
      readonly familyRevoked: boolean;
    }
  /** Unknown, expired, of a revoked or dead family, or of a user who is gone: nothing changed. */
  | { readonly outcome: 'refused' };

/**
 * Refresh tokens, by family: a login starts a family, each refresh spends the family's live token
 * and stores its successor (rotation), and the reuse of a spent token revokes the family (RFC 9700
 * §4.14). Rotation is atomic under any concurrency and across instances: of concurrent refreshes
 * with one token exactly one is `rotated`, and a family revoked meanwhile is never extended.
 *
 * A family's access tokens are refused through RevokedTokens (their `jti`s), which the request hot
 * path reads anyway, so a revoked family costs authenticated requests nothing.
 */
export interface RefreshTokens {
  /** Stores a login's first refresh token; throws `tokenError('TOKEN_INVALID')` if the user is gone. */
  start(family: NewRefreshFamily): Promise<void>;
  rotate(request: RefreshRequest): Promise<RefreshOutcome>;
  /**
   * Revokes the family the access token `accessTokenId` was issued with (a logout), as a reuse
   * does; false when it was issued with no refresh token or its family is revoked already.
   */
  revokeFamilyOf(accessTokenId: string, now: Date): Promise<boolean>;
  /**
   * Deletes refresh tokens that expired before `now` and whose access token has expired too, and
   * families left with none; returns how many tokens.
   */
  purgeExpired(now: Date): Promise<number>;
}
