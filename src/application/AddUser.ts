import {
  assertValid,
  createUser,
  emailProblem,
  emailTaken,
  normalizeEmail,
  passwordProblem,
  type AuditLog,
  type Clock,
  type IdGenerator,
  type PasswordHasher,
  type RequestOrigin,
  type User,
  type UserRepository,
} from '../domain/index.js';

export interface AddUserInput {
  readonly email: string;
  readonly password: string;
  readonly admin: boolean;
}

/** Creates an account: the one path by which users come to exist (HTTP register and the CLI). */
export class AddUser {
  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly audit: AuditLog,
  ) {}

  /** `origin`: the HTTP request's, or nulls from the command line. */
  async execute(input: AddUserInput, origin: RequestOrigin): Promise<User> {
    assertValid({ email: emailProblem(input.email), password: passwordProblem(input.password) });
    const email = normalizeEmail(input.email);
    // A cheap pre-check spares a hash for the common duplicate; the unique index settles races.
    if (await this.users.findByEmail(email)) throw emailTaken(email);
    const user = createUser({
      publicId: this.ids.newId(),
      email,
      passwordHash: await this.hasher.hash(input.password),
      admin: input.admin,
      registeredOn: this.clock.now(),
    });
    await this.users.add(user);
    this.audit.record({ event: 'register', publicId: user.publicId, origin });
    return user;
  }
}
