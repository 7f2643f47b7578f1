import type { Clock, RefreshTokens, RevokedTokens } from '../domain/index.js';

export interface Purged {
  readonly revocations: number;
  readonly refreshTokens: number;
}

/**
 * Deletes what only expired tokens still need: revocations of tokens that have expired anyway (a
 * token is refused from its `exp` on, with no tolerance, so its revocation is needed no longer),
 * and, with refresh tokens on, expired refresh tokens whose access tokens have expired too.
 */
export class PurgeRevokedTokens {
  constructor(
    private readonly revoked: RevokedTokens,
    private readonly clock: Clock,
    /** Null with refresh tokens off. */
    private readonly refreshTokens: RefreshTokens | null = null,
  ) {}

  async execute(): Promise<Purged> {
    const now = this.clock.now();
    return {
      revocations: await this.revoked.purgeExpired(now),
      refreshTokens: (await this.refreshTokens?.purgeExpired(now)) ?? 0,
    };
  }
}
