/**
 * CPU time per login, by where it is spent: the server's main thread (JavaScript, syscalls), its
 * thread pool (bcrypt), the Postgres backends and this client. A storm's logins/s ÷ bcrypt's
 * all-cores rate is bounded by bcrypt's CPU ÷ (bcrypt's + everything else's), and CPU time,
 * unlike throughput, barely moves with other load on a shared machine.
 *
 *   npm run bench:login-cpu   (N logins, COST bcrypt cost, PROF=dir for a --cpu-prof of the server)
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import bcrypt from 'bcrypt';
import { createKnex } from '../src/adapters/persistence/knex/createKnex.js';
import { truncateAll } from '../test/support/databases.js';
import { buildServer } from './build.js';

const TICK_MS = 10;
const N = Number(process.env.N ?? 60);
const CONCURRENCY = 4;
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (DATABASE_URL === undefined) throw new Error('set BENCH_DATABASE_URL (Postgres)');

function ticks(path: string): { name: string; cpu: number } | null {
  try {
    const stat = readFileSync(path, 'utf8');
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { name, cpu: (Number(fields[11]) + Number(fields[12])) * TICK_MS };
  } catch {
    return null;
  }
}

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
const profile = process.env.PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.PROF}`] : [];
const child = spawn(process.execPath, [...profile, build.cli, 'serve'], {
  cwd: build.dir,
  env: {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    PORT: String(port),
    DATABASE_URL,
    JWT_SECRET: randomBytes(32).toString('base64url'),
    BCRYPT_COST: process.env.COST ?? '12',
    AUTH_MAX_REQUESTS: '1000000000',
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const base = `http://127.0.0.1:${port}`;
for (let i = 0; ; i += 1) {
  const up = await fetch(`${base}/health/live`).then(
    () => true,
    () => false,
  );
  if (up) break;
  if (i > 100) throw new Error('server did not start');
  await new Promise((r) => setTimeout(r, 200));
}
const email = 'login-cpu@example.com';
const credentials = JSON.stringify({ email, password: 'bench password 1' });
const register = await fetch(`${base}/api/v1/auth/register`, {
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: credentials,
});
if (register.status !== 201) throw new Error(`register ${register.status}`);

async function logins(count: number): Promise<void> {
  let left = count;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (left > 0) {
        left -= 1;
        const reply = await fetch(`${base}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: credentials,
        });
        if (reply.status !== 200) throw new Error(`login ${reply.status}`);
        await reply.arrayBuffer();
      }
    }),
  );
}

await logins(20);
const pid = child.pid;
if (pid === undefined) throw new Error('server did not spawn');
const before = { threads: threads(pid), pg: postgresCpu(), client: process.cpuUsage() };
const started = performance.now();
await logins(N);
const wall = performance.now() - started;
const after = { threads: threads(pid), pg: postgresCpu(), client: process.cpuUsage(before.client) };

const hash = await bcrypt.hash('x', Number(process.env.COST ?? 12));
const c0 = process.cpuUsage();
for (let i = 0; i < 10; i += 1) bcrypt.compareSync('x', hash);
const c1 = process.cpuUsage(c0);
const bcryptMs = (c1.user + c1.system) / 1000 / 10;

const per = (ms: number) => (ms / N).toFixed(2);
console.log(`logins ${N}, wall ${(wall / 1000).toFixed(1)} s, ${((N * 1000) / wall).toFixed(2)}/s`);
console.log(`bcrypt compareSync CPU: ${bcryptMs.toFixed(1)} ms`);
let rest = 0;
for (const [name, cpu] of after.threads) {
  const delta = cpu - (before.threads.get(name) ?? 0);
  if (delta <= 0) continue;
  console.log(`server ${name}: ${per(delta)} ms/login`);
  if (name === 'main') rest += delta;
}
const postgres = postgresCpu() - before.pg;
const client = (after.client.user + after.client.system) / 1000;
console.log(`postgres: ${per(postgres)} ms/login`);
console.log(`client: ${per(client)} ms/login`);
// With every core busy, logins/s ÷ bcrypt's all-cores rate can reach at most the share of the
// CPU that goes to bcrypt (the client counts: on one machine it takes the same cores).
rest += postgres + client;
const bound = (bcryptMs * N) / (bcryptMs * N + rest);
console.log(`bound on logins/s ÷ bcrypt's all-cores rate: ${bound.toFixed(3)}`);
child.kill('SIGTERM');
build.remove();
