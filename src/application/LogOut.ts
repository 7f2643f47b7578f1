import { tokenError, type Actor, type RevokedTokens } from '../domain/index.js';

/** Revokes the presented token only, until it would have expired anyway. */
export class LogOut {
  constructor(private readonly revoked: RevokedTokens) {}

  async execute(actor: Actor): Promise<void> {
    const expiresAt = new Date(actor.token.expiresAt * 1000);
    // A concurrent logout of the same token may have revoked it since it was authenticated:
    // only the first logout succeeds, as if the others had arrived after it.
    if (!(await this.revoked.revoke(actor.token.tokenId, expiresAt))) {
      throw tokenError('TOKEN_REVOKED');
    }
  }
}
