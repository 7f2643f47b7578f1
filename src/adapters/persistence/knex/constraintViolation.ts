import { driverMessage, errorProperty } from './driverErrors.js';

const POSTGRES_CODES = { unique: '23505', foreignKey: '23503' } as const;
const SQLITE_CONSTRAINT_ERRNO = 19;
const SQLITE_MESSAGES = {
  unique: /UNIQUE constraint failed|PRIMARY KEY must be unique/,
  foreignKey: /FOREIGN KEY constraint failed/,
} as const;

/** The constraints a repository turns into domain errors. */
export type Constraint = keyof typeof POSTGRES_CODES;

/** Which constraint `error` (from Postgres or SQLite, foreign_keys = ON) says was violated. */
export function violatedConstraint(error: unknown): Constraint | null {
  const code = errorProperty(error, 'code');
  for (const constraint of ['unique', 'foreignKey'] as const) {
    if (code === POSTGRES_CODES[constraint]) return constraint;
    if (
      code === 'SQLITE_CONSTRAINT' &&
      errorProperty(error, 'errno') === SQLITE_CONSTRAINT_ERRNO &&
      SQLITE_MESSAGES[constraint].test(driverMessage(error) ?? '')
    ) {
      return constraint;
    }
  }
  return null;
}

/**
 * Awaits `write`; a violation of a constraint `errors` names throws that error instead (a taken
 * name, an owner deleted meanwhile: races a pre-check cannot close). Anything else propagates.
 */
export async function mappingViolations<T>(
  write: PromiseLike<T>,
  errors: Partial<Record<Constraint, () => Error>>,
): Promise<T> {
  try {
    return await write;
  } catch (error) {
    const constraint = violatedConstraint(error);
    const mapped = constraint === null ? undefined : errors[constraint];
    throw mapped === undefined ? error : mapped();
  }
}
