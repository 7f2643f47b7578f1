import type { Router } from '@koa/router';
import type { GatehouseState } from './context.js';

/** Liveness answers while the process serves; readiness asks the database. */
export function addHealthRoutes(
  router: Router<GatehouseState>,
  isReady: () => Promise<boolean>,
): void {
  router.get('/health/live', (ctx) => {
    ctx.body = { status: 'ok' };
  });

  router.get('/health/ready', async (ctx) => {
    const ready = await isReady().catch(() => false);
    ctx.status = ready ? 200 : 503;
    ctx.body = ready ? { status: 'ok' } : { status: 'error', message: 'Database unavailable' };
  });
}
