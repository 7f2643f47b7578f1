import {
  tokenError,
  type AccessTokenClaims,
  type Clock,
  type TokenService,
} from '../../../src/domain/index.js';

/** Opaque tokens backed by a map; expiry follows the given clock, as the real verifier's does. */
export class FakeTokenService implements TokenService {
  private readonly issued = new Map<string, AccessTokenClaims>();

  constructor(private readonly clock: Clock) {}

  async sign(claims: AccessTokenClaims): Promise<string> {
    const token = `token-${claims.tokenId}`;
    this.issued.set(token, claims);
    return token;
  }

  async verify(token: string): Promise<AccessTokenClaims> {
    const claims = this.issued.get(token);
    if (!claims) throw tokenError('TOKEN_INVALID');
    if (claims.expiresAt * 1000 <= this.clock.now().getTime()) throw tokenError('TOKEN_EXPIRED');
    return claims;
  }

  /** The claims behind a token this fake issued. */
  claimsOf(token: string): AccessTokenClaims {
    const claims = this.issued.get(token);
    if (!claims) throw new Error(`not issued here: ${token}`);
    return claims;
  }
}
