import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from '../../support/chai.js';
import { POOL_THREAD, type Thread } from '../../support/threads.js';

const MODULE = fileURLToPath(new URL('../../../src/main/threadPoolPriority.ts', import.meta.url));
const THREADS = fileURLToPath(new URL('../../support/threads.ts', import.meta.url));
const TSX_LOADER = import.meta.resolve('tsx');

/**
 * A process that lowers its pool's priority by 7 and prints, as JSON, the thread ids it lowered
 * and its threads afterwards, so mocha's own process keeps its priorities.
 */
const LOWER = `
  const { lowerThreadPoolPriority } = await import(${JSON.stringify(MODULE)});
  const { threadsOf } = await import(${JSON.stringify(THREADS)});
  const lowered = await lowerThreadPoolPriority(7);
  console.log(JSON.stringify({ lowered, threads: threadsOf('self'), pid: process.pid }));
`;

async function lowerInChild(threadpoolSize: number) {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', TSX_LOADER, '--input-type=module', '--eval', LOWER],
    { env: { PATH: process.env.PATH, UV_THREADPOOL_SIZE: String(threadpoolSize) } },
  );
  return JSON.parse(stdout) as { lowered: number[]; threads: Thread[]; pid: number };
}

describe('thread pool priority (threadPoolPriority.ts)', function () {
  this.timeout(30_000);

  before(function () {
    if (process.platform !== 'linux') this.skip();
  });

  it('lowers every pool thread, and only those, on a Node whose libuv names them', async function () {
    const { lowered, threads, pid } = await lowerInChild(3);
    const pool = threads.filter((thread) => thread.name === POOL_THREAD);
    if (pool.length === 0) {
      // libuv before 1.50 (Node 20) leaves its threads unnamed: nothing can tell them apart.
      expect(lowered).to.deep.equal([]);
      this.skip();
    }
    expect(pool).to.have.length(3);
    expect(lowered.slice().sort()).to.deep.equal(pool.map((thread) => thread.tid).sort());
    // The rest keep the process's own (inherited) priority, the main thread's.
    const processNice = threads.find((thread) => thread.tid === pid)?.nice ?? NaN;
    expect(pool.map((thread) => thread.nice)).to.deep.equal(pool.map(() => processNice + 7));
    const others = threads.filter((thread) => thread.name !== POOL_THREAD);
    expect(others.map((thread) => thread.nice)).to.deep.equal(others.map(() => processNice));
  });
});
