import type { KeyObject } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import type { CompactJWSHeaderParameters, JWTPayload } from 'jose';
import { tokenError } from '../../domain/index.js';
import type { AccessTokenClaims, Clock, TokenService } from '../../domain/index.js';
import {
  ACCESS_TOKEN_TYP,
  accessTokenPayload,
  claimRulesOf,
  claimsFromPayload,
  type ClaimRules,
} from './accessTokenPayload.js';
import type { SigningKeys } from './signingKeys.js';

export interface JoseTokenServiceOptions extends ClaimRules {
  readonly signing: SigningKeys;
  readonly clock: Clock;
}

/**
 * EdDSA/ES256 access tokens with a key pair (and retired keys), through jose. The accepted
 * algorithm is exactly the configured one, so a token in another (say HS256 "signed" with the
 * public key as secret) never reaches a key. Tokens carry the signing key's `kid`, and
 * verification picks the key by `kid` among the current and previous keys: an unknown or missing
 * `kid` is invalid (every token this service signs has one, so nothing needs a fallback).
 */
export class JoseTokenService implements TokenService {
  private readonly signing: SigningKeys;
  private readonly verificationKey: (header: CompactJWSHeaderParameters) => KeyObject;
  private readonly clock: Clock;
  private readonly rules: ClaimRules;

  constructor(options: JoseTokenServiceOptions) {
    const { signing } = options;
    this.signing = signing;
    const byKid = new Map(
      [signing.current, ...signing.previous].map((key) => [key.kid, key.publicKey]),
    );
    this.verificationKey = ({ kid }) => {
      const key = typeof kid === 'string' ? byKid.get(kid) : undefined;
      // jose passes this on, and verify turns it into TOKEN_INVALID like any other failure.
      if (key === undefined) throw new Error('no key with this kid');
      return key;
    };
    this.clock = options.clock;
    this.rules = claimRulesOf(options);
  }

  sign(claims: AccessTokenClaims): Promise<string> {
    const { alg, current } = this.signing;
    return new SignJWT(accessTokenPayload(claims, this.rules))
      .setProtectedHeader({ alg, typ: ACCESS_TOKEN_TYP, kid: current.kid })
      .sign(current.privateKey);
  }

  async verify(token: string): Promise<AccessTokenClaims> {
    const now = this.clock.now();
    let payload: JWTPayload;
    try {
      // jose checks the header's alg against this list before it asks for a key, then the
      // signature and typ. Its time checks use the tolerance (for iat/nbf); the claims, `exp`
      // without tolerance, are checked below as for HS256.
      ({ payload } = await jwtVerify(token, this.verificationKey, {
        algorithms: [this.signing.alg],
        typ: ACCESS_TOKEN_TYP,
        clockTolerance: this.rules.toleranceSeconds,
        currentDate: now,
      }));
    } catch (error) {
      throw tokenError(error instanceof errors.JWTExpired ? 'TOKEN_EXPIRED' : 'TOKEN_INVALID');
    }
    return claimsFromPayload(payload, this.rules, Math.floor(now.getTime() / 1000));
  }
}
