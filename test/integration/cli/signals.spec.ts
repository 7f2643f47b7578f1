import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createKnex } from '../../../src/adapters/persistence/knex/createKnex.js';
import { expect } from '../../support/chai.js';
import { sqliteUrl } from '../../support/databases.js';
import {
  connectionOutcome,
  holdInFlight,
  holdRequest,
  SHUTTING_DOWN,
  type HeldRequest,
  type StartedRequest,
} from '../../support/wire.js';

// The documented starts as a user or a supervisor runs them: `npm start`, `npm run serve` and
// the bin, each signalled as the process that was started (npm itself, for the npm scripts).
// They run in a package directory of their own (a copy of package.json, the checkout's
// node_modules and src linked in, dist/ built there), so no .env, ./var or dist/ of the checkout
// is read or written.

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const TSC = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
/** Every wait on a child is bounded by this; past it the test fails and the group is killed. */
const CHILD_TIMEOUT_MS = 30_000;
const BUILD_TIMEOUT_MS = 120_000;

type Exit = [code: number | null, signal: NodeJS.Signals | null];

interface LogEntry {
  msg: string;
  [field: string]: unknown;
}

interface Started {
  /** The process that was started (npm, or node for the bin); leader of its process group. */
  pid: number;
  url: string;
  exit: Promise<Exit>;
  logs(): LogEntry[];
  output(): string;
  waitForLog(what: string, found: (logs: LogEntry[]) => boolean): Promise<void>;
}

let packageDir: string | undefined;
let built: Promise<void> | undefined;
const groups = new Set<number>();
const open: Array<HeldRequest | StartedRequest> = [];

/** The package directory, made on first use; dist/ is built into it in the background. */
function packageDirectory(): string {
  if (packageDir !== undefined) return packageDir;
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-signals-'));
  copyFileSync(join(REPO, 'package.json'), join(dir, 'package.json')); // the scripts under test
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'));
  symlinkSync(join(REPO, 'src'), join(dir, 'src'));
  packageDir = dir;
  return dir;
}

/** `npm run build` (tsc -p tsconfig.build.json) with dist/ in the package directory. */
function buildDist(dir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const tsc = spawn(
      process.execPath,
      [TSC, '-p', join(REPO, 'tsconfig.build.json'), '--outDir', join(dir, 'dist')],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    tsc.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    tsc.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => tsc.kill('SIGKILL'), BUILD_TIMEOUT_MS);
    tsc.once('error', reject);
    tsc.once('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) {
        reject(new Error(`the build failed (${code}): ${output}`));
        return;
      }
      // What npm does to a bin when it installs the package.
      chmodSync(join(dir, 'dist', 'main', 'cli.js'), 0o755);
      resolve();
    });
  });
}

function environment(databaseUrl: string): NodeJS.ProcessEnv {
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TMPDIR: process.env.TMPDIR,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'info',
    DATABASE_URL: databaseUrl,
    JWT_SECRET: randomBytes(48).toString('base64url'),
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
  };
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined));
}

/** Starts `command` in the package directory as the leader of a new process group. */
async function start(command: readonly string[], databaseUrl: string): Promise<Started> {
  const [file = '', ...args] = command;
  const child: ChildProcessByStdio<null, Readable, Readable> = spawn(file, args, {
    cwd: packageDirectory(),
    env: environment(databaseUrl),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${command.join(' ')} did not start`);
  groups.add(pid);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let ended = false;
  const exit = new Promise<Exit>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`${command.join(' ')} did not exit within ${CHILD_TIMEOUT_MS} ms`));
    }, CHILD_TIMEOUT_MS);
    child.once('error', reject);
    // Settled once the output is complete ('close'), or a moment after the exit when an orphan
    // still holds the pipes open (which the test then reports as left running).
    child.once('exit', (code, signal) => {
      ended = true;
      setTimeout(() => resolve([code, signal]), 1_000).unref();
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve([code, signal]);
    });
  });
  exit.catch(() => undefined); // reported to whoever awaits it
  // npm prints its own lines (`> gatehouse@0.1.0 start`); the server's are the JSON ones.
  const logs = () =>
    stdout
      .slice(0, stdout.lastIndexOf('\n') + 1)
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as LogEntry);
  const output = () => `stdout: ${stdout}\nstderr: ${stderr}`;
  const waitForLog = async (what: string, found: (entries: LogEntry[]) => boolean) => {
    const deadline = Date.now() + CHILD_TIMEOUT_MS;
    while (!found(logs())) {
      if (ended || Date.now() > deadline) {
        throw new Error(`${command.join(' ')} did not log ${what}\n${output()}`);
      }
      await sleep(20);
    }
  };
  await waitForLog('that it listens', (entries) =>
    entries.some((entry) => entry.msg.startsWith('Gatehouse listening on')),
  );
  const listening = logs().find((entry) => entry.msg.startsWith('Gatehouse listening on'));
  return { pid, url: String(listening?.url), exit, logs, output, waitForLog };
}

/** The live (not zombie) processes of a process group, from /proc (Linux). */
function processGroup(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, , group] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(group) === pgid && state !== 'Z') members.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return members;
}

/** Waits (bounded) until nothing of the group runs; returns what is left. */
async function groupGone(pgid: number): Promise<number[]> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const left = processGroup(pgid);
    if (left.length === 0 || Date.now() > deadline) return left;
    await sleep(50);
  }
}

/** Waits (bounded) for the port to refuse connections; returns the last outcome. */
async function portClosed(url: string): Promise<string> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const outcome = await connectionOutcome(url);
    if (outcome === 'ECONNREFUSED' || Date.now() > deadline) return outcome;
    await sleep(20);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function emailsIn(databaseUrl: string): Promise<string[]> {
  const knex = createKnex(databaseUrl);
  try {
    const rows = await knex<{ email: string }>('users').select('email').orderBy('email');
    return rows.map((row) => row.email);
  } finally {
    await knex.destroy();
  }
}

/**
 * The whole drain, as a supervisor sees it: a registration in flight (held before its body) and
 * a readiness and a liveness probe already on the wire when `signal` is sent, to the started
 * process or (`group`) to its whole process group as a terminal's Ctrl-C does. Then: the port
 * closes, the probes answer 503 and 200, the registration is served in full and stored, the
 * started process exits 0 and nothing of its process group is left.
 */
async function expectGracefulStop(
  command: readonly string[],
  signal: 'SIGTERM' | 'SIGINT',
  { group = false } = {},
): Promise<Started> {
  const databaseUrl = sqliteUrl();
  const server = await start(command, databaseUrl);
  const { register, ready, live } = await holdInFlight(server.url, 'in-flight@example.com', open);

  process.kill(group ? -server.pid : server.pid, signal);
  await server.waitForLog('that it is shutting down', (entries) =>
    entries.some((entry) => entry.msg === 'shutting down'),
  );
  expect(await portClosed(server.url), 'a new connection').to.equal('ECONNREFUSED');
  const [readyReply, liveReply] = await Promise.all([ready.finish(), live.finish()]);
  expect(readyReply.status).to.equal(503);
  expect(readyReply.body).to.deep.equal(SHUTTING_DOWN);
  expect(liveReply.status).to.equal(200);

  const registered = await register.send();
  expect(registered.status, registered.text).to.equal(201);
  expect(registered.headers.connection).to.equal('close');

  expect(await server.exit, server.output()).to.deep.equal([0, null]);
  expect(await groupGone(server.pid), 'processes left running').to.deep.equal([]);
  expect(await emailsIn(databaseUrl)).to.deep.equal(['in-flight@example.com']);
  return server;
}

describe('documented starts stop gracefully on the signal sent to the process started', function () {
  this.timeout(CHILD_TIMEOUT_MS * 2);

  before(function () {
    // Built while the tests that need no build run; those that do wait for it.
    built = buildDist(packageDirectory());
    built.catch(() => undefined); // reported to the tests that wait for it
  });

  const distBuilt = async function (this: Mocha.Context) {
    this.timeout(BUILD_TIMEOUT_MS);
    await built;
  };

  afterEach(async function () {
    for (const request of open.splice(0)) request.destroy();
    // Whatever a failed test left running: the whole group, whoever its parent is by now.
    for (const pgid of groups) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        // nothing left
      }
    }
    groups.clear();
  });

  after(async function () {
    this.timeout(BUILD_TIMEOUT_MS);
    await built?.catch(() => undefined); // never remove a directory tsc is writing into
    if (packageDir !== undefined) rmSync(packageDir, { recursive: true, force: true });
    packageDir = undefined;
  });

  it('npm start: SIGTERM to npm drains the server and npm exits 0, leaving no process', async function () {
    const server = await expectGracefulStop(['npm', 'start'], 'SIGTERM');
    const stopping = server.logs().filter((entry) => entry.msg === 'shutting down');
    expect(stopping.map((entry) => entry.signal)).to.deep.equal(['SIGTERM']);
  });

  it('npm start: Ctrl-C (SIGINT to the process group, then again from npm) drains the server once and exits 0', async function () {
    const server = await expectGracefulStop(['npm', 'start'], 'SIGINT', { group: true });
    const signals = server
      .logs()
      .filter((entry) => entry.msg === 'shutting down' || entry.msg === 'already shutting down')
      .map((entry) => [entry.msg, entry.signal]);
    // npm's copy comes a moment after the terminal's; the kernel merges the two only if the
    // first is still pending when the second arrives, so there may be one line or two.
    expect(signals[0]).to.deep.equal(['shutting down', 'SIGINT']);
    expect(signals.slice(1)).to.deep.equal(
      signals.length > 1 ? [['already shutting down', 'SIGINT']] : [],
    );
  });

  describe('from dist/', function () {
    before(distBuilt);

    it('npm run serve: SIGTERM to npm drains the server and npm exits 0, leaving no process', async function () {
      await expectGracefulStop(['npm', 'run', 'serve'], 'SIGTERM');
    });

    it('the bin (dist/main/cli.js serve): SIGTERM drains the server and it exits 0', async function () {
      await expectGracefulStop(
        [join(packageDirectory(), 'dist', 'main', 'cli.js'), 'serve'],
        'SIGTERM',
      );
    });

    for (const { how, signal, group } of [
      { how: 'SIGTERM to npm', signal: 'SIGTERM', group: false },
      {
        how: 'Ctrl-C (SIGINT to the process group, again from npm)',
        signal: 'SIGINT',
        group: true,
      },
    ] as const) {
      it(`npm run serve -- --workers 2: ${how} reaches the primary, each worker finishes its request in flight, all exit 0`, async function () {
        const databaseUrl = sqliteUrl();
        const server = await start(['npm', 'run', 'serve', '--', '--workers', '2'], databaseUrl);
        const workers = server
          .logs()
          .filter((entry) => entry.msg.startsWith('worker listening on'))
          .map((entry) => entry.pid);
        expect(new Set(workers).size, server.output()).to.equal(2);
        // One registration held on each worker: connections are dealt out round-robin.
        const held = ['first@example.com', 'second@example.com'].map((email) =>
          holdRequest(server.url, '/api/v1/auth/register', { email, password: 'password1' }),
        );
        open.push(...held);
        for (const request of held) await request.accepted;

        process.kill(group ? -server.pid : server.pid, signal);
        await server.waitForLog(
          'that both workers are shutting down',
          (entries) =>
            entries.filter((entry) => entry.msg === 'shutting down' && entry.worker !== undefined)
              .length === 2,
        );
        expect(await portClosed(server.url), 'a new connection').to.equal('ECONNREFUSED');

        const replies = await Promise.all(held.map((request) => request.send()));
        expect(replies.map((reply) => reply.status)).to.deep.equal([201, 201]);
        expect(await server.exit, server.output()).to.deep.equal([0, null]);
        expect(await groupGone(server.pid), 'processes left running').to.deep.equal([]);

        const served = server
          .logs()
          .filter((entry) => entry.msg === 'request' && entry.path === '/api/v1/auth/register')
          .map((entry) => entry.pid);
        expect(new Set(served), 'each worker served one').to.deep.equal(new Set(workers));
        expect(await emailsIn(databaseUrl)).to.deep.equal([
          'first@example.com',
          'second@example.com',
        ]);
      });
    }
  });
});
