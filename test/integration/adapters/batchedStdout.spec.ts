import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { expect } from '../../support/chai.js';

const MODULE = new URL('../../../src/adapters/logging/batchedStdout.ts', import.meta.url).href;
const TSX = import.meta.resolve('tsx');

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  lines: string[];
  stderr: string;
}

/**
 * Runs `body` in a child process (ESM, through tsx) with `logger`: a pino logger on the batched
 * destination on stdout; resolves with every stdout line once the child has exited.
 */
async function run(body: string): Promise<Run> {
  const script = `
    import { pino } from 'pino';
    import { batchedDestination } from ${JSON.stringify(MODULE)};
    const logger = pino({ base: null, timestamp: false }, batchedDestination());
    ${body}
  `;
  const child = spawn(
    process.execPath,
    ['--import', TSX, '--input-type=module', '--eval', script],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  return { code, signal, lines: stdout.split('\n').filter((line) => line !== ''), stderr };
}

const numbered = (count: number) => Array.from({ length: count }, (_, i) => `line ${i}`);
const messages = (lines: string[]) =>
  lines.map((line) => (JSON.parse(line) as { msg: string }).msg);

describe('batchedDestination (the serving process’s log destination)', function () {
  this.timeout(20_000);

  it('loses no line when the process exits right after logging (graceful shutdown ends with process.exit)', async () => {
    const result = await run(`
      for (let i = 0; i < 5000; i += 1) logger.info('line ' + i);
      logger.info({ audit: true, event: 'logout' }, 'audit');
      process.exit(0);
    `);
    expect(result.code, result.stderr).to.equal(0);
    expect(messages(result.lines)).to.deep.equal([...numbered(5000), 'audit']);
  });

  it('loses no line when the process dies of an uncaught exception', async () => {
    const result = await run(`
      logger.info('before');
      setTimeout(() => {
        logger.info('last words');
        throw new Error('boom');
      }, 10);
    `);
    expect(result.code).to.equal(1);
    expect(result.stderr).to.include('boom');
    expect(messages(result.lines)).to.deep.equal(['before', 'last words']);
  });

  it('writes a line in the turn that logged it: nothing waits for more lines or a timer', async () => {
    // SIGKILL runs no exit handler: a line that was held back would be lost.
    const result = await run(`
      logger.info('alone');
      setTimeout(() => process.kill(process.pid, 'SIGKILL'), 50);
    `);
    expect(result.signal).to.equal('SIGKILL');
    expect(messages(result.lines)).to.deep.equal(['alone']);
  });

  it('writes the lines of one turn together, in order', async () => {
    const result = await run(`
      for (let i = 0; i < 3; i += 1) logger.info('line ' + i);
      setImmediate(() => {
        for (let i = 3; i < 6; i += 1) logger.info('line ' + i);
        process.kill(process.pid, 'SIGKILL');
      });
    `);
    // Killed before the second turn's flush: only the first turn's lines, all of them.
    expect(result.signal).to.equal('SIGKILL');
    expect(messages(result.lines)).to.deep.equal(numbered(3));
  });
});
