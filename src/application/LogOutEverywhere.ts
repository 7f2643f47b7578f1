import {
  tokenError,
  type Actor,
  type AuditLog,
  type RequestOrigin,
  type UserRepository,
} from '../domain/index.js';

/**
 * Ends every session of the signed-in user: each token issued until now, the presented one
 * included, is refused from the next request on. One UPDATE of the user's token generation,
 * however many tokens are out (no revocation row per token).
 */
export class LogOutEverywhere {
  constructor(
    private readonly users: UserRepository,
    private readonly audit: AuditLog,
  ) {}

  async execute(actor: Actor, origin: RequestOrigin): Promise<void> {
    const generation = await this.users.advanceTokenGeneration(actor.user.publicId);
    // Deleted since the token was checked: answered as if this request had come after.
    if (generation === null) throw tokenError('TOKEN_INVALID');
    this.audit.record({ event: 'logout_all', publicId: actor.user.publicId, origin });
  }
}
