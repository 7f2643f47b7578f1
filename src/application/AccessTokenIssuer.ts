import {
  accessTokenClaims,
  type Clock,
  type IdGenerator,
  type RefreshGrant,
  type RefreshPolicy,
  type RefreshTokens,
  type TokenService,
  type User,
} from '../domain/index.js';

export interface IssuedRefreshToken {
  readonly token: string;
  /** Lifetime in seconds. */
  readonly expiresIn: number;
}

export interface IssuedToken {
  readonly accessToken: string;
  /** Lifetime in seconds. */
  readonly expiresIn: number;
  /** With refresh tokens on: the session's new refresh token; null when they are off. */
  readonly refresh: IssuedRefreshToken | null;
}

/** REFRESH_TOKENS=on: where refresh tokens are stored, and for how long they live. */
export interface RefreshIssuing {
  readonly store: RefreshTokens;
  readonly policy: RefreshPolicy;
}

/**
 * The ids and times of a token pair, fixed before the user is read: a rotation stores the refresh
 * grant (which names the access token's `jti` and expiry) in the same step that reads the user.
 */
export interface PreparedTokens {
  readonly now: Date;
  readonly accessTokenId: string;
  readonly grant: RefreshGrant | null;
}

/**
 * Issues tokens: a fresh access token (new `jti`) for a user and, with refresh tokens on, the
 * refresh token it is paired with. Shared by RegisterUser, LogIn, ChangePassword and
 * RefreshSession, so every answer that carries a token carries the same pair.
 */
export class AccessTokenIssuer {
  constructor(
    private readonly tokens: TokenService,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly ttlSeconds: number,
    /** Null with refresh tokens off: answers carry an access token only, as the tutorial's. */
    readonly refreshing: RefreshIssuing | null = null,
  ) {}

  /** A new session: an access token and, with refresh tokens on, a new refresh token family. */
  async issue(user: User): Promise<IssuedToken> {
    const prepared = this.prepare();
    if (this.refreshing && prepared.grant) {
      await this.refreshing.store.start({
        familyId: this.ids.newId(),
        publicId: user.publicId,
        generation: user.tokenGeneration,
        grant: prepared.grant,
      });
    }
    return this.complete(user, prepared);
  }

  prepare(): PreparedTokens {
    const now = this.clock.now();
    const accessTokenId = this.ids.newId();
    if (!this.refreshing) return { now, accessTokenId, grant: null };
    const issuedAt = Math.floor(now.getTime() / 1000);
    const grant: RefreshGrant = {
      token: this.ids.newSecret(),
      expiresAt: new Date((issuedAt + this.refreshing.policy.ttlSeconds) * 1000),
      accessTokenId,
      accessExpiresAt: new Date((issuedAt + this.ttlSeconds) * 1000),
    };
    return { now, accessTokenId, grant };
  }

  /** Signs the prepared access token for `user` (admin flag and token generation as read). */
  async complete(user: User, prepared: PreparedTokens): Promise<IssuedToken> {
    const claims = accessTokenClaims(user, prepared.now, this.ttlSeconds, prepared.accessTokenId);
    const refresh =
      this.refreshing && prepared.grant
        ? { token: prepared.grant.token, expiresIn: this.refreshing.policy.ttlSeconds }
        : null;
    return { accessToken: await this.tokens.sign(claims), expiresIn: this.ttlSeconds, refresh };
  }
}
