import type { Knex } from 'knex';

/** The admin listing of users, oldest registration first, reads its pages from this index. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (table) => {
    table.index(['registered_on', 'public_id'], 'users_registered_on_public_id_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (table) => {
    table.dropIndex(['registered_on', 'public_id'], 'users_registered_on_public_id_index');
  });
}
