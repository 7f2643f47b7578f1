import type { PageQuery, Slice } from '../rules/paging.js';
import type { User } from '../User.js';

/** What a change of the admin flag did: the user as now stored, and whether the flag changed. */
export interface AdminChange {
  readonly user: User;
  readonly changed: boolean;
}

/**
 * Users by email and by public id. Two rules hold atomically here, under any concurrency and
 * across every instance sharing the store, so no pre-check in a use case can be raced past:
 * - the last administrator is neither demoted nor deleted (`lastAdministrator`, CONFLICT): once
 *   there is an administrator, there stays one;
 * - an account that owns widgets is not deleted (`stillOwnsWidgets`, CONFLICT), and a widget
 *   whose owner is being deleted is either counted (deletion refused) or refused itself.
 */
export interface UserRepository {
  /** Stores a new user; throws `emailTaken` (CONFLICT) when the email exists, also under a race. */
  add(user: User): Promise<void>;
  /** `email` in normalised form. */
  findByEmail(email: string): Promise<User | null>;
  /** `publicId` in normalised (lower-case) form. */
  findByPublicId(publicId: string): Promise<User | null>;
  /** One page, oldest registration first (ties by public id), and the total count. */
  list(query: PageQuery): Promise<Slice<User>>;
  /**
   * Grants or withdraws admin rights; null when no such user exists. Withdrawing them from the
   * only administrator throws `lastAdministrator`.
   */
  setAdmin(publicId: string, admin: boolean): Promise<AdminChange | null>;
  /**
   * Deletes the user and returns them as they were; null when no such user exists. Throws
   * `lastAdministrator` for the only administrator, `stillOwnsWidgets` for an owner of widgets.
   * Revocations of the user's tokens are left to expire and be purged: they hold a token id and
   * an expiry, nothing that names the user, and the user's tokens are refused anyway (no user).
   */
  remove(publicId: string): Promise<User | null>;
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
