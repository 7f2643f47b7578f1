import {
  assertValid,
  DomainError,
  emailProblem,
  normalizeEmail,
  type UserRepository,
} from '../domain/index.js';

export interface SetAdminInput {
  readonly email: string;
  readonly admin: boolean;
}

/** Grants or withdraws admin rights; effective on the user's next request (rights are re-read). */
export class SetAdmin {
  constructor(private readonly users: UserRepository) {}

  async execute(input: SetAdminInput): Promise<void> {
    assertValid({ email: emailProblem(input.email) });
    const email = normalizeEmail(input.email);
    const user = await this.users.findByEmail(email);
    if (!user || !(await this.users.setAdmin(user.publicId, input.admin))) {
      throw new DomainError('NOT_FOUND', `${email} is not registered`);
    }
  }
}
