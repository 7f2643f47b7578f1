import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { AttemptLimiter } from '../../domain/index.js';

/**
 * Fixed windows in this process's memory (rate-limiter-flexible). Several instances behind one
 * balancer each count on their own: bind a shared-store limiter in the container for that.
 */
export class MemoryAttemptLimiter implements AttemptLimiter {
  private readonly limiter: RateLimiterMemory;

  /** `max` attempts per key per window; 0 disables the limit. */
  constructor(
    private readonly max: number,
    windowSeconds: number,
  ) {
    this.limiter = new RateLimiterMemory({ points: Math.max(max, 1), duration: windowSeconds });
  }

  async retryAfter(key: string): Promise<number> {
    if (this.max === 0) return 0;
    const state = await this.limiter.get(key);
    if (!state || state.consumedPoints < this.max) return 0;
    return Math.max(1, Math.ceil(state.msBeforeNext / 1000));
  }

  async record(key: string): Promise<void> {
    if (this.max === 0) return;
    await this.limiter.penalty(key, 1);
  }

  async reset(key: string): Promise<void> {
    await this.limiter.delete(key);
  }
}
