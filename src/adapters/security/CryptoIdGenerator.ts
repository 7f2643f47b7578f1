import { randomUUID } from 'node:crypto';
import type { IdGenerator } from '../../domain/index.js';

export class CryptoIdGenerator implements IdGenerator {
  newId(): string {
    return randomUUID();
  }
}
