import type { IdGenerator } from '../../../src/domain/index.js';

/** Deterministic, distinct ids and secrets of the real shapes: UUIDs, and 43 base64url characters. */
export class SequentialIdGenerator implements IdGenerator {
  private next = 1;
  private nextSecret = 1;

  newId(): string {
    const n = (this.next++).toString(16).padStart(12, '0');
    return `00000000-0000-4000-8000-${n}`;
  }

  newSecret(): string {
    return `refresh-${(this.nextSecret++).toString().padStart(35, '0')}`;
  }
}
