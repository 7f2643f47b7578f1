import { jsonResponse } from './openapiAnswers.js';
import { componentRef } from './representations.js';
import { route, type Route } from './route.js';
import { UNAVAILABLE_BODY } from './problems.js';

/**
 * Whether each dependency answers, by name (`database`, `redis`); a rejection counts as down.
 * `server: false` while the process shuts down: not ready, whatever the dependencies say.
 */
export type Readiness = () => Promise<Record<string, boolean>>;

type Deps = { readiness: Readiness };
const tags = ['health'];

/**
 * Liveness answers while the process serves; readiness asks every dependency at once and, when
 * one does not answer, says which: the body of any 503 (`fail`, `Service unavailable`) plus
 * `checks`, each dependency `up` or `down`.
 */
export const healthRoutes: ReadonlyArray<Route<Deps>> = [
  route({
    method: 'get',
    path: '/health/live',
    auth: 'public',
    operation: { tags, summary: 'Liveness: 200 while the process serves', operationId: 'live' },
    responses: { '200': jsonResponse('Serving', componentRef('Health')) },
    handler: () => (ctx) => {
      ctx.body = { status: 'ok' };
    },
  }),
  route({
    method: 'get',
    path: '/health/ready',
    auth: 'public',
    operation: {
      tags,
      summary: 'Readiness: 200 when every dependency answers',
      operationId: 'ready',
    },
    responses: {
      '200': jsonResponse('Ready', componentRef('Health')),
      '503': jsonResponse(
        'A dependency does not answer, or the process is shutting down: `checks` says which',
        componentRef('NotReady'),
        {
          example: { ...UNAVAILABLE_BODY, checks: { database: 'up', redis: 'down' } },
        },
      ),
    },
    handler:
      ({ readiness }) =>
      async (ctx) => {
        const checks = await readiness().catch(() => ({ database: false }));
        const ready = Object.values(checks).every(Boolean);
        ctx.status = ready ? 200 : 503;
        ctx.body = ready
          ? { status: 'ok' }
          : {
              ...UNAVAILABLE_BODY,
              checks: Object.fromEntries(
                Object.entries(checks).map(([name, up]) => [name, up ? 'up' : 'down']),
              ),
            };
      },
  }),
];
