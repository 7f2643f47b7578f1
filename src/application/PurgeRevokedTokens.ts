import type { Clock, RevokedTokens } from '../domain/index.js';

/**
 * Deletes revocations of tokens that have expired anyway; returns how many. A token is refused
 * from its `exp` on (no tolerance), so its revocation is needed no longer than that.
 */
export class PurgeRevokedTokens {
  constructor(
    private readonly revoked: RevokedTokens,
    private readonly clock: Clock,
  ) {}

  execute(): Promise<number> {
    return this.revoked.purgeExpired(this.clock.now());
  }
}
