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
  token_generation: number;
}

/** The columns `toUser` reads. */
export const USER_COLUMNS = [
  'public_id',
  'email',
  'password_hash',
  'admin',
  'registered_on',
  'token_generation',
] as const satisfies readonly (keyof UserRow)[];

// Every column of UserRow is listed above: a column added to one and not the other fails here
// (the session lookup selects exactly these, and a User read without one would be incomplete).
const everyColumnListed: Exclude<keyof UserRow, (typeof USER_COLUMNS)[number]> extends never
  ? true
  : never = true;
void everyColumnListed;

export class KnexUserRepository implements UserRepository {
  constructor(private readonly knex: Knex) {}

  async add(user: User): Promise<void> {
    const row: UserRow = {
      public_id: user.publicId,
      email: user.email,
      password_hash: user.passwordHash,
      admin: user.admin,
      registered_on: user.registeredOn,
      token_generation: user.tokenGeneration,
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

  async upgradePasswordHash(publicId: string, current: string, next: string): Promise<boolean> {
    const updated = await this.users()
      .where({ public_id: publicId, password_hash: current })
      .update({ password_hash: next });
    return updated > 0;
  }

  changePassword(publicId: string, passwordHash: string): Promise<number | null> {
    return this.advanceGeneration(publicId, { password_hash: passwordHash });
  }

  advanceTokenGeneration(publicId: string): Promise<number | null> {
    return this.advanceGeneration(publicId, {});
  }

  /**
   * `UPDATE … SET token_generation = token_generation + 1 … RETURNING token_generation` (SQLite
   * has RETURNING since 3.35): the increment is the database's, so concurrent calls never lose
   * one, and the new value comes back from the same statement.
   */
  private async advanceGeneration(
    publicId: string,
    changes: Partial<Pick<UserRow, 'password_hash'>>,
  ): Promise<number | null> {
    const rows: Array<Pick<UserRow, 'token_generation'>> = await this.users()
      .where({ public_id: publicId })
      .update({ ...changes, token_generation: this.knex.raw('token_generation + 1') }, [
        'token_generation',
      ]);
    const row = rows[0];
    return row === undefined ? null : Number(row.token_generation);
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
    tokenGeneration: Number(row.token_generation),
  };
}
