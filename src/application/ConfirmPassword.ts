import {
  DomainError,
  tooManyAttempts,
  type AttemptLimiter,
  type PasswordHasher,
  type User,
} from '../domain/index.js';

export const PASSWORD_MISMATCH_MESSAGE = 'password does not match';

/**
 * Checks the signed-in user's password before a change that needs it (a new password, deleting
 * the account). A stolen token must not turn into unlimited password guesses, so each check counts
 * against the same per-account limit as a login, and a miss costs the same one verification.
 */
export class ConfirmPassword {
  constructor(
    private readonly hasher: PasswordHasher,
    /** The per-account login limiter (keyed by normalised email), shared with LogIn. */
    private readonly failures: AttemptLimiter,
  ) {}

  async execute(user: User, password: string): Promise<void> {
    // Counted before the hash is checked, as LogIn does, so concurrent guesses cannot slip past.
    const wait = await this.failures.consume(user.email);
    if (wait > 0) throw tooManyAttempts(wait);
    if (!(await this.hasher.verify(password, user.passwordHash))) {
      throw new DomainError('BAD_CREDENTIALS', PASSWORD_MISMATCH_MESSAGE);
    }
    await this.failures.reset(user.email);
  }
}
