import type { Middleware } from 'koa';
import { DomainError } from '../../domain/index.js';
import type { GatehouseState } from './context.js';
import { HttpProblem } from './problems.js';

/** Every outcome `countLogins` reports, so a metrics adapter can export each from zero. */
export const LOGIN_OUTCOMES = ['success', 'failure', 'rate_limited', 'invalid', 'error'] as const;
export type LoginOutcome = (typeof LOGIN_OUTCOMES)[number];

/** What the HTTP layer reports to a metrics adapter (Prometheus, or none at all). */
export interface HttpMetrics {
  /** One answered request: `route` is the router's template, or `unmatched`. */
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  countLogin(outcome: LoginOutcome): void;
}

/** The route label of a request no route matched (404, 405, the UI's slash redirect). */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * Times every request, from the first middleware to the last, and reports it with the router's
 * template (`/api/v1/widgets/:name`, never the raw path: a label per widget name would grow
 * without bound). Mounted first, so it sees the status the error handler settled on.
 */
export function measureRequests(metrics: HttpMetrics): Middleware<GatehouseState> {
  return async (ctx, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const route: unknown = (ctx as { _matchedRoute?: unknown })._matchedRoute;
      metrics.observeRequest(
        ctx.method,
        typeof route === 'string' ? route : UNMATCHED_ROUTE,
        ctx.status,
        (performance.now() - started) / 1000,
      );
    }
  };
}

function outcomeOf(error: unknown): LoginOutcome {
  if (error instanceof DomainError) {
    if (error.code === 'BAD_CREDENTIALS') return 'failure';
    if (error.code === 'RATE_LIMITED') return 'rate_limited';
    if (error.code === 'VALIDATION') return 'invalid';
  }
  return error instanceof HttpProblem ? 'invalid' : 'error';
}

/** Counts the outcome of each login; first on the route, so a refusal by the limits counts too. */
export function countLogins(metrics: HttpMetrics): Middleware<GatehouseState> {
  return async (_ctx, next) => {
    try {
      await next();
    } catch (error) {
      metrics.countLogin(outcomeOf(error));
      throw error;
    }
    metrics.countLogin('success');
  };
}
