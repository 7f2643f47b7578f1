import * as argon2 from 'argon2';
import type { PasswordHasher } from '../../domain/index.js';

export interface Argon2Parameters {
  /** Memory per hash, in KiB. */
  readonly memoryCost: number;
  /** Passes over that memory. */
  readonly timeCost: number;
  /** Lanes (and threads) per hash. */
  readonly parallelism: number;
}

/**
 * OWASP Password Storage Cheat Sheet, argon2id: 19 MiB, 2 passes, 1 lane. The argon2 package's
 * own defaults (64 MiB, t=3, p=4) would cost over three times the memory per concurrent login.
 */
export const OWASP_ARGON2ID: Argon2Parameters = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

const PREFIX = '$argon2id$';
const MAX_UINT32 = 2 ** 32 - 1;

function isCount(value: number, min: number, max: number): boolean {
  return Number.isInteger(value) && value >= min && value <= max;
}

/** argon2id in the PHC string format; verifies with the parameters recorded in each hash. */
export class Argon2PasswordHasher implements PasswordHasher {
  private readonly parameters: Argon2Parameters;

  constructor(parameters: Partial<Argon2Parameters> = {}) {
    const { memoryCost, timeCost, parallelism } = { ...OWASP_ARGON2ID, ...parameters };
    if (!isCount(parallelism, 1, 2 ** 24 - 1)) {
      throw new Error('argon2 parallelism must be an integer from 1 to 16777215');
    }
    if (!isCount(timeCost, 1, MAX_UINT32)) {
      throw new Error('argon2 timeCost must be a positive integer');
    }
    if (!isCount(memoryCost, 8 * parallelism, MAX_UINT32)) {
      throw new Error('argon2 memoryCost must be an integer of at least 8 KiB per lane');
    }
    this.parameters = { memoryCost, timeCost, parallelism };
  }

  /** True for an argon2id hash, well-formed or not; false for argon2i, argon2d and the rest. */
  recognises(hash: string): boolean {
    return hash.startsWith(PREFIX);
  }

  needsRehash(hash: string): boolean {
    if (!this.recognises(hash)) return true;
    try {
      return argon2.needsRehash(hash, this.parameters);
    } catch {
      return true; // malformed: whatever it is, it is not what we would write now
    }
  }

  async hash(password: string): Promise<string> {
    // No length limit: argon2 reads every byte (the 72-byte cap is a registration rule).
    return argon2.hash(password, { type: argon2.argon2id, ...this.parameters });
  }

  async verify(password: string, hash: string): Promise<boolean> {
    // The package would also verify argon2i and argon2d hashes: they are not this hasher's format.
    if (!this.recognises(hash)) return false;
    try {
      return await argon2.verify(hash, password);
    } catch {
      // A malformed stored hash is a mismatch, not a server error.
      return false;
    }
  }
}
