import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * Where `keys generate` writes: `--out` when given, else the current directory, but not one
 * inside a git work tree. A private key there is one `git add .` away from a commit, and `npm
 * run gatehouse` runs in the project's root, which is one: refused, with the way out in the
 * message, unless the operator names the directory, which says they mean it.
 */
export function keyDirectory(out: string | undefined, cwd: string): string {
  if (out !== undefined) return resolve(cwd, out);
  const workTree = gitWorkTreeOf(cwd);
  if (workTree !== null) {
    throw new Error(
      `not writing a private key into the git work tree ${workTree}: ` +
        'choose the directory with --out DIR (--out . to write it here anyway)',
    );
  }
  return cwd;
}

/**
 * The root of the git work tree `directory` is in: the nearest directory up from it holding a
 * `.git` (a directory, or a file in linked work trees and submodules); null when there is none.
 */
export function gitWorkTreeOf(directory: string): string | null {
  for (let current = resolve(directory); ; current = dirname(current)) {
    if (existsSync(join(current, '.git'))) return current;
    if (dirname(current) === current) return null;
  }
}
