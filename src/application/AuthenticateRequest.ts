import { tokenError, type Actor, type SessionLookup, type TokenService } from '../domain/index.js';

/** Turns a presented bearer token into the calling user, or a 401-class DomainError. */
export class AuthenticateRequest {
  constructor(
    private readonly tokens: TokenService,
    private readonly sessions: SessionLookup,
  ) {}

  /** `token` is null when the request carried none. */
  async execute(token: string | null): Promise<Actor> {
    if (token === null) throw tokenError('UNAUTHENTICATED');
    const claims = await this.tokens.verify(token);
    // One read, never cached: a logout, a demotion or a deletion counts from the next request.
    const { user, revoked } = await this.sessions.find(claims.subject, claims.tokenId);
    if (revoked) throw tokenError('TOKEN_REVOKED');
    if (!user) throw tokenError('TOKEN_INVALID');
    // "Every token of the user up to now" (a password change, a logout everywhere) advances the
    // user's token generation; tokens carry the one they were issued under. The user row is read
    // here anyway, so this costs no query and no row per token; and unlike an "issued after"
    // time it separates tokens issued in the same second.
    if (claims.generation < user.tokenGeneration) throw tokenError('TOKEN_REVOKED');
    return { user, token: claims };
  }
}
