import type { Actor, RevokedTokens } from '../domain/index.js';

/** Revokes the presented token only, until it would have expired anyway. */
export class LogOut {
  constructor(private readonly revoked: RevokedTokens) {}

  async execute(actor: Actor): Promise<void> {
    await this.revoked.revoke(actor.token.tokenId, new Date(actor.token.expiresAt * 1000));
  }
}
