/**
 * Imported first by cli.ts, so evaluated before any other module: stops V8's young generation
 * from growing, for every start of the program — the bin, `npm run serve`, a container's `node
 * dist/main/cli.js serve` — with no node flag needed.
 *
 * Left alone, V8 doubles the young generation as the allocation rate grows, up to 16 MiB per
 * semi-space on 64-bit, which under load is ~30–40 MB of RSS that only ever holds request garbage.
 * `--max-semi-space-size` cannot be changed once the heap exists (V8 sizes it at start-up), but the
 * growth factor is read each time the young generation would grow: at 1 it never does. It stays
 * the size it had when this module ran: Node loads the whole static module graph before it runs
 * any module, which takes it from 1 to 4 MiB per semi-space (measured with the built server).
 *
 * An operator who chose a size (`--max-semi-space-size`, `--semi-space-growth-factor`, on the
 * command line or in NODE_OPTIONS) keeps it: the cap is then not applied.
 */
import { setFlagsFromString } from 'node:v8';

const SEMI_SPACE_FLAGS = /--(max|min)[-_]semi[-_]space[-_]size|--semi[-_]space[-_]growth[-_]factor/;

/** Whether the cap applies, given the process's node flags. */
export function capsYoungGeneration(execArgv: readonly string[], nodeOptions = ''): boolean {
  return !SEMI_SPACE_FLAGS.test([...execArgv, nodeOptions].join(' '));
}

export const youngGenerationCapped = capsYoungGeneration(
  process.execArgv,
  process.env.NODE_OPTIONS,
);
if (youngGenerationCapped) setFlagsFromString('--semi-space-growth-factor=1');
