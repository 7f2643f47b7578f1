import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import {
  tokenError,
  type Clock,
  type NewRefreshFamily,
  type RefreshGrant,
  type RefreshOutcome,
  type RefreshRequest,
  type RefreshTokens,
} from '../../../domain/index.js';
import { toDate } from './columns.js';
import { toUser, USER_COLUMNS, type UserRow } from './KnexUserRepository.js';
import { mappingViolations } from './constraintViolation.js';

interface FamilyRow {
  id: string;
  user_id: string;
  generation: number;
  created_at: Date | number;
  revoked_at: Date | number | null;
}

interface TokenRow {
  token_hash: string;
  family_id: string;
  expires_at: Date | number;
  access_token_id: string;
  access_expires_at: Date | number;
  spent_at: Date | number | null;
}

/** A family locked for a rotation, joined with its user. */
type LockedFamilyRow = UserRow & {
  family_id: string;
  family_generation: number;
  family_revoked_at: Date | number | null;
};

/** Families deleted per statement by the purge: well under SQLite's limit of bound parameters. */
const PURGE_CHUNK = 500;

/**
 * Refresh tokens in `refresh_families` and `refresh_tokens` (see their migration), keyed by the
 * SHA-256 of the secret: the secret itself never reaches the database.
 *
 * Every change to a family's tokens happens in a transaction holding that family's lock, so a
 * rotation, a reuse and a revocation of one family serialise, whichever instance runs them.
 * Postgres: the family's row FOR UPDATE, then the token is read again by a new statement (a new
 * snapshot under READ COMMITTED), which sees whatever the lock's previous holder committed.
 * SQLite: a write that changes nothing first, which takes the database's write lock for the rest
 * of the transaction from every connection of every process (as KnexUserRepository does); a read
 * before it could start from a snapshot another writer then outdates (SQLITE_BUSY_SNAPSHOT).
 * Locks are always taken family first, then its token rows — the order a user's deletion
 * cascades in — so neither deadlocks with the other.
 */
export class KnexRefreshTokens implements RefreshTokens {
  private readonly postgres: boolean;

  constructor(
    private readonly knex: Knex,
    /** Dates a family's creation (a login carries no time of its own to the store). */
    private readonly clock: Clock,
  ) {
    this.postgres = knex.client.config.client === 'pg';
  }

  async start({ familyId, publicId, generation, grant }: NewRefreshFamily): Promise<void> {
    const started = this.knex.transaction(async (trx) => {
      await trx<FamilyRow>('refresh_families').insert({
        id: familyId,
        user_id: publicId,
        generation,
        created_at: this.clock.now(),
        revoked_at: null,
      });
      await trx<TokenRow>('refresh_tokens').insert(tokenRow(familyId, grant));
    });
    // The user was deleted after they were read (a login racing the account's deletion).
    await mappingViolations(started, { foreignKey: () => tokenError('TOKEN_INVALID') });
  }

  async rotate({ presented, next, now, graceSeconds }: RefreshRequest): Promise<RefreshOutcome> {
    const hash = digest(presented);
    return this.knex.transaction(async (trx): Promise<RefreshOutcome> => {
      await this.lockForWriting(trx);
      const family = await this.lockFamily(
        trx,
        trx<TokenRow>('refresh_tokens').select('family_id').where({ token_hash: hash }),
      );
      // No family: an unknown token, or its user (and with them the family) was deleted.
      if (family === undefined || family.family_revoked_at !== null) return { outcome: 'refused' };
      const user = toUser(family);
      if (Number(family.family_generation) < user.tokenGeneration) return { outcome: 'refused' };
      // Read under the family's lock: a spend committed by the lock's previous holder is seen.
      const token = await trx<TokenRow>('refresh_tokens').where({ token_hash: hash }).first();
      if (token === undefined || toDate(token.expires_at).getTime() <= now.getTime()) {
        return { outcome: 'refused' };
      }
      const familyId = family.family_id;
      if (token.spent_at !== null) {
        const sinceSpent = now.getTime() - toDate(token.spent_at).getTime();
        const withinGrace = sinceSpent <= graceSeconds * 1000;
        if (!withinGrace) await revokeFamily(trx, familyId, now);
        return {
          outcome: 'reused',
          publicId: user.publicId,
          familyId,
          familyRevoked: !withinGrace,
        };
      }
      // Conditional, though the lock already decides: a successor is only ever stored by the
      // spend of a token that still exists (the purge may have deleted an expiring one since
      // the read), which the purge's reasoning about emptied families relies on.
      const spent = await trx<TokenRow>('refresh_tokens')
        .where({ token_hash: hash })
        .whereNull('spent_at')
        .update({ spent_at: now });
      if (spent !== 1) return { outcome: 'refused' };
      await trx<TokenRow>('refresh_tokens').insert(tokenRow(familyId, next));
      return { outcome: 'rotated', user, familyId };
    });
  }

  async revokeFamilyOf(accessTokenId: string, now: Date): Promise<boolean> {
    return this.knex.transaction(async (trx) => {
      await this.lockForWriting(trx);
      const family = await this.lockFamily(
        trx,
        trx<TokenRow>('refresh_tokens')
          .select('family_id')
          .where({ access_token_id: accessTokenId }),
      );
      if (family === undefined || family.family_revoked_at !== null) return false;
      await revokeFamily(trx, family.family_id, now);
      return true;
    });
  }

  /**
   * Two steps: the expired tokens (through the expiry index), then, of the families they
   * belonged to, those left with none (by primary key). On Postgres the families are locked
   * first and checked by the next statement: a DELETE … WHERE NOT EXISTS alone would judge from
   * a snapshot taken before it waited for a rotation's lock, miss the successor that rotation
   * stored, and delete the family — and the successor with it.
   */
  async purgeExpired(now: Date): Promise<number> {
    // Raw: knex's SQLite dialect drops RETURNING from a delete (SQLite has it since 3.35).
    // Postgres skips rows locked right now (a rotation's, an account deletion's cascade): the
    // purge then never waits holding rows another waits for, and they go at the next purge.
    const expired = 'expires_at < ? AND access_expires_at < ?';
    const result: unknown = await this.knex.raw(
      this.postgres
        ? `DELETE FROM refresh_tokens WHERE token_hash IN
             (SELECT token_hash FROM refresh_tokens WHERE ${expired} FOR UPDATE SKIP LOCKED)
           RETURNING family_id`
        : `DELETE FROM refresh_tokens WHERE ${expired} RETURNING family_id`,
      [now, now],
    );
    const deleted = rawRows<Pick<TokenRow, 'family_id'>>(result, this.postgres);
    const families = [...new Set(deleted.map((row) => row.family_id))].sort();
    for (let start = 0; start < families.length; start += PURGE_CHUNK) {
      const chunk = families.slice(start, start + PURGE_CHUNK);
      await this.knex.transaction(async (trx) => {
        // Postgres: only the families no one holds now. Waiting for one could deadlock with an
        // account deletion cascading through two of its families in the other order; a family
        // someone holds is being rotated (so not empty) or deleted (so gone) anyway.
        const ids = this.postgres
          ? (
              await trx<FamilyRow>('refresh_families')
                .whereIn('id', chunk)
                .forUpdate()
                .skipLocked()
                .select('id')
            ).map((row) => row.id)
          : chunk;
        if (ids.length === 0) return;
        await trx('refresh_families')
          .whereIn('id', ids)
          .whereNotExists(
            trx('refresh_tokens')
              .select(trx.raw('1'))
              .whereRaw('?? = ??', ['refresh_tokens.family_id', 'refresh_families.id']),
          )
          .delete();
      });
    }
    return deleted.length;
  }

  /** SQLite: the database's write lock, taken by a write that changes nothing (see the class). */
  private async lockForWriting(trx: Knex.Transaction): Promise<void> {
    if (!this.postgres) await trx.raw('UPDATE refresh_families SET id = id WHERE 0');
  }

  /**
   * The family named by `familyOf` (a one-column subquery on refresh_tokens; a token's family
   * never changes, so reading it before the lock is safe), locked (Postgres: FOR UPDATE of the
   * family's row alone), and joined with its user.
   */
  private async lockFamily(
    trx: Knex.Transaction,
    familyOf: Knex.QueryBuilder,
  ): Promise<LockedFamilyRow | undefined> {
    const query = trx('refresh_families as f')
      .join('users as u', 'u.public_id', 'f.user_id')
      .where('f.id', familyOf)
      .first<LockedFamilyRow | undefined>([
        ...USER_COLUMNS.map((column) => `u.${column}`),
        'f.id as family_id',
        'f.generation as family_generation',
        'f.revoked_at as family_revoked_at',
      ]);
    return this.postgres ? query.forUpdate('f') : query;
  }
}

/**
 * Marks the family revoked and revokes every access token issued from it that has not expired,
 * where the request hot path looks revocations up anyway. Called under the family's lock.
 */
async function revokeFamily(trx: Knex.Transaction, familyId: string, now: Date): Promise<void> {
  await trx<FamilyRow>('refresh_families').where({ id: familyId }).update({ revoked_at: now });
  await trx.raw(
    `INSERT INTO revoked_tokens (token_id, expires_at)
     SELECT access_token_id, access_expires_at FROM refresh_tokens
     WHERE family_id = ? AND access_expires_at > ?
     ON CONFLICT (token_id) DO NOTHING`,
    [familyId, now],
  );
}

/** knex.raw answers pg's result object on Postgres, the rows themselves on SQLite. */
function rawRows<Row>(result: unknown, postgres: boolean): Row[] {
  const rows: unknown = postgres ? (result as { rows: unknown }).rows : result;
  if (!Array.isArray(rows)) throw new TypeError('Unexpected result of a raw statement');
  return rows as Row[];
}

function tokenRow(familyId: string, grant: RefreshGrant): TokenRow {
  return {
    token_hash: digest(grant.token),
    family_id: familyId,
    expires_at: grant.expiresAt,
    access_token_id: grant.accessTokenId,
    access_expires_at: grant.accessExpiresAt,
    spent_at: null,
  };
}

/** Refresh tokens carry 256 random bits: a fast unsalted hash is enough to keep them secret. */
function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
