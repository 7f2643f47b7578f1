/**
 * Counts attempts per key (an account, a client address) within a fixed window, so brute force
 * meets a 429 until the window passes. No permanent lockout: counts expire with their window.
 */
export interface AttemptLimiter {
  /**
   * Counts one attempt against `key`, atomically, and returns 0 when it is within the limit, or
   * the whole seconds until the window ends when it is over. Counting before acting is what keeps
   * a burst of concurrent attempts from slipping past the limit.
   */
  consume(key: string): Promise<number>;
  /** Forgets `key`'s attempts. */
  reset(key: string): Promise<void>;
  /** Housekeeping: forgets every key whose window has passed; returns how many. */
  purgeExpired(): Promise<number>;
}

/** How an AttemptLimiter is set up; every adapter counts the same way. */
export interface AttemptLimit {
  /** Names the counter, so several limiters share one store: `login`, `client`. */
  readonly scope: string;
  /** Attempts allowed per key per window; 0 disables the limit. */
  readonly max: number;
  readonly windowSeconds: number;
}
