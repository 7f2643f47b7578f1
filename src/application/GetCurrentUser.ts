import { secondsLeft, type Actor, type Clock, type User } from '../domain/index.js';

export interface CurrentUser {
  readonly user: User;
  /** Whole seconds left on the presented token. */
  readonly tokenExpiresIn: number;
}

export class GetCurrentUser {
  constructor(private readonly clock: Clock) {}

  async execute(actor: Actor): Promise<CurrentUser> {
    return { user: actor.user, tokenExpiresIn: secondsLeft(actor.token, this.clock.now()) };
  }
}
