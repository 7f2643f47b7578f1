import {
  isWellFormedRefreshToken,
  tokenError,
  type AuditLog,
  type RequestOrigin,
} from '../domain/index.js';
import type { AccessTokenIssuer, IssuedToken, RefreshIssuing } from './AccessTokenIssuer.js';

/**
 * Spends a refresh token for a new access token and a new refresh token (rotation). A spent token
 * presented again means that two parties hold it — it was stolen, or the client is broken — so
 * its whole family is revoked (RFC 9700 §4.14), unless it comes back within the grace after its
 * rotation: that is one client's parallel refreshes (two tabs), which must not sign it out.
 * Every refusal is the same 401, so a caller learns nothing about which case it hit.
 */
export class RefreshSession {
  private readonly refreshing: RefreshIssuing;

  constructor(
    private readonly issuer: AccessTokenIssuer,
    private readonly audit: AuditLog,
  ) {
    if (!issuer.refreshing) throw new Error('RefreshSession needs an issuer of refresh tokens');
    this.refreshing = issuer.refreshing;
  }

  async execute(presented: string, origin: RequestOrigin): Promise<IssuedToken> {
    if (!isWellFormedRefreshToken(presented)) throw tokenError('TOKEN_INVALID');
    // The successor's ids and times are fixed first: the store keeps them in the same atomic
    // step that spends the presented token, so the family never has two live tokens.
    const prepared = this.issuer.prepare();
    if (!prepared.grant) throw new Error('an issuer of refresh tokens prepares a grant');
    const result = await this.refreshing.store.rotate({
      presented,
      next: prepared.grant,
      now: prepared.now,
      graceSeconds: this.refreshing.policy.reuseGraceSeconds,
    });
    if (result.outcome === 'reused' && result.familyRevoked) {
      this.audit.record({ event: 'refresh_reuse', publicId: result.publicId, origin });
    }
    if (result.outcome !== 'rotated') throw tokenError('TOKEN_INVALID');
    const issued = await this.issuer.complete(result.user, prepared);
    this.audit.record({ event: 'refresh', publicId: result.user.publicId, origin });
    return issued;
  }
}
