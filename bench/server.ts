/** The built server as a child process: started, timed to readiness, measured, stopped. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Build } from './build.js';

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly base: string;
  /** Milliseconds from spawn to the first 200 from /health/ready. */
  readonly readyMs: number;
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly env: NodeJS.ProcessEnv;
  /** Also serve bench/bareRoute.ts's route on this port, in the same process. */
  readonly barePort?: number;
  /** Extra node flags, e.g. --cpu-prof. */
  readonly nodeFlags?: readonly string[];
  /** Arguments after `serve`, e.g. `--workers auto`. */
  readonly serveArgs?: readonly string[];
  /**
   * Also wait for the `Gatehouse listening on` log line (default true): with several workers the
   * first answers before the others listen, and the primary logs once they all do. Only at
   * LOG_LEVEL info or lower is there such a line.
   */
  readonly awaitListeningLog?: boolean;
}

export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (typeof address !== 'object' || address === null) throw new Error('no free port');
  return address.port;
}

export async function startServer(build: Build, options: StartOptions): Promise<ServerProcess> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const preload = options.barePort === undefined ? [] : ['--import', build.bareRoute];
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [...(options.nodeFlags ?? []), ...preload, build.cli, 'serve', ...(options.serveArgs ?? [])],
    {
      cwd: build.dir,
      env: {
        ...options.env,
        HOST: '127.0.0.1',
        PORT: String(port),
        ...(options.barePort === undefined ? {} : { BENCH_BARE_PORT: String(options.barePort) }),
      },
      // The access log goes where production sends it: a pipe, here drained into nothing.
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`the server exited (code ${String(code)}) before it was ready`);
  });
  exited.catch(() => undefined);
  let logged: Promise<void> | null = null;
  if (options.awaitListeningLog === false) child.stdout?.resume();
  else logged = listening(child);
  const ready = Promise.all([waitUntilReady(base, started), logged]).then(([ms]) => ms);
  const readyMs = await Promise.race([ready, exited]).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  return {
    child,
    base,
    readyMs,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

/** Resolves at the `Gatehouse listening on` log line; the rest of stdout is drained unread. */
function listening(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    let seen = '';
    const scan = (chunk: Buffer) => {
      seen += chunk.toString('utf8');
      if (!seen.includes('"msg":"Gatehouse listening on')) {
        seen = seen.slice(seen.lastIndexOf('\n') + 1);
        return;
      }
      child.stdout?.off('data', scan);
      child.stdout?.resume();
      resolve();
    };
    child.stdout?.on('data', scan);
  });
}

async function waitUntilReady(base: string, started: number): Promise<number> {
  while (performance.now() - started < 30_000) {
    try {
      if ((await fetch(`${base}/health/ready`)).status === 200) return performance.now() - started;
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 5));
  }
  throw new Error('the server was not ready within 30 s');
}

/** Resident set size now and at its peak (VmHWM), in bytes, from /proc (Linux only). */
export function memoryOf(pid: number | undefined): { rss: number; peak: number } | null {
  if (pid === undefined) return null;
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return { rss: kib('VmRSS') * 1024, peak: kib('VmHWM') * 1024 };
}

/**
 * The process and its children (a cluster primary's workers), from /proc (Linux only): the
 * kernel's list of the main thread's children (one read, as the sampler runs 10 times a second in
 * the process that also drives the load), else a scan of every process.
 */
export function processTree(pid: number | undefined): number[] {
  if (pid === undefined) return [];
  try {
    const listed = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    const children = listed === '' ? [] : listed.split(' ').map(Number);
    return [pid, ...children.sort((a, b) => a - b)];
  } catch {
    // no such file (CONFIG_PROC_CHILDREN off) or the process has gone: scan
  }
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // `pid (comm) state ppid …`: comm may hold spaces and parentheses, so split after the last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) children.push(Number(entry));
    } catch {
      // the process has gone
    }
  }
  return [pid, ...children.sort((a, b) => a - b)];
}

/** RSS of a process tree: the sum, and each process's. */
export interface TreeRss {
  readonly total: number;
  readonly byProcess: number[];
}

export function treeRss(pid: number | undefined): TreeRss {
  const byProcess = processTree(pid).map((each) => memoryOf(each)?.rss ?? 0);
  return { total: byProcess.reduce((sum, rss) => sum + rss, 0), byProcess };
}

/**
 * Samples the RSS of a process and its children every 100 ms: the highest sum, and each process's
 * highest (by position: the primary first, then its workers by pid), since `start()`.
 */
export class RssSampler {
  private timer: NodeJS.Timeout | undefined;
  private highest = 0;
  private highestEach: number[] = [];

  constructor(private readonly pid: number | undefined) {}

  start(): void {
    this.highest = 0;
    this.highestEach = [];
    this.timer = setInterval(() => this.sample(), 100);
  }

  private sample(): void {
    const { total, byProcess } = treeRss(this.pid);
    this.highest = Math.max(this.highest, total);
    this.highestEach = byProcess.map((rss, i) => Math.max(rss, this.highestEach[i] ?? 0));
  }

  /** The highest sum since start, and a new start: the peak of one phase. */
  phase(): number {
    const highest = this.highest;
    this.highest = treeRss(this.pid).total;
    return highest;
  }

  /** Each process's highest sample since `start()` (not reset by `phase()`). */
  perProcess(): number[] {
    return [...this.highestEach];
  }

  stop(): number {
    clearInterval(this.timer);
    return this.highest;
  }
}
