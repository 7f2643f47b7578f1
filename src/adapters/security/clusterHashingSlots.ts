/**
 * Hashing slots shared by every worker of `serve --workers N`. Each worker already runs at most
 * as many hashes as the machine has cores (`ThrottledPasswordHasher`), so that one worker holding
 * most logins can use every core; but N workers doing so put N × cores CPU-bound hashing threads
 * on the cores, and every event loop then waits behind them for a time slice (the 2-worker
 * `/health/live` p99 during a login storm). The primary hands out one machine-wide set of slots:
 * a worker asks for one before it hashes and gives it back after, over the cluster's IPC channel
 * (one message each way per hash, a fraction of a millisecond against ~250 ms of bcrypt).
 */

const ACQUIRE = 'gatehouse:hashing-slot:acquire';
const GRANT = 'gatehouse:hashing-slot:grant';
const RELEASE = 'gatehouse:hashing-slot:release';

interface SlotMessage {
  readonly type: typeof ACQUIRE | typeof GRANT | typeof RELEASE;
  readonly id: number;
}

function isSlotMessage(message: unknown): message is SlotMessage {
  if (typeof message !== 'object' || message === null) return false;
  const { type, id } = message as { type?: unknown; id?: unknown };
  return (type === ACQUIRE || type === GRANT || type === RELEASE) && typeof id === 'number';
}

/** Runs a task once a slot is free, and frees it when the task settles. */
export type SlotGate = <T>(task: () => Promise<T>) => Promise<T>;

/** A worker's end of the IPC channel (`process` in a cluster worker). */
export interface WorkerChannel {
  send?(message: SlotMessage): unknown;
  on(event: 'message', listener: (message: unknown) => void): unknown;
}

/** The worker's side: each task waits for the primary's grant. */
export function clusterSlotGate(channel: WorkerChannel): SlotGate {
  const send = channel.send?.bind(channel);
  if (send === undefined) return (task) => task();
  let next = 0;
  const waiting = new Map<number, () => void>();
  channel.on('message', (message) => {
    if (!isSlotMessage(message) || message.type !== GRANT) return;
    const granted = waiting.get(message.id);
    waiting.delete(message.id);
    granted?.();
  });
  return async (task) => {
    const id = (next += 1);
    await new Promise<void>((granted) => {
      waiting.set(id, granted);
      send({ type: ACQUIRE, id });
    });
    try {
      return await task();
    } finally {
      send({ type: RELEASE, id });
    }
  };
}

/** The primary's handle on one worker. */
export interface WorkerPeer {
  send(message: SlotMessage): unknown;
}

/**
 * The primary's side: at most `slots` grants out at once over every worker, first asked first
 * served. A worker that exits gives back what it held and loses its place in the queue.
 */
export class HashingSlotDispenser {
  private free: number;
  private readonly queue: { peer: WorkerPeer; id: number }[] = [];
  private readonly held = new Map<WorkerPeer, Set<number>>();

  constructor(slots: number) {
    this.free = Math.max(1, slots);
  }

  /** A message from `peer`; anything that is not about hashing slots is ignored. */
  handle(peer: WorkerPeer, message: unknown): void {
    if (!isSlotMessage(message)) return;
    if (message.type === ACQUIRE) {
      this.queue.push({ peer, id: message.id });
    } else if (message.type === RELEASE && this.held.get(peer)?.delete(message.id) === true) {
      this.free += 1;
    }
    this.grant();
  }

  /** `peer` has exited. */
  forget(peer: WorkerPeer): void {
    this.free += this.held.get(peer)?.size ?? 0;
    this.held.delete(peer);
    for (let i = this.queue.length - 1; i >= 0; i -= 1) {
      if (this.queue[i]?.peer === peer) this.queue.splice(i, 1);
    }
    this.grant();
  }

  private grant(): void {
    while (this.free > 0) {
      const next = this.queue.shift();
      if (next === undefined) return;
      this.free -= 1;
      let held = this.held.get(next.peer);
      if (held === undefined) this.held.set(next.peer, (held = new Set()));
      held.add(next.id);
      try {
        next.peer.send({ type: GRANT, id: next.id });
      } catch {
        // the worker is going: its exit gives the slot back
      }
    }
  }
}
