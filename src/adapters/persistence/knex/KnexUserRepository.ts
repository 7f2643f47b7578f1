import type { Knex } from 'knex';
import {
  emailTaken,
  lastAdministrator,
  stillOwnsWidgets,
  type AdminChange,
  type PageQuery,
  type Slice,
  type User,
  type UserRepository,
} from '../../../domain/index.js';
import { toBoolean, toDate } from './columns.js';
import { mappingViolations } from './constraintViolation.js';

export interface UserRow {
  public_id: string;
  email: string;
  password_hash: string;
  admin: boolean | number;
  registered_on: Date | number;
  token_generation: number;
}

/** Every column of a user row, listed once so a new one cannot be forgotten (it would not compile). */
const USER_ROW: Record<keyof UserRow, true> = {
  public_id: true,
  email: true,
  password_hash: true,
  admin: true,
  registered_on: true,
  token_generation: true,
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
      token_generation: user.tokenGeneration,
    };
    await mappingViolations(this.knex('users').insert(row), {
      unique: () => emailTaken(user.email),
    });
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

  /**
   * Two queries: the page and the count, concurrently (each consistent on its own; a write
   * between them can make the total differ by that write). The count reads every row, which an
   * admin-only listing can afford; the page walks the (registered_on, public_id) index.
   */
  async list({ offset, limit }: PageQuery): Promise<Slice<User>> {
    const [rows, counted] = await Promise.all([
      this.users()
        .orderBy([
          { column: 'registered_on', order: 'asc' },
          { column: 'public_id', order: 'asc' },
        ])
        .limit(limit)
        .offset(offset),
      this.knex('users').count({ total: '*' }),
    ]);
    return { items: rows.map(toUser), total: Number(counted[0]?.total ?? 0) };
  }

  /**
   * In one transaction: lock the administrators (see lockAdministrators), then the user's row;
   * refuse to withdraw the rights of the last administrator; update. Of two concurrent demotions
   * of the last two administrators, the second waits for the first and then sees its outcome.
   */
  async setAdmin(publicId: string, admin: boolean): Promise<AdminChange | null> {
    return this.knex.transaction(async (trx) => {
      const admins = await lockAdministrators(trx);
      const row = await lockUser(trx, publicId);
      if (row === undefined) return null;
      const user = toUser(row);
      if (!admin && user.admin && admins.every((id) => id === publicId)) {
        throw lastAdministrator();
      }
      const changed = user.admin !== admin;
      if (changed) await trx<UserRow>('users').where({ public_id: publicId }).update({ admin });
      return { user: { ...user, admin }, changed };
    });
  }

  /**
   * In one transaction: lock the administrators, then the user's row; refuse the last
   * administrator (also one promoted meanwhile, when nobody else is); count the user's widgets and refuse an owner; delete. On Postgres the row lock
   * (FOR UPDATE) conflicts with the key-share lock a widget insert takes on its owner's row, so
   * an insert either committed before the count (which sees it: 409) or waits and then fails its
   * foreign key check (the widget repository answers `ownerGone`). Locks are always taken in
   * this order (administrators by public id, then the user), so two deletions cannot deadlock.
   */
  async remove(publicId: string): Promise<User | null> {
    return this.knex.transaction(async (trx) => {
      const admins = await lockAdministrators(trx);
      const row = await lockUser(trx, publicId);
      if (row === undefined) return null;
      const user = toUser(row);
      if (user.admin && admins.every((id) => id === publicId)) throw lastAdministrator();
      const [counted] = await trx('widgets').where({ owner_id: publicId }).count({ owned: '*' });
      const owned = Number(counted?.owned ?? 0);
      if (owned > 0) throw stillOwnsWidgets(user.email, owned);
      await trx<UserRow>('users').where({ public_id: publicId }).delete();
      return user;
    });
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

function isPostgres(db: Knex): boolean {
  return db.client.config.client === 'pg';
}

/**
 * The public ids of the administrators, locked until the transaction ends, so nobody else can
 * change who is one meanwhile. Postgres: their rows FOR UPDATE, in public id order (two callers
 * never wait on each other in a cycle); a caller that waited re-checks the rows it then locks,
 * so it sees a demotion or deletion committed while it waited. SQLite: a write (changing
 * nothing) takes the database's write lock for the rest of the transaction, from every
 * connection of every process; only then are the administrators read.
 */
async function lockAdministrators(trx: Knex.Transaction): Promise<string[]> {
  const admins = () => trx<UserRow>('users').where({ admin: true }).orderBy('public_id');
  if (isPostgres(trx)) return admins().forUpdate().pluck('public_id');
  await trx.raw('UPDATE users SET admin = admin WHERE 0');
  return admins().pluck('public_id');
}

/**
 * The user's row, locked until the transaction ends (Postgres: FOR UPDATE; SQLite: the write
 * lock lockAdministrators took). Its admin flag is then current: a promotion committed after
 * the administrators were locked is seen here.
 */
function lockUser(trx: Knex.Transaction, publicId: string): Promise<UserRow | undefined> {
  const query = trx<UserRow>('users').where({ public_id: publicId });
  return (isPostgres(trx) ? query.forUpdate() : query).first();
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
