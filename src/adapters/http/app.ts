import { randomUUID } from 'node:crypto';
import cors from '@koa/cors';
import { Router } from '@koa/router';
import Koa, { type Middleware } from 'koa';
import helmet from 'koa-helmet';
import type { Logger } from 'pino';
import { addAuthRoutes, type AuthUseCases } from './authRoutes.js';
import type { GatehouseState } from './context.js';
import { errorHandler, unmatchedRoutes } from './errors.js';
import { addHealthRoutes } from './healthRoutes.js';
import { addJwksRoutes, type PublishedJwk } from './jwksRoutes.js';
import { measureRequests, type HttpMetrics } from './metrics.js';
import { buildOpenApiDocument } from './openapi.js';
import { addOpenApiRoutes, uiSlashRedirect } from './openapiRoutes.js';
import { addWidgetRoutes, type WidgetUseCases } from './widgetRoutes.js';

export interface HttpOptions {
  logger: Logger;
  authRealm: string;
  corsOrigins: readonly string[];
  /** Honour X-Forwarded-Proto/-Host/-For (only behind one proxy that sets them). */
  trustProxy: boolean;
  /** Whether the database answers, for /health/ready. */
  isReady: () => Promise<boolean>;
  /** Whether a failure means the database cannot be reached (answered 503, not 500). */
  isDatabaseUnavailable: (error: unknown) => boolean;
  /** The keys /.well-known/jwks.json publishes; none (HS256) leaves that path a 404. */
  publicJwks: readonly PublishedJwk[];
  /** Where request durations and login outcomes go; null (no METRICS_PORT) measures nothing. */
  metrics?: HttpMetrics | null;
}

export type HttpUseCases = AuthUseCases & WidgetUseCases;

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** A request id on every response and every log line, and one access-log line per request. */
function requestContext(logger: Logger): Middleware<GatehouseState> {
  return async (ctx, next) => {
    const offered = ctx.get('X-Request-Id');
    const requestId = REQUEST_ID.test(offered) ? offered : randomUUID();
    const started = process.hrtime.bigint();
    ctx.state.requestId = requestId;
    ctx.state.log = logger.child({ requestId });
    ctx.set('X-Request-Id', requestId);
    try {
      await next();
    } finally {
      ctx.state.log.info(
        {
          method: ctx.method,
          path: ctx.path,
          status: ctx.status,
          ms: Number(process.hrtime.bigint() - started) / 1e6,
        },
        'request',
      );
    }
  };
}

/**
 * helmet's headers, tightened for an API that answers JSON: nothing may be loaded by, or frame, a
 * response (OWASP REST Security). The Swagger UI page sets its own, wider, policy on its routes.
 */
const securityHeaders: Middleware<GatehouseState> = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
  },
  frameguard: { action: 'deny' },
});

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
 * Every route of the API, its OpenAPI document and Swagger UI. Routes only keep the use cases
 * for later: registering them calls none.
 */
export function buildRouter(
  useCases: HttpUseCases,
  options: Pick<HttpOptions, 'isReady' | 'publicJwks' | 'metrics'>,
): Router<GatehouseState> {
  // As Werkzeug matches: no trailing slash, case-sensitive.
  const router = new Router<GatehouseState>({ strict: true, sensitive: true });
  addAuthRoutes(router, useCases, options.metrics ?? null);
  addWidgetRoutes(router, useCases);
  addHealthRoutes(router, options.isReady);
  addJwksRoutes(router, options.publicJwks);
  const publishesJwks = options.publicJwks.length > 0;
  addOpenApiRoutes(router, buildOpenApiDocument({ publishesJwks }));
  return router;
}

export function buildKoaApp(useCases: HttpUseCases, options: HttpOptions): Koa<GatehouseState> {
  // Behind a trusted proxy, the client is the address that proxy appended to X-Forwarded-For
  // (the last entry): earlier entries are whatever the client chose to send.
  const app = new Koa<GatehouseState>({ proxy: options.trustProxy, maxIpsCount: 1 });
  app.silent = true;
  const router = buildRouter(useCases, options);

  if (options.metrics) app.use(measureRequests(options.metrics));
  app.use(requestContext(options.logger));
  app.use(securityHeaders);
  app.use(errorHandler(options.authRealm, options.isDatabaseUnavailable));
  app.use(corsFor(options.corsOrigins));
  app.use(unmatchedRoutes);
  app.use(uiSlashRedirect);
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
