import pLimit, { type LimitFunction } from 'p-limit';
import type { PasswordHasher } from '../../domain/index.js';
import type { SlotGate } from './clusterHashingSlots.js';

/**
 * Runs at most `concurrency` hashes or verifications at once. bcrypt and argon2 work on libuv's
 * thread pool (4 threads by default), where token verification (WebCrypto HMAC) and sqlite3 also
 * run: a burst of logins would otherwise occupy every thread and stall authenticated requests
 * behind it. With as many slots as cores, logins lose no throughput (hashing is CPU-bound) and
 * the remaining threads stay free for the rest.
 */
export class ThrottledPasswordHasher implements PasswordHasher {
  private readonly limit: LimitFunction;

  constructor(
    private readonly inner: PasswordHasher,
    concurrency: number,
    /** Where each hash also waits for a slot shared with other processes (cluster workers). */
    private readonly shared: SlotGate = (task) => task(),
  ) {
    this.limit = pLimit(concurrency);
  }

  hash(password: string): Promise<string> {
    return this.limit(() => this.shared(() => this.inner.hash(password)));
  }

  needsRehash(hash: string): boolean {
    return this.inner.needsRehash(hash);
  }

  verify(password: string, hash: string): Promise<boolean> {
    return this.limit(() => this.shared(() => this.inner.verify(password, hash)));
  }
}
