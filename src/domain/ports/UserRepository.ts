import type { User } from '../User.js';

export interface UserRepository {
  /** Stores a new user; throws `emailTaken` (CONFLICT) when the email exists, also under a race. */
  add(user: User): Promise<void>;
  /** `email` in normalised form. */
  findByEmail(email: string): Promise<User | null>;
  findByPublicId(publicId: string): Promise<User | null>;
  /** Returns false when no such user exists. */
  setAdmin(publicId: string, admin: boolean): Promise<boolean>;
  /** Replaces the stored password hash (an upgrade to the current algorithm or cost). */
  setPasswordHash(publicId: string, passwordHash: string): Promise<void>;
}
