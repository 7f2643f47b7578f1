/**
 * CPU time per request, by where it is spent: the server's main thread (JavaScript and its
 * syscalls), its other threads (the pool, where bcrypt runs), the Postgres backends and this
 * client. CPU time, unlike throughput, barely moves with other load on a shared machine, so it
 * shows what a change costs where a throughput run would only show the neighbours.
 *
 *   BENCH_DATABASE_URL=postgres://… npm run bench:cpu -- login   # N=60 COST=12 by default
 *   BENCH_DATABASE_URL=postgres://… npm run bench:cpu -- user    # authenticated GET, N=5000
 *   BENCH_DATABASE_URL=postgres://… npm run bench:cpu -- bare    # bench/bareRoute.ts's route
 *
 * PROF=dir adds a --cpu-prof of the server; NODE_FLAGS="--maglev …" starts it with those node
 * flags, to compare a runtime setting in alternating runs. `login` runs the storm's two paced
 * probes beside the logins, as `npm run bench` does, and prints the bound its CPU split puts on
 * the storm's logins/s ÷ bcrypt's all-cores rate; `user` and `bare` the main thread's
 * µs/request, whose ratio bounds the authenticated GET's req/s ÷ the bare route's when one
 * thread serves.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import bcrypt from 'bcrypt';
import { createKnex } from '../src/adapters/persistence/knex/createKnex.js';
import { truncateAll } from '../test/support/databases.js';
import { buildServer } from './build.js';

const SCENARIO = process.argv[2] ?? 'login';
if (!['login', 'user', 'bare'].includes(SCENARIO)) throw new Error('login, user or bare');
const TICK_MS = 10;
const N = Number(process.env.N ?? (SCENARIO === 'login' ? 60 : 5000));
const COST = process.env.COST ?? '12';
const CONCURRENCY = SCENARIO === 'login' ? 4 : 10;
const DATABASE_URL = process.env.BENCH_DATABASE_URL;
if (DATABASE_URL === undefined) throw new Error('set BENCH_DATABASE_URL (Postgres)');

/** A process's or thread's name and CPU time (user + system, ms) from its /proc stat file. */
function ticks(path: string): { name: string; cpu: number } | null {
  try {
    const stat = readFileSync(path, 'utf8');
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { name, cpu: (Number(fields[11]) + Number(fields[12])) * TICK_MS };
  } catch {
    return null; // the thread or process ended between listing and reading
  }
}

/** CPU ms by thread name, the main thread as `main`. */
function threads(pid: number): Map<string, number> {
  const byName = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const t = ticks(`/proc/${pid}/task/${tid}/stat`);
    if (!t) continue;
    const key = Number(tid) === pid ? 'main' : t.name;
    byName.set(key, (byName.get(key) ?? 0) + t.cpu);
  }
  return byName;
}

function postgresCpu(): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const t = ticks(`/proc/${entry}/stat`);
    if (t && t.name.startsWith('postgres')) total += t.cpu;
  }
  return total;
}

const knex = createKnex(DATABASE_URL);
await truncateAll(knex); // a database the bench may empty, as `npm run bench`'s
await knex.destroy();
const build = await buildServer();
const port = 20000 + Math.floor(Math.random() * 20000);
const barePort = port + 1;
const profile = process.env.PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.PROF}`] : [];
const nodeFlags = (process.env.NODE_FLAGS ?? '').split(' ').filter(Boolean);
// Only `bare` needs the bare route: the others measure the production start as it is.
const bareRoutePreload = SCENARIO === 'bare' ? ['--import', build.bareRoute] : [];
const child = spawn(
  process.execPath,
  [...profile, ...nodeFlags, ...bareRoutePreload, build.cli, 'serve'],
  {
    cwd: build.dir,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      PORT: String(port),
      BENCH_BARE_PORT: String(barePort),
      DATABASE_URL,
      JWT_SECRET: randomBytes(32).toString('base64url'),
      BCRYPT_COST: COST,
      AUTH_MAX_REQUESTS: '1000000000',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  },
);
if (child.pid === undefined) throw new Error('server did not spawn');
const pid: number = child.pid;
const base = `http://127.0.0.1:${port}`;
for (let i = 0; ; i += 1) {
  const up = await fetch(`${base}/health/ready`).then(
    (reply) => reply.ok,
    () => false,
  );
  if (up) break;
  if (i > 100) throw new Error('server did not start');
  await new Promise((done) => setTimeout(done, 200));
}
const credentials = JSON.stringify({ email: 'request-cpu@example.com', password: 'bench pass 1' });
const registered = await fetch(`${base}/api/v1/auth/register`, {
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: credentials,
});
if (registered.status !== 201) throw new Error(`register: ${registered.status}`);
const { access_token: token } = (await registered.json()) as { access_token: string };

const send: Record<string, () => Promise<Response>> = {
  login: () =>
    fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: credentials,
    }),
  user: () => fetch(`${base}/api/v1/auth/user`, { headers: { Authorization: `Bearer ${token}` } }),
  bare: () => fetch(`http://127.0.0.1:${barePort}/`),
  live: () => fetch(`${base}/health/live`),
};

/** The bench storm's two probes, `GET /health/live` and `GET /auth/user`, at PROBE_RATE each. */
const PROBE_RATE = 20;
async function probes(seconds: number): Promise<void> {
  const end = performance.now() + seconds * 1000;
  const paced = async (one: () => Promise<Response>) => {
    for (let next = performance.now(); next < end; next += 1000 / PROBE_RATE) {
      await (await one()).arrayBuffer();
      await new Promise((wake) => setTimeout(wake, Math.max(0, next - performance.now())));
    }
  };
  const { user, live } = send;
  if (user === undefined || live === undefined) throw new Error('no probes');
  await Promise.all([paced(user), paced(live)]);
}

async function requests(count: number): Promise<void> {
  let left = count;
  const one = send[SCENARIO];
  if (one === undefined) throw new Error(SCENARIO);
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (left > 0) {
        left -= 1;
        const reply = await one();
        if (!reply.ok) throw new Error(`${SCENARIO}: ${reply.status}`);
        await reply.arrayBuffer();
      }
    }),
  );
}

await requests(Math.ceil(N / 3)); // warm-up: the JIT, the pools
interface Snapshot {
  threads: Map<string, number>;
  pg: number;
  client: NodeJS.CpuUsage;
}

function snapshot(): Snapshot {
  return { threads: threads(pid), pg: postgresCpu(), client: process.cpuUsage() };
}

/** CPU ms since `start` of the server's main thread, its other threads, Postgres and this client. */
function cpuSince(start: Snapshot): { main: number; pool: number; pg: number; client: number } {
  let main = 0;
  let pool = 0;
  for (const [name, cpu] of threads(pid)) {
    const spent = cpu - (start.threads.get(name) ?? 0);
    if (name === 'main') main = spent;
    else pool += spent;
  }
  const client = process.cpuUsage(start.client);
  return { main, pool, pg: postgresCpu() - start.pg, client: (client.user + client.system) / 1000 };
}

// `login`: first the probes alone, for the CPU a second of them takes from the storm.
let probeCpuPerSecond = 0;
if (SCENARIO === 'login') {
  const PROBE_SECONDS = 5;
  const start = snapshot();
  await probes(PROBE_SECONDS);
  const spent = cpuSince(start);
  probeCpuPerSecond = (spent.main + spent.pool + spent.pg + spent.client) / PROBE_SECONDS;
}
const before = snapshot();
const started = performance.now();
await requests(N);
const wall = performance.now() - started;
const { main, pool, pg: postgres, client } = cpuSince(before);
child.kill('SIGTERM');

const perRequest = (ms: number) => `${((ms * 1000) / N).toFixed(0)} µs`;
console.log(`${SCENARIO}: ${N} requests, ${((N * 1000) / wall).toFixed(1)}/s`);
console.log(`  server main thread: ${perRequest(main)}`);
console.log(`  server other threads (the pool, GC): ${perRequest(pool)}`);
console.log(`  postgres: ${perRequest(postgres)}`);
console.log(`  client: ${perRequest(client)}`);
if (SCENARIO === 'login') {
  const hash = await bcrypt.hash('x', Number(COST));
  const cpu = process.cpuUsage();
  for (let i = 0; i < 10; i += 1) bcrypt.compareSync('x', hash);
  const used = process.cpuUsage(cpu);
  const bcryptMs = (used.user + used.system) / 1000 / 10;
  // With every core busy, logins/s ÷ bcrypt's all-cores rate reaches at most bcrypt's share of
  // the CPU; the client and the probes count, as they take the same cores on one machine.
  const rest = main + postgres + client + Math.max(0, pool - bcryptMs * N);
  const logins = (bcryptMs * N) / (bcryptMs * N + rest);
  // The probes' CPU, measured alone, is taken from what all cores give each second; under the
  // storm they cost more (caches, switches), so this bound is an optimistic one.
  const probesShare = probeCpuPerSecond / (availableParallelism() * 1000);
  console.log(`  bcrypt.compareSync alone: ${bcryptMs.toFixed(1)} ms`);
  console.log(`  probes (2 × ${PROBE_RATE}/s, alone): ${probeCpuPerSecond.toFixed(0)} ms CPU/s`);
  console.log(`  bound on logins/s ÷ bcrypt's all-cores rate, logins alone: ${logins.toFixed(3)}`);
  console.log(
    `  … with the probes' share of the cores: ${(logins * (1 - probesShare)).toFixed(3)}`,
  );
}
build.remove();
