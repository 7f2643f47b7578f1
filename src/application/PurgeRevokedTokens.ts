import { CLOCK_TOLERANCE_SECONDS, type Clock, type RevokedTokens } from '../domain/index.js';

/**
 * Deletes revocations of tokens that have expired anyway; returns how many. A revocation is kept
 * for the clock tolerance past its token's `exp`, while verification would still accept the token.
 */
export class PurgeRevokedTokens {
  constructor(
    private readonly revoked: RevokedTokens,
    private readonly clock: Clock,
  ) {}

  execute(): Promise<number> {
    const cutoff = new Date(this.clock.now().getTime() - CLOCK_TOLERANCE_SECONDS * 1000);
    return this.revoked.purgeExpired(cutoff);
  }
}
