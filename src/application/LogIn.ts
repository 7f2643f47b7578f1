import {
  assertValid,
  DomainError,
  emailProblem,
  normalizeEmail,
  tooManyAttempts,
  type AttemptLimiter,
  type PasswordHasher,
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
  ) {}

  async execute(input: LogInInput): Promise<IssuedToken> {
    // Only the email's form is checked: the register-time password policy never locks anyone out.
    assertValid({ email: emailProblem(input.email) });
    const email = normalizeEmail(input.email);
    // The attempt is counted before the password is checked, so a burst of concurrent guesses
    // cannot all pass the limit; a successful login clears the count.
    const wait = await this.failures.consume(email);
    if (wait > 0) throw tooManyAttempts(wait);
    const user = await this.users.findByEmail(email);
    // Exactly one verification whether or not the account exists, so timing reveals nothing.
    const matches = await this.hasher.verify(
      input.password,
      user?.passwordHash ?? (await this.hashOfNoPassword()),
    );
    if (!user || !matches) throw new DomainError('BAD_CREDENTIALS', BAD_CREDENTIALS_MESSAGE);
    await this.failures.reset(email);
    if (this.hasher.needsRehash(user.passwordHash)) {
      // While the password is at hand: move the account to the configured algorithm and cost.
      await this.users.setPasswordHash(user.publicId, await this.hasher.hash(input.password));
    }
    return this.issuer.issue(user);
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
