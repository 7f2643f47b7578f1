import type { AttemptLimiter, Clock } from '../../../src/domain/index.js';

/** A fixed-window limiter on the given clock, so tests move time instead of sleeping. */
export class InMemoryAttemptLimiter implements AttemptLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly max: number,
    private readonly windowSeconds: number,
  ) {}

  async consume(key: string): Promise<number> {
    if (this.max === 0) return 0;
    const now = this.clock.now().getTime();
    const window = this.current(key) ?? { start: now, count: 0 };
    const counted = { ...window, count: window.count + 1 };
    this.windows.set(key, counted);
    if (counted.count <= this.max) return 0;
    return Math.ceil((counted.start + this.windowSeconds * 1000 - now) / 1000);
  }

  async reset(key: string): Promise<void> {
    this.windows.delete(key);
  }

  async purgeExpired(): Promise<number> {
    const expired = [...this.windows.keys()].filter((key) => !this.current(key));
    for (const key of expired) this.windows.delete(key);
    return expired.length;
  }

  private current(key: string) {
    const window = this.windows.get(key);
    const expired =
      window && window.start + this.windowSeconds * 1000 <= this.clock.now().getTime();
    return expired ? undefined : window;
  }
}
