import { assertValid, DomainError } from './DomainError.js';
import { emailProblem, normalizeEmail } from './rules/email.js';

export interface User {
  /** The public identifier (a UUID), used as the token subject. */
  readonly publicId: string;
  /** Normalised: trimmed and lower-cased. */
  readonly email: string;
  readonly passwordHash: string;
  readonly admin: boolean;
  readonly registeredOn: Date;
  /**
   * Tokens issued before the latest "revoke every token" (a password change, a logout
   * everywhere) carry a lower generation than this counter, and are refused. See
   * AuthenticateRequest for why a counter on the user row.
   */
  readonly tokenGeneration: number;
}

export interface NewUser {
  readonly publicId: string;
  readonly email: string;
  readonly passwordHash: string;
  readonly admin: boolean;
  readonly registeredOn: Date;
}

/** Builds a User, refusing an invalid email whatever adapter the request came through. */
export function createUser(input: NewUser): User {
  assertValid({ email: emailProblem(input.email) });
  return { ...input, email: normalizeEmail(input.email), tokenGeneration: 0 };
}

/** The CONFLICT raised for a taken email, by the use case's pre-check and by a repository alike. */
export function emailTaken(email: string): DomainError {
  return new DomainError('CONFLICT', `${email} is already registered`);
}
