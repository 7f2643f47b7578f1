import type { Session, SessionLookup } from '../../../src/domain/index.js';
import type { InMemoryRevokedTokens } from './InMemoryRevokedTokens.js';
import type { InMemoryUserRepository } from './InMemoryUserRepository.js';

/** Reads the two in-memory stores, as the Knex adapter reads the two tables in one statement. */
export class InMemorySessionLookup implements SessionLookup {
  constructor(
    private readonly users: InMemoryUserRepository,
    private readonly revoked: InMemoryRevokedTokens,
  ) {}

  async find(publicId: string, tokenId: string): Promise<Session> {
    const [user, revoked] = await Promise.all([
      this.users.findByPublicId(publicId),
      this.revoked.isRevoked(tokenId),
    ]);
    return { user, revoked };
  }
}
