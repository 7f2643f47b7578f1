import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('users', (table) => {
    table.string('public_id', 36).primary();
    table.string('email', 254).notNullable();
    table.string('password_hash', 255).notNullable();
    table.boolean('admin').notNullable().defaultTo(false);
    table.timestamp('registered_on', { useTz: true }).notNullable();
  });
  // Emails are stored normalised; the index also refuses a second address differing only in case.
  await knex.raw('CREATE UNIQUE INDEX users_email_lower_unique ON users (lower(email))');

  await knex.schema.createTable('revoked_tokens', (table) => {
    table.string('token_id', 64).primary();
    table
      .timestamp('expires_at', { useTz: true })
      .notNullable()
      .index('revoked_tokens_expires_at_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('revoked_tokens');
  await knex.schema.dropTable('users');
}
