/**
 * Builds what the bench runs: the product exactly as `npm run build` compiles it
 * (tsconfig.build.json), but into a temporary directory so a bench never overwrites `dist/`, plus
 * the bench's own preload (bareRoute.ts) transpiled next to it, behind memory.ts as cli.ts has it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';

export const ROOT = resolve(import.meta.dirname, '..');

export interface Build {
  /** The temporary directory: also the server's working directory, so no `.env` leaks in. */
  readonly dir: string;
  /** `<dir>/dist/main/cli.js`, the package's `bin`. */
  readonly cli: string;
  /** The preload that adds a bare Koa route on BENCH_BARE_PORT to the server process. */
  readonly bareRoute: string;
  readonly seconds: number;
  remove(): void;
}

export async function buildServer(): Promise<Build> {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-'));
  // The compiled ESM must resolve the project's packages and be read as modules.
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
  const started = performance.now();
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
  await promisify(execFile)(
    process.execPath,
    [tsc, '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', join(dir, 'dist')],
    { cwd: ROOT },
  ).catch((error: { stdout?: string }) => {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`npm run build fails:\n${error.stdout ?? String(error)}`);
  });
  const source = readFileSync(join(ROOT, 'bench/bareRoute.ts'), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  writeFileSync(join(dir, 'bareRouteApp.js'), outputText);
  // The preload runs before cli.js: it first does what cli.js does first (memory.ts: V8's heap
  // and compiler flags), so Koa's loading meets the process as the production start leaves it.
  // cli.js's own import of memory.js then finds that module already evaluated.
  const bareRoute = join(dir, 'bareRoute.js');
  writeFileSync(bareRoute, "import './dist/main/memory.js';\nawait import('./bareRouteApp.js');\n");
  return {
    dir,
    cli: join(dir, 'dist/main/cli.js'),
    bareRoute,
    seconds: (performance.now() - started) / 1000,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
