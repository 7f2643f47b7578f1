import type { KeyObject } from 'node:crypto';
import { createLocalJWKSet, jwtVerify, SignJWT } from 'jose';
import type { JWTHeaderParameters, JWTPayload } from 'jose';
import { JoseTokenService } from '../../../src/adapters/security/JoseTokenService.js';
import {
  loadSigningKeys,
  publicJwks,
  type AsymmetricAlg,
  type SigningKeys,
} from '../../../src/adapters/security/signingKeys.js';
import { TOKEN_MESSAGES } from '../../../src/domain/index.js';
import type { AccessTokenClaims } from '../../../src/domain/index.js';
import { expect } from '../../support/chai.js';
import { expectDomainError } from '../../support/expectDomainError.js';
import { FixedClock } from '../../support/fakes/FixedClock.js';
import {
  KeyDirectory,
  newKeyPair,
  privatePem,
  publicPem,
  type KeyKind,
} from '../../support/keyFiles.js';

const START = '2026-03-01T12:00:00Z';
const NOW = Date.parse(START) / 1000;
const TTL = 900;
const SUBJECT = '6f1c1a52-3c5e-4d8e-9a53-2f2b0f6f8a11';
const KIND: Record<AsymmetricAlg, KeyKind> = { EdDSA: 'Ed25519', ES256: 'P-256' };
const OTHER: Record<AsymmetricAlg, AsymmetricAlg> = { EdDSA: 'ES256', ES256: 'EdDSA' };

const claims = (overrides: Partial<AccessTokenClaims> = {}): AccessTokenClaims => ({
  subject: SUBJECT,
  admin: false,
  issuedAt: NOW,
  expiresAt: NOW + TTL,
  tokenId: 'token-1',
  generation: 0,
  ...overrides,
});

const payload = (overrides: Record<string, unknown> = {}): JWTPayload => ({
  sub: SUBJECT,
  admin: false,
  iat: NOW,
  exp: NOW + TTL,
  jti: 'token-1',
  iss: 'gatehouse',
  aud: 'gatehouse-api',
  gen: 0,
  ...overrides,
});

const craft = (header: JWTHeaderParameters, key: KeyObject | Uint8Array, body = payload()) =>
  new SignJWT(body).setProtectedHeader(header).sign(key);

const decodeHeader = (token: string): unknown =>
  JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8'));

for (const alg of ['EdDSA', 'ES256'] as const) {
  describe(`JoseTokenService with ${alg} key pairs`, () => {
    let dir: KeyDirectory;
    let clock: FixedClock;

    beforeEach(() => {
      dir = new KeyDirectory();
      clock = new FixedClock(START);
    });

    afterEach(() => {
      dir.remove();
    });

    /** Key files for a fresh current key (or `privateKey`) and the given previous keys. */
    function keysFor(
      options: { privateKey?: KeyObject; previous?: KeyObject[]; keyAlg?: AsymmetricAlg } = {},
    ): SigningKeys {
      const keyAlg = options.keyAlg ?? alg;
      const privateKey = options.privateKey ?? newKeyPair(KIND[keyAlg]).privateKey;
      const previous = options.previous?.map((key) => publicPem(key)).join('');
      return loadSigningKeys(
        keyAlg,
        dir.write(privatePem(privateKey)),
        previous === undefined ? null : dir.write(previous),
      );
    }

    const serviceWith = (signing: SigningKeys) =>
      new JoseTokenService({
        signing,
        issuer: 'gatehouse',
        audience: 'gatehouse-api',
        toleranceSeconds: 5,
        clock,
      });

    const invalid = (service: JoseTokenService, token: string | Promise<string>) =>
      expectDomainError(
        Promise.resolve(token).then((t) => service.verify(t)),
        'TOKEN_INVALID',
        TOKEN_MESSAGES.TOKEN_INVALID,
      );

    it('signs claims that verify back to the same claims', async () => {
      const service = serviceWith(keysFor());
      const token = await service.sign(claims({ admin: true }));
      expect(await service.verify(token)).to.deep.equal(claims({ admin: true }));
    });

    it(`signs with the header alg ${alg}, typ at+jwt and the current key's kid`, async () => {
      const keys = keysFor();
      const token = await serviceWith(keys).sign(claims());
      expect(decodeHeader(token)).to.deep.equal({ alg, typ: 'at+jwt', kid: keys.current.kid });
    });

    it('verifies a token signed by a previous key while that key is listed', async () => {
      const retired = newKeyPair(KIND[alg]);
      const token = await serviceWith(keysFor({ privateKey: retired.privateKey })).sign(claims());

      const rotated = serviceWith(keysFor({ previous: [retired.publicKey] }));
      expect(await rotated.verify(token)).to.deep.equal(claims());

      const dropped = serviceWith(keysFor({ previous: [newKeyPair(KIND[alg]).publicKey] }));
      await invalid(dropped, token);
      await invalid(serviceWith(keysFor()), token);
    });

    it('rejects a token whose kid names no key, or that has no kid', async () => {
      const keys = keysFor();
      const service = serviceWith(keys);
      const { privateKey } = keys.current;
      await invalid(service, craft({ alg, typ: 'at+jwt', kid: 'unknown-kid' }, privateKey));
      await invalid(service, craft({ alg, typ: 'at+jwt' }, privateKey));
      const stranger = keysFor();
      await invalid(service, serviceWith(stranger).sign(claims()));
    });

    it("rejects a token signed by another key under the current key's kid", async () => {
      const keys = keysFor();
      const { privateKey } = newKeyPair(KIND[alg]);
      await invalid(
        serviceWith(keys),
        craft({ alg, typ: 'at+jwt', kid: keys.current.kid }, privateKey),
      );
    });

    it(`rejects a token signed by an ${OTHER[alg]} key, listed or not`, async () => {
      const other = newKeyPair(KIND[OTHER[alg]]);
      const keys = keysFor();
      const service = serviceWith(keys);
      const otherKeys = keysFor({ privateKey: other.privateKey, keyAlg: OTHER[alg] });
      await invalid(service, serviceWith(otherKeys).sign(claims()));
      await invalid(
        service,
        craft({ alg: OTHER[alg], typ: 'at+jwt', kid: keys.current.kid }, other.privateKey),
      );
    });

    it('rejects HS256 "signed" with the public key as the secret (algorithm confusion)', async () => {
      const keys = keysFor();
      const service = serviceWith(keys);
      const { kid } = keys.current;
      const secrets = [
        new TextEncoder().encode(publicPem(keys.current.publicKey)),
        new Uint8Array(keys.current.publicKey.export({ format: 'der', type: 'spki' })),
        new TextEncoder().encode(JSON.stringify(keys.current.jwk)),
        Buffer.from(keys.current.jwk.x, 'base64url'),
      ];
      for (const secret of secrets) {
        await invalid(service, craft({ alg: 'HS256', typ: 'at+jwt', kid }, secret));
      }
    });

    it('rejects alg none carrying a known kid', async () => {
      const keys = keysFor();
      const header = Buffer.from(
        JSON.stringify({ alg: 'none', typ: 'at+jwt', kid: keys.current.kid }),
      ).toString('base64url');
      const body = Buffer.from(JSON.stringify(payload())).toString('base64url');
      await invalid(serviceWith(keys), `${header}.${body}.`);
    });

    it('keeps the claim checks: typ, iss, aud, required claims, future iat', async () => {
      const keys = keysFor();
      const service = serviceWith(keys);
      const { kid, privateKey } = keys.current;
      const header = { alg, typ: 'at+jwt', kid };
      expect(await service.verify(await craft(header, privateKey))).to.deep.equal(claims());
      await invalid(service, craft({ ...header, typ: 'JWT' }, privateKey));
      await invalid(service, craft(header, privateKey, payload({ iss: 'someone-else' })));
      await invalid(service, craft(header, privateKey, payload({ aud: 'other' })));
      await invalid(service, craft(header, privateKey, payload({ jti: undefined })));
      await invalid(service, craft(header, privateKey, payload({ iat: NOW + 6 })));
      expect(
        (await service.verify(await craft(header, privateKey, payload({ iat: NOW + 5 })))).issuedAt,
      ).to.equal(NOW + 5);
    });

    it('rejects a token from its exp second on with TOKEN_EXPIRED: no tolerance for exp', async () => {
      const service = serviceWith(keysFor());
      const token = await service.sign(claims());
      clock.advanceSeconds(TTL - 1);
      expect((await service.verify(token)).tokenId).to.equal('token-1');
      for (const late of [TTL, TTL + 4, TTL + 6]) {
        clock.set(new Date((NOW + late) * 1000));
        await expectDomainError(
          service.verify(token),
          'TOKEN_EXPIRED',
          TOKEN_MESSAGES.TOKEN_EXPIRED,
        );
      }
    });

    it('rejects an expired token of an unknown key as TOKEN_INVALID', async () => {
      const token = await serviceWith(keysFor()).sign(claims());
      clock.advanceSeconds(TTL + 6);
      await invalid(serviceWith(keysFor()), token);
    });

    it('publishes a JWKS of public parts only whose kids match the token headers', async () => {
      const retired = newKeyPair(KIND[alg]);
      const oldToken = await serviceWith(keysFor({ privateKey: retired.privateKey })).sign(
        claims({ tokenId: 'old' }),
      );
      const keys = keysFor({ previous: [retired.publicKey] });
      const newToken = await serviceWith(keys).sign(claims({ tokenId: 'new' }));

      const jwks = publicJwks(keys);
      const members =
        alg === 'ES256'
          ? ['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']
          : ['alg', 'crv', 'kid', 'kty', 'use', 'x'];
      for (const jwk of jwks) {
        expect(jwk).not.to.have.property('d');
        expect(Object.keys(jwk).sort()).to.deep.equal(members);
        expect(jwk).to.include({ alg, use: 'sig' });
      }
      const kidOf = (token: string) => (decodeHeader(token) as { kid: string }).kid;
      expect(jwks.map((jwk) => jwk.kid)).to.deep.equal([kidOf(newToken), kidOf(oldToken)]);

      // A third party verifying with nothing but the published JWKS accepts both tokens.
      const remote = createLocalJWKSet({ keys: jwks.map((jwk) => ({ ...jwk })) });
      const options = { algorithms: [alg], currentDate: clock.now() };
      expect((await jwtVerify(newToken, remote, options)).payload.jti).to.equal('new');
      expect((await jwtVerify(oldToken, remote, options)).payload.jti).to.equal('old');
    });
  });
}
