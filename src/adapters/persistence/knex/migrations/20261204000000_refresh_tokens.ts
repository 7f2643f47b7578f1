import type { Knex } from 'knex';

/**
 * Refresh tokens (REFRESH_TOKENS=on), by family: a login starts a family, each refresh spends the
 * family's live token and adds its successor (see KnexRefreshTokens). The tables exist whatever
 * the setting, so turning it on needs no migration and the purge keeps working once it is off.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('refresh_families', (table) => {
    table.string('id', 36).primary();
    // CASCADE: deleting an account deletes its refresh tokens with it, in the same statement.
    table
      .string('user_id', 36)
      .notNullable()
      .references('public_id')
      .inTable('users')
      .withKeyName('refresh_families_user_id_foreign')
      .onDelete('CASCADE');
    // The user's token generation at login: once it moves past it, the family is dead, without a
    // write to any family (a logout everywhere, a password change).
    table.integer('generation').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('revoked_at', { useTz: true }).nullable();
    // Serves the cascade from users (without it every account deletion scans the families).
    table.index(['user_id'], 'refresh_families_user_id_index');
  });

  await knex.schema.createTable('refresh_tokens', (table) => {
    // SHA-256 of the secret in hex: the raw secret is never stored. Text rather than bytea/blob:
    // the same code and bindings on both databases, and readable in psql; 32 bytes more per key
    // is nothing at this scale. The primary key is the lookup index of a refresh.
    table.string('token_hash', 64).primary();
    table
      .string('family_id', 36)
      .notNullable()
      .references('id')
      .inTable('refresh_families')
      .withKeyName('refresh_tokens_family_id_foreign')
      .onDelete('CASCADE');
    table.timestamp('expires_at', { useTz: true }).notNullable();
    // The `jti` of the access token issued with this refresh token (as wide as revoked_tokens'
    // token_id, where it goes when the family is revoked); a logout finds its family by it.
    table
      .string('access_token_id', 64)
      .notNullable()
      .unique({ indexName: 'refresh_tokens_access_token_id_unique' });
    table.timestamp('access_expires_at', { useTz: true }).notNullable();
    table.timestamp('spent_at', { useTz: true }).nullable();
    // Serves the family's revocation (its tokens) and the cascade from refresh_families.
    table.index(['family_id'], 'refresh_tokens_family_id_index');
    // Serves the purge: a range on expires_at, access_expires_at checked in the index.
    table.index(['expires_at', 'access_expires_at'], 'refresh_tokens_expires_at_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('refresh_tokens');
  await knex.schema.dropTable('refresh_families');
}
