import {
  tokenError,
  type Actor,
  type AuditLog,
  type Clock,
  type RefreshTokens,
  type RequestOrigin,
  type RevokedTokens,
} from '../domain/index.js';

/**
 * Revokes the presented token until it would have expired anyway and the refresh token family it
 * was issued with, if any: logging out ends that session (that device), so neither its refresh
 * token nor another access token it got keeps it alive.
 */
export class LogOut {
  constructor(
    private readonly revoked: RevokedTokens,
    private readonly audit: AuditLog,
    /** Whatever REFRESH_TOKENS says now: a session started while it was on ends here too. */
    private readonly families: { store: RefreshTokens; clock: Clock },
  ) {}

  async execute(actor: Actor, origin: RequestOrigin): Promise<void> {
    const expiresAt = new Date(actor.token.expiresAt * 1000);
    // A concurrent logout of the same token may have revoked it since it was authenticated:
    // only the first logout succeeds, as if the others had arrived after it.
    if (!(await this.revoked.revoke(actor.token.tokenId, expiresAt))) {
      throw tokenError('TOKEN_REVOKED');
    }
    await this.families.store.revokeFamilyOf(actor.token.tokenId, this.families.clock.now());
    this.audit.record({ event: 'logout', publicId: actor.user.publicId, origin });
  }
}
