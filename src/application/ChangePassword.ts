import {
  assertValid,
  passwordProblem,
  tokenError,
  type Actor,
  type AuditLog,
  type PasswordHasher,
  type RequestOrigin,
  type UserRepository,
} from '../domain/index.js';
import type { AccessTokenIssuer, IssuedToken } from './AccessTokenIssuer.js';
import type { ConfirmPassword } from './ConfirmPassword.js';

export interface ChangePasswordInput {
  readonly currentPassword: string;
  readonly newPassword: string;
}

/**
 * Replaces the signed-in user's password and ends every session of the account but the one it
 * answers with: whoever else held a token (say, whoever learnt the old password) is out at once.
 */
export class ChangePassword {
  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly confirm: ConfirmPassword,
    private readonly issuer: AccessTokenIssuer,
    private readonly audit: AuditLog,
  ) {}

  async execute(
    actor: Actor,
    input: ChangePasswordInput,
    origin: RequestOrigin,
  ): Promise<IssuedToken> {
    // The new password first: a refusal here costs no verification and no counted attempt.
    assertValid({ new_password: passwordProblem(input.newPassword) });
    await this.confirm.execute(actor.user, input.currentPassword);
    const passwordHash = await this.hasher.hash(input.newPassword);
    // One statement stores the hash and advances the token generation, so every token issued
    // before (this request's included, and a racing login's that read the old row) is refused
    // from now on, on every instance reading this database.
    const generation = await this.users.changePassword(actor.user.publicId, passwordHash);
    // Deleted since the token was checked: answered as if this request had come after.
    if (generation === null) throw tokenError('TOKEN_INVALID');
    this.audit.record({ event: 'password_change', publicId: actor.user.publicId, origin });
    return this.issuer.issue({ ...actor.user, passwordHash, tokenGeneration: generation });
  }
}
