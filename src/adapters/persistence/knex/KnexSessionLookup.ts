import type { Knex } from 'knex';
import type { Session, SessionLookup } from '../../../domain/index.js';
import { toBoolean } from './columns.js';
import { toUser, USER_COLUMNS, type UserRow } from './KnexUserRepository.js';

type SessionRow = { [K in keyof UserRow]: UserRow[K] | null } & { revoked: boolean | number };

/**
 * One statement for both halves: a one-row table left-joined with the user, so a token of a
 * deleted user still learns whether it was revoked (a revoked token says "blacklisted" first).
 */
const SELECT = (user: string, token: string) =>
  `SELECT ${USER_COLUMNS.map((column) => `u.${column}`).join(', ')},
     EXISTS (SELECT 1 FROM revoked_tokens WHERE token_id = ${token}) AS revoked
   FROM (SELECT 1 AS one) AS one LEFT JOIN users AS u ON u.public_id = ${user}`;

/** Postgres keeps this statement parsed and planned per connection, by this name. */
const POSTGRES_STATEMENT = { name: 'gatehouse_session', text: SELECT('$1', '$2') };
const SQLITE_STATEMENT = SELECT(':user', ':token');

/** The part of pg's client this adapter uses: a named (prepared) statement. */
interface PgConnection {
  query(statement: {
    name: string;
    text: string;
    values: readonly string[];
  }): Promise<{ rows: SessionRow[] }>;
}

/** Knex's pool, which hands out the driver's own connections. */
interface PooledClient {
  acquireConnection(): Promise<PgConnection>;
  releaseConnection(connection: PgConnection): Promise<unknown>;
}

/**
 * The authentication read in one round trip. On Postgres it bypasses Knex's query builder for a
 * named prepared statement on a connection from Knex's own pool: building the query costs more
 * node CPU than the rest of the request, and a prepared statement cuts Postgres's own work per
 * lookup several-fold (parse and plan once per connection). SQLite runs the same SQL in-process.
 */
export class KnexSessionLookup implements SessionLookup {
  private readonly postgres: boolean;

  constructor(private readonly knex: Knex) {
    this.postgres = (knex.client as { config: Knex.Config }).config.client === 'pg';
  }

  async find(publicId: string, tokenId: string): Promise<Session> {
    const row = this.postgres
      ? await this.findOnPostgres(publicId, tokenId)
      : (
          await this.knex.raw<SessionRow[]>(SQLITE_STATEMENT, { user: publicId, token: tokenId })
        )[0];
    if (row === undefined) throw new Error('the session lookup returned no row');
    return {
      user: row.public_id === null ? null : toUser(row as UserRow),
      revoked: toBoolean(row.revoked),
    };
  }

  private async findOnPostgres(publicId: string, tokenId: string): Promise<SessionRow | undefined> {
    const pool = this.knex.client as PooledClient;
    const connection = await pool.acquireConnection();
    try {
      const result = await connection.query({ ...POSTGRES_STATEMENT, values: [publicId, tokenId] });
      return result.rows[0];
    } finally {
      await pool.releaseConnection(connection);
    }
  }
}
