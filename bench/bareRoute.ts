/**
 * Preloaded into the server process by the bench (`node --import bareRoute.js dist/main/cli.js
 * serve`): a bare Koa app with one route on BENCH_BARE_PORT, so the bench can compare an
 * authenticated Gatehouse route with the cheapest Koa route in the same process — same event loop,
 * same CPU, same JIT — without any benchmark route in the product.
 */
import cluster from 'node:cluster';
import { createServer } from 'node:http';
import { availableParallelism } from 'node:os';
import Koa from 'koa';

/**
 * With `serve --workers N` (N > 1) the preload runs in the primary too, which serves nothing: the
 * workers serve the bare route as they serve Gatehouse, on one port shared by the cluster.
 */
function servesHere(): boolean {
  if (cluster.isWorker) return true;
  const option = process.argv.indexOf('--workers');
  const workers = option < 0 ? (process.env.WEB_CONCURRENCY ?? '1') : process.argv[option + 1];
  return (workers === 'auto' ? availableParallelism() : Number(workers)) <= 1;
}

if (servesHere()) {
  const port = Number(process.env.BENCH_BARE_PORT);
  const app = new Koa();
  app.use((ctx) => {
    ctx.body = { status: 'ok' };
  });
  // unref: the CLI's shutdown decides when the process exits.
  createServer(app.callback()).listen(port, '127.0.0.1').unref();
}
