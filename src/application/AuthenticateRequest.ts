import {
  tokenError,
  type Actor,
  type RevokedTokens,
  type TokenService,
  type UserRepository,
} from '../domain/index.js';

/** Turns a presented bearer token into the calling user, or a 401-class DomainError. */
export class AuthenticateRequest {
  constructor(
    private readonly tokens: TokenService,
    private readonly revoked: RevokedTokens,
    private readonly users: UserRepository,
  ) {}

  /** `token` is null when the request carried none. */
  async execute(token: string | null): Promise<Actor> {
    if (token === null) throw tokenError('UNAUTHENTICATED');
    const claims = await this.tokens.verify(token);
    if (await this.revoked.isRevoked(claims.tokenId)) throw tokenError('TOKEN_REVOKED');
    const user = await this.users.findByPublicId(claims.subject);
    if (!user) throw tokenError('TOKEN_INVALID');
    return { user, token: claims };
  }
}
