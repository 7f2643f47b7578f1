import type { Knex } from 'knex';

/**
 * A per-user counter behind "revoke every token of this user up to now" (log out everywhere, a
 * password change): each access token carries the generation it was issued under, and one lower
 * than the user's is refused. The row is read on every authenticated request anyway, so the check
 * costs no query, and nothing grows per token.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (table) => {
    table.integer('token_generation').notNullable().defaultTo(0);
  });
}

export async function down(knex: Knex): Promise<void> {
  // Native on both (SQLite since 3.35): knex's SQLite dropColumn copies the table instead, which
  // would have to carry the expression index on lower(email) and the widgets' foreign key along.
  await knex.raw('ALTER TABLE users DROP COLUMN token_generation');
}
