import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  capsOldGenerationGrowth,
  capsYoungGeneration,
  turnsOffMaglev,
} from '../../../src/main/memory.js';
import { expect } from '../../support/chai.js';

const MEMORY = fileURLToPath(new URL('../../../src/main/memory.ts', import.meta.url));
const TSX_LOADER = import.meta.resolve('tsx');
const MIB = 1024 * 1024;

/**
 * A process that imports memory.ts first (as cli.ts does), then allocates as a server under load
 * does — short-lived objects, a share of them surviving a while — and prints the young
 * generation's size (both semi-spaces, bytes) when memory.ts ran and at the end.
 */
const CHURN = `
  const v8 = await import('node:v8');
  const young = () =>
    v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space').space_size;
  await import(${JSON.stringify(MEMORY)});
  const before = young();
  let kept = [];
  for (let i = 0; i < 2e6; i += 1) {
    kept.push({ i, text: 'request ' + i });
    if (kept.length > 20000) kept = [];
  }
  console.log(before, young());
`;

async function youngGenerationBytes(
  nodeFlags: string[],
): Promise<{ before: number; after: number }> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [...nodeFlags, '--import', TSX_LOADER, '--input-type=module', '--eval', CHURN],
    { env: { PATH: process.env.PATH } },
  );
  const [before = NaN, after = NaN] = stdout.trim().split(' ').map(Number);
  return { before, after };
}

describe('young generation cap (memory.ts)', function () {
  this.timeout(60_000);

  it('stops the young generation growing under a high allocation rate', async () => {
    const { before, after } = await youngGenerationBytes([]);
    // Loading modules (here tsx's) may have grown it a step or two before memory.ts ran.
    expect(before).to.be.at.most(8 * MIB);
    // Uncapped, it grows to the default maximum: 16 MiB a semi-space, 32 MiB in all. Capped, it
    // stays where it was on Node 20; V8 13 (Node 24) resizes the young generation by pages around
    // each scavenge, so there it ends anywhere from where it was to ~1.3 times that (4 to 5.25
    // MiB in eight runs), never near the uncapped size.
    expect(after).to.be.at.least(before);
    expect(after).to.be.at.most(2 * before);
  });

  it('leaves a size the operator chose alone', async () => {
    const { before, after } = await youngGenerationBytes(['--max-semi-space-size=16']);
    expect(after).to.be.above(before);
    expect(after).to.be.at.most(32 * MIB);
  });

  it('applies unless a semi-space flag is given on the command line or in NODE_OPTIONS', () => {
    expect(capsYoungGeneration([])).to.equal(true);
    expect(capsYoungGeneration(['--enable-source-maps'], '--max-old-space-size=512')).to.equal(
      true,
    );
    expect(capsYoungGeneration(['--max-semi-space-size=2'])).to.equal(false);
    expect(capsYoungGeneration(['--max_semi_space_size=4'])).to.equal(false);
    expect(capsYoungGeneration([], '--semi-space-growth-factor=2')).to.equal(false);
    expect(capsYoungGeneration([], '--min-semi-space-size=1')).to.equal(false);
  });

  it('caps the old generation growth unless the operator set --heap-growing-percent', () => {
    expect(capsOldGenerationGrowth([])).to.equal(true);
    expect(capsOldGenerationGrowth(['--max-semi-space-size=2'])).to.equal(true);
    expect(capsOldGenerationGrowth(['--heap-growing-percent=50'])).to.equal(false);
    expect(capsOldGenerationGrowth([], '--heap_growing_percent=5')).to.equal(false);
  });
});

/** A hot function, run after memory.ts (or not), with V8 printing what it optimises and how. */
const HOT = (importMemory: boolean) => `
  ${importMemory ? `await import(${JSON.stringify(MEMORY)});` : ''}
  function hot(n) { let sum = 0; for (let i = 0; i < n; i += 1) sum += i % 7; return sum; }
  let total = 0;
  for (let i = 0; i < 20000; i += 1) total += hot(100);
  console.log(total);
`;

async function optimisingTiers(importMemory: boolean, nodeFlags: string[] = []): Promise<string[]> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      ...nodeFlags,
      '--trace-opt',
      '--import',
      TSX_LOADER,
      '--input-type=module',
      '--eval',
      HOT(importMemory),
    ],
    { env: { PATH: process.env.PATH }, maxBuffer: 16 * MIB },
  );
  const tiers = [...stdout.matchAll(/\[compiling method .*<JSFunction hot .*\(target (\w+)\)/g)];
  // V8 13 (Node 24) names TurboFan's JavaScript target TURBOFAN_JS, V8 11 (Node 20) TURBOFAN.
  return [...new Set(tiers.map((match) => (match[1] ?? '').replace(/_JS$/, '')))];
}

describe('Maglev off (memory.ts)', function () {
  this.timeout(60_000);
  // Node 20's V8 has Maglev off by default: there is nothing to turn off, nothing to compare.
  const maglevByDefault = Number(process.versions.node.split('.')[0]) >= 22;

  it('optimises hot code with TurboFan only', async () => {
    expect(await optimisingTiers(true)).to.deep.equal(['TURBOFAN']);
  });

  it('is what stops Maglev: without memory.ts the same code is compiled by Maglev first', async function () {
    if (!maglevByDefault) this.skip();
    expect(await optimisingTiers(false)).to.include('MAGLEV');
  });

  it('leaves an operator who passed a Maglev flag alone', async function () {
    if (!maglevByDefault) this.skip();
    expect(await optimisingTiers(true, ['--maglev'])).to.include('MAGLEV');
  });

  it('applies unless a Maglev flag is given', () => {
    expect(turnsOffMaglev([])).to.equal(true);
    expect(turnsOffMaglev(['--max-semi-space-size=2'], '--max-old-space-size=512')).to.equal(true);
    expect(turnsOffMaglev(['--maglev'])).to.equal(false);
    expect(turnsOffMaglev(['--no-maglev'])).to.equal(false);
    expect(turnsOffMaglev(['--no_maglev'])).to.equal(false);
    expect(turnsOffMaglev(['--maglev-inlining'])).to.equal(false);
  });
});
