/**
 * Counts attempts per key (an account, a client address) within a window, so brute force meets
 * a 429 until the window passes. No permanent lockout: counts expire with their window.
 */
export interface AttemptLimiter {
  /** Whole seconds until `key` may try again; 0 when it may try now. Counts nothing. */
  retryAfter(key: string): Promise<number>;
  /** Counts one attempt against `key`. */
  record(key: string): Promise<void>;
  /** Forgets `key`'s attempts. */
  reset(key: string): Promise<void>;
  /** Housekeeping: forgets every key whose window has passed; returns how many. */
  purgeExpired(): Promise<number>;
}
