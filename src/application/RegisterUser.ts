import type { RequestOrigin } from '../domain/index.js';
import type { AccessTokenIssuer, IssuedToken } from './AccessTokenIssuer.js';
import type { AddUser } from './AddUser.js';

export interface RegisterUserInput {
  readonly email: string;
  readonly password: string;
}

/** Self-service sign-up: a non-admin account and a token for it. */
export class RegisterUser {
  constructor(
    private readonly addUser: AddUser,
    private readonly issuer: AccessTokenIssuer,
  ) {}

  async execute(input: RegisterUserInput, origin: RequestOrigin): Promise<IssuedToken> {
    const user = await this.addUser.execute({ ...input, admin: false }, origin);
    return this.issuer.issue(user);
  }
}
