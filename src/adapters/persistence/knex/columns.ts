/**
 * Column value conversions on read. Postgres returns timestamps as Date and booleans as boolean;
 * the sqlite3 driver stores a bound Date as epoch milliseconds and a boolean as 0/1.
 */
export function toDate(value: unknown): Date {
  if (value instanceof Date) return new Date(value.getTime());
  if (typeof value === 'number') return new Date(value);
  throw new TypeError(`Unexpected timestamp column value of type ${typeof value}`);
}

export function toBoolean(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (value === 0 || value === 1) return value === 1;
  throw new TypeError(`Unexpected boolean column value of type ${typeof value}`);
}
