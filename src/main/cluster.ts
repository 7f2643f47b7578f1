import cluster, { type Worker } from 'node:cluster';
import type { AddressInfo } from 'node:net';
import { availableParallelism } from 'node:os';
import type { Logger } from 'pino';
import { HashingSlotDispenser } from '../adapters/security/clusterHashingSlots.js';

export interface ClusterOptions {
  readonly workers: number;
  readonly logger: Logger;
  /** The URL to log once every worker listens, from the first one's address. */
  readonly urlOf: (address: AddressInfo) => string;
  /** Variables the workers get on top of this process's environment. */
  readonly workerEnv?: Record<string, string>;
  /** More fields for that log line. */
  readonly listeningFields?: Record<string, unknown>;
}

/** More unexpected deaths than this within RESTART_WINDOW_MS: a crash loop, not bad luck. */
const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 60_000;
/** Workers finish their in-flight requests within their own grace (10 s); past this they go. */
const SHUTDOWN_LIMIT_MS = 15_000;

/**
 * The primary of `serve --workers N`: it forks the workers (each re-runs this command and serves
 * as a full instance on the shared database and Redis), restarts one that dies unexpectedly, and
 * on SIGTERM/SIGINT passes SIGTERM on, waits for every worker to finish its requests and exit,
 * and resolves with the exit code (0 when every worker stopped cleanly).
 *
 * The first worker starts alone: it applies pending migrations while no other process is
 * starting, and the rest follow once it listens (they find nothing to apply and only read).
 * A worker that fails to start (a database that does not answer, a bad key file) ends the
 * whole start: its one-line reason is already on stderr.
 */
export function runCluster(options: ClusterOptions): Promise<number> {
  const { workers, logger, urlOf } = options;
  return new Promise((resolve) => {
    const live = new Set<Worker>();
    const restarts: number[] = [];
    let started = false;
    let stopping = false;
    let failed = false;
    // One set of hashing slots for every worker: as many hashes at once as cores, in all.
    const hashingSlots = new HashingSlotDispenser(availableParallelism());

    const stop = (reason: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ reason }, 'shutting down');
      for (const worker of live) worker.process.kill('SIGTERM');
      setTimeout(() => {
        for (const worker of live) worker.process.kill('SIGKILL');
      }, SHUTDOWN_LIMIT_MS).unref();
      if (live.size === 0) resolve(failed ? 1 : 0);
    };

    const fork = (): Promise<AddressInfo> => {
      const worker = cluster.fork(options.workerEnv);
      live.add(worker);
      worker.on('message', (message: unknown) => hashingSlots.handle(worker, message));
      const listening = new Promise<AddressInfo>((listened, refused) => {
        worker.once('listening', listened);
        worker.once('exit', () => refused(new Error('exited before listening')));
      });
      listening.catch(() => undefined);
      worker.once('exit', (code, signal) => {
        live.delete(worker);
        hashingSlots.forget(worker);
        const clean = code === 0 && signal === null;
        if (stopping) {
          if (!clean) failed = true;
          if (live.size === 0) resolve(failed ? 1 : 0);
          return;
        }
        if (clean) {
          // A worker only exits 0 on a signal of its own (a terminal's SIGINT reaches the whole
          // process group): the service is being stopped.
          stop(`worker ${worker.id} stopped`);
          return;
        }
        logger.error({ worker: worker.id, pid: worker.process.pid, code, signal }, 'worker died');
        if (!started) {
          failed = true;
          stop('a worker failed to start');
          return;
        }
        const now = Date.now();
        restarts.push(now);
        while ((restarts[0] ?? now) <= now - RESTART_WINDOW_MS) restarts.shift();
        if (restarts.length > MAX_RESTARTS) {
          failed = true;
          stop(`more than ${MAX_RESTARTS} workers died within ${RESTART_WINDOW_MS / 1000} s`);
          return;
        }
        fork().catch(() => undefined); // its death is handled like any other
      });
      return listening;
    };

    // Every time, not once (a second signal would otherwise kill the primary before its
    // workers have drained): a terminal's Ctrl-C arrives from the terminal and again from npm.
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));

    void (async () => {
      try {
        const address = await fork();
        const rest = Array.from({ length: workers - 1 }, fork);
        await Promise.all(rest);
        if (stopping) return;
        started = true;
        const url = urlOf(address);
        const pids = [...live].map((worker) => worker.process.pid);
        logger.info(
          { url, ...options.listeningFields, workers: pids },
          `Gatehouse listening on ${url}`,
        );
      } catch {
        // A worker that did not start has ended the start (its exit listener).
      }
    })();
  });
}
