import { EventEmitter } from 'node:events';
import {
  clusterSlotGate,
  HashingSlotDispenser,
  type WorkerPeer,
} from '../../../../src/adapters/security/clusterHashingSlots.js';
import { expect } from '../../../support/chai.js';

/** A worker and the primary joined by an in-memory channel (messages delivered on a later tick). */
function joined(dispenser: HashingSlotDispenser) {
  const worker = new EventEmitter();
  const peer: WorkerPeer = {
    send: (message) => setImmediate(() => worker.emit('message', message)),
  };
  const channel = {
    send: (message: unknown) => setImmediate(() => dispenser.handle(peer, message)),
    on: (event: 'message', listener: (message: unknown) => void) => worker.on(event, listener),
  };
  return { peer, gate: clusterSlotGate(channel) };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

/** A task that runs until `finish` is called, counting how many run at once. */
function tasks() {
  let running = 0;
  let highest = 0;
  const finishers: (() => void)[] = [];
  const task = () =>
    new Promise<void>((resolve) => {
      running += 1;
      highest = Math.max(highest, running);
      finishers.push(() => {
        running -= 1;
        resolve();
      });
    });
  return {
    task,
    running: () => running,
    highest: () => highest,
    finishOne: () => finishers.shift()?.(),
  };
}

describe('hashing slots shared by cluster workers', () => {
  it('lets at most `slots` tasks run at once over every worker, and the rest in order as slots free', async () => {
    const dispenser = new HashingSlotDispenser(2);
    const a = joined(dispenser);
    const b = joined(dispenser);
    const work = tasks();
    const done = [a.gate(work.task), b.gate(work.task), a.gate(work.task), b.gate(work.task)];
    await tick();
    expect(work.running()).to.equal(2);
    work.finishOne();
    await tick();
    expect(work.running()).to.equal(2);
    for (let i = 0; i < 3; i += 1) {
      work.finishOne();
      await tick();
    }
    await Promise.all(done);
    expect(work.highest()).to.equal(2);
  });

  it('gives the slot back when a task fails', async () => {
    const dispenser = new HashingSlotDispenser(1);
    const { gate } = joined(dispenser);
    await expect(gate(() => Promise.reject(new Error('bad hash')))).to.be.rejectedWith('bad hash');
    expect(await gate(() => Promise.resolve('next'))).to.equal('next');
  });

  it('takes back the slots of a worker that exits, and drops what it was waiting for', async () => {
    const dispenser = new HashingSlotDispenser(1);
    const dying = joined(dispenser);
    const other = joined(dispenser);
    const work = tasks();
    void dying.gate(work.task);
    void dying.gate(work.task); // queued, never to run
    await tick();
    const waiting = other.gate(() => Promise.resolve('ran'));
    await tick();
    dispenser.forget(dying.peer);
    expect(await waiting).to.equal('ran');
    expect(work.highest()).to.equal(1);
  });

  it('ignores every other message on the channel (metrics use it too)', async () => {
    const dispenser = new HashingSlotDispenser(1);
    const { peer, gate } = joined(dispenser);
    dispenser.handle(peer, { type: 'prom-client:getMetricsReq', requestId: 1 });
    dispenser.handle(peer, 'text');
    dispenser.handle(peer, null);
    expect(await gate(() => Promise.resolve(1))).to.equal(1);
  });

  it('runs tasks at once outside a cluster worker (no IPC channel)', async () => {
    const gate = clusterSlotGate({ on: () => undefined });
    expect(await gate(() => Promise.resolve('alone'))).to.equal('alone');
  });
});
