import { createHash } from 'node:crypto';
import {
  tokenError,
  type NewRefreshFamily,
  type RefreshGrant,
  type RefreshOutcome,
  type RefreshRequest,
  type RefreshTokens,
} from '../../../src/domain/index.js';
import type { InMemoryRevokedTokens } from './InMemoryRevokedTokens.js';
import type { InMemoryUserRepository } from './InMemoryUserRepository.js';

interface Family {
  readonly publicId: string;
  readonly generation: number;
  revoked: boolean;
}

interface StoredToken {
  readonly familyId: string;
  readonly expiresAt: Date;
  readonly accessTokenId: string;
  readonly accessExpiresAt: Date;
  spentAt: Date | null;
}

/**
 * Refresh tokens in maps, keyed by the SHA-256 of the secret as the database adapter keys them.
 * Every check and its write run with no await in between, so a rotation is as atomic here as
 * under the database's lock. Revoking a family revokes its access tokens in the revocations fake,
 * as the database adapter writes them into the revocations table.
 */
export class InMemoryRefreshTokens implements RefreshTokens {
  private readonly families = new Map<string, Family>();
  private readonly tokens = new Map<string, StoredToken>();

  constructor(
    private readonly users: InMemoryUserRepository,
    private readonly revoked: InMemoryRevokedTokens,
  ) {}

  async start({ familyId, publicId, generation, grant }: NewRefreshFamily): Promise<void> {
    if (!this.users.exists(publicId)) throw tokenError('TOKEN_INVALID');
    this.families.set(familyId, { publicId, generation, revoked: false });
    this.store(familyId, grant);
  }

  async rotate({ presented, next, now, graceSeconds }: RefreshRequest): Promise<RefreshOutcome> {
    const key = digest(presented);
    const owner = this.familyOf(this.tokens.get(key));
    const user = owner ? await this.users.findByPublicId(owner.publicId) : null;
    // From here on no await: the checks and the writes are one step.
    const token = this.tokens.get(key);
    const family = this.familyOf(token);
    if (!token || !family || !user || family.revoked) return { outcome: 'refused' };
    if (family.generation < user.tokenGeneration) return { outcome: 'refused' };
    if (token.expiresAt.getTime() <= now.getTime()) return { outcome: 'refused' };
    if (token.spentAt !== null) {
      const withinGrace = now.getTime() - token.spentAt.getTime() <= graceSeconds * 1000;
      if (!withinGrace) this.revokeFamily(token.familyId, now);
      return {
        outcome: 'reused',
        publicId: family.publicId,
        familyId: token.familyId,
        familyRevoked: !withinGrace,
      };
    }
    token.spentAt = now;
    this.store(token.familyId, next);
    return { outcome: 'rotated', user, familyId: token.familyId };
  }

  async revokeFamilyOf(accessTokenId: string, now: Date): Promise<boolean> {
    const token = [...this.tokens.values()].find((t) => t.accessTokenId === accessTokenId);
    const family = this.familyOf(token);
    if (!token || !family || family.revoked) return false;
    this.revokeFamily(token.familyId, now);
    return true;
  }

  async purgeExpired(now: Date): Promise<number> {
    let purged = 0;
    for (const [key, token] of this.tokens) {
      if (token.expiresAt < now && token.accessExpiresAt < now) {
        this.tokens.delete(key);
        purged += 1;
      }
    }
    const kept = new Set([...this.tokens.values()].map((token) => token.familyId));
    for (const familyId of this.families.keys()) {
      if (!kept.has(familyId)) this.families.delete(familyId);
    }
    return purged;
  }

  /** Test helper: the family's tokens, oldest first, as `{ spent, revoked }`. */
  familyState(familyId: string): { tokens: number; spent: number; revoked: boolean } | null {
    const family = this.families.get(familyId);
    if (!family) return null;
    const tokens = [...this.tokens.values()].filter((t) => t.familyId === familyId);
    const spent = tokens.filter((t) => t.spentAt !== null).length;
    return { tokens: tokens.length, spent, revoked: family.revoked };
  }

  private familyOf(token: StoredToken | undefined): Family | undefined {
    return token ? this.families.get(token.familyId) : undefined;
  }

  private store(familyId: string, grant: RefreshGrant): void {
    this.tokens.set(digest(grant.token), {
      familyId,
      expiresAt: grant.expiresAt,
      accessTokenId: grant.accessTokenId,
      accessExpiresAt: grant.accessExpiresAt,
      spentAt: null,
    });
  }

  private revokeFamily(familyId: string, now: Date): void {
    const family = this.families.get(familyId);
    if (family) family.revoked = true;
    for (const token of this.tokens.values()) {
      if (token.familyId === familyId && token.accessExpiresAt > now) {
        this.revoked.revokeNow(token.accessTokenId, token.accessExpiresAt);
      }
    }
  }
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
