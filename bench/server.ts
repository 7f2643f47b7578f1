/** The built server as a child process: started, timed to readiness, measured, stopped. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
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
    [...(options.nodeFlags ?? []), ...preload, build.cli, 'serve'],
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
  child.stdout?.resume();
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`the server exited (code ${String(code)}) before it was ready`);
  });
  exited.catch(() => undefined);
  const readyMs = await Promise.race([waitUntilReady(base, started), exited]).catch(
    (error: unknown) => {
      child.kill('SIGKILL');
      throw error;
    },
  );
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

/** Samples a process's RSS every 100 ms; `max()` is the highest sample since `start()`. */
export class RssSampler {
  private timer: NodeJS.Timeout | undefined;
  private highest = 0;

  constructor(private readonly pid: number | undefined) {}

  start(): void {
    this.highest = 0;
    this.timer = setInterval(() => {
      this.highest = Math.max(this.highest, memoryOf(this.pid)?.rss ?? 0);
    }, 100);
  }

  /** The highest sample since start, and a new start: the peak of one phase. */
  phase(): number {
    const highest = this.highest;
    this.highest = memoryOf(this.pid)?.rss ?? 0;
    return highest;
  }

  stop(): number {
    clearInterval(this.timer);
    return this.highest;
  }
}
