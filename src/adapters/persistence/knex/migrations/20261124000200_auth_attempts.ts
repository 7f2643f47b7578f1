import type { Knex } from 'knex';

/** Brute-force counters, shared by every instance on the database (see KnexAttemptLimiter). */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('auth_attempts', (table) => {
    // `<scope>:<email or client address>`
    table.string('key', 320).primary();
    table
      .timestamp('window_started_at', { useTz: true })
      .notNullable()
      .index('auth_attempts_window_started_at_index');
    table.integer('attempts').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('auth_attempts');
}
