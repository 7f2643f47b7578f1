import { assertAdmin, type Actor } from './AccessToken.js';

/** The operator at the server's shell (the command line): trusted, as anyone who can reach the database. */
export interface Operator {
  readonly kind: 'operator';
}

export const OPERATOR: Operator = Object.freeze({ kind: 'operator' });

/** Who manages other users' accounts: an authenticated administrator (HTTP) or the operator. */
export type Manager = Actor | Operator;

/**
 * Refuses an actor who is not an administrator (the flag as stored now, as on every admin
 * route); returns the public id the audit trail names as the one who acted (none for the operator).
 */
export function authorizeManager(manager: Manager): string | undefined {
  if ('kind' in manager) return undefined;
  assertAdmin(manager);
  return manager.user.publicId;
}
