import type { Middleware } from 'koa';
import type { AuthenticateRequest } from '../../application/AuthenticateRequest.js';
import {
  assertAdmin,
  tooManyAttempts,
  type Actor,
  type AttemptLimiter,
} from '../../domain/index.js';
import type { GatehouseContext, GatehouseState } from './context.js';

/**
 * The token an `Authorization` header presents: null when there is none (absent, blank, or
 * `Bearer` alone). The scheme is case-insensitive and a bare token is accepted, as the original
 * API does; any other scheme is passed on whole, so it fails verification as an invalid token.
 */
export function presentedToken(header: string | undefined): string | null {
  const value = (header ?? '').trim();
  if (value === '' || /^bearer$/i.test(value)) return null;
  const bearer = /^bearer\s+(\S+)$/i.exec(value);
  return bearer?.[1] ?? value;
}

export function authenticated(authenticate: AuthenticateRequest): Middleware<GatehouseState> {
  return async (ctx, next) => {
    ctx.state.actor = await authenticate.execute(presentedToken(ctx.get('Authorization')));
    await next();
  };
}

/** Runs after `authenticated`: the admin flag as stored now, before any body validation. */
export const adminOnly: Middleware<GatehouseState> = async (ctx, next) => {
  assertAdmin(actorOf(ctx));
  await next();
};

export function actorOf(ctx: GatehouseContext): Actor {
  const { actor } = ctx.state;
  if (!actor) throw new Error('route is missing the authenticated middleware');
  return actor;
}

/** Counts every request per client address (`ctx.ip`: X-Forwarded-For only with TRUST_PROXY). */
export function limitPerClient(limiter: AttemptLimiter): Middleware<GatehouseState> {
  return async (ctx, next) => {
    const wait = await limiter.consume(ctx.ip);
    if (wait > 0) throw tooManyAttempts(wait);
    await next();
  };
}
