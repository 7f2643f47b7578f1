import { HttpProblem } from './errors.js';
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

// A DNS name or IP literal and an optional port: nothing that could break out of a header value.
const HOST =
  /^(?:[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

/**
 * `scheme://host` of the request, for absolute links (Location, Link). X-Forwarded-Proto/-Host
 * count only when the app trusts its proxy (TRUST_PROXY). Client-supplied, so checked: anything
 * but http(s) and a plain host[:port] is a 400. (Koa 3's `ctx.origin` is the Origin header.)
 */
export function baseUrl(ctx: GatehouseContext): string {
  const protocol = ctx.protocol.toLowerCase();
  const { host } = ctx;
  if ((protocol !== 'http' && protocol !== 'https') || host.length > 261 || !HOST.test(host)) {
    throw new HttpProblem(400, 'Invalid Host header');
  }
  return `${protocol}://${host}`;
}

declare module 'koa' {
  interface Request {
    /** The parsed body, set by the `requestBody` middleware on the routes that take one. */
    body?: unknown;
  }
}
