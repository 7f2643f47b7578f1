import type { PasswordHasher } from '../../../src/domain/index.js';

/** Reversible "hashing" for core tests; counts verifications to check LogIn's constant work. */
export class FakePasswordHasher implements PasswordHasher {
  verifications = 0;

  async hash(password: string): Promise<string> {
    return `hashed:${password}`;
  }

  needsRehash(hash: string): boolean {
    return !hash.startsWith('hashed:');
  }

  async verify(password: string, hash: string): Promise<boolean> {
    this.verifications += 1;
    return hash === `hashed:${password}`;
  }
}
