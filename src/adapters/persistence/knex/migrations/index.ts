import type { Knex } from 'knex';
import * as usersAndRevokedTokens from './20261124000000_users_and_revoked_tokens.js';
import * as widgets from './20261124000100_widgets.js';
import * as authAttempts from './20261124000200_auth_attempts.js';
import * as widgetCounts from './20261124000300_widget_counts.js';
import * as tokenGeneration from './20261203000000_token_generation.js';
import * as usersListingIndex from './20261203000100_users_listing_index.js';
import * as refreshTokens from './20261204000000_refresh_tokens.js';

/** Every migration by name, in order. Add new ones here: no filesystem globbing (tsx and dist/). */
const MIGRATIONS: ReadonlyMap<string, Knex.Migration> = new Map([
  ['20261124000000_users_and_revoked_tokens', usersAndRevokedTokens],
  ['20261124000100_widgets', widgets],
  ['20261124000200_auth_attempts', authAttempts],
  ['20261124000300_widget_counts', widgetCounts],
  ['20261203000000_token_generation', tokenGeneration],
  ['20261203000100_users_listing_index', usersListingIndex],
  ['20261204000000_refresh_tokens', refreshTokens],
]);

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => [...MIGRATIONS.keys()].sort(),
  getMigrationName: (name) => name,
  getMigration: async (name) => {
    const migration = MIGRATIONS.get(name);
    if (migration === undefined) throw new Error(`Unknown migration: ${name}`);
    return migration;
  },
};

/** Applies every pending migration; returns the names applied (none when already up to date). */
export async function migrateLatest(knex: Knex): Promise<string[]> {
  const [, applied]: [number, string[]] = await knex.migrate.latest({ migrationSource });
  return applied;
}

/** Rolls back the last batch, or every completed migration with `all`; returns the names undone. */
export async function migrateRollback(knex: Knex, all = false): Promise<string[]> {
  const [, undone]: [number, string[]] = await knex.migrate.rollback({ migrationSource }, all);
  return undone;
}

export async function migrationStatus(
  knex: Knex,
): Promise<{ completed: string[]; pending: string[] }> {
  const [completed, pending]: [{ name: string }[], string[]] = await knex.migrate.list({
    migrationSource,
  });
  return { completed: completed.map((row) => row.name), pending };
}
