import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { tokenError } from '../../domain/index.js';
import type { AccessTokenClaims, Clock, TokenService } from '../../domain/index.js';
import {
  ACCESS_TOKEN_TYP,
  accessTokenPayload,
  claimRulesOf,
  claimsFromPayload,
  isAccessTokenTyp,
  type ClaimRules,
} from './accessTokenPayload.js';

export interface Hs256TokenServiceOptions extends ClaimRules {
  readonly secret: string;
  readonly clock: Clock;
}

const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const decode = (segment: string): unknown =>
  JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));

/** Every token this service signs starts with this header. */
const HEADER = encode({ alg: 'HS256', typ: ACCESS_TOKEN_TYP });
/**
 * Three non-empty base64url segments. Node's decoder skips characters outside the alphabet, so
 * they are refused here first: a token has exactly one spelling.
 */
const COMPACT_JWS = /^([\w-]+)\.([\w-]+)\.([\w-]+)$/;

/**
 * HS256 access tokens with Node's own HMAC, synchronously on the calling thread. An HMAC of a few
 * hundred bytes costs microseconds; WebCrypto (which jose uses) sends it to libuv's thread pool,
 * where it costs a hop and a promise per request and waits behind password hashes. The checks are
 * jose's, in the same order: the header (exactly HS256, typ at+jwt, no `crit` extension we would
 * have to understand), then the signature, then the claims.
 */
export class Hs256TokenService implements TokenService {
  private readonly key: KeyObject;
  private readonly clock: Clock;
  private readonly rules: ClaimRules;

  constructor(options: Hs256TokenServiceOptions) {
    if (options.secret === '') throw new Error('Hs256TokenService needs a non-empty secret');
    this.key = createSecretKey(Buffer.from(options.secret, 'utf8'));
    this.clock = options.clock;
    this.rules = claimRulesOf(options);
  }

  sign(claims: AccessTokenClaims): Promise<string> {
    const signingInput = `${HEADER}.${encode(accessTokenPayload(claims, this.rules))}`;
    return Promise.resolve(`${signingInput}.${this.mac(signingInput)}`);
  }

  verify(token: string): Promise<AccessTokenClaims> {
    try {
      return Promise.resolve(this.verifyNow(token));
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  private verifyNow(token: string): AccessTokenClaims {
    const parts = COMPACT_JWS.exec(token);
    if (parts === null) throw tokenError('TOKEN_INVALID');
    const [, header, payload, signature] = parts as unknown as [string, string, string, string];
    if (!this.acceptsHeader(header) || !this.signs(`${header}.${payload}`, signature)) {
      throw tokenError('TOKEN_INVALID');
    }
    const nowSeconds = Math.floor(this.clock.now().getTime() / 1000);
    return claimsFromPayload(parseJson(payload), this.rules, nowSeconds);
  }

  private acceptsHeader(segment: string): boolean {
    // Our own header, byte for byte, is the common case: no parse needed.
    if (segment === HEADER) return true;
    const header = parseJson(segment);
    if (typeof header !== 'object' || header === null || Array.isArray(header)) return false;
    const { alg, typ, crit } = header as Record<string, unknown>;
    return alg === 'HS256' && isAccessTokenTyp(typ) && crit === undefined;
  }

  private signs(signingInput: string, signature: string): boolean {
    const expected = Buffer.from(this.mac(signingInput));
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private mac(signingInput: string): string {
    return createHmac('sha256', this.key).update(signingInput).digest('base64url');
  }
}

/** A segment's JSON, or undefined when it is not JSON (the caller refuses the token). */
function parseJson(segment: string): unknown {
  try {
    return decode(segment);
  } catch {
    return undefined;
  }
}
