import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** The asymmetric JWS algorithms Gatehouse signs with (HS256 keeps its shared secret). */
export type AsymmetricAlg = 'EdDSA' | 'ES256';

/** A public JWK as published on /.well-known/jwks.json: never a private member. */
export interface PublicJwk {
  readonly kty: 'OKP' | 'EC';
  readonly crv: 'Ed25519' | 'P-256';
  readonly x: string;
  /** P-256 only. */
  readonly y?: string;
  /** RFC 7638 JWK thumbprint (SHA-256, base64url) of the key. */
  readonly kid: string;
  readonly alg: AsymmetricAlg;
  readonly use: 'sig';
}

export interface VerificationKey {
  readonly kid: string;
  readonly publicKey: KeyObject;
  readonly jwk: PublicJwk;
}

export interface SigningKeys {
  readonly alg: AsymmetricAlg;
  /** The key that signs new tokens, and verifies them. */
  readonly current: VerificationKey & { readonly privateKey: KeyObject };
  /** Retired keys: they verify the tokens they signed until those expire, and sign nothing. */
  readonly previous: readonly VerificationKey[];
}

const KEY_TYPE: Record<
  AsymmetricAlg,
  { description: string; matches: (key: KeyObject) => boolean }
> = {
  EdDSA: {
    description: 'an Ed25519 key',
    matches: (key) => key.asymmetricKeyType === 'ed25519',
  },
  ES256: {
    description: 'a P-256 (prime256v1) EC key',
    matches: (key) =>
      key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1',
  },
};

/** Why a key file is unusable, in one line naming the file but never its content. */
class KeyFileError extends Error {
  override readonly name = 'KeyFileError';
}

/**
 * Reads the signing key (`privateKeyFile`: one private key, as PEM — PKCS#8, or SEC1 for P-256 —
 * or as a JWK) and the retired keys (`previousKeysFile`: PEM blocks, a JWK or a JWK Set, each key
 * public or private, of which only the public part is kept; an empty file means none). Every key must
 * suit `alg`: Ed25519 for EdDSA, P-256 for ES256. Each key's `kid` is its RFC 7638 thumbprint;
 * a previous key equal to the current one, or listed twice, counts once.
 *
 * Synchronous (like reading the configuration) so that the composition root can bind it lazily.
 * Throws an Error with a one-line message that names the file and never contains key material.
 */
export function loadSigningKeys(
  alg: AsymmetricAlg,
  privateKeyFile: string,
  previousKeysFile: string | null,
): SigningKeys {
  const privateKey = readPrivateKey(alg, privateKeyFile);
  const current = { ...verificationKey(alg, createPublicKey(privateKey)), privateKey };
  const seen = new Set([current.kid]);
  const previous: VerificationKey[] = [];
  if (previousKeysFile !== null) {
    for (const publicKey of readPublicKeys(alg, previousKeysFile)) {
      const key = verificationKey(alg, publicKey);
      if (seen.has(key.kid)) continue;
      seen.add(key.kid);
      previous.push(key);
    }
  }
  return { alg, current, previous };
}

/** The JWKS `keys`: the current key first, then the previous ones. */
export function publicJwks(keys: SigningKeys): PublicJwk[] {
  return [keys.current, ...keys.previous].map((key) => key.jwk);
}

/** RFC 7638: SHA-256 over the required members in lexicographic order, base64url. */
function jwkThumbprint(jwk: Pick<PublicJwk, 'kty' | 'crv' | 'x' | 'y'>): string {
  const members =
    jwk.kty === 'EC'
      ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }
      : { crv: jwk.crv, kty: jwk.kty, x: jwk.x };
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}

/** The kid and public JWK of a public key, which must suit `alg`. */
export function verificationKey(alg: AsymmetricAlg, publicKey: KeyObject): VerificationKey {
  // Built member by member from the public key: nothing private can slip into the JWKS.
  const exported = publicKey.export({ format: 'jwk' });
  const { x, y } = exported;
  if (typeof x !== 'string' || (alg === 'ES256' && typeof y !== 'string')) {
    throw new KeyFileError(`cannot export the public part of ${KEY_TYPE[alg].description}`);
  }
  const base =
    alg === 'ES256'
      ? { kty: 'EC' as const, crv: 'P-256' as const, x, y }
      : { kty: 'OKP' as const, crv: 'Ed25519' as const, x };
  const kid = jwkThumbprint(base);
  return { kid, publicKey, jwk: { ...base, kid, alg, use: 'sig' } };
}

function readPrivateKey(alg: AsymmetricAlg, file: string): KeyObject {
  const fail = (why: string) =>
    new KeyFileError(`Cannot use the private key file ${shown(file)}: ${why}`);
  const keys = parseKeys(read(file, fail), () => 'its key', fail);
  if (keys.length === 0) throw fail('it holds no PEM private key or JWK');
  const [key] = keys;
  if (key === undefined || keys.length > 1) throw fail('it must hold exactly one key');
  if (key.type !== 'private') throw fail('it holds a public key, not a private key');
  if (!KEY_TYPE[alg].matches(key)) {
    throw fail(`JWT_ALG=${alg} needs ${KEY_TYPE[alg].description}, this is ${describe(key)}`);
  }
  return key;
}

function readPublicKeys(alg: AsymmetricAlg, file: string): KeyObject[] {
  const fail = (why: string) =>
    new KeyFileError(`Cannot use the previous keys file ${shown(file)}: ${why}`);
  const content = read(file, fail);
  const keys = parseKeys(content, (index) => `key ${index + 1}`, fail);
  if (keys.length === 0 && content.trim() !== '') throw fail('it holds no PEM key or JWK');
  return keys.map((key, index) => {
    if (!KEY_TYPE[alg].matches(key)) {
      throw fail(
        `JWT_ALG=${alg} needs ${KEY_TYPE[alg].description}, key ${index + 1} is ${describe(key)}`,
      );
    }
    return key.type === 'private' ? createPublicKey(key) : key;
  });
}

/** The keys of a key file: a JSON one holds a JWK or a JWK Set, any other PEM blocks. */
function parseKeys(
  content: string,
  name: (index: number) => string,
  fail: (why: string) => KeyFileError,
): KeyObject[] {
  if (!content.trimStart().startsWith('{')) {
    return pemBlocks(content).map((block, index) => parseKey(block, name(index), fail));
  }
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch {
    throw fail('it is not valid JSON');
  }
  const set = isObject(json) && Array.isArray(json['keys']) ? (json['keys'] as unknown[]) : [json];
  return set.map((jwk, index) => parseJwk(jwk, name(index), fail));
}

function parseJwk(jwk: unknown, what: string, fail: (why: string) => KeyFileError): KeyObject {
  if (!isObject(jwk)) throw fail(`${what} is not a JWK`);
  try {
    // A JWK with `d` is a private key; without, a public one.
    return 'd' in jwk
      ? createPrivateKey({ key: jwk, format: 'jwk' })
      : createPublicKey({ key: jwk, format: 'jwk' });
  } catch {
    throw fail(`${what} is not a usable JWK`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface PemBlock {
  readonly label: string;
  readonly pem: string;
}

/** The PEM blocks of a file, without the `EC PARAMETERS` block `openssl ecparam` puts first. */
function pemBlocks(content: string): PemBlock[] {
  const found = content.matchAll(/-----BEGIN ([A-Z0-9 ]{1,40})-----[\s\S]*?-----END \1-----/g);
  return [...found]
    .map(([pem, label = '']) => ({ label, pem }))
    .filter((block) => block.label !== 'EC PARAMETERS');
}

/** Parses one PEM block as a private or public key; `what` names it in the message. */
function parseKey(block: PemBlock, what: string, fail: (why: string) => KeyFileError): KeyObject {
  if (block.label === 'ENCRYPTED PRIVATE KEY') {
    throw fail(`${what} is encrypted, which is not supported`);
  }
  const parse = block.label.endsWith('PRIVATE KEY')
    ? createPrivateKey
    : block.label.endsWith('PUBLIC KEY')
      ? createPublicKey
      : null;
  if (parse === null) throw fail(`${what} is a ${block.label} block, not a key`);
  try {
    return parse({ key: block.pem, format: 'pem' });
  } catch {
    // Node's messages say nothing of the content either, but ours name the file and the key.
    throw fail(`${what} does not parse`);
  }
}

function read(file: string, fail: (why: string) => KeyFileError): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : 'unknown error';
    throw fail(`cannot read it (${code})`);
  }
}

function describe(key: KeyObject): string {
  switch (key.asymmetricKeyType) {
    case 'ed25519':
      return 'an Ed25519 key';
    case 'ec':
      return `an EC key on ${key.asymmetricKeyDetails?.namedCurve ?? 'an unknown curve'}`;
    case undefined:
      return 'not an asymmetric key';
    default:
      return `an ${key.asymmetricKeyType.toUpperCase()} key`;
  }
}

/** The path for a message: a value that looks like key content (a pasted PEM) is not echoed. */
function shown(file: string): string {
  if (/-----|[\r\n]/.test(file) || file.length > 1024) return '(a value that is not a file path)';
  return file;
}

/** HS256 with a shared secret, or EdDSA/ES256 with a key pair (and retired keys). */
export type TokenSigning = { readonly alg: 'HS256'; readonly secret: string } | SigningKeys;
