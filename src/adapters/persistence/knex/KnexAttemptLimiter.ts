import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { AttemptLimit, AttemptLimiter, Clock } from '../../../domain/index.js';
import { toDate } from './columns.js';

/** The width of `auth_attempts.key`. */
const MAX_KEY_LENGTH = 320;

interface AttemptRow {
  key: string;
  window_started_at: Date | number;
  attempts: number;
}

/**
 * Fixed windows kept in the database, so every instance sharing it counts together (as
 * revocations do). A window opens at a key's first attempt and lasts `windowSeconds`. Counting is
 * one atomic upsert that also restarts a window that has passed, and returns the new count
 * (RETURNING: Postgres, SQLite 3.35+), so concurrent attempts can never all read "under the limit".
 */
export class KnexAttemptLimiter implements AttemptLimiter {
  constructor(
    private readonly knex: Knex,
    private readonly clock: Clock,
    private readonly limit: AttemptLimit,
  ) {}

  async consume(key: string): Promise<number> {
    if (this.limit.max === 0) return 0;
    const now = this.clock.now();
    const passed = this.knex.raw('?? <= ?', [
      'auth_attempts.window_started_at',
      this.windowStartBefore(now),
    ]);
    const [row] = await this.attempts()
      .insert({ key: this.keyOf(key), window_started_at: now, attempts: 1 })
      .onConflict('key')
      .merge({
        attempts: this.knex.raw('CASE WHEN ? THEN 1 ELSE ?? + 1 END', [
          passed,
          'auth_attempts.attempts',
        ]),
        window_started_at: this.knex.raw('CASE WHEN ? THEN ? ELSE ?? END', [
          passed,
          now,
          'auth_attempts.window_started_at',
        ]),
      })
      .returning(['attempts', 'window_started_at']);
    if (!row) throw new Error('the attempt counter returned no row');
    if (row.attempts <= this.limit.max) return 0;
    const msLeft = this.windowEnd(row).getTime() - now.getTime();
    return Math.max(1, Math.ceil(msLeft / 1000));
  }

  async reset(key: string): Promise<void> {
    await this.attempts()
      .where({ key: this.keyOf(key) })
      .delete();
  }

  /** Deletes this scope's counters whose window has passed; returns how many. */
  async purgeExpired(): Promise<number> {
    return this.attempts()
      .where('key', 'like', `${this.limit.scope}:%`)
      .andWhere('window_started_at', '<=', this.windowStartBefore(this.clock.now()))
      .delete();
  }

  private attempts(): Knex.QueryBuilder<AttemptRow> {
    return this.knex<AttemptRow>('auth_attempts');
  }

  /** The stored key; one too long for the column is stored as its SHA-256. */
  private keyOf(key: string): string {
    const stored = `${this.limit.scope}:${key}`;
    if (stored.length <= MAX_KEY_LENGTH) return stored;
    return `${this.limit.scope}:sha256:${createHash('sha256').update(key).digest('hex')}`;
  }

  /** A window that started at or before this instant has passed by `now`. */
  private windowStartBefore(now: Date): Date {
    return new Date(now.getTime() - this.limit.windowSeconds * 1000);
  }

  private windowEnd(row: Pick<AttemptRow, 'window_started_at'>): Date {
    return new Date(toDate(row.window_started_at).getTime() + this.limit.windowSeconds * 1000);
  }
}
