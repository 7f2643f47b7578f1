import {
  assertValid,
  DomainError,
  emailProblem,
  normalizeEmail,
  tooManyAttempts,
  type AttemptLimiter,
  type AuditLog,
  type PasswordHasher,
  type RequestOrigin,
  type UserRepository,
} from '../domain/index.js';
import type { AccessTokenIssuer, IssuedToken } from './AccessTokenIssuer.js';

export interface LogInInput {
  readonly email: string;
  readonly password: string;
}

export const BAD_CREDENTIALS_MESSAGE = 'email or password does not match';

export class LogIn {
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly issuer: AccessTokenIssuer,
    /** Login attempts per account (normalised email), known or not, so the limit reveals nothing. */
    private readonly failures: AttemptLimiter,
    private readonly audit: AuditLog,
  ) {}

  async execute(input: LogInInput, origin: RequestOrigin): Promise<IssuedToken> {
    // Only the email's form is checked: the register-time password policy never locks anyone out.
    assertValid({ email: emailProblem(input.email) });
    const email = normalizeEmail(input.email);
    // The attempt is counted before the password is checked, so a burst of concurrent guesses
    // cannot all pass the limit; a successful login clears the count.
    const wait = await this.failures.consume(email);
    if (wait > 0) throw tooManyAttempts(wait);
    // Read before the password is verified: the token below carries this row's token generation,
    // so a login racing a password change (or a logout everywhere) gets a token that the change
    // makes stale, never one that outlives it.
    const user = await this.users.findByEmail(email);
    // Exactly one verification whether or not the account exists, so timing reveals nothing.
    const matches = await this.hasher.verify(
      input.password,
      user?.passwordHash ?? (await this.hashOfNoPassword()),
    );
    if (!user || !matches) {
      // A 429 above is no attempt on the account (no password was checked), so not recorded.
      this.audit.record({ event: 'login_failure', publicId: user?.publicId ?? null, origin });
      throw new DomainError('BAD_CREDENTIALS', BAD_CREDENTIALS_MESSAGE);
    }
    await this.failures.reset(email);
    if (this.hasher.needsRehash(user.passwordHash)) {
      // While the password is at hand: move the account to the configured algorithm and cost,
      // unless a password change has replaced that hash meanwhile (it must not come back).
      const upgraded = await this.hasher.hash(input.password);
      await this.users.upgradePasswordHash(user.publicId, user.passwordHash, upgraded);
    }
    const issued = await this.issuer.issue(user);
    this.audit.record({ event: 'login_success', publicId: user.publicId, origin });
    return issued;
  }

  /** A hash made once with the configured hasher and cost, verified against for unknown emails. */
  private hashOfNoPassword(): Promise<string> {
    this.dummyHash ??= this.hasher
      .hash('gatehouse: no account has this password')
      .catch((error: unknown) => {
        this.dummyHash = undefined; // a failed attempt is not remembered: the next login retries
        throw error;
      });
    return this.dummyHash;
  }
}
