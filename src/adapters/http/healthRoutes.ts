import type { Router } from '@koa/router';
import type { GatehouseState } from './context.js';

/**
 * Whether each dependency answers, by name (`database`, `redis`); a rejection counts as down.
 * `server: false` while the process shuts down: not ready, whatever the dependencies say.
 */
export type Readiness = () => Promise<Record<string, boolean>>;

/**
 * Liveness answers while the process serves; readiness asks every dependency at once and, when
 * one does not answer, says which: the body of any 503 (`fail`, `Service unavailable`) plus
 * `checks`, each dependency `up` or `down`.
 */
export function addHealthRoutes(router: Router<GatehouseState>, readiness: Readiness): void {
  router.get('/health/live', (ctx) => {
    ctx.body = { status: 'ok' };
  });

  router.get('/health/ready', async (ctx) => {
    const checks = await readiness().catch(() => ({ database: false }));
    const ready = Object.values(checks).every(Boolean);
    ctx.status = ready ? 200 : 503;
    ctx.body = ready
      ? { status: 'ok' }
      : {
          status: 'fail',
          message: 'Service unavailable',
          checks: Object.fromEntries(
            Object.entries(checks).map(([name, up]) => [name, up ? 'up' : 'down']),
          ),
        };
  });
}
