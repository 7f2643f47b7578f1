import type { KeyObject } from 'node:crypto';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, SignJWT } from 'jose';
import type { RunningServer } from '../../../src/main/server.js';
import { expect } from '../../support/chai.js';
import { sqliteUrl } from '../../support/databases.js';
import {
  KeyDirectory,
  newKeyPair,
  privatePem,
  publicPem,
  type KeyKind,
} from '../../support/keyFiles.js';
import { request, startTestServer, TEST_SECRET, type Reply } from '../../support/server.js';
import { expectFail } from '../../support/answers.js';

const INVALID = 'Invalid token. Please log in again.';
const INVALID_CHALLENGE = `Bearer realm="gatehouse", error="invalid_token", error_description="${INVALID}"`;
const KIND = { EdDSA: 'Ed25519', ES256: 'P-256' } as const satisfies Record<string, KeyKind>;

function expectInvalidToken(reply: Reply): void {
  expectFail(reply, 401, INVALID);
  expect(reply.headers.get('www-authenticate')).to.equal(INVALID_CHALLENGE);
}

for (const alg of ['EdDSA', 'ES256'] as const) {
  describe(`signing with ${alg} over HTTP`, () => {
    let keys: KeyDirectory;
    let databaseUrl: string;
    const servers: RunningServer[] = [];
    const credentials = { email: 'signer@example.com', password: 'password1' };

    /** A server signing with `privateKey`, also accepting `previous` keys; closed after the test. */
    async function serve(privateKey: KeyObject, previous: KeyObject[] = []) {
      const server = await startTestServer(databaseUrl, {
        JWT_ALG: alg,
        JWT_PRIVATE_KEY_FILE: keys.write(privatePem(privateKey)),
        ...(previous.length > 0
          ? { JWT_PREVIOUS_KEYS_FILE: keys.write(previous.map(publicPem).join('')) }
          : {}),
      });
      servers.push(server);
      return {
        url: server.url,
        close: () => server.close(),
        call: (method: string, path: string, options?: Parameters<typeof request>[3]) =>
          request(server.url, method, path, options),
      };
    }

    beforeEach(() => {
      keys = new KeyDirectory();
      databaseUrl = sqliteUrl();
    });

    afterEach(async () => {
      await Promise.all(servers.splice(0).map((server) => server.close()));
      keys.remove();
    });

    it('issues tokens that a client knowing only the JWKS URL verifies', async () => {
      const server = await serve(newKeyPair(KIND[alg]).privateKey);
      const registered = await server.call('POST', '/api/v1/auth/register', { json: credentials });
      expect(registered.status).to.equal(201);
      const token = registered.json.access_token as string;

      const jwks = createRemoteJWKSet(new URL('/.well-known/jwks.json', server.url));
      const { payload, protectedHeader } = await jwtVerify(token, jwks, {
        issuer: 'gatehouse',
        audience: 'gatehouse',
        typ: 'at+jwt',
        algorithms: [alg],
      });
      expect(protectedHeader.alg).to.equal(alg);
      const user = await server.call('GET', '/api/v1/auth/user', { token });
      expect(payload.sub).to.equal(user.json.public_id);
    });

    it('rotates keys: old tokens work while their key is listed, new tokens use the new key', async () => {
      const oldKey = newKeyPair(KIND[alg]);
      const newKey = newKeyPair(KIND[alg]);

      const before = await serve(oldKey.privateKey);
      const oldToken = (await before.call('POST', '/api/v1/auth/register', { json: credentials }))
        .json.access_token as string;
      const oldKid = decodeProtectedHeader(oldToken).kid;
      await before.close();

      const rotated = await serve(newKey.privateKey, [oldKey.publicKey]);
      expect((await rotated.call('GET', '/api/v1/auth/user', { token: oldToken })).status).to.equal(
        200,
      );
      const login = await rotated.call('POST', '/api/v1/auth/login', { json: credentials });
      const newToken = login.json.access_token as string;
      const newKid = decodeProtectedHeader(newToken).kid;
      expect(newKid).to.be.a('string').and.not.equal(oldKid);
      const jwks = await rotated.call('GET', '/.well-known/jwks.json');
      expect(jwks.json.keys.map((key: { kid: string }) => key.kid)).to.deep.equal([newKid, oldKid]);
      await jwtVerify(newToken, createRemoteJWKSet(new URL('/.well-known/jwks.json', rotated.url)));
      await rotated.close();

      // Once the old key is dropped from the list, its tokens are worthless.
      const after = await serve(newKey.privateKey);
      expectInvalidToken(await after.call('GET', '/api/v1/auth/user', { token: oldToken }));
      expect((await after.call('GET', '/api/v1/auth/user', { token: newToken })).status).to.equal(
        200,
      );
    });

    it('refuses the same claims signed by an unknown key, even under the server kid', async () => {
      const server = await serve(newKeyPair(KIND[alg]).privateKey);
      const token = (await server.call('POST', '/api/v1/auth/register', { json: credentials })).json
        .access_token as string;
      const header = decodeProtectedHeader(token);
      const forged = await new SignJWT(decodeJwt(token))
        .setProtectedHeader({ alg, typ: 'at+jwt', kid: header.kid })
        .sign(newKeyPair(KIND[alg]).privateKey);
      expectInvalidToken(await server.call('GET', '/api/v1/auth/user', { token: forged }));
    });

    it('refuses an HS256 token signed with JWT_SECRET, which this server does not use', async () => {
      const server = await serve(newKeyPair(KIND[alg]).privateKey);
      const token = (await server.call('POST', '/api/v1/auth/register', { json: credentials })).json
        .access_token as string;
      const forged = await new SignJWT(decodeJwt(token))
        .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
        .sign(new TextEncoder().encode(TEST_SECRET));
      expectInvalidToken(await server.call('GET', '/api/v1/auth/user', { token: forged }));
    });
  });
}
