/**
 * `npm run bench`: the built server (production mode) in a child process, driven by autocannon
 * over loopback; see BENCHMARKS.md for the method and what limits each figure.
 *
 *   npm run bench                                          # SQLite file in a temporary directory
 *   BENCH_DATABASE_URL=postgres://…/gh_bench npm run bench # a database the bench may empty
 *   BENCH_SECONDS=3 BENCH_WIDGETS=1000,10000 npm run bench # a quick run
 *   BENCH_CPU_PROF=1 npm run bench                         # server CPU profile in bench/results/
 *   BENCH_UPDATE_DOC=1 npm run bench                       # also rewrite BENCHMARKS.md's table
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import type { Options } from 'autocannon';
import { createKnex } from '../src/adapters/persistence/knex/createKnex.js';
import { truncateAll } from '../test/support/databases.js';
import { request } from '../test/support/server.js';
import { bcryptRate } from './bcryptLimit.js';
import { buildServer, ROOT } from './build.js';
import { load } from './load.js';
import { report, type BenchResults } from './report.js';
import { seedWidgets } from './seed.js';
import {
  freePort,
  memoryOf,
  RssSampler,
  startServer as startServerProcess,
  type ServerProcess,
} from './server.js';

const env = process.env;
const SECONDS = Number(env.BENCH_SECONDS ?? 10);
const STORM_SECONDS = 2 * SECONDS;
const PAGE_SECONDS = Math.max(2, SECONDS / 2);
const WIDGETS = (env.BENCH_WIDGETS ?? '1000,10000,100000').split(',').map(Number);
const BCRYPT_COST = Number(env.BENCH_BCRYPT_COST ?? 12); // production's default
const CORES = availableParallelism();
const PER_PAGE = 100;
/** Enough logins in flight to keep every hashing slot busy while the others do their I/O. */
const LOGIN_CONNECTIONS = 2 * CORES;
/** Paced probes during the login storm: light enough not to eat into hashing. */
const PROBE_RATE = 20;
const THROUGHPUT_CONNECTIONS = 10;
const PAGE_CONNECTIONS = 2;
const OUT_DIR = env.BENCH_OUT ?? join(ROOT, 'bench/results');
const SERVER_STARTS = 3;

/**
 * The node flags of `npm run serve`, the documented production start (`node <flags>
 * dist/main/cli.js serve`): the bench starts the server as production does.
 */
function productionNodeFlags(): string[] {
  const scripts = (
    JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    }
  ).scripts;
  const match = /^node((?: --[\w-]+(?:=\S+)?)*) dist\/main\/cli\.js serve$/.exec(
    scripts.serve ?? '',
  );
  if (match === null)
    throw new Error('package.json scripts.serve is not `node [flags] dist/main/cli.js serve`');
  return (match[1] ?? '').split(' ').filter((flag) => flag !== '');
}
const PRODUCTION_NODE_FLAGS = productionNodeFlags();

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const log = (line: string) => console.error(`[bench] ${line}`);

/** Every server started, so a failed run still stops them all. */
const servers = new Set<ServerProcess>();
async function startServer(...args: Parameters<typeof startServerProcess>) {
  const server = await startServerProcess(...args);
  servers.add(server);
  return server;
}

async function main(): Promise<void> {
  const loadBefore = loadavg()[0] ?? 0;
  log(`building (tsconfig.build.json into a temporary directory)`);
  const build = await buildServer();
  const postgres = env.BENCH_DATABASE_URL;
  const databaseUrl = postgres ?? `sqlite:${join(build.dir, 'bench.sqlite')}`;
  const knex = createKnex(databaseUrl);
  const serverEnv: NodeJS.ProcessEnv = {
    PATH: env.PATH,
    // Passed on when set, to try runtime settings (recorded with the results).
    ...(env.UV_THREADPOOL_SIZE === undefined ? {} : { UV_THREADPOOL_SIZE: env.UV_THREADPOOL_SIZE }),
    ...(env.NODE_OPTIONS === undefined ? {} : { NODE_OPTIONS: env.NODE_OPTIONS }),
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    JWT_SECRET: randomBytes(32).toString('base64url'),
    BCRYPT_COST: String(BCRYPT_COST),
    // One client address sends every login: the per-address counter still runs, never trips.
    AUTH_MAX_REQUESTS: '1000000000',
    ...(env.BENCH_LOG_LEVEL === undefined ? {} : { LOG_LEVEL: env.BENCH_LOG_LEVEL }),
  };
  const profile =
    env.BENCH_CPU_PROF === '1' ? ['--cpu-prof', `--cpu-prof-dir=${join(OUT_DIR, 'profiles')}`] : [];
  const nodeFlags = [...PRODUCTION_NODE_FLAGS, ...profile];
  try {
    if (postgres !== undefined) {
      log('emptying the bench database');
      await truncateAll(knex);
    }

    log(`timing bcrypt (cost ${BCRYPT_COST}) on one core`);
    const bcryptBefore = await bcryptRate(BCRYPT_COST, 1, 3);

    log('start to ready: one cold start (migrations), then warm starts');
    await fetch('http://127.0.0.1:1').catch(() => undefined); // load fetch before timing
    const cold = await startServer(build, { env: serverEnv, nodeFlags: PRODUCTION_NODE_FLAGS });
    await cold.stop();
    const starts: { readyMs: number; idleRss: number }[] = [];
    for (let i = 0; i < SERVER_STARTS; i += 1) {
      const server = await startServer(build, {
        env: serverEnv,
        nodeFlags: PRODUCTION_NODE_FLAGS,
      });
      await sleep(1000);
      starts.push({ readyMs: server.readyMs, idleRss: memoryOf(server.child.pid)?.rss ?? NaN });
      await server.stop();
    }

    const barePort = await freePort();
    const server = await startServer(build, { env: serverEnv, barePort, nodeFlags });
    const { base } = server;
    const credentials = { email: 'bench@example.com', password: 'bench password 0123' };
    const registered = await request(base, 'POST', '/api/v1/auth/register', { json: credentials });
    if (registered.status !== 201) throw new Error(`register: ${registered.status}`);
    const token = String(registered.json.access_token);
    const me = await request(base, 'GET', '/api/v1/auth/user', { token });
    const ownerPublicId = String(me.json.public_id);
    const auth = { Authorization: `Bearer ${token}` };
    await sleep(1000);
    const idleRss = memoryOf(server.child.pid)?.rss ?? NaN;
    const sampler = new RssSampler(server.child.pid);
    sampler.start();

    log(`login storm: ${STORM_SECONDS} s, ${LOGIN_CONNECTIONS} connections`);
    const loginRequest: Options = {
      url: `${base}/api/v1/auth/login`,
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(credentials),
      duration: STORM_SECONDS,
    };
    const probe = (path: string, headers: Record<string, string> = {}) =>
      load({
        url: `${base}${path}`,
        headers,
        connections: 1,
        overallRate: PROBE_RATE,
        duration: STORM_SECONDS,
      });
    const [logins, liveDuringStorm, userDuringStorm] = await Promise.all([
      load({ ...loginRequest, connections: LOGIN_CONNECTIONS }),
      probe('/health/live'),
      probe('/api/v1/auth/user', auth),
    ]);

    const phaseRss: Record<string, number> = { storm: sampler.phase() };
    log(`timing bcrypt again, on one core and on ${CORES}`);
    const bcryptAfter = await bcryptRate(BCRYPT_COST, 1, 3);
    const bcryptAllCores = await bcryptRate(BCRYPT_COST, CORES, 3);

    log(`authenticated GET vs a bare Koa route: ${SECONDS} s each`);
    const bareOptions = {
      url: `http://127.0.0.1:${barePort}/`,
      connections: THROUGHPUT_CONNECTIONS,
    };
    const userOptions = {
      url: `${base}/api/v1/auth/user`,
      headers: auth,
      connections: THROUGHPUT_CONNECTIONS,
    };
    await load({ ...bareOptions, duration: 1 }); // warm-up
    await load({ ...userOptions, duration: 1 });
    const bare = await load({ ...bareOptions, duration: SECONDS });
    phaseRss['bare route'] = sampler.phase();
    const user = await load({ ...userOptions, duration: SECONDS });
    phaseRss['authenticated GET'] = sampler.phase();

    const widgets: BenchResults['widgets'] = [];
    let seeded = 0;
    for (const count of WIDGETS) {
      log(`seeding ${count} widgets`);
      const seedSeconds = await seedWidgets(knex, ownerPublicId, seeded, count);
      seeded = count;
      const page = (n: number) =>
        load({
          url: `${base}/api/v1/widgets?page=${n}&per_page=${PER_PAGE}`,
          headers: auth,
          connections: PAGE_CONNECTIONS,
          duration: PAGE_SECONDS,
        });
      const lastPage = Math.ceil(count / PER_PAGE);
      await page(1); // warm-up
      widgets.push({
        count,
        seedSeconds: Math.round(seedSeconds * 100) / 100,
        first: await page(1),
        lastPage,
        last: await page(lastPage),
      });
    }
    phaseRss['widget pages'] = sampler.phase();
    const loadRss = Math.max(sampler.stop(), ...Object.values(phaseRss));
    const peakRss = memoryOf(server.child.pid)?.peak ?? NaN;
    await server.stop();

    const results: BenchResults = {
      date: new Date().toISOString(),
      machine: {
        cpus: CORES,
        cpuModel: cpus()[0]?.model ?? 'unknown',
        memoryMB: Math.round(totalmem() / 1e6),
        node: process.version,
        platform: `${process.platform} ${process.arch}`,
        loadAverage: { before: loadBefore, after: loadavg()[0] ?? 0 },
      },
      settings: {
        database: postgres === undefined ? 'sqlite' : 'postgres',
        nodeEnv: 'production',
        bcryptCost: BCRYPT_COST,
        uvThreadpoolSize: env.UV_THREADPOOL_SIZE ?? 'default (4)',
        nodeOptions: env.NODE_OPTIONS ?? '',
        logLevel: env.BENCH_LOG_LEVEL ?? 'production default (info), stdout to a pipe',
        seconds: SECONDS,
        stormSeconds: STORM_SECONDS,
        pageSeconds: PAGE_SECONDS,
        loginConnections: LOGIN_CONNECTIONS,
        probeRatePerSecond: PROBE_RATE,
        throughputConnections: THROUGHPUT_CONNECTIONS,
        pageConnections: PAGE_CONNECTIONS,
        perPage: PER_PAGE,
        nodeFlags: PRODUCTION_NODE_FLAGS.join(' '),
        cpuProfile: profile.length > 0,
        buildSeconds: Math.round(build.seconds * 10) / 10,
      },
      bcrypt: {
        perCoreBefore: bcryptBefore.perSecond,
        perCoreAfter: bcryptAfter.perSecond,
        allCores: bcryptAllCores.perSecond,
        limit: (CORES * (bcryptBefore.perSecond + bcryptAfter.perSecond)) / 2,
      },
      storm: { logins, live: liveDuringStorm, user: userDuringStorm },
      throughput: { bare, user },
      widgets,
      memory: {
        idleFreshRss: median(starts.map((s) => s.idleRss)),
        idleRss,
        loadRss,
        peakRss,
        byPhase: phaseRss,
      },
      startup: { coldMs: cold.readyMs, warmMs: starts.map((s) => s.readyMs) },
    };
    await report(results, OUT_DIR, env.BENCH_UPDATE_DOC === '1');
  } finally {
    await Promise.all([...servers].map((server) => server.stop()));
    if (postgres !== undefined) await truncateAll(knex).catch(() => undefined);
    await knex.destroy();
    build.remove();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

await main().catch((error: unknown) => {
  // Knex puts the whole statement in its messages: a bulk insert would fill the screen.
  const message = error instanceof Error ? error.message : String(error);
  console.error(`bench failed: ${message.slice(0, 2000)}`);
  process.exitCode = 1;
});
