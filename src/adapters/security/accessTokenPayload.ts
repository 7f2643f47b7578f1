import { tokenError, type AccessTokenClaims } from '../../domain/index.js';

/** RFC 9068 access-token type, so no other JWT signed with the same key passes as one. */
export const ACCESS_TOKEN_TYP = 'at+jwt';

/** Revocations store the `jti` in a column of this width; ours are 36-character UUIDs. */
const MAX_TOKEN_ID_LENGTH = 64;

/** The user's token generation at issue (a private claim; see AccessTokenClaims.generation). */
const GENERATION_CLAIM = 'gen';

export interface ClaimRules {
  readonly issuer: string;
  readonly audience: string;
  /** How far in the future `iat` and `nbf` may lie (clock skew). Never applied to `exp`. */
  readonly toleranceSeconds: number;
}

/** The claim rules alone, out of a token service's options (which hold keys too). */
export function claimRulesOf({ issuer, audience, toleranceSeconds }: ClaimRules): ClaimRules {
  return { issuer, audience, toleranceSeconds };
}

/** The JWT claims set of an access token. */
export function accessTokenPayload(
  claims: AccessTokenClaims,
  rules: Pick<ClaimRules, 'issuer' | 'audience'>,
): Record<string, unknown> {
  return {
    admin: claims.admin,
    sub: claims.subject,
    iat: claims.issuedAt,
    exp: claims.expiresAt,
    jti: claims.tokenId,
    iss: rules.issuer,
    aud: rules.audience,
    [GENERATION_CLAIM]: claims.generation,
  };
}

/** `typ` compared as a media type: case-insensitive, `application/` optional (RFC 8725 §3.11). */
export function isAccessTokenTyp(typ: unknown): boolean {
  return (
    typeof typ === 'string' && typ.toLowerCase().replace(/^application\//, '') === ACCESS_TOKEN_TYP
  );
}

function isWholeSeconds(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

/**
 * `gen` as a generation: a token issued before the claim existed has none and counts as 0;
 * anything but a non-negative safe integer makes the token invalid (null).
 */
function generationOf(value: unknown): number | null {
  if (value === undefined) return 0;
  return isWholeSeconds(value) && value >= 0 ? value : null;
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

function hasAudience(aud: unknown, audience: string): boolean {
  return aud === audience || (Array.isArray(aud) && aud.includes(audience));
}

/**
 * Checks the claims set of a token whose signature has already been verified, and returns its
 * claims. Everything but expiry is TOKEN_INVALID. A token is expired from its `exp` second on,
 * with no tolerance: Gatehouse verifies only tokens it issued itself, by its own clock, so `exp`
 * means exactly what `expires_in` told the client. Only `iat`/`nbf` in the future get the
 * tolerance, for the clocks of several instances that may disagree by a little.
 */
export function claimsFromPayload(
  payload: unknown,
  rules: ClaimRules,
  nowSeconds: number,
): AccessTokenClaims {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw tokenError('TOKEN_INVALID');
  }
  const { sub, jti, iat, exp, nbf, admin, iss, aud } = payload as Record<string, unknown>;
  const generation = generationOf((payload as Record<string, unknown>)[GENERATION_CLAIM]);
  const latestStart = nowSeconds + rules.toleranceSeconds;
  if (
    generation === null ||
    iss !== rules.issuer ||
    !hasAudience(aud, rules.audience) ||
    !isNonEmptyString(sub) ||
    !isNonEmptyString(jti) ||
    jti.length > MAX_TOKEN_ID_LENGTH ||
    typeof admin !== 'boolean' ||
    !isWholeSeconds(iat) ||
    !isWholeSeconds(exp) ||
    iat > latestStart ||
    (nbf !== undefined && (typeof nbf !== 'number' || nbf > latestStart))
  ) {
    throw tokenError('TOKEN_INVALID');
  }
  if (exp <= nowSeconds) throw tokenError('TOKEN_EXPIRED');
  return { subject: sub, admin, issuedAt: iat, expiresAt: exp, tokenId: jti, generation };
}
