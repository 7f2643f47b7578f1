/**
 * Imported first by cli.ts, which loads the program only after this has run: holds V8's heap near
 * what it keeps and turns its Maglev compiler off, for every start of the program — the bin,
 * `npm run serve`, a container's `node dist/main/cli.js serve` — with no node flag needed.
 *
 * Left alone, V8 doubles the young generation as the allocation rate grows, up to 16 MiB per
 * semi-space on 64-bit, which under load is ~30–40 MB of RSS that only ever holds request garbage.
 * `--max-semi-space-size` cannot be changed once the heap exists (V8 sizes it at start-up), but the
 * growth factor is read each time the young generation would grow: at 1 it never does. It stays
 * the size it had when this module ran, 1 MiB per semi-space: cli.ts imports the rest of the
 * program dynamically, after this, since loading it (Node parses and compiles a whole static
 * module graph before it runs any module) took the young generation to 8 MiB per semi-space
 * first. Idle RSS 106 -> 96 MB on Node 24, 93 -> 82 MB on Node 20; CPU per authenticated GET
 * moved within the noise of two alternating runs (180/181 -> 194/185 µs on the main thread).
 *
 * The old generation is held closer to what it really keeps: V8 lets it grow by a factor it
 * derives from the allocation rate, and at a few thousand requests a second that left ~60 MB of
 * garbage-in-waiting above the live heap (RSS 160–180 MB under the bench's load). Growing by 20 %
 * at most, read at every major GC so it applies from here on, keeps RSS near 110 MB; the extra
 * marking it costs was within the noise of the authenticated-GET throughput here.
 *
 * Maglev, V8's middle optimising tier (on by default in Node 24 and 26; Node 20 and 22 ship
 * with it off), is turned off: it compiles on V8's background threads, and the memory of those
 * compilations stays in those threads' malloc arenas after they finish: on Node 24, 14–18 MB of
 * RSS after 10 000-widget pages, 4–7 MB after the bench's load. Hot code is still optimised, by
 * TurboFan, as on Node 20 and 22. V8 derives a few flags from `--maglev` once, at start-up
 * (TurboFan waits for 10 000 invocations' worth of a function's bytecode beside Maglev, 3 000
 * without), and a flag set at run time does not re-derive them, so `MAGLEV_OFF` sets what
 * `--no-maglev` on the command line would. Main-thread CPU per authenticated GET (`bench:cpu --
 * user`, medians of alternating runs): with Maglev 259 µs, `--no-maglev` alone at run time 314
 * (hot code sat in the baseline tier three times longer), on the command line 222; in a second
 * series with Maglev 270, `MAGLEV_OFF` at run time 236, on the command line 251. The background
 * threads' share fell by a third (~75 -> ~50 µs): hot code is compiled once, not twice.
 *
 * An operator who chose a size (`--max-semi-space-size`, `--semi-space-growth-factor`,
 * `--heap-growing-percent`, on the command line or in NODE_OPTIONS) keeps it: that cap is then
 * not applied; so does one who passed any Maglev flag on the command line, and a V8 not in
 * `MAGLEV_OFF` keeps Maglev.
 *
 * The one read of the environment outside the configuration (src/adapters/config), on purpose:
 * this runs before any other module is evaluated, so before there is a configuration to ask,
 * and NODE_OPTIONS is Node's own variable, which Node takes from the real environment only (a
 * `.env` line, which the configuration would also read, never reaches it).
 */
import { setFlagsFromString } from 'node:v8';

const SEMI_SPACE_FLAGS = /--(max|min)[-_]semi[-_]space[-_]size|--semi[-_]space[-_]growth[-_]factor/;
const OLD_SPACE_FLAGS = /--heap[-_]growing[-_]percent/;
const MAGLEV_FLAGS = /--(no[-_])?maglev/;

/** Whether the operator set a flag `pattern` matches, on the command line or in NODE_OPTIONS. */
function operatorChose(pattern: RegExp, execArgv: readonly string[], nodeOptions: string): boolean {
  return pattern.test([...execArgv, nodeOptions].join(' '));
}

/** Whether the cap applies, given the process's node flags. */
export function capsYoungGeneration(execArgv: readonly string[], nodeOptions = ''): boolean {
  return !operatorChose(SEMI_SPACE_FLAGS, execArgv, nodeOptions);
}

export const youngGenerationCapped = capsYoungGeneration(
  process.execArgv,
  process.env.NODE_OPTIONS,
);
if (youngGenerationCapped) setFlagsFromString('--semi-space-growth-factor=1');

/** Whether the old generation's growth is capped, given the process's node flags. */
export function capsOldGenerationGrowth(execArgv: readonly string[], nodeOptions = ''): boolean {
  return !operatorChose(OLD_SPACE_FLAGS, execArgv, nodeOptions);
}

if (capsOldGenerationGrowth(process.execArgv, process.env.NODE_OPTIONS)) {
  setFlagsFromString('--heap-growing-percent=20');
}

/**
 * What `--no-maglev` on the command line sets, by V8's major version, where Maglev is on by
 * default: the flag and V8's implications of it. memory.spec.ts checks the entry of the Node it
 * runs on against `node --no-maglev --print-flag-values`.
 */
const V8_13_MAGLEV_OFF = [
  '--no-maglev',
  '--invocation-count-for-turbofan=3000',
  '--no-maglev-overwrite-budget',
];
export const MAGLEV_OFF: Readonly<Record<string, readonly string[]>> = {
  '13': V8_13_MAGLEV_OFF, // Node 24
  '14': [...V8_13_MAGLEV_OFF, '--min-inlining-frequency=0.15'], // Node 26
};

/** The flags that turn Maglev off, or null: off already, unknown V8, or the operator chose. */
export function maglevOffFlags(
  v8Version: string,
  execArgv: readonly string[],
  nodeOptions = '',
): readonly string[] | null {
  if (operatorChose(MAGLEV_FLAGS, execArgv, nodeOptions)) return null;
  return MAGLEV_OFF[v8Version.split('.')[0] ?? ''] ?? null;
}

const maglevOff = maglevOffFlags(process.versions.v8, process.execArgv, process.env.NODE_OPTIONS);
if (maglevOff !== null) setFlagsFromString(maglevOff.join(' '));
