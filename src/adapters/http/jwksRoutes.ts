import type { Router } from '@koa/router';
import type { GatehouseState } from './context.js';

/** A public key as the JWKS publishes it (RFC 7517): these members and nothing else. */
export interface PublishedJwk {
  readonly kty: string;
  readonly crv: string;
  readonly x: string;
  readonly y?: string;
  readonly kid: string;
  readonly alg: string;
  readonly use: string;
}

/** Verifiers refetch at most this often; a rotated-in key should be announced at least this early. */
const MAX_AGE_SECONDS = 300;

/**
 * `GET /.well-known/jwks.json`: the public keys that verify tokens, current first. No keys (HS256:
 * there is nothing public to publish) registers no route, so the path answers the API's JSON 404
 * like any unknown one.
 */
export function addJwksRoutes(
  router: Router<GatehouseState>,
  publicJwks: readonly PublishedJwk[],
): void {
  if (publicJwks.length === 0) return;
  // Rebuilt member by member: whatever the caller passes, no private member is served.
  const body = JSON.stringify({
    keys: publicJwks.map(({ kty, crv, x, y, kid, alg, use }) => ({
      kty,
      crv,
      x,
      y,
      kid,
      alg,
      use,
    })),
  });
  router.get('/.well-known/jwks.json', (ctx) => {
    ctx.set('Cache-Control', `public, max-age=${MAX_AGE_SECONDS}`);
    ctx.type = 'application/json';
    ctx.body = body;
  });
}
