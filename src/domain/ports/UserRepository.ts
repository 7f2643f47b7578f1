import type { User } from '../User.js';

export interface UserRepository {
  /** Stores a new user; throws `emailTaken` (CONFLICT) when the email exists, also under a race. */
  add(user: User): Promise<void>;
  /** `email` in normalised form. */
  findByEmail(email: string): Promise<User | null>;
  findByPublicId(publicId: string): Promise<User | null>;
  /** Returns false when no such user exists. */
  setAdmin(publicId: string, admin: boolean): Promise<boolean>;
  /**
   * Replaces the stored password hash with `next` only while it is still `current` (an upgrade to
   * the configured algorithm or cost at login): a password changed meanwhile is never overwritten
   * by a rehash of the old one. True when it replaced it.
   */
  upgradePasswordHash(publicId: string, current: string, next: string): Promise<boolean>;
  /**
   * Stores a new password hash and advances the token generation, in one atomic statement, so no
   * reader sees the new password with the old generation. Returns the new generation, or null
   * when no such user exists.
   */
  changePassword(publicId: string, passwordHash: string): Promise<number | null>;
  /**
   * Advances the token generation by one, atomically (concurrent calls each advance it), and
   * returns the new value, or null when no such user exists.
   */
  advanceTokenGeneration(publicId: string): Promise<number | null>;
}
