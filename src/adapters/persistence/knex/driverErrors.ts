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
