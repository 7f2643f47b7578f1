import type { ParameterizedContext } from 'koa';
import type { Logger } from 'pino';
import type { Actor } from '../../domain/index.js';

/** Per-request state shared by Gatehouse's middleware. */
export interface GatehouseState {
  requestId: string;
  log: Logger;
  /** Set by the `authenticated` middleware on protected routes. */
  actor?: Actor;
}

export type GatehouseContext = ParameterizedContext<GatehouseState>;

/**
 * `scheme://host` of the request, for absolute links. X-Forwarded-Proto/-Host count only when the
 * app trusts its proxy (TRUST_PROXY). (Koa 3's `ctx.origin` is the Origin header, not this.)
 */
export function baseUrl(ctx: GatehouseContext): string {
  return `${ctx.protocol}://${ctx.host}`;
}
