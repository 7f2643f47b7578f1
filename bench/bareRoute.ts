/**
 * Preloaded into the server process by the bench (`node --import bareRoute.js dist/main/cli.js
 * serve`): a bare Koa app with one route on BENCH_BARE_PORT, so the bench can compare an
 * authenticated Gatehouse route with the cheapest Koa route in the same process — same event loop,
 * same CPU, same JIT — without any benchmark route in the product.
 */
import { createServer } from 'node:http';
import Koa from 'koa';

const port = Number(process.env.BENCH_BARE_PORT);
const app = new Koa();
app.use((ctx) => {
  ctx.body = { status: 'ok' };
});
// unref: the CLI's shutdown decides when the process exits.
createServer(app.callback()).listen(port, '127.0.0.1').unref();
