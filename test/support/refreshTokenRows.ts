import type { Knex } from 'knex';
import type { FamilyState } from './contracts/refreshTokensContract.js';

/** A refresh token family as the Knex adapter stored it, for tests to inspect; null when gone. */
export async function knexFamilyState(knex: Knex, familyId: string): Promise<FamilyState | null> {
  const family: { revoked_at: unknown } | undefined = await knex('refresh_families')
    .where({ id: familyId })
    .first('revoked_at');
  if (family === undefined) return null;
  const spent: unknown[] = await knex('refresh_tokens')
    .where({ family_id: familyId })
    .pluck('spent_at');
  return {
    tokens: spent.length,
    spent: spent.filter((at) => at !== null).length,
    revoked: family.revoked_at !== null,
  };
}
