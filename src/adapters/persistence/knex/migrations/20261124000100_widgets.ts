import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('widgets', (table) => {
    // Breaks ties between widgets created at the same instant: the listing follows insertion order.
    table.increments('id');
    // Names are stored normalised (lower-cased by the domain), so a plain unique constraint
    // refuses every case variant of a taken name.
    table.string('name', 100).notNullable().unique({ indexName: 'widgets_name_unique' });
    table.string('info_url', 255).notNullable();
    table.timestamp('deadline', { useTz: true }).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    // RESTRICT: deleting a user who still owns widgets fails instead of losing the widgets.
    table
      .string('owner_id', 36)
      .notNullable()
      .references('public_id')
      .inTable('users')
      .withKeyName('widgets_owner_id_foreign')
      .onDelete('RESTRICT');
    table.index(['created_at', 'id'], 'widgets_created_at_id_index');
    table.index(['owner_id'], 'widgets_owner_id_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('widgets');
}
