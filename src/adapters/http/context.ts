import { HTTP_MESSAGES, HttpProblem } from './problems.js';
import type { ParameterizedContext } from 'koa';
import type { Logger } from 'pino';
import type { Actor, RequestOrigin } from '../../domain/index.js';

/** Per-request state shared by Gatehouse's middleware. */
export interface GatehouseState {
  requestId: string;
  /** The service's logger; `requestLog(ctx)` adds the request id. */
  logger: Logger;
  /** Set by the `authenticated` middleware on protected routes. */
  actor?: Actor;
}

export type GatehouseContext = ParameterizedContext<GatehouseState>;

/** A logger whose lines carry the request id, made only when a request has something to log. */
export function requestLog(ctx: GatehouseContext): Logger {
  return ctx.state.logger.child({ requestId: ctx.state.requestId });
}

/** The request id and client address (`ctx.ip`: X-Forwarded-For only with TRUST_PROXY), for the audit trail. */
export function originOf(ctx: GatehouseContext): RequestOrigin {
  return { requestId: ctx.state.requestId, clientAddress: ctx.ip };
}

// A host name (underscores allowed, as container names have them; one trailing dot) or an IP
// literal, and an optional port: nothing that could break out of a header value.
const HOST = /^(?:[\w-]{1,63}(?:\.[\w-]{1,63})*\.?|\[[0-9A-Fa-f:.]{2,45}\])(?::(\d{1,5}))?$/;

/** The last value of a forwarding header: the one the trusted proxy itself added. */
function forwarded(ctx: GatehouseContext, header: string): string | undefined {
  const value = ctx.get(header);
  return value === '' ? undefined : value.split(',').at(-1)?.trim();
}

/**
 * `scheme://host` of the request, for absolute links (Location, Link). With TRUST_PROXY, the
 * proxy's X-Forwarded-Proto/-Host count, their last values (earlier ones are the client's); else
 * the connection and the Host header. Client-supplied, so checked: a 400 for anything but
 * http(s) and a plain host[:port]. (Koa 3's `ctx.origin` is the Origin header, not this.)
 */
export function baseUrl(ctx: GatehouseContext): string {
  const proxied = ctx.app.proxy;
  const encrypted = 'encrypted' in ctx.req.socket && ctx.req.socket.encrypted === true;
  const protocol = (
    (proxied && forwarded(ctx, 'X-Forwarded-Proto')) ||
    (encrypted ? 'https' : 'http')
  ).toLowerCase();
  if (protocol !== 'http' && protocol !== 'https') {
    throw new HttpProblem(400, HTTP_MESSAGES.invalidForwardedProto);
  }
  const host = (proxied && forwarded(ctx, 'X-Forwarded-Host')) || ctx.get('Host');
  const match = host.length <= 261 ? HOST.exec(host) : null;
  if (match === null || Number(match[1] ?? 0) > 65535) {
    throw new HttpProblem(400, HTTP_MESSAGES.invalidHost);
  }
  return `${protocol}://${host}`;
}

declare module 'koa' {
  interface Request {
    /** The parsed body, set by the `requestBody` middleware on the routes that take one. */
    body?: unknown;
  }
}
