/**
 * HTTP benchmark: the real server in a child process (so the load generator does not share its
 * event loop), autocannon against it on loopback, a table of throughput and latency, and the
 * server's memory. Bounded in time; talks to 127.0.0.1 only.
 *
 *   npm run bench                                   # SQLite file in a temp dir
 *   BENCH_DATABASE_URL=postgres://… npm run bench   # a database the bench may fill
 *   BENCH_SECONDS=10 BCRYPT_COST=12 npm run bench   # longer runs, production hashing cost
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon, { type Options, type Result } from 'autocannon';

const ROOT = resolve(import.meta.dirname, '..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = 10;
const BCRYPT_COST = process.env.BCRYPT_COST ?? '10';

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((done) => server.once('listening', done));
  const address = server.address();
  await new Promise((done) => server.close(done));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

function startServer(env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/main/cli.ts'), 'serve'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function waitUntilLive(base: string): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    try {
      if ((await fetch(`${base}/health/live`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error('the server did not come up');
}

async function post(base: string, path: string, body: object, token?: string) {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  return (await response.json()) as { access_token?: string };
}

/** Resident set size of the server process, from /proc (Linux). */
async function rssMiB(pid: number | undefined): Promise<string> {
  if (pid === undefined) return '?';
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kib = /VmRSS:\s+(\d+)/.exec(status)?.[1];
  return kib ? (Number(kib) / 1024).toFixed(0) : '?';
}

function row(name: string, result: Result) {
  const non2xx = result.non2xx > 0 ? ` (${result.non2xx} non-2xx)` : '';
  return {
    scenario: name,
    'req/s': Math.round(result.requests.average),
    'p50 ms': result.latency.p50,
    'p99 ms': result.latency.p99,
    'max ms': result.latency.max,
    errors: `${result.errors + result.timeouts}${non2xx}`,
  };
}

const run = (options: Options) =>
  autocannon({ connections: CONNECTIONS, duration: SECONDS, ...options });

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = startServer({
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    PORT: String(port),
    DATABASE_URL: process.env.BENCH_DATABASE_URL ?? `sqlite:${join(dir, 'bench.sqlite')}`,
    JWT_SECRET: 'bench-secret-0123456789abcdef0123456789',
    LOG_LEVEL: 'warn',
    BCRYPT_COST,
    AUTH_MAX_REQUESTS: '0',
    LOGIN_MAX_FAILURES: '0',
  });
  try {
    await waitUntilLive(base);
    const credentials = { email: `bench-${Date.now()}@example.com`, password: 'bench-password' };
    const { access_token: token } = await post(base, '/api/v1/auth/register', credentials);
    if (!token) throw new Error('registration failed');
    const auth = { Authorization: `Bearer ${token}` };
    const login = {
      url: `${base}/api/v1/auth/login`,
      method: 'POST' as const,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(credentials),
    };

    const rows = [];
    rows.push(row('GET /health/live', await run({ url: `${base}/health/live` })));
    rows.push(
      row('GET /auth/user, no token (401)', await run({ url: `${base}/api/v1/auth/user` })),
    );
    rows.push(
      row(
        'GET /auth/user, valid token',
        await run({ url: `${base}/api/v1/auth/user`, headers: auth }),
      ),
    );
    rows.push(row(`POST /auth/login (bcrypt ${BCRYPT_COST})`, await run(login)));
    const [loginsDuring, readsDuring] = await Promise.all([
      run({ ...login, connections: 8 }),
      run({ url: `${base}/api/v1/auth/user`, headers: auth, connections: 2 }),
    ]);
    rows.push(row('mixed: logins (8 conn)', loginsDuring));
    rows.push(row('mixed: GET /auth/user (2 conn)', readsDuring));

    console.log(
      `Gatehouse HTTP bench: ${SECONDS}s per scenario, ${CONNECTIONS} connections unless noted, ` +
        `Node ${process.version}, ${process.env.BENCH_DATABASE_URL ? 'Postgres' : 'SQLite'}`,
    );
    console.table(rows);
    console.log(`server RSS after the runs: ${await rssMiB(server.pid)} MiB`);
  } finally {
    server.kill('SIGTERM');
    await new Promise((done) => server.once('exit', done));
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
