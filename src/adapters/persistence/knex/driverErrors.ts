/**
 * What the drivers' errors carry, read without trusting their shape: pg, sqlite3 and Knex each
 * attach their own fields (`code`, `errno`, `severity`, `cause`) to plain Error objects.
 */
export function errorProperty(error: unknown, key: string): unknown {
  if (typeof error !== 'object' || error === null || !(key in error)) return undefined;
  return (error as Record<string, unknown>)[key];
}

/** The driver's own message: Knex prefixes it with the failed statement and ` - `. */
export function driverMessage(error: unknown): string | undefined {
  const message = errorProperty(error, 'message');
  return typeof message === 'string' ? message.split(' - ').at(-1) : undefined;
}

/**
 * What of a failure's message a log line may carry. Knex puts the failed statement in front of a
 * driver's reason, and a statement holds its bound values (emails, password hashes): a driver's
 * error (it carries a code, or says the database cannot be reached) is cut to the reason.
 */
export function loggableMessage(error: Error, fromDriver: boolean): string {
  const coded = errorProperty(error, 'code') !== undefined;
  return (fromDriver || coded ? driverMessage(error) : undefined) ?? error.message;
}
