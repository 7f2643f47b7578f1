/**
 * `npm run bench`: the built server (production mode) in a child process, driven by autocannon
 * over loopback; see BENCHMARKS.md for the method and what limits each figure.
 *
 *   npm run bench                                          # SQLite file in a temporary directory
 *   BENCH_DATABASE_URL=postgres://…/gh_bench npm run bench # a database the bench may empty
 *   BENCH_SECONDS=3 BENCH_WIDGETS=1000,10000 npm run bench # a quick run
 *   BENCH_WORKERS=1 npm run bench                          # without the all-cores (cluster) phase
 *   BENCH_CPU_PROF=1 npm run bench                         # server CPU profile in bench/results/
 *   BENCH_UPDATE_DOC=1 npm run bench                       # also rewrite BENCHMARKS.md's table
 */
import { randomBytes } from 'node:crypto';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { createKnex } from '../src/adapters/persistence/knex/createKnex.js';
import { truncateAll } from '../test/support/databases.js';
import { request } from '../test/support/server.js';
import { bcryptRate } from './bcryptLimit.js';
import { buildServer, ROOT, type Build } from './build.js';
import { load } from './load.js';
import { report, type BenchResults, type Storm, type StormRound } from './report.js';
import { seedWidgets } from './seed.js';
import {
  freePort,
  memoryOf,
  RssSampler,
  startServer as startServerProcess,
  treeRss,
  type ServerProcess,
  type StartOptions,
} from './server.js';

const env = process.env;
const SECONDS = Number(env.BENCH_SECONDS ?? 10);
const STORM_SECONDS = Number(env.BENCH_STORM_SECONDS ?? 2 * SECONDS);
const PAGE_SECONDS = Math.max(2, SECONDS / 2);
const WIDGETS = (env.BENCH_WIDGETS ?? '1000,10000,100000').split(',').map(Number);
const BCRYPT_COST = Number(env.BENCH_BCRYPT_COST ?? 12); // production's default
const CORES = availableParallelism();
/** `serve --workers` of the all-cores phase: `auto` (one per core) unless BENCH_WORKERS says. */
const CLUSTER_WORKERS = env.BENCH_WORKERS ?? 'auto';
const CLUSTER_SIZE = CLUSTER_WORKERS === 'auto' ? CORES : Number(CLUSTER_WORKERS);
const PER_PAGE = 100;
/** Enough logins in flight to keep every hashing slot busy while the others do their I/O. */
const LOGIN_CONNECTIONS = 2 * CORES;
/** Storm rounds per configuration, each between two timings of the all-cores limit. */
const STORM_ROUNDS = Number(env.BENCH_STORM_ROUNDS ?? 3);
/** Logins before each storm, not counted. */
const STORM_WARM_UP_SECONDS = 2;
/** Paced probes during the login storm: light enough not to eat into hashing. */
const PROBE_RATE = 20;
const THROUGHPUT_CONNECTIONS = 10;
const PAGE_CONNECTIONS = 2;
const OUT_DIR = env.BENCH_OUT ?? join(ROOT, 'bench/results');
const SERVER_STARTS = 3;
/** Whether the server logs its `Gatehouse listening on` line (info), which the bench waits for. */
const LOGS_INFO = ['info', 'debug', 'trace'].includes(env.BENCH_LOG_LEVEL ?? 'info');

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const log = (line: string) => console.error(`[bench] ${line}`);

interface Credentials {
  email: string;
  password: string;
}
const CREDENTIALS: Credentials = { email: 'bench@example.com', password: 'bench password 0123' };

/** Every server started, so a failed run still stops them all. */
const servers = new Set<ServerProcess>();
async function startServer(build: Build, options: StartOptions) {
  const server = await startServerProcess(build, { ...options, awaitListeningLog: LOGS_INFO });
  servers.add(server);
  // Without that log line, give the other workers time to listen.
  if (!LOGS_INFO && options.serveArgs !== undefined) await sleep(3000);
  return server;
}

async function main(): Promise<void> {
  if (!Number.isInteger(CLUSTER_SIZE) || CLUSTER_SIZE < 1) {
    throw new Error('BENCH_WORKERS must be auto or a positive integer');
  }
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
  try {
    if (postgres !== undefined) {
      log('emptying the bench database');
      await truncateAll(knex);
    }

    log(`timing bcrypt (cost ${BCRYPT_COST}) on one core and on ${CORES}`);
    const bcryptBefore = await bcryptRate(BCRYPT_COST, 1, 3);
    // Timed here too, away from the storms (each of which is held to timings of its own), for
    // the report's one core × cores figure and the machine's rate as the run began and ended.
    const allCoresBefore = await bcryptRate(BCRYPT_COST, CORES, 3);

    // Every start is a container's: `node dist/main/cli.js serve`, no node flags.
    log('start to ready: one cold start (migrations), then warm starts');
    await fetch('http://127.0.0.1:1').catch(() => undefined); // load fetch before timing
    const cold = await startServer(build, { env: serverEnv });
    await cold.stop();
    const starts: { readyMs: number; idleRss: number }[] = [];
    for (let i = 0; i < SERVER_STARTS; i += 1) {
      const server = await startServer(build, { env: serverEnv });
      await sleep(1000);
      starts.push({ readyMs: server.readyMs, idleRss: memoryOf(server.child.pid)?.rss ?? NaN });
      await server.stop();
    }

    log('one worker (in-process)');
    const barePort = await freePort();
    const server = await startServer(build, { env: serverEnv, barePort, nodeFlags: profile });
    const { base } = server;
    const registered = await request(base, 'POST', '/api/v1/auth/register', {
      json: CREDENTIALS,
    });
    if (registered.status !== 201) throw new Error(`register: ${registered.status}`);
    const token = String(registered.json.access_token);
    const me = await request(base, 'GET', '/api/v1/auth/user', { token });
    const ownerPublicId = String(me.json.public_id);
    const auth = { Authorization: `Bearer ${token}` };
    await sleep(1000);
    const idleRss = memoryOf(server.child.pid)?.rss ?? NaN;
    const sampler = new RssSampler(server.child.pid);
    sampler.start();

    const storm = await loginStorm(base, auth);
    const phaseRss: Record<string, number> = { storm: sampler.phase() };
    log(`timing bcrypt again, on one core and on ${CORES}`);
    const bcryptAfter = await bcryptRate(BCRYPT_COST, 1, 3);
    const allCoresAfter = await bcryptRate(BCRYPT_COST, CORES, 3);

    const throughput = await authenticatedVsBare(base, barePort, auth, (phase) => {
      phaseRss[phase] = sampler.phase();
    });

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

    const cluster = CLUSTER_SIZE > 1 ? await allCores(build, serverEnv) : null;

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
        start: 'node dist/main/cli.js serve',
        bcryptCost: BCRYPT_COST,
        uvThreadpoolSize: env.UV_THREADPOOL_SIZE ?? 'default (4)',
        nodeOptions: env.NODE_OPTIONS ?? '',
        logLevel: env.BENCH_LOG_LEVEL ?? 'production default (info), stdout to a pipe',
        seconds: SECONDS,
        stormSeconds: STORM_SECONDS,
        stormRounds: STORM_ROUNDS,
        pageSeconds: PAGE_SECONDS,
        clusterWorkers: CLUSTER_SIZE > 1 ? `${CLUSTER_WORKERS} (${CLUSTER_SIZE})` : 'skipped',
        loginConnections: LOGIN_CONNECTIONS,
        probeRatePerSecond: PROBE_RATE,
        throughputConnections: THROUGHPUT_CONNECTIONS,
        pageConnections: PAGE_CONNECTIONS,
        perPage: PER_PAGE,
        cpuProfile: profile.length > 0,
        buildSeconds: Math.round(build.seconds * 10) / 10,
      },
      bcrypt: {
        perCoreBefore: bcryptBefore.perSecond,
        perCoreAfter: bcryptAfter.perSecond,
        allCoresBefore: allCoresBefore.perSecond,
        allCoresAfter: allCoresAfter.perSecond,
        allCores: (allCoresBefore.perSecond + allCoresAfter.perSecond) / 2,
        coresTimesOne: (CORES * (bcryptBefore.perSecond + bcryptAfter.perSecond)) / 2,
      },
      storm,
      throughput,
      widgets,
      memory: {
        idleFreshRss: median(starts.map((s) => s.idleRss)),
        idleRss,
        loadRss,
        peakRss,
        byPhase: phaseRss,
      },
      startup: { coldMs: cold.readyMs, warmMs: starts.map((s) => s.readyMs) },
      cluster,
    };
    await report(results, OUT_DIR, env.BENCH_UPDATE_DOC === '1');
  } finally {
    await Promise.all([...servers].map((server) => server.stop()));
    if (postgres !== undefined) await truncateAll(knex).catch(() => undefined);
    await knex.destroy();
    build.remove();
  }
}

/**
 * STORM_ROUNDS rounds of logins on 2 × cores connections for STORM_SECONDS, and meanwhile two
 * paced probes, one connection each at PROBE_RATE: `GET /health/live` and an authenticated
 * `GET /api/v1/auth/user`. bcrypt's all-cores rate is timed before the first round and after
 * each, so every round is held to the limit of its own minute.
 */
async function loginStorm(base: string, auth: Record<string, string>): Promise<Storm> {
  log(
    `login storm: ${STORM_ROUNDS} × ${STORM_SECONDS} s, ${LOGIN_CONNECTIONS} connections, ` +
      'the limit timed around each round',
  );
  const probe = (path: string, headers: Record<string, string> = {}) =>
    load({
      url: `${base}${path}`,
      headers,
      connections: 1,
      overallRate: PROBE_RATE,
      duration: STORM_SECONDS,
    });
  const logins = (duration: number) =>
    load({
      url: `${base}/api/v1/auth/login`,
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(CREDENTIALS),
      duration,
      connections: LOGIN_CONNECTIONS,
    });
  // Not counted: the storm is the server's first load, and a running server has long compiled
  // its login path (the throughput scenarios warm up likewise).
  await logins(STORM_WARM_UP_SECONDS);
  const rounds: StormRound[] = [];
  let before = (await bcryptRate(BCRYPT_COST, CORES, 3)).perSecond;
  for (let round = 0; round < STORM_ROUNDS; round += 1) {
    const [loginResult, live, user] = await Promise.all([
      logins(STORM_SECONDS),
      probe('/health/live'),
      probe('/api/v1/auth/user', auth),
    ]);
    const after = (await bcryptRate(BCRYPT_COST, CORES, 3)).perSecond;
    const limit = (before + after) / 2;
    rounds.push({ limit, ratio: loginResult.okPerSecond / limit, logins: loginResult, live, user });
    before = after;
  }
  const byRatio = [...rounds].sort((a, b) => a.ratio - b.ratio);
  const middle = byRatio[Math.floor(byRatio.length / 2)];
  if (middle === undefined) throw new Error('BENCH_STORM_ROUNDS must be at least 1');
  return {
    rounds,
    ratio: middle.ratio,
    liveP99Ms: median(rounds.map((r) => r.live.p99Ms)),
    userP99Ms: median(rounds.map((r) => r.user.p99Ms)),
    logins: middle.logins,
    live: middle.live,
    user: middle.user,
  };
}

/** The bare Koa route, then the authenticated GET, after a 1 s warm-up of each. */
async function authenticatedVsBare(
  base: string,
  barePort: number,
  auth: Record<string, string>,
  phaseDone: (phase: string) => void,
): Promise<BenchResults['throughput']> {
  log(`authenticated GET vs a bare Koa route: ${SECONDS} s each`);
  const bareOptions = { url: `http://127.0.0.1:${barePort}/`, connections: THROUGHPUT_CONNECTIONS };
  const userOptions = {
    url: `${base}/api/v1/auth/user`,
    headers: auth,
    connections: THROUGHPUT_CONNECTIONS,
  };
  await load({ ...bareOptions, duration: 1 }); // warm-up
  await load({ ...userOptions, duration: 1 });
  const bare = await load({ ...bareOptions, duration: SECONDS });
  phaseDone('bare route');
  const user = await load({ ...userOptions, duration: SECONDS });
  phaseDone('authenticated GET');
  return { bare, user };
}

/**
 * The storm and the throughput scenarios again on `serve --workers auto` (BENCH_WORKERS), on the
 * database the one-worker phase left, with the RSS of the primary and of each worker.
 */
async function allCores(
  build: Build,
  serverEnv: NodeJS.ProcessEnv,
): Promise<NonNullable<BenchResults['cluster']>> {
  log(`all cores: serve --workers ${CLUSTER_WORKERS} (${CLUSTER_SIZE} workers)`);
  const serveArgs = ['--workers', CLUSTER_WORKERS];
  const idle = await startServer(build, { env: serverEnv, serveArgs });
  await sleep(1000);
  const idleRss = treeRss(idle.child.pid);
  await idle.stop();

  const barePort = await freePort();
  const server = await startServer(build, { env: serverEnv, barePort, serveArgs });
  const login = await request(server.base, 'POST', '/api/v1/auth/login', { json: CREDENTIALS });
  if (login.status !== 200) throw new Error(`login: ${login.status}`);
  const auth = { Authorization: `Bearer ${String(login.json.access_token)}` };
  const sampler = new RssSampler(server.child.pid);
  sampler.start();
  const storm = await loginStorm(server.base, auth);
  const byPhase: Record<string, number> = { storm: sampler.phase() };
  const throughput = await authenticatedVsBare(server.base, barePort, auth, (phase) => {
    byPhase[phase] = sampler.phase();
  });
  const loadRss = Math.max(sampler.stop(), ...Object.values(byPhase));
  const loadByProcess = sampler.perProcess();
  await server.stop();
  return {
    workers: CLUSTER_SIZE,
    readyMs: idle.readyMs,
    storm,
    throughput,
    memory: {
      idleRss: idleRss.total,
      idleByProcess: idleRss.byProcess,
      loadRss,
      loadByProcess,
      byPhase,
    },
  };
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
