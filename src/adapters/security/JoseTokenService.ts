import { errors, jwtVerify, SignJWT } from 'jose';
import type { JWTPayload } from 'jose';
import { tokenError } from '../../domain/index.js';
import type { AccessTokenClaims, Clock, TokenService } from '../../domain/index.js';

const ALG = 'HS256';
/** RFC 9068 access-token type, so no other JWT signed with the same secret passes as one. */
const TYP = 'at+jwt';

function isWholeSeconds(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

export interface JoseTokenServiceOptions {
  readonly secret: string;
  readonly issuer: string;
  readonly audience: string;
  readonly clock: Clock;
  readonly clockToleranceSeconds?: number;
}

export class JoseTokenService implements TokenService {
  private readonly key: Uint8Array;
  private readonly issuer: string;
  private readonly audience: string;
  private readonly clock: Clock;
  private readonly tolerance: number;

  constructor(options: JoseTokenServiceOptions) {
    if (options.secret === '') throw new Error('JoseTokenService needs a non-empty secret');
    this.key = new TextEncoder().encode(options.secret);
    this.issuer = options.issuer;
    this.audience = options.audience;
    this.clock = options.clock;
    this.tolerance = options.clockToleranceSeconds ?? 5;
  }

  async sign(claims: AccessTokenClaims): Promise<string> {
    return new SignJWT({ admin: claims.admin })
      .setProtectedHeader({ alg: ALG, typ: TYP })
      .setSubject(claims.subject)
      .setIssuedAt(claims.issuedAt)
      .setExpirationTime(claims.expiresAt)
      .setJti(claims.tokenId)
      .setIssuer(this.issuer)
      .setAudience(this.audience)
      .sign(this.key);
  }

  async verify(token: string): Promise<AccessTokenClaims> {
    const now = this.clock.now();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.key, {
        algorithms: [ALG],
        typ: TYP,
        issuer: this.issuer,
        audience: this.audience,
        requiredClaims: ['exp', 'iat', 'sub', 'jti'],
        clockTolerance: this.tolerance,
        currentDate: now,
      }));
    } catch (error) {
      throw tokenError(error instanceof errors.JWTExpired ? 'TOKEN_EXPIRED' : 'TOKEN_INVALID');
    }
    return this.toClaims(payload, Math.floor(now.getTime() / 1000));
  }

  /** jose checks `iat` only when `maxTokenAge` is set, so a future `iat` is refused here. */
  private toClaims(payload: JWTPayload, nowSeconds: number): AccessTokenClaims {
    const { sub, jti, iat, exp, admin } = payload;
    if (
      typeof sub !== 'string' ||
      sub === '' ||
      typeof jti !== 'string' ||
      jti === '' ||
      typeof admin !== 'boolean' ||
      !isWholeSeconds(iat) ||
      !isWholeSeconds(exp) ||
      iat > nowSeconds + this.tolerance
    ) {
      throw tokenError('TOKEN_INVALID');
    }
    return { subject: sub, admin, issuedAt: iat, expiresAt: exp, tokenId: jti };
  }
}
