import { randomUUID } from 'node:crypto';
import cors from '@koa/cors';
import { Router } from '@koa/router';
import Koa, { type Middleware } from 'koa';
import helmet from 'helmet';
import type { Logger } from 'pino';
import type { GatehouseState } from './context.js';
import { errorHandler, type Failures } from './errors.js';
import type { Readiness } from './healthRoutes.js';
import type { PublishedJwk } from './jwksRoutes.js';
import { measureRequests, type HttpMetrics } from './metrics.js';
import { buildOpenApiDocument } from './openapi.js';
import { uiSlashRedirect } from './openapiRoutes.js';
import { registerRoutes } from './route.js';
import { ROUTES, routesFor, type HttpUseCases } from './routes.js';

export interface HttpOptions extends Failures {
  logger: Logger;
  authRealm: string;
  corsOrigins: readonly string[];
  /** Honour X-Forwarded-Proto/-Host/-For (only behind one proxy that sets them). */
  trustProxy: boolean;
  /** Whether each dependency (the database, Redis when used) answers, for /health/ready. */
  readiness: Readiness;
  /** The keys /.well-known/jwks.json publishes; none (HS256) leaves that path a 404. */
  publicJwks: readonly PublishedJwk[];
  /** Where request durations and login outcomes go; null (no METRICS_PORT) measures nothing. */
  metrics?: HttpMetrics | null;
}

export type { HttpUseCases } from './routes.js';

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/**
 * A request id on every response and every log line, and one access-log line per request. No
 * child logger per request: the few lines a request may log (errors, the access line) carry the
 * id themselves (`requestLog`), which keeps the hot path free of a logger allocation.
 */
function requestContext(logger: Logger): Middleware<GatehouseState> {
  return async (ctx, next) => {
    const offered = ctx.get('X-Request-Id');
    const requestId = REQUEST_ID.test(offered) ? offered : randomUUID();
    const started = performance.now();
    ctx.state.requestId = requestId;
    ctx.state.logger = logger;
    ctx.set('X-Request-Id', requestId);
    try {
      await next();
    } finally {
      logger.info(
        {
          requestId,
          method: ctx.method,
          path: ctx.path,
          status: ctx.status,
          ms: performance.now() - started,
        },
        'request',
      );
    }
  };
}

/**
 * helmet's headers, tightened for an API that answers JSON: nothing may be loaded by, or frame, a
 * response (OWASP REST Security). The Swagger UI page sets its own, wider, policy on its routes.
 * helmet's own (Express-style) middleware sets them synchronously; called directly, it costs no
 * promise per request, as a promisified wrapper (koa-helmet) would.
 */
const setSecurityHeaders = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
  },
  frameguard: { action: 'deny' },
});
const securityHeaders: Middleware<GatehouseState> = (ctx, next) => {
  setSecurityHeaders(ctx.req, ctx.res, (error) => {
    if (error !== undefined) throw error;
  });
  return next();
};

function corsFor(origins: readonly string[]): Middleware<GatehouseState> {
  const allowed = new Set(origins);
  return cors({
    origin: (ctx) => (allowed.has(ctx.get('Origin')) ? ctx.get('Origin') : ''),
    exposeHeaders: ['Location', 'Link', 'Total-Count', 'X-Request-Id', 'Retry-After'],
    allowHeaders: ['Authorization', 'Content-Type', 'X-Request-Id'],
    maxAge: 600,
  });
}

/**
 * Every route of the table, its OpenAPI document and Swagger UI. Registering builds each
 * route's handler once (compiling its body reader) and calls no use case.
 */
export function buildRouter(
  useCases: HttpUseCases,
  options: Pick<HttpOptions, 'readiness' | 'publicJwks' | 'metrics'>,
): Router<GatehouseState> {
  // As Werkzeug matches: no trailing slash, case-sensitive.
  const router = new Router<GatehouseState>({ strict: true, sensitive: true });
  const publishesJwks = options.publicJwks.length > 0;
  // Whether the refresh route exists: the router and its document ask the same question.
  const refreshTokens = Boolean(useCases.refreshSession);
  const document = buildOpenApiDocument({ publishesJwks, refreshTokens }, ROUTES);
  const deps = {
    useCases,
    readiness: options.readiness,
    publicJwks: options.publicJwks,
    openApiJson: JSON.stringify(document),
  };
  registerRoutes(router, routesFor({ publishesJwks, refreshTokens }, ROUTES), deps, {
    authenticate: useCases.authenticate,
    authRequestLimiter: useCases.authRequestLimiter,
    metrics: options.metrics ?? null,
  });
  return router;
}

/**
 * The application's middleware, in this order:
 * 1. metrics, first, so that it times everything and sees the status the error handler settles;
 * 2. the request id and access log, so that every later line and answer carries the id;
 * 3. security headers, set before anything can fail, so error answers carry them too;
 * 4. the error handler, turning every failure below (and unrouted requests) into the JSON shape;
 * 5. CORS, before the routes: it answers the preflight requests no route has;
 * 6. the UI's trailing-slash redirect, a path no route has;
 * 7. the routes (each its own chain: registerRoutes), then 405s for known paths.
 */
export function buildKoaApp(useCases: HttpUseCases, options: HttpOptions): Koa<GatehouseState> {
  // Behind a trusted proxy, the client is the address that proxy appended to X-Forwarded-For
  // (the last entry): earlier entries are whatever the client chose to send.
  const app = new Koa<GatehouseState>({ proxy: options.trustProxy, maxIpsCount: 1 });
  app.silent = true;
  const router = buildRouter(useCases, options);

  if (options.metrics) app.use(measureRequests(options.metrics));
  app.use(requestContext(options.logger));
  app.use(securityHeaders);
  app.use(errorHandler(options.authRealm, options));
  // Without allowed origins no answer varies by Origin: the CORS middleware would only cost.
  if (options.corsOrigins.length > 0) app.use(corsFor(options.corsOrigins));
  app.use(uiSlashRedirect);
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
