import type { Router, RouterContext } from '@koa/router';
import type { Middleware } from 'koa';
import type { Static, TObject, TSchema } from 'typebox';
import type { AuthenticateRequest } from '../../application/AuthenticateRequest.js';
import type { AttemptLimiter } from '../../domain/index.js';
import { adminOnly, authenticated, limitPerClient } from './authentication.js';
import { requestBody } from './body.js';
import type { GatehouseState } from './context.js';
import { countLogins, type HttpMetrics } from './metrics.js';
import type { HttpMethod, Response } from './openapiTypes.js';
import { validator, type FieldRules } from './validation.js';

/**
 * One declaration per route: what the router registers (registerRoutes below) and what the
 * OpenAPI document says of it (openapi.ts) both come from it, so they cannot disagree.
 */

/** Who may call: anyone, any valid token, or the token of an administrator. */
export type AuthLevel = 'public' | 'token' | 'admin';

/** The settings that decide whether a route exists at all (the router and the document alike). */
export interface Features {
  /** JWT_ALG EdDSA or ES256: `/.well-known/jwks.json`. */
  publishesJwks: boolean;
  /** REFRESH_TOKENS=on: `/api/v1/auth/refresh`. */
  refreshTokens: boolean;
}

export type RouteContext = RouterContext<GatehouseState>;
export type RouteMiddleware = Middleware<GatehouseState, RouteContext>;

export interface Parameter {
  description: string;
  schema: TSchema;
}

export interface BodyDeclaration<S extends TObject, D> {
  /** The component the document publishes the body's schema under. */
  component: string;
  /** What Ajv checks, path parameters (`fromPath`) included. */
  schema: S;
  /** Fields named by the path, not sent in the body: checked with it, so one 400 lists all. */
  fromPath?: ReadonlyArray<keyof Static<S> & string>;
  /** The domain rule of each field, run after Ajv on a well-typed value. */
  rules?: (deps: D) => FieldRules<Static<S>>;
  description: string;
}

export interface RouteDeclaration<D, S extends TObject> {
  method: HttpMethod;
  /** Koa's template: `/api/v1/widgets/:name`. */
  path: string;
  auth: AuthLevel;
  /** Requests counted per client address (AUTH_MAX_REQUESTS): 429 past the limit. */
  throttled?: boolean;
  /** Reported to the metrics as login outcomes (first in the chain, so refusals count too). */
  countsLogins?: boolean;
  /** Present only with that feature on. */
  requires?: keyof Features;
  operation: { tags: string[]; summary: string; description?: string; operationId: string };
  params?: Record<string, Parameter>;
  /** The query as the document states it; the handler reads the text itself (paging.ts). */
  query?: { schema: TObject; descriptions: Record<string, string> };
  body?: BodyDeclaration<S, D>;
  /** The route's own answers; those its auth level, throttle and body imply are added. */
  responses: Record<string, Response>;
  /** Built once at startup; `readBody` checks the body as declared (one 400 for all fields). */
  handler: (deps: D, readBody: (ctx: RouteContext) => Static<S>) => RouteMiddleware;
}

export interface Route<D> extends Omit<RouteDeclaration<D, TObject>, 'handler' | 'body'> {
  body?: Omit<BodyDeclaration<TObject, D>, 'rules'>;
  /** The route's last middleware, with its body reader compiled. */
  build(deps: D): RouteMiddleware;
}

export function route<D, S extends TObject = TObject>(
  declaration: RouteDeclaration<D, S>,
): Route<D> {
  const { handler, body, ...facts } = declaration;
  return {
    ...facts,
    ...(body && { body }),
    build: (deps) => handler(deps, body ? bodyReader(body, deps) : noBody),
  };
}

function noBody(): never {
  throw new Error('the route declares no body');
}

/**
 * The declared body as the handler sees it: a form's booleans read from their only spellings
 * (`true`, `false`), the path's fields added, then Ajv and the domain rules.
 */
function bodyReader<S extends TObject, D>(body: BodyDeclaration<S, D>, deps: D) {
  const check = validator(body.schema, body.rules?.(deps));
  const booleans = Object.entries(body.schema.properties)
    .filter(([, property]) => (property as { type?: unknown }).type === 'boolean')
    .map(([name]) => name);
  const fromPath = body.fromPath ?? [];
  return (ctx: RouteContext): Static<S> => {
    let input: unknown = ctx.request.body;
    if (booleans.length > 0 && ctx.is('application/x-www-form-urlencoded')) {
      input = formBooleans(input, booleans);
    }
    if (fromPath.length > 0 && isObject(input)) {
      input = {
        ...input,
        ...Object.fromEntries(fromPath.map((name) => [name, ctx.params[name] ?? ''])),
      };
    }
    return check(input);
  };
}

/** A form has only strings: a boolean is `true` or `false`; anything else is left for Ajv. */
function formBooleans(body: unknown, fields: readonly string[]): unknown {
  if (!isObject(body)) return body;
  const read = fields.filter((field) => body[field] === 'true' || body[field] === 'false');
  if (read.length === 0) return body;
  return { ...body, ...Object.fromEntries(read.map((field) => [field, body[field] === 'true'])) };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What the chain's steps need, shared by every route. */
export interface ChainParts {
  authenticate: AuthenticateRequest;
  /** Login and register requests per client address. */
  authRequestLimiter: AttemptLimiter;
  metrics: HttpMetrics | null;
}

/**
 * Registers each route as one Koa chain, its steps always in this order:
 * 1. login outcomes, first so that every refusal below is counted too;
 * 2. the per-client throttle, before any work a flood could make us do (token checks, bodies);
 * 3. the token, then 4. the admin flag as stored now: 401/403 come before anything about the body;
 * 5. the body, read and parsed (413/415/400) only for a caller allowed to send it;
 * 6. the handler, which checks the body (Ajv, then the domain rules) and calls its use case.
 * Steps a route does not declare are left out, so a request pays only for its own.
 */
export function registerRoutes<D>(
  router: Router<GatehouseState>,
  routes: ReadonlyArray<Route<D>>,
  deps: D,
  parts?: ChainParts,
): void {
  const steps = parts && {
    requireToken: authenticated(parts.authenticate),
    throttle: limitPerClient(parts.authRequestLimiter),
    loginCount: parts.metrics ? countLogins(parts.metrics) : null,
  };
  for (const declared of routes) {
    const { auth } = declared;
    const needsParts = declared.throttled === true || auth !== 'public';
    if (needsParts && steps === undefined) throw new Error(`${declared.path} needs ChainParts`);
    const chain: RouteMiddleware[] = [];
    if (declared.countsLogins && steps?.loginCount) chain.push(steps.loginCount);
    if (declared.throttled && steps) chain.push(steps.throttle);
    if (auth !== 'public' && steps) chain.push(steps.requireToken);
    if (auth === 'admin') chain.push(adminOnly);
    if (declared.body) chain.push(requestBody);
    add(router, declared.method, declared.path, [...chain, declared.build(deps)]);
  }
}

function add(
  router: Router<GatehouseState>,
  method: HttpMethod,
  path: string,
  steps: RouteMiddleware[],
): void {
  switch (method) {
    case 'get':
      router.get(path, ...steps);
      break;
    case 'post':
      router.post(path, ...steps);
      break;
    case 'put':
      router.put(path, ...steps);
      break;
    case 'patch':
      router.patch(path, ...steps);
      break;
    case 'delete':
      router.delete(path, ...steps);
      break;
  }
}
