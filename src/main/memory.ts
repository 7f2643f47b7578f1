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
 * Maglev, V8's middle optimising tier (on by default since Node 22; Node 20's V8 leaves it off),
 * is turned off: it compiles on V8's background threads, and the memory of those compilations
 * stays in those threads' malloc arenas after they finish — 13–16 MB of RSS on Node 24 under the
 * bench's load, which was most of what Node 24 held above Node 20. Hot code is still optimised,
 * by TurboFan, as on Node 20: the main thread's CPU per authenticated GET was the same without
 * Maglev (203/211/207 -> 197/211/202 µs, alternating runs) and the background threads' fell
 * (69–76 -> 51–53 µs), as they no longer compile everything twice.
 *
 * An operator who chose a size (`--max-semi-space-size`, `--semi-space-growth-factor`,
 * `--heap-growing-percent`, on the command line or in NODE_OPTIONS) keeps it: that cap is then
 * not applied; so does one who passed any Maglev flag on the command line.
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

/** Whether the cap applies, given the process's node flags. */
export function capsYoungGeneration(execArgv: readonly string[], nodeOptions = ''): boolean {
  return !SEMI_SPACE_FLAGS.test([...execArgv, nodeOptions].join(' '));
}

export const youngGenerationCapped = capsYoungGeneration(
  process.execArgv,
  process.env.NODE_OPTIONS,
);
if (youngGenerationCapped) setFlagsFromString('--semi-space-growth-factor=1');

/** Whether the old generation's growth is capped, given the process's node flags. */
export function capsOldGenerationGrowth(execArgv: readonly string[], nodeOptions = ''): boolean {
  return !OLD_SPACE_FLAGS.test([...execArgv, nodeOptions].join(' '));
}

if (capsOldGenerationGrowth(process.execArgv, process.env.NODE_OPTIONS)) {
  setFlagsFromString('--heap-growing-percent=20');
}

/** Whether Maglev is turned off, given the process's node flags. */
export function turnsOffMaglev(execArgv: readonly string[], nodeOptions = ''): boolean {
  return !MAGLEV_FLAGS.test([...execArgv, nodeOptions].join(' '));
}

if (turnsOffMaglev(process.execArgv, process.env.NODE_OPTIONS)) setFlagsFromString('--no-maglev');
