import {
  accessTokenClaims,
  type Clock,
  type IdGenerator,
  type TokenService,
  type User,
} from '../domain/index.js';

export interface IssuedToken {
  readonly accessToken: string;
  /** Lifetime in seconds. */
  readonly expiresIn: number;
}

/** Issues a fresh access token (new `jti`) for a user; shared by RegisterUser and LogIn. */
export class AccessTokenIssuer {
  constructor(
    private readonly tokens: TokenService,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly ttlSeconds: number,
  ) {}

  async issue(user: User): Promise<IssuedToken> {
    const claims = accessTokenClaims(user, this.clock.now(), this.ttlSeconds, this.ids.newId());
    return { accessToken: await this.tokens.sign(claims), expiresIn: this.ttlSeconds };
  }
}
