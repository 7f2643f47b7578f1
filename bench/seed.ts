/** Bulk widgets, written straight into the bench database (the API would take minutes). */
import type { Knex } from 'knex';

/** Rows per INSERT: knex writes a multi-row SQLite insert as a compound SELECT (500 terms at most). */
const BATCH = { pg: 5000, sqlite3: 400 } as const;
const FIRST_CREATED_AT = Date.parse('2026-01-01T00:00:00Z');
const DEADLINE = new Date('2031-05-13T00:00:00Z');

/**
 * Adds widgets `from`…`to - 1` owned by `ownerPublicId`, one second apart in creation order (the
 * listing's order), in batches of BATCH rows. Returns the seconds it took.
 */
export async function seedWidgets(
  knex: Knex,
  ownerPublicId: string,
  from: number,
  to: number,
): Promise<number> {
  const started = performance.now();
  const postgres = knex.client.config.client === 'pg';
  const batch = postgres ? BATCH.pg : BATCH.sqlite3;
  for (let start = from; start < to; start += batch) {
    const rows = [];
    for (let i = start; i < Math.min(to, start + batch); i += 1) {
      rows.push({
        name: `widget-${String(i).padStart(6, '0')}`,
        info_url: `https://example.com/widgets/${i}`,
        deadline: DEADLINE,
        created_at: new Date(FIRST_CREATED_AT + i * 1000),
        owner_id: ownerPublicId,
      });
    }
    await knex('widgets').insert(rows);
  }
  // What autovacuum/autoanalyze would have done by the time a table has grown this much.
  if (postgres) await knex.raw('VACUUM ANALYZE widgets');
  else await knex.raw('ANALYZE');
  return (performance.now() - started) / 1000;
}
