import { randomBytes, randomUUID } from 'node:crypto';
import type { IdGenerator } from '../../domain/index.js';

export class CryptoIdGenerator implements IdGenerator {
  newId(): string {
    return randomUUID();
  }

  newSecret(): string {
    return randomBytes(32).toString('base64url');
  }
}
