import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Router } from '@koa/router';
import Koa from 'koa';
import type { GatehouseState } from '../../../src/adapters/http/context.js';
import { errorHandler } from '../../../src/adapters/http/errors.js';
import { HTTP_MESSAGES } from '../../../src/adapters/http/problems.js';
import { addJwksRoutes } from '../../../src/adapters/http/jwksRoutes.js';
import {
  loadSigningKeys,
  publicJwks,
  type PublicJwk,
} from '../../../src/adapters/security/signingKeys.js';
import { expect } from '../../support/chai.js';
import { KeyDirectory, newKeyPair, privatePem, publicPem } from '../../support/keyFiles.js';

const PATH = '/.well-known/jwks.json';

describe('GET /.well-known/jwks.json', () => {
  let server: Server | undefined;
  let baseUrl: string;

  async function serve(jwks: readonly PublicJwk[]): Promise<void> {
    const app = new Koa<GatehouseState>();
    const router = new Router<GatehouseState>();
    addJwksRoutes(router, jwks);
    app.use(
      errorHandler('gatehouse', {
        unavailableDependency: () => null,
        loggableMessage: (error) => error.message,
      }),
    );
    app.use(router.routes());
    app.use(router.allowedMethods());
    server = createServer(app.callback()).listen(0, '127.0.0.1');
    await once(server, 'listening');
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  afterEach(async () => {
    if (server) {
      server.close();
      await once(server, 'close');
      server = undefined;
    }
  });

  it('serves the public keys, current first, cacheable for 5 minutes', async () => {
    const dir = new KeyDirectory();
    let jwks: PublicJwk[];
    try {
      jwks = publicJwks(
        loadSigningKeys(
          'ES256',
          dir.write(privatePem(newKeyPair('P-256').privateKey)),
          dir.write(publicPem(newKeyPair('P-256').publicKey)),
        ),
      );
    } finally {
      dir.remove();
    }
    await serve(jwks);

    const response = await fetch(`${baseUrl}${PATH}`);

    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.match(/^application\/json/);
    expect(response.headers.get('cache-control')).to.equal('public, max-age=300');
    const body = (await response.json()) as { keys: Record<string, unknown>[] };
    expect(body).to.deep.equal({ keys: jwks });
    for (const key of body.keys) {
      expect(Object.keys(key).sort()).to.deep.equal(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
    }
  });

  it('never serves a private member, even one it is handed', async () => {
    const { privateKey } = newKeyPair('Ed25519');
    const jwk = privateKey.export({ format: 'jwk' });
    const leaky = { ...jwk, kid: 'k1', alg: 'EdDSA', use: 'sig' } as unknown as PublicJwk;
    await serve([leaky]);

    const text = await (await fetch(`${baseUrl}${PATH}`)).text();

    expect(JSON.parse(text)).to.deep.equal({
      keys: [{ kty: 'OKP', crv: 'Ed25519', x: jwk.x, kid: 'k1', alg: 'EdDSA', use: 'sig' }],
    });
    expect(text).not.to.include(String(jwk.d));
  });

  it('answers the API 404 when there are no public keys (HS256)', async () => {
    await serve([]);

    const response = await fetch(`${baseUrl}${PATH}`);

    expect(response.status).to.equal(404);
    expect(await response.json()).to.deep.equal({
      status: 'fail',
      message: HTTP_MESSAGES.notFound,
    });
  });

  it('answers 405 with Allow to another method', async () => {
    const { publicKey } = newKeyPair('Ed25519');
    const { x } = publicKey.export({ format: 'jwk' });
    await serve([
      { kty: 'OKP', crv: 'Ed25519', x: String(x), kid: 'k1', alg: 'EdDSA', use: 'sig' },
    ]);
    const response = await fetch(`${baseUrl}${PATH}`, { method: 'POST' });
    expect(response.status).to.equal(405);
    expect(response.headers.get('allow')).to.include('GET');
  });
});
