import { readdirSync, readFileSync } from 'node:fs';

export interface Thread {
  readonly tid: number;
  /** What the runtime named it (`libuv-worker` for the thread pool on Node 22+). */
  readonly name: string;
  /** Its nice value, -20 to 19. */
  readonly nice: number;
}

/** The threads of a process (Linux, from /proc). */
export function threadsOf(pid: number | 'self'): Thread[] {
  return readdirSync(`/proc/${pid}/task`).map((tid) => {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    // Fields after the parenthesised name, which may hold spaces: state is [0], nice [16].
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
    return { tid: Number(tid), name, nice: Number(fields[16]) };
  });
}

export const POOL_THREAD = 'libuv-worker';
