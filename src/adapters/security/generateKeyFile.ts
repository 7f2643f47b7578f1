import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { verificationKey, type AsymmetricAlg } from './signingKeys.js';

/**
 * Creates a key pair for `alg` (Ed25519 for EdDSA, P-256 for ES256) and writes its private key,
 * PKCS#8 PEM, to a new file `gatehouse-<alg>-<kid prefix>.pem` in `directory`, readable by its
 * owner only. Returns the file's absolute path. Never overwrites a file.
 */
export async function generateKeyFile(alg: AsymmetricAlg, directory: string): Promise<string> {
  const { privateKey, publicKey } =
    alg === 'EdDSA'
      ? generateKeyPairSync('ed25519')
      : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  // The start of the key's kid ties the file to its entry in the JWKS.
  const kid = verificationKey(alg, publicKey).kid;
  const path = resolve(directory, `gatehouse-${alg}-${kid.slice(0, 12)}.pem`);
  await writeNewFile(path, pem);
  return path;
}

/**
 * Writes `content` to a file that must not exist yet (`wx`), created with mode 0600 — not
 * chmod-ed afterwards, so the key is never readable by others, not even for a moment.
 */
export async function writeNewFile(path: string, content: string): Promise<void> {
  await writeFile(path, content, { flag: 'wx', mode: 0o600 });
}
