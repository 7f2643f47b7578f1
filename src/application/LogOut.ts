import {
  tokenError,
  type Actor,
  type AuditLog,
  type RequestOrigin,
  type RevokedTokens,
} from '../domain/index.js';

/** Revokes the presented token only, until it would have expired anyway. */
export class LogOut {
  constructor(
    private readonly revoked: RevokedTokens,
    private readonly audit: AuditLog,
  ) {}

  async execute(actor: Actor, origin: RequestOrigin): Promise<void> {
    const expiresAt = new Date(actor.token.expiresAt * 1000);
    // A concurrent logout of the same token may have revoked it since it was authenticated:
    // only the first logout succeeds, as if the others had arrived after it.
    if (!(await this.revoked.revoke(actor.token.tokenId, expiresAt))) {
      throw tokenError('TOKEN_REVOKED');
    }
    this.audit.record({ event: 'logout', publicId: actor.user.publicId, origin });
  }
}
