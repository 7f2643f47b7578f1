import { webcrypto, type KeyObject } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import type { CompactJWSHeaderParameters, JWTPayload } from 'jose';
import { tokenError } from '../../domain/index.js';
import type { AccessTokenClaims, Clock, TokenService } from '../../domain/index.js';
import type { SigningKeys } from './signingKeys.js';

/** RFC 9068 access-token type, so no other JWT signed with the same key passes as one. */
const TYP = 'at+jwt';

function isWholeSeconds(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

/** The user's token generation at issue (a private claim; see AccessTokenClaims.generation). */
const GENERATION_CLAIM = 'gen';

/**
 * `gen` as a generation: a token issued before the claim existed has none and counts as 0;
 * anything but a non-negative safe integer makes the token invalid (null).
 */
function generationOf(value: unknown): number | null {
  if (value === undefined) return 0;
  return isWholeSeconds(value) && value >= 0 ? value : null;
}

/** Revocations store the `jti` in a column of this width; ours are 36-character UUIDs. */
const MAX_TOKEN_ID_LENGTH = 64;

/** A WebCrypto key (the HS256 secret) or a Node key object (EdDSA/ES256). */
type SigningKey = webcrypto.CryptoKey | KeyObject;

/** HS256 with a shared secret, or EdDSA/ES256 with a key pair (and retired keys). */
export type TokenSigning = { readonly alg: 'HS256'; readonly secret: string } | SigningKeys;

interface CommonOptions {
  readonly issuer: string;
  readonly audience: string;
  readonly clock: Clock;
  readonly clockToleranceSeconds?: number;
}

export interface JoseTokenServiceOptions extends CommonOptions {
  readonly signing: TokenSigning;
}

/**
 * Signs and verifies access tokens. The accepted algorithm is exactly the configured one, so a
 * token in another (say HS256 "signed" with the public key as secret) never reaches a key. With
 * a key pair, tokens carry the signing key's `kid`, and verification picks the key by `kid` among
 * the current and previous keys: an unknown or missing `kid` is invalid (every token this service
 * signs with a key pair has one, so nothing needs a fallback).
 */
export class JoseTokenService implements TokenService {
  private readonly alg: TokenSigning['alg'];
  private readonly signingKey: Promise<SigningKey>;
  private readonly kid: string | undefined;
  private readonly verificationKey: (header: CompactJWSHeaderParameters) => Promise<SigningKey>;
  private readonly issuer: string;
  private readonly audience: string;
  private readonly clock: Clock;
  private readonly tolerance: number;

  constructor(options: JoseTokenServiceOptions) {
    const { signing } = options;
    this.alg = signing.alg;
    if (signing.alg === 'HS256') {
      if (signing.secret === '') throw new Error('JoseTokenService needs a non-empty secret');
      // Imported into WebCrypto once: given the bytes (or a secret KeyObject), jose would import
      // them again on every sign and every verify.
      const secret = webcrypto.subtle.importKey(
        'raw',
        new TextEncoder().encode(signing.secret),
        { name: 'HMAC', hash: 'SHA-256' },
        false,
        ['sign', 'verify'],
      );
      this.signingKey = secret;
      this.kid = undefined;
      this.verificationKey = () => secret;
    } else {
      this.signingKey = Promise.resolve(signing.current.privateKey);
      this.kid = signing.current.kid;
      const byKid = new Map(
        [signing.current, ...signing.previous].map((key) => [key.kid, key.publicKey]),
      );
      this.verificationKey = async ({ kid }) => {
        const key = typeof kid === 'string' ? byKid.get(kid) : undefined;
        // jose passes this on, and verify turns it into TOKEN_INVALID like any other failure.
        if (key === undefined) throw new Error('no key with this kid');
        return key;
      };
    }
    this.issuer = options.issuer;
    this.audience = options.audience;
    this.clock = options.clock;
    this.tolerance = options.clockToleranceSeconds ?? 5;
  }

  async sign(claims: AccessTokenClaims): Promise<string> {
    return new SignJWT({ admin: claims.admin, [GENERATION_CLAIM]: claims.generation })
      .setProtectedHeader(
        this.kid === undefined
          ? { alg: this.alg, typ: TYP }
          : { alg: this.alg, typ: TYP, kid: this.kid },
      )
      .setSubject(claims.subject)
      .setIssuedAt(claims.issuedAt)
      .setExpirationTime(claims.expiresAt)
      .setJti(claims.tokenId)
      .setIssuer(this.issuer)
      .setAudience(this.audience)
      .sign(await this.signingKey);
  }

  async verify(token: string): Promise<AccessTokenClaims> {
    const now = this.clock.now();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.verificationKey, {
        // jose checks the header's alg against this list before it asks for a key.
        algorithms: [this.alg],
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
    const generation = generationOf(payload[GENERATION_CLAIM]);
    if (
      generation === null ||
      typeof sub !== 'string' ||
      sub === '' ||
      typeof jti !== 'string' ||
      jti === '' ||
      jti.length > MAX_TOKEN_ID_LENGTH ||
      typeof admin !== 'boolean' ||
      !isWholeSeconds(iat) ||
      !isWholeSeconds(exp) ||
      iat > nowSeconds + this.tolerance
    ) {
      throw tokenError('TOKEN_INVALID');
    }
    return { subject: sub, admin, issuedAt: iat, expiresAt: exp, tokenId: jti, generation };
  }
}
