import type { Knex } from 'knex';
import { emailTaken, type User, type UserRepository } from '../../../domain/index.js';
import { toBoolean, toDate } from './columns.js';
import { isUniqueViolation } from './uniqueViolation.js';

export interface UserRow {
  public_id: string;
  email: string;
  password_hash: string;
  admin: boolean | number;
  registered_on: Date | number;
}

/** Every column of a user row, listed once so a new one cannot be forgotten (it would not compile). */
const USER_ROW: Record<keyof UserRow, true> = {
  public_id: true,
  email: true,
  password_hash: true,
  admin: true,
  registered_on: true,
};
/** The columns `toUser` reads. */
export const USER_COLUMNS = Object.keys(USER_ROW) as ReadonlyArray<keyof UserRow>;

export class KnexUserRepository implements UserRepository {
  constructor(private readonly knex: Knex) {}

  async add(user: User): Promise<void> {
    const row: UserRow = {
      public_id: user.publicId,
      email: user.email,
      password_hash: user.passwordHash,
      admin: user.admin,
      registered_on: user.registeredOn,
    };
    try {
      await this.knex('users').insert(row);
    } catch (error) {
      if (isUniqueViolation(error)) throw emailTaken(user.email);
      throw error;
    }
  }

  async findByEmail(email: string): Promise<User | null> {
    // Matches the expression of the unique index, which also serves this lookup.
    const row = await this.users().whereRaw('lower(email) = lower(?)', [email]).first();
    return row === undefined ? null : toUser(row);
  }

  async findByPublicId(publicId: string): Promise<User | null> {
    const row = await this.users().where({ public_id: publicId }).first();
    return row === undefined ? null : toUser(row);
  }

  async setAdmin(publicId: string, admin: boolean): Promise<boolean> {
    const updated = await this.users().where({ public_id: publicId }).update({ admin });
    return updated > 0;
  }

  async setPasswordHash(publicId: string, passwordHash: string): Promise<void> {
    await this.users().where({ public_id: publicId }).update({ password_hash: passwordHash });
  }

  private users(): Knex.QueryBuilder<UserRow> {
    return this.knex<UserRow>('users');
  }
}

export function toUser(row: UserRow): User {
  return {
    publicId: row.public_id,
    email: row.email,
    passwordHash: row.password_hash,
    admin: toBoolean(row.admin),
    registeredOn: toDate(row.registered_on),
  };
}
