import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type KeyKind = 'Ed25519' | 'P-256' | 'P-384' | 'RSA';

/** A fresh key pair of `kind`. */
export function newKeyPair(kind: KeyKind): { privateKey: KeyObject; publicKey: KeyObject } {
  switch (kind) {
    case 'Ed25519':
      return generateKeyPairSync('ed25519');
    case 'P-256':
      return generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    case 'P-384':
      return generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    case 'RSA':
      return generateKeyPairSync('rsa', { modulusLength: 2048 });
  }
}

export const privatePem = (key: KeyObject): string =>
  key.export({ format: 'pem', type: 'pkcs8' }).toString();

export const publicPem = (key: KeyObject): string =>
  key.export({ format: 'pem', type: 'spki' }).toString();

/** A temporary directory for key files, removed by `remove()`. */
export class KeyDirectory {
  readonly path = mkdtempSync(join(tmpdir(), 'gatehouse-keys-'));
  private count = 0;

  /** Writes `content` to a new file in the directory and returns its path. */
  write(content: string, name = `key-${++this.count}.pem`): string {
    const file = join(this.path, name);
    writeFileSync(file, content, { mode: 0o600 });
    return file;
  }

  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}
