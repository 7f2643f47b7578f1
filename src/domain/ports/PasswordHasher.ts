export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** False for a mismatch, including a password the algorithm cannot represent (never truncated). */
  verify(password: string, hash: string): Promise<boolean>;
  /** True when `hash` was made with another algorithm or cost than `hash()` would use now. */
  needsRehash(hash: string): boolean;
}
