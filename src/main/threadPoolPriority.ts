import { readdirSync, readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { getPriority, setPriority } from 'node:os';

/** The name libuv gives its pool's threads on Linux since 1.50 (Node 22 and 24 here, not 20). */
const POOL_THREAD_NAME = 'libuv-worker';
/**
 * What `serve` adds to the pool threads' nice value: `nice`'s own default, a weight about a ninth
 * of the event loop's, so the loop wins any contention at once and the pool still gets every
 * cycle left over.
 */
export const HASHING_NICENESS = 10;
/** Linux's lowest priority (the highest nice value). */
const LOWEST = 19;

/**
 * Gives libuv's thread pool, where bcrypt and argon2 hash, a lower CPU priority than the event
 * loop. A login storm keeps every core hashing; at equal priority the event loop then waits for
 * the scheduler's time slices between hashes, and every other request waits with it (a
 * `/health/live` p99 of ~10 ms on two hashing cores). Niced, the hashing threads still take every
 * cycle nobody else wants, so logins lose nothing measurable, and the event loop and the
 * database run as soon as they have work.
 *
 * Linux only: a thread's id given to setpriority(2) sets that thread's nice value alone. Where the
 * pool's threads have no name (libuv before 1.50) or there is no /proc, nothing is changed.
 * Raising a nice value needs no privilege, lowering it again does: the pool keeps this one for
 * the process's life, which is what is wanted (its threads live that long too).
 *
 * `by` is added to each thread's nice value. Returns the thread ids it lowered.
 */
export async function lowerThreadPoolPriority(by: number): Promise<number[]> {
  if (process.platform !== 'linux') return [];
  // libuv starts every pool thread at the pool's first use; an fs call is one.
  await stat('.');
  const lowered: number[] = [];
  for (const tid of poolThreads()) {
    try {
      // Relative to the thread's own: a process started with `nice` keeps its place.
      setPriority(tid, Math.min(LOWEST, getPriority(tid) + by));
      lowered.push(tid);
    } catch {
      // The thread is gone, or the system refused: it keeps the priority it had.
    }
  }
  return lowered;
}

function poolThreads(): number[] {
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return [];
  }
  return tids.filter((tid) => threadName(tid) === POOL_THREAD_NAME).map(Number);
}

function threadName(tid: string): string | null {
  try {
    return readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
  } catch {
    return null;
  }
}
