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

export const LAST_ADMINISTRATOR_MESSAGE = 'cannot remove the last administrator';

/**
 * The CONFLICT of demoting or deleting the only administrator left: once there is one, there is
 * always one, so the users (and widget writes) stay manageable over HTTP.
 */
export function lastAdministrator(): DomainError {
  return new DomainError('CONFLICT', LAST_ADMINISTRATOR_MESSAGE);
}

/** The CONFLICT of deleting an account that owns widgets (they would lose their owner). */
export function stillOwnsWidgets(email: string, count: number): DomainError {
  return new DomainError('CONFLICT', `${email} still owns ${count} widget(s)`);
}

/** The NOT_FOUND for a public id, naming it as the client sent it. */
export function userNotFound(publicId: string): DomainError {
  return new DomainError('NOT_FOUND', `${publicId} not found in database.`);
}

/** The NOT_FOUND for an email (the command line names users by email). */
export function emailNotRegistered(email: string): DomainError {
  return new DomainError('NOT_FOUND', `${email} is not registered`);
}

const PUBLIC_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A public id as the store keeps it (lower-case, as generated), or null for a value that is not
 * a UUID and so names nobody. UUIDs compare case-insensitively (RFC 9562).
 */
export function normalizePublicId(raw: string): string | null {
  return PUBLIC_ID.test(raw) ? raw.toLowerCase() : null;
}
