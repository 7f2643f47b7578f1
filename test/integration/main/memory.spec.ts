import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  capsOldGenerationGrowth,
  capsYoungGeneration,
  maglevOffFlags,
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
    // MiB in eight runs), V8 14 (Node 26) up to ~2.6 times (3 to 7.75 MiB in one run of six;
    // 4 MiB in the others): never near the uncapped size.
    expect(after).to.be.at.least(before);
    expect(after).to.be.at.most(before + 8 * MIB);
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

/**
 * Two hot functions, run after memory.ts (or not), V8 printing what it optimises and how: one
 * whose loop makes it hot within a few calls, one called 4000 times, which TurboFan takes
 * sooner without Maglev than beside it (fewer invocations' worth of bytecode).
 */
const HOT = (importMemory: boolean) => `
  ${importMemory ? `await import(${JSON.stringify(MEMORY)});` : ''}
  function looping(n) { let sum = 0; for (let i = 0; i < n; i += 1) sum += i % 7; return sum; }
  function called(a, b) { return (a * 31 + b) % 7; }
  let total = 0;
  for (let i = 0; i < 20000; i += 1) total += looping(100);
  for (let i = 0; i < 4000; i += 1) total = called(i, total);
  await new Promise((wake) => setTimeout(wake, 50)); // the last compilation job's report
  console.log(total);
`;

/**
 * Which hot function each optimising tier compiled: `looping:MAGLEV`, `called:TURBOFAN`, … once
 * each, sorted (how many times, and in what order, moves with the machine's load: a concurrent job
 * still running when the loop asks for on-stack replacement makes a second one).
 */
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
  const compiled = stdout.matchAll(
    /\[compiling method .*<JSFunction (looping|called) .*\(target (\w+)\)/g,
  );
  // V8 13 (Node 24) names TurboFan's JavaScript target TURBOFAN_JS, V8 11 (Node 20) TURBOFAN.
  const tiers = [...compiled].map(
    ([, name, tier]) => `${name}:${(tier ?? '').replace(/_JS$/, '')}`,
  );
  return [...new Set(tiers)].sort();
}

/** The flags `--no-maglev` on this Node's command line changes (none where Maglev is off). */
async function commandLineMaglevOff(): Promise<string[]> {
  const values = async (flags: string[]) =>
    (
      await promisify(execFile)(process.execPath, [...flags, '--print-flag-values', '-e', '0'])
    ).stdout.split('\n');
  const defaults = new Set(await values([]));
  return (await values(['--no-maglev'])).filter((flag) => !defaults.has(flag)).sort();
}

describe('Maglev off (memory.ts)', function () {
  this.timeout(60_000);
  /** What `--no-maglev` changes on this Node: none where Maglev is off already (Node 20, 22). */
  let commandLineOff: string[] = [];
  before(async () => {
    commandLineOff = await commandLineMaglevOff();
  });

  it('sets what --no-maglev on the command line sets, on this Node', () => {
    const flags = maglevOffFlags(process.versions.v8, [], '') ?? [];
    expect([...flags].sort()).to.deep.equal(commandLineOff);
  });

  it('optimises hot code as --no-maglev on the command line does: TurboFan only, as soon', async () => {
    const tiers = await optimisingTiers(true);
    expect(tiers).to.deep.equal(await optimisingTiers(false, ['--no-maglev']));
    expect(tiers).to.include('looping:TURBOFAN');
    expect(tiers.filter((tier) => tier.endsWith(':MAGLEV'))).to.deep.equal([]);
  });

  it('is what stops Maglev: without memory.ts, where V8 has it on, Maglev compiles first', async function () {
    if (commandLineOff.length === 0) this.skip();
    expect(await optimisingTiers(false)).to.include('looping:MAGLEV');
  });

  it('leaves an operator who passed a Maglev flag alone', async function () {
    if (commandLineOff.length === 0) this.skip();
    expect(await optimisingTiers(true, ['--maglev'])).to.include('looping:MAGLEV');
  });

  it('applies only where V8 has Maglev on, and unless a Maglev flag is given', () => {
    expect(maglevOffFlags('13.6.233.10-node.28', [])).to.include('--no-maglev');
    expect(
      maglevOffFlags(
        '14.6.202.34-node.40',
        ['--max-semi-space-size=2'],
        '--max-old-space-size=512',
      ),
    ).to.include('--no-maglev');
    expect(maglevOffFlags('11.3.244.8-node.33', [])).to.equal(null);
    expect(maglevOffFlags('12.4.254.21-node.57', [])).to.equal(null);
    expect(maglevOffFlags('13.6.233.10-node.28', ['--maglev'])).to.equal(null);
    expect(maglevOffFlags('13.6.233.10-node.28', ['--no-maglev'])).to.equal(null);
    expect(maglevOffFlags('13.6.233.10-node.28', ['--no_maglev'])).to.equal(null);
    expect(maglevOffFlags('13.6.233.10-node.28', ['--maglev-inlining'])).to.equal(null);
  });
});
