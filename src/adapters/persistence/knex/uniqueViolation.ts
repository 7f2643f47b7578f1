const POSTGRES_UNIQUE_VIOLATION = '23505';
const POSTGRES_FOREIGN_KEY_VIOLATION = '23503';
const SQLITE_CONSTRAINT_ERRNO = 19;

/** True when `error` is a unique or primary key violation from Postgres or SQLite. */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = property(error, 'code');
  if (code === POSTGRES_UNIQUE_VIOLATION) return true;
  const message = property(error, 'message');
  return (
    code === 'SQLITE_CONSTRAINT' &&
    property(error, 'errno') === SQLITE_CONSTRAINT_ERRNO &&
    typeof message === 'string' &&
    /UNIQUE constraint failed|PRIMARY KEY must be unique/.test(message)
  );
}

/** True when `error` is a foreign key violation from Postgres or SQLite (foreign_keys = ON). */
export function isForeignKeyViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = property(error, 'code');
  if (code === POSTGRES_FOREIGN_KEY_VIOLATION) return true;
  const message = property(error, 'message');
  return (
    code === 'SQLITE_CONSTRAINT' &&
    property(error, 'errno') === SQLITE_CONSTRAINT_ERRNO &&
    typeof message === 'string' &&
    message.includes('FOREIGN KEY constraint failed')
  );
}

function property(error: object, key: string): unknown {
  return key in error ? (error as Record<string, unknown>)[key] : undefined;
}
