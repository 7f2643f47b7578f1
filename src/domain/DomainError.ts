/**
 * The closed set of things that can go wrong in Gatehouse's core. Adapters map each code once
 * (the HTTP error middleware holds a `Record<DomainErrorCode, …>`), so a new code does not compile
 * until every adapter knows what it means.
 */
export type DomainErrorCode =
  | 'VALIDATION'
  | 'BAD_CREDENTIALS'
  | 'UNAUTHENTICATED'
  | 'TOKEN_INVALID'
  | 'TOKEN_EXPIRED'
  | 'TOKEN_REVOKED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'RATE_LIMITED';

export interface DomainErrorDetails {
  /** Field name → message, for VALIDATION: every failing field at once. */
  readonly fields?: Readonly<Record<string, string>>;
  /** For RATE_LIMITED: whole seconds until the caller may try again. */
  readonly retryAfterSeconds?: number;
}

export class DomainError extends Error {
  override readonly name = 'DomainError';

  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details: DomainErrorDetails = {},
  ) {
    super(message);
  }

  static validation(fields: Readonly<Record<string, string>>): DomainError {
    return new DomainError('VALIDATION', 'Input payload validation failed', { fields });
  }
}

export const TOKEN_MESSAGES = {
  UNAUTHENTICATED: 'Unauthorized',
  TOKEN_INVALID: 'Invalid token. Please log in again.',
  TOKEN_EXPIRED: 'Access token expired. Please log in again.',
  TOKEN_REVOKED: 'Token blacklisted. Please log in again.',
  FORBIDDEN: 'You are not an administrator',
} as const;

export function tokenError(code: keyof typeof TOKEN_MESSAGES): DomainError {
  return new DomainError(code, TOKEN_MESSAGES[code]);
}

/** Throws one VALIDATION error naming every field whose rule returned a problem. */
export function assertValid(problems: Readonly<Record<string, string | null>>): void {
  const fields: Record<string, string> = {};
  for (const [field, problem] of Object.entries(problems)) {
    if (problem !== null) fields[field] = problem;
  }
  if (Object.keys(fields).length > 0) throw DomainError.validation(fields);
}

export function tooManyAttempts(retryAfterSeconds: number): DomainError {
  return new DomainError('RATE_LIMITED', 'Too many attempts. Try again later.', {
    retryAfterSeconds,
  });
}
