import type { Knex } from 'knex';

/**
 * An exact widget count read in constant time: one row, kept by triggers on `widgets` in the same
 * transaction as each insert and delete, whoever writes (the application or SQL by hand).
 *
 * On Postgres every statement inserting or deleting widgets updates that one row, so concurrent
 * widget writes serialise on its row lock until they commit. Widget writes are admin-only and
 * rare, so that is the price of an O(1) exact `total_items`. No deadlock with the application's
 * writes: each inserts or deletes one widget in a transaction of its own (PutWidget's update is a
 * separate transaction, and an update fires nothing), and AFTER triggers run at the end of the
 * statement, so the counter row is the last lock such a transaction takes before committing.
 * Hand-written transactions that write widgets after a first insert or delete could deadlock
 * with each other; Postgres detects that and aborts one of them.
 */
export async function up(knex: Knex): Promise<void> {
  const postgres = knex.client.config.client === 'pg';
  // Nobody inserts or deletes a widget between the count below and the triggers taking over
  // (SQLite: the migration's transaction holds the database's write lock from the first write).
  if (postgres) await knex.raw('LOCK TABLE widgets IN SHARE ROW EXCLUSIVE MODE');

  await knex.schema.createTable('widget_counts', (table) => {
    // Always true: the primary key then allows exactly one row.
    table.boolean('id').primary().defaultTo(true);
    table.bigInteger('total').notNullable();
    table.check('?? AND ?? >= 0', ['id', 'total'], 'widget_counts_one_row_check');
  });
  await knex.raw('INSERT INTO widget_counts (total) SELECT COUNT(*) FROM widgets');

  if (postgres) {
    // Statement triggers with transition tables: one counter update per statement, not per row.
    // Row triggers made a 5 000-row insert update the row 5 000 times in one transaction, each
    // new version unprunable until commit: seeding 100 000 widgets took 11 s instead of 0.5 s
    // and left the one-row table at 4 MB. A statement that changes no row takes no lock.
    await knex.raw(`
      CREATE FUNCTION widget_counts_track() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        changes bigint;
      BEGIN
        IF TG_OP = 'TRUNCATE' THEN
          UPDATE widget_counts SET total = 0 WHERE id;
          RETURN NULL;
        END IF;
        SELECT count(*) INTO changes FROM changed;
        IF changes > 0 THEN
          UPDATE widget_counts
            SET total = total + CASE TG_OP WHEN 'INSERT' THEN changes ELSE -changes END
            WHERE id;
        END IF;
        RETURN NULL;
      END
      $$`);
    await knex.raw(`CREATE TRIGGER widgets_count_insert AFTER INSERT ON widgets
      REFERENCING NEW TABLE AS changed
      FOR EACH STATEMENT EXECUTE FUNCTION widget_counts_track()`);
    await knex.raw(`CREATE TRIGGER widgets_count_delete AFTER DELETE ON widgets
      REFERENCING OLD TABLE AS changed
      FOR EACH STATEMENT EXECUTE FUNCTION widget_counts_track()`);
    // TRUNCATE removes rows without firing DELETE triggers.
    await knex.raw(`CREATE TRIGGER widgets_count_truncate AFTER TRUNCATE ON widgets
      FOR EACH STATEMENT EXECUTE FUNCTION widget_counts_track()`);
    return;
  }
  // SQLite has no TRUNCATE, and its DELETE without WHERE fires row triggers once there are any.
  await knex.raw(`CREATE TRIGGER widgets_count_insert AFTER INSERT ON widgets
    BEGIN UPDATE widget_counts SET total = total + 1; END`);
  await knex.raw(`CREATE TRIGGER widgets_count_delete AFTER DELETE ON widgets
    BEGIN UPDATE widget_counts SET total = total - 1; END`);
}

export async function down(knex: Knex): Promise<void> {
  if (knex.client.config.client === 'pg') {
    await knex.raw('DROP TRIGGER widgets_count_insert ON widgets');
    await knex.raw('DROP TRIGGER widgets_count_delete ON widgets');
    await knex.raw('DROP TRIGGER widgets_count_truncate ON widgets');
    await knex.raw('DROP FUNCTION widget_counts_track()');
  } else {
    await knex.raw('DROP TRIGGER widgets_count_insert');
    await knex.raw('DROP TRIGGER widgets_count_delete');
  }
  await knex.schema.dropTable('widget_counts');
}
