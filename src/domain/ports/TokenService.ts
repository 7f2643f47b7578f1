import type { AccessTokenClaims } from '../AccessToken.js';

export interface TokenService {
  sign(claims: AccessTokenClaims): Promise<string>;
  /**
   * Verifies signature, algorithm, type, issuer, audience and times, and returns the claims.
   * Throws DomainError TOKEN_EXPIRED for an expired token and TOKEN_INVALID for anything else.
   */
  verify(token: string): Promise<AccessTokenClaims>;
}
