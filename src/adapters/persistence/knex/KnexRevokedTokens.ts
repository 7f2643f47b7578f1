import type { Knex } from 'knex';
import type { RevokedTokens } from '../../../domain/index.js';

interface RevokedTokenRow {
  token_id: string;
  expires_at: Date | number;
}

export class KnexRevokedTokens implements RevokedTokens {
  constructor(private readonly knex: Knex) {}

  async revoke(tokenId: string, expiresAt: Date): Promise<boolean> {
    // An ignored conflict returns no row (RETURNING: Postgres, SQLite 3.35+): the one atomic
    // insert decides which of concurrent revocations was first.
    const inserted = await this.revoked()
      .insert({ token_id: tokenId, expires_at: expiresAt })
      .onConflict('token_id')
      .ignore()
      .returning('token_id');
    return inserted.length > 0;
  }

  async isRevoked(tokenId: string): Promise<boolean> {
    const row = await this.revoked().where({ token_id: tokenId }).first('token_id');
    return row !== undefined;
  }

  async purgeExpired(now: Date): Promise<number> {
    return this.revoked().where('expires_at', '<', now).delete();
  }

  private revoked(): Knex.QueryBuilder<RevokedTokenRow> {
    return this.knex<RevokedTokenRow>('revoked_tokens');
  }
}
