import bcrypt from 'bcrypt';
import type { PasswordHasher } from '../../domain/index.js';

/** bcrypt reads at most 72 bytes of its input and silently ignores the rest. */
const BCRYPT_MAX_BYTES = 72;

function tooLong(password: string): boolean {
  return Buffer.byteLength(password, 'utf8') > BCRYPT_MAX_BYTES;
}

/** $2a$ (original), $2b$ (OpenBSD's fix) and $2y$ (crypt_blowfish's fix, as PHP writes it). */
const BCRYPT_PREFIX = /^\$2[aby]\$/;

export class BcryptPasswordHasher implements PasswordHasher {
  constructor(private readonly cost: number) {
    if (!Number.isInteger(cost) || cost < 4 || cost > 31) {
      throw new Error('bcrypt cost must be an integer from 4 to 31');
    }
  }

  /** True for a bcrypt hash, well-formed or not. */
  recognises(hash: string): boolean {
    return BCRYPT_PREFIX.test(hash);
  }

  needsRehash(hash: string): boolean {
    return !this.recognises(hash) || Number(hash.slice(4, 6)) !== this.cost;
  }

  async hash(password: string): Promise<string> {
    // The use case validates first; reaching this is a programming error, never a truncation.
    if (tooLong(password))
      throw new Error(`bcrypt cannot hash more than ${BCRYPT_MAX_BYTES} bytes`);
    return bcrypt.hash(password, this.cost);
  }

  async verify(password: string, hash: string): Promise<boolean> {
    // Comparing would compare the first 72 bytes only: a longer password never matches.
    if (tooLong(password)) return false;
    try {
      // $2y$ and $2b$ are one algorithm, but the bcrypt package accepts only $2a$ and $2b$.
      return await bcrypt.compare(password, hash.replace(/^\$2y\$/, '$2b$'));
    } catch {
      // A malformed stored hash is a mismatch, not a server error.
      return false;
    }
  }
}
