import {
  tokenError,
  type Actor,
  type AuditLog,
  type RequestOrigin,
  type UserRepository,
} from '../domain/index.js';
import type { ConfirmPassword } from './ConfirmPassword.js';

/**
 * The signed-in user leaves: the password first (a stolen token alone must not delete an account;
 * a miss counts like a failed login), then the deletion, which the repository refuses atomically
 * (CONFLICT) while the account owns widgets or is the last administrator. Afterwards its tokens
 * get `Invalid token…` and its email can register again.
 */
export class DeleteOwnAccount {
  constructor(
    private readonly confirmPassword: ConfirmPassword,
    private readonly users: UserRepository,
    private readonly audit: AuditLog,
  ) {}

  async execute(actor: Actor, password: string, origin: RequestOrigin): Promise<void> {
    await this.confirmPassword.execute(actor.user, password);
    // Null: a concurrent request (another deletion, an administrator) removed it first; the token
    // is now that of a deleted user.
    const removed = await this.users.remove(actor.user.publicId);
    if (removed === null) throw tokenError('TOKEN_INVALID');
    this.audit.record({ event: 'account_deleted', publicId: removed.publicId, origin });
  }
}
