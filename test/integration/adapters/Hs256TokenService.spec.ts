import { generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import type { CryptoKey, JWTHeaderParameters, JWTPayload } from 'jose';
import { CryptoIdGenerator } from '../../../src/adapters/security/CryptoIdGenerator.js';
import { Hs256TokenService } from '../../../src/adapters/security/Hs256TokenService.js';
import { TOKEN_MESSAGES } from '../../../src/domain/index.js';
import type { AccessTokenClaims } from '../../../src/domain/index.js';
import { expect } from '../../support/chai.js';
import { expectDomainError } from '../../support/expectDomainError.js';
import { FixedClock } from '../../support/fakes/FixedClock.js';

const SECRET = 'a-test-secret-of-at-least-thirty-two-bytes';
const KEY = new TextEncoder().encode(SECRET);
const START = '2026-03-01T12:00:00Z';
const NOW = Date.parse(START) / 1000;
const TTL = 900;
const SUBJECT = '6f1c1a52-3c5e-4d8e-9a53-2f2b0f6f8a11';

describe('Hs256TokenService', () => {
  let clock: FixedClock;
  let service: Hs256TokenService;

  beforeEach(() => {
    clock = new FixedClock(START);
    service = new Hs256TokenService({
      secret: SECRET,
      issuer: 'gatehouse',
      audience: 'gatehouse-api',
      toleranceSeconds: 5,
      clock,
    });
  });

  function claims(overrides: Partial<AccessTokenClaims> = {}): AccessTokenClaims {
    return {
      subject: SUBJECT,
      admin: false,
      issuedAt: NOW,
      expiresAt: NOW + TTL,
      tokenId: 'token-1',
      generation: 0,
      ...overrides,
    };
  }

  /** The claims set `sign` produces, for crafting variants by hand. */
  function payload(overrides: Record<string, unknown> = {}): JWTPayload {
    return {
      sub: SUBJECT,
      admin: false,
      iat: NOW,
      exp: NOW + TTL,
      jti: 'token-1',
      iss: 'gatehouse',
      aud: 'gatehouse-api',
      gen: 0,
      ...overrides,
    };
  }

  function craft(
    body: JWTPayload = payload(),
    header: JWTHeaderParameters = { alg: 'HS256', typ: 'at+jwt' },
    key: Uint8Array | CryptoKey = KEY,
  ): Promise<string> {
    return new SignJWT(body).setProtectedHeader(header).sign(key);
  }

  const invalid = (token: string | Promise<string>) =>
    expectDomainError(
      Promise.resolve(token).then((t) => service.verify(t)),
      'TOKEN_INVALID',
      TOKEN_MESSAGES.TOKEN_INVALID,
    );

  const decodeHeader = (token: string): unknown =>
    JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8'));

  describe('round trip', () => {
    it('signs claims that verify back to the same claims', async () => {
      const token = await service.sign(claims({ admin: true }));
      expect(await service.verify(token)).to.deep.equal(claims({ admin: true }));
    });

    it('signs HS256 with typ at+jwt and the configured iss and aud', async () => {
      const token = await service.sign(claims());
      expect(decodeHeader(token)).to.deep.equal({ alg: 'HS256', typ: 'at+jwt' });
      const body: unknown = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
      expect(body).to.deep.equal(payload());
    });

    it('gives two tokens for the same user in the same second different values', async () => {
      const ids = new CryptoIdGenerator();
      const first = await service.sign(claims({ tokenId: ids.newId() }));
      const second = await service.sign(claims({ tokenId: ids.newId() }));
      expect(first).not.to.equal(second);
    });

    it('accepts a token crafted exactly like its own', async () => {
      expect(await service.verify(await craft())).to.deep.equal(claims());
    });
  });

  describe('expiry', () => {
    it('accepts a token in the last second before exp', async () => {
      const token = await service.sign(claims());
      clock.advanceSeconds(TTL - 1);
      expect((await service.verify(token)).tokenId).to.equal('token-1');
    });

    it('rejects a token from its exp second on with TOKEN_EXPIRED: no tolerance for exp', async () => {
      const token = await service.sign(claims());
      for (const late of [TTL, TTL + 1, TTL + 4, TTL + 6]) {
        clock.set(new Date((NOW + late) * 1000));
        await expectDomainError(
          service.verify(token),
          'TOKEN_EXPIRED',
          TOKEN_MESSAGES.TOKEN_EXPIRED,
        );
      }
    });

    it('rejects an expired token with a bad signature as TOKEN_INVALID', async () => {
      const token = await craft(payload(), undefined, new TextEncoder().encode(`${SECRET}-other`));
      clock.advanceSeconds(TTL + 6);
      await invalid(token);
    });
  });

  describe('signature and algorithm', () => {
    it('rejects a tampered signature', async () => {
      const token = await service.sign(claims());
      const [header, body, signature] = token.split('.');
      const flipped = (signature!.startsWith('A') ? 'B' : 'A') + signature!.slice(1);
      await invalid(`${header}.${body}.${flipped}`);
    });

    it('rejects a tampered payload', async () => {
      const token = await service.sign(claims());
      const [header, , signature] = token.split('.');
      const body = Buffer.from(JSON.stringify(payload({ admin: true }))).toString('base64url');
      await invalid(`${header}.${body}.${signature}`);
    });

    it('rejects a token signed with another secret', async () => {
      const other = new Hs256TokenService({
        secret: `${SECRET}-other`,
        issuer: 'gatehouse',
        audience: 'gatehouse-api',
        toleranceSeconds: 5,
        clock,
      });
      await invalid(other.sign(claims()));
    });

    it('rejects alg none, with or without typ', async () => {
      const unsecured = new UnsecuredJWT(payload()).encode();
      await invalid(unsecured);
      const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString(
        'base64url',
      );
      const body = Buffer.from(JSON.stringify(payload())).toString('base64url');
      await invalid(`${header}.${body}.`);
    });

    for (const alg of ['HS384', 'HS512']) {
      it(`rejects ${alg} signed with the same secret`, async () => {
        await invalid(craft(payload(), { alg, typ: 'at+jwt' }));
      });
    }

    for (const alg of ['RS256', 'EdDSA', 'ES256']) {
      it(`rejects an ${alg}-signed token`, async () => {
        const { privateKey } = await generateKeyPair(alg);
        await invalid(craft(payload(), { alg, typ: 'at+jwt' }, privateKey));
      });
    }
  });

  describe('header and claims', () => {
    it('rejects a token without typ', async () => {
      await invalid(craft(payload(), { alg: 'HS256' }));
    });

    it('rejects typ JWT', async () => {
      await invalid(craft(payload(), { alg: 'HS256', typ: 'JWT' }));
    });

    it('rejects another issuer, and a missing one', async () => {
      await invalid(craft(payload({ iss: 'someone-else' })));
      await invalid(craft(payload({ iss: undefined })));
    });

    it('rejects another audience, and a missing one', async () => {
      await invalid(craft(payload({ aud: 'gatehouse' })));
      await invalid(craft(payload({ aud: undefined })));
    });

    for (const claim of ['sub', 'jti', 'exp', 'iat']) {
      it(`rejects a token without ${claim}`, async () => {
        await invalid(craft(payload({ [claim]: undefined })));
      });
    }

    it('rejects a non-string sub and an empty or non-string jti', async () => {
      await invalid(craft(payload({ sub: 42 })));
      await invalid(craft(payload({ jti: '' })));
      await invalid(craft(payload({ jti: 7 })));
      await invalid(craft(payload({ jti: 'j'.repeat(65) })));
    });

    it('rejects a missing or non-boolean admin', async () => {
      for (const admin of [undefined, 'true', 1, null]) {
        await invalid(craft(payload({ admin })));
      }
    });

    it('rejects non-numeric or fractional times', async () => {
      await invalid(craft(payload({ iat: String(NOW) })));
      await invalid(craft(payload({ exp: String(NOW + TTL) })));
      await invalid(craft(payload({ iat: NOW + 0.5 })));
    });
  });

  describe('times in the future', () => {
    it('accepts iat 4 s and 5 s in the future', async () => {
      expect((await service.verify(await craft(payload({ iat: NOW + 4 })))).issuedAt).to.equal(
        NOW + 4,
      );
      expect((await service.verify(await craft(payload({ iat: NOW + 5 })))).issuedAt).to.equal(
        NOW + 5,
      );
    });

    it('rejects iat 6 s in the future', async () => {
      await invalid(craft(payload({ iat: NOW + 6 })));
    });

    it('accepts nbf 4 s in the future and rejects nbf 6 s in the future', async () => {
      expect(await service.verify(await craft(payload({ nbf: NOW + 4 })))).to.deep.equal(claims());
      await invalid(craft(payload({ nbf: NOW + 6 })));
    });
  });

  describe('one spelling per token', () => {
    it('accepts typ application/at+jwt and AT+JWT, as media types compare', async () => {
      for (const typ of ['application/at+jwt', 'AT+JWT']) {
        expect(await service.verify(await craft(payload(), { alg: 'HS256', typ }))).to.deep.equal(
          claims(),
        );
      }
    });

    it('rejects a crit header extension it does not understand', async () => {
      const header = Buffer.from(
        JSON.stringify({ alg: 'HS256', typ: 'at+jwt', crit: ['x-gh'], 'x-gh': 1 }),
      ).toString('base64url');
      const body = Buffer.from(JSON.stringify(payload())).toString('base64url');
      await invalid(craftRaw(`${header}.${body}`));
    });

    it('rejects a signature with characters outside base64url, or with padding', async () => {
      const token = await service.sign(claims());
      for (const suffix of ['=', '!', ' ', '\n']) {
        await invalid(`${token}${suffix}`);
      }
      const [header, body, signature] = token.split('.');
      await invalid(`${header}.${body}.+${signature!.slice(1)}`);
    });

    it('rejects a payload that is JSON but not an object', async () => {
      const [header] = (await service.sign(claims())).split('.');
      for (const body of ['[]', 'null', '42', '"x"']) {
        const segment = Buffer.from(body).toString('base64url');
        await invalid(craftRaw(`${header}.${segment}`));
      }
    });
  });

  /** Signs any signing input with the test secret, as an attacker who knows it could. */
  async function craftRaw(signingInput: string): Promise<string> {
    const { createHmac } = await import('node:crypto');
    return `${signingInput}.${createHmac('sha256', KEY).update(signingInput).digest('base64url')}`;
  }

  describe('garbage', () => {
    for (const token of ['', 'abc', 'a.b.c', '..', 'a.b', 'a.b.c.d', 'Bearer x.y.z']) {
      it(`rejects ${JSON.stringify(token)}`, async () => {
        await invalid(token);
      });
    }

    it('rejects a header that is not JSON', async () => {
      const token = await service.sign(claims());
      await invalid(`${Buffer.from('{not json').toString('base64url')}.${token.split('.')[1]}.x`);
    });
  });
  describe('token generation (gen)', () => {
    it('signs the generation as `gen` and verifies it back', async () => {
      const token = await service.sign(claims({ generation: 7 }));
      const body: unknown = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
      expect(body).to.deep.equal(payload({ gen: 7 }));
      expect((await service.verify(token)).generation).to.equal(7);
    });

    it('reads a token without `gen` (issued before the claim existed) as generation 0', async () => {
      const older = payload();
      delete older.gen;
      expect(await service.verify(await craft(older))).to.deep.equal(claims({ generation: 0 }));
    });

    for (const gen of [-1, 1.5, '1', null, true, [1], Number.MAX_SAFE_INTEGER + 1]) {
      it(`rejects gen ${JSON.stringify(gen)}: not a non-negative safe integer`, async () => {
        await invalid(craft(payload({ gen })));
      });
    }
  });
});
