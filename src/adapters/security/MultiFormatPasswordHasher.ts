import type { PasswordHasher } from '../../domain/index.js';

/** A concrete hasher that can tell its own hashes by their format. */
export interface RecognisingPasswordHasher extends PasswordHasher {
  recognises(hash: string): boolean;
}

/**
 * Hashes with the primary hasher and verifies each hash with whichever hasher recognises its
 * format, so switching PASSWORD_HASHER never locks out an account hashed under the other one.
 *
 * Timing: LogIn's dummy hash for unknown emails is made here, so in the primary format and costs
 * one primary verification; a known account with an older-format hash costs its own algorithm.
 */
export class MultiFormatPasswordHasher implements PasswordHasher {
  private readonly hashers: readonly RecognisingPasswordHasher[];

  constructor(
    private readonly primary: RecognisingPasswordHasher,
    others: readonly RecognisingPasswordHasher[],
  ) {
    this.hashers = [primary, ...others];
  }

  hash(password: string): Promise<string> {
    return this.primary.hash(password);
  }

  /** Hashes of the other formats are upgraded to the primary's on the next successful login. */
  needsRehash(hash: string): boolean {
    return this.primary.needsRehash(hash);
  }

  async verify(password: string, hash: string): Promise<boolean> {
    const hasher = this.hashers.find((candidate) => candidate.recognises(hash));
    return hasher ? hasher.verify(password, hash) : false;
  }
}
