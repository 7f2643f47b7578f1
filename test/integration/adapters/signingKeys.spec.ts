import { createPrivateKey } from 'node:crypto';
import { calculateJwkThumbprint } from 'jose';
import {
  loadSigningKeys,
  publicJwks,
  type AsymmetricAlg,
} from '../../../src/adapters/security/signingKeys.js';
import { expect } from '../../support/chai.js';
import {
  KeyDirectory,
  newKeyPair,
  privatePem,
  publicPem,
  type KeyKind,
} from '../../support/keyFiles.js';

const KIND: Record<AsymmetricAlg, KeyKind> = { EdDSA: 'Ed25519', ES256: 'P-256' };
const OTHER: Record<AsymmetricAlg, AsymmetricAlg> = { EdDSA: 'ES256', ES256: 'EdDSA' };

/** The base64 body of a PEM: what must never appear in a message. */
const pemBody = (pem: string): string => pem.split('\n').slice(1, -2).join('');

describe('loadSigningKeys', () => {
  let dir: KeyDirectory;

  beforeEach(() => {
    dir = new KeyDirectory();
  });

  afterEach(() => {
    dir.remove();
  });

  /** Runs `load` and returns its error message, asserting it is one line without `secrets`. */
  function failure(load: () => unknown, ...secrets: string[]): string {
    let message: string | undefined;
    try {
      load();
    } catch (error) {
      expect(error).to.be.instanceOf(Error);
      message = (error as Error).message;
    }
    if (message === undefined) return expect.fail('expected loadSigningKeys to throw');
    expect(message).not.to.match(/[\r\n]/);
    expect(message).not.to.include('-----');
    for (const secret of secrets) {
      expect(message).not.to.include(secret);
      expect(message).not.to.include(secret.slice(0, 16));
    }
    return message;
  }

  for (const alg of ['EdDSA', 'ES256'] as const) {
    describe(alg, () => {
      it('derives the public JWK and an RFC 7638 thumbprint kid from the private key', async () => {
        const { privateKey, publicKey } = newKeyPair(KIND[alg]);
        const keys = loadSigningKeys(alg, dir.write(privatePem(privateKey)), null);

        expect(keys.alg).to.equal(alg);
        expect(keys.previous).to.deep.equal([]);
        expect(keys.current.privateKey.type).to.equal('private');
        expect(keys.current.publicKey.equals(publicKey)).to.equal(true);
        const expected = publicKey.export({ format: 'jwk' });
        expect(keys.current.kid).to.equal(await calculateJwkThumbprint(expected, 'sha256'));
        expect(keys.current.jwk).to.deep.equal({
          ...expected,
          kid: keys.current.kid,
          alg,
          use: 'sig',
        });
        expect(keys.current.jwk).not.to.have.property('d');
      });

      it('reads previous keys given as SPKI public keys or as private keys, keeping public parts', () => {
        const current = newKeyPair(KIND[alg]);
        const retiredPublic = newKeyPair(KIND[alg]);
        const retiredPrivate = newKeyPair(KIND[alg]);
        const previousFile = dir.write(
          `# retired 2026-01\n${publicPem(retiredPublic.publicKey)}\n` +
            privatePem(retiredPrivate.privateKey),
        );

        const keys = loadSigningKeys(alg, dir.write(privatePem(current.privateKey)), previousFile);

        expect(keys.previous).to.have.length(2);
        expect(keys.previous.map((key) => key.publicKey.type)).to.deep.equal(['public', 'public']);
        expect(keys.previous[0]!.publicKey.equals(retiredPublic.publicKey)).to.equal(true);
        expect(keys.previous[1]!.publicKey.equals(retiredPrivate.publicKey)).to.equal(true);
        for (const key of keys.previous) expect(key.jwk).not.to.have.property('d');
      });

      it('counts a previous key that is the current one, or listed twice, once', () => {
        const current = newKeyPair(KIND[alg]);
        const retired = newKeyPair(KIND[alg]);
        const previousFile = dir.write(
          publicPem(current.publicKey) +
            publicPem(retired.publicKey) +
            publicPem(retired.publicKey),
        );

        const keys = loadSigningKeys(alg, dir.write(privatePem(current.privateKey)), previousFile);

        expect(keys.previous.map((key) => key.kid)).to.deep.equal([
          loadSigningKeys(alg, dir.write(privatePem(retired.privateKey)), null).current.kid,
        ]);
      });

      it('takes an empty previous keys file as no previous keys', () => {
        const { privateKey } = newKeyPair(KIND[alg]);
        const keys = loadSigningKeys(alg, dir.write(privatePem(privateKey)), dir.write('\n'));
        expect(keys.previous).to.deep.equal([]);
      });

      it(`refuses a private key made for ${OTHER[alg]}, without printing it`, () => {
        const pem = privatePem(newKeyPair(KIND[OTHER[alg]]).privateKey);
        const file = dir.write(pem);
        const message = failure(() => loadSigningKeys(alg, file, null), pemBody(pem));
        expect(message).to.include(file);
        expect(message).to.include(`JWT_ALG=${alg} needs`);
      });

      it(`refuses a previous key made for ${OTHER[alg]}, naming it by position`, () => {
        const current = privatePem(newKeyPair(KIND[alg]).privateKey);
        const wrong = publicPem(newKeyPair(KIND[OTHER[alg]]).publicKey);
        const previousFile = dir.write(publicPem(newKeyPair(KIND[alg]).publicKey) + wrong);
        const message = failure(
          () => loadSigningKeys(alg, dir.write(current), previousFile),
          pemBody(current),
          pemBody(wrong),
        );
        expect(message).to.include(previousFile);
        expect(message).to.include('key 2 is');
      });
    });
  }

  for (const kind of ['P-384', 'RSA'] as const) {
    it(`refuses a ${kind} private key for ES256 and for EdDSA`, () => {
      const pem = privatePem(newKeyPair(kind).privateKey);
      const file = dir.write(pem);
      failure(() => loadSigningKeys('ES256', file, null), pemBody(pem));
      failure(() => loadSigningKeys('EdDSA', file, null), pemBody(pem));
    });
  }

  it('accepts a P-256 key in SEC1 form (openssl ecparam -genkey), EC PARAMETERS included', () => {
    const { privateKey, publicKey } = newKeyPair('P-256');
    const sec1 = privateKey.export({ format: 'pem', type: 'sec1' }).toString();
    const params = '-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n';
    const keys = loadSigningKeys('ES256', dir.write(params + sec1), null);
    expect(keys.current.publicKey.equals(publicKey)).to.equal(true);
  });

  it('refuses a garbage private key file without printing its content', () => {
    const garbage = 'this-is-not-a-key-but-it-could-be-a-secret-0123456789';
    const file = dir.write(garbage);
    expect(failure(() => loadSigningKeys('EdDSA', file, null), garbage)).to.equal(
      `Cannot use the private key file ${file}: it holds no PEM private key or JWK`,
    );
  });

  it('refuses a PEM block whose body is garbage without printing it', () => {
    const body = 'bm90LWEta2V5LWJ1dC1zZWNyZXQtbWF0ZXJpYWwtMDEyMzQ1Njc4OQ==';
    const file = dir.write(`-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----\n`);
    expect(failure(() => loadSigningKeys('EdDSA', file, null), body)).to.equal(
      `Cannot use the private key file ${file}: its key does not parse`,
    );
  });

  it('refuses a public key, two keys, or an encrypted key as the private key file', () => {
    const { privateKey, publicKey } = newKeyPair('Ed25519');
    const pem = privatePem(privateKey);
    failure(() => loadSigningKeys('EdDSA', dir.write(publicPem(publicKey)), null));
    expect(
      failure(() => loadSigningKeys('EdDSA', dir.write(pem + pem), null), pemBody(pem)),
    ).to.match(/exactly one key$/);
    const encrypted = privateKey
      .export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'pass' })
      .toString();
    expect(createPrivateKey({ key: encrypted, passphrase: 'pass' }).type).to.equal('private');
    expect(
      failure(() => loadSigningKeys('EdDSA', dir.write(encrypted), null), pemBody(encrypted)),
    ).to.match(/its key is encrypted, which is not supported$/);
  });

  it('refuses a garbage previous keys file without printing its content', () => {
    const current = privatePem(newKeyPair('Ed25519').privateKey);
    const garbage = 'garbage-that-might-be-sensitive-0123456789';
    const previousFile = dir.write(garbage);
    expect(
      failure(() => loadSigningKeys('EdDSA', dir.write(current), previousFile), garbage),
    ).to.equal(`Cannot use the previous keys file ${previousFile}: it holds no PEM key or JWK`);
  });

  for (const alg of ['EdDSA', 'ES256'] as const) {
    it(`reads ${alg} keys given as JWKs: a private JWK, previous keys as a JWK Set`, () => {
      const current = newKeyPair(KIND[alg]);
      const retired = newKeyPair(KIND[alg]);
      const retiredPrivate = newKeyPair(KIND[alg]);
      const privateFile = dir.write(JSON.stringify(current.privateKey.export({ format: 'jwk' })));
      const previousFile = dir.write(
        JSON.stringify({
          keys: [
            retired.publicKey.export({ format: 'jwk' }),
            retiredPrivate.privateKey.export({ format: 'jwk' }),
          ],
        }),
      );
      const keys = loadSigningKeys(alg, privateFile, previousFile);
      expect(keys.current.privateKey.equals(current.privateKey)).to.equal(true);
      expect(keys.previous.map((key) => key.publicKey.type)).to.deep.equal(['public', 'public']);
      expect(keys.previous[0]?.publicKey.equals(retired.publicKey)).to.equal(true);
      expect(keys.previous[1]?.publicKey.equals(retiredPrivate.publicKey)).to.equal(true);
      expect(
        loadSigningKeys(
          alg,
          privateFile,
          dir.write(JSON.stringify(retired.publicKey.export({ format: 'jwk' }))),
        ).previous,
      ).to.have.length(1);
    });
  }

  it('refuses a public JWK, a JWK Set of two, or a broken JWK as the private key, printing none', () => {
    const { privateKey, publicKey } = newKeyPair('Ed25519');
    const jwk = privateKey.export({ format: 'jwk' });
    const d = String(jwk.d);
    expect(
      failure(() =>
        loadSigningKeys(
          'EdDSA',
          dir.write(JSON.stringify(publicKey.export({ format: 'jwk' }))),
          null,
        ),
      ),
    ).to.match(/it holds a public key, not a private key$/);
    expect(
      failure(
        () => loadSigningKeys('EdDSA', dir.write(JSON.stringify({ keys: [jwk, jwk] })), null),
        d,
      ),
    ).to.match(/exactly one key$/);
    expect(
      failure(
        () => loadSigningKeys('EdDSA', dir.write(JSON.stringify({ ...jwk, crv: 'X448' })), null),
        d,
      ),
    ).to.match(/its key is not a usable JWK$/);
    expect(
      failure(() => loadSigningKeys('EdDSA', dir.write(`{"kty":"OKP","d":"${d}"`), null), d),
    ).to.match(/it is not valid JSON$/);
    expect(
      failure(() => loadSigningKeys('ES256', dir.write(JSON.stringify(jwk)), null), d),
    ).to.match(/JWT_ALG=ES256 needs a P-256 \(prime256v1\) EC key, this is an Ed25519 key$/);
  });

  it('says a missing file cannot be read', () => {
    const file = `${dir.path}/absent.pem`;
    expect(failure(() => loadSigningKeys('EdDSA', file, null))).to.equal(
      `Cannot use the private key file ${file}: cannot read it (ENOENT)`,
    );
  });

  it('does not echo a key pasted where the file path belongs', () => {
    const pem = privatePem(newKeyPair('Ed25519').privateKey);
    expect(failure(() => loadSigningKeys('EdDSA', pem, null), pemBody(pem))).to.match(
      /^Cannot use the private key file \(a value that is not a file path\): cannot read it/,
    );
  });

  it('lists the current key first in the JWKS, then the previous keys', () => {
    const current = newKeyPair('P-256');
    const retired = newKeyPair('P-256');
    const keys = loadSigningKeys(
      'ES256',
      dir.write(privatePem(current.privateKey)),
      dir.write(publicPem(retired.publicKey)),
    );
    const jwks = publicJwks(keys);
    expect(jwks.map((jwk) => jwk.kid)).to.deep.equal([keys.current.kid, keys.previous[0]!.kid]);
    for (const jwk of jwks) {
      expect(Object.keys(jwk).sort()).to.deep.equal(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
    }
  });
});
