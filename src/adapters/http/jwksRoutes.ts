import type { Router } from '@koa/router';
import type { GatehouseState } from './context.js';
import { header, jsonResponse } from './openapiAnswers.js';
import { componentRef } from './representations.js';
import { registerRoutes, route, type Route } from './route.js';

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
const CACHE_CONTROL = `public, max-age=${MAX_AGE_SECONDS}`;

type Deps = { publicJwks: readonly PublishedJwk[] };

/**
 * `GET /.well-known/jwks.json`: the public keys that verify tokens, current first. No keys (HS256:
 * there is nothing public to publish) registers no route, so the path answers the API's JSON 404
 * like any unknown one.
 */
export const jwksRoutes: ReadonlyArray<Route<Deps>> = [
  route({
    method: 'get',
    path: '/.well-known/jwks.json',
    auth: 'public',
    requires: 'publishesJwks',
    operation: {
      tags: ['keys'],
      summary: 'The public keys that verify access tokens',
      description: 'Served only when JWT_ALG is EdDSA or ES256; with HS256 this path is a 404.',
      operationId: 'jwks',
    },
    responses: {
      '200': jsonResponse('The JWK set', componentRef('JsonWebKeySet'), {
        headers: {
          'Cache-Control': header(
            `Verifiers may keep the set for ${MAX_AGE_SECONDS / 60} minutes`,
            {
              type: 'string',
              const: CACHE_CONTROL,
            },
          ),
        },
      }),
    },
    handler: ({ publicJwks }) => {
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
      return (ctx) => {
        ctx.set('Cache-Control', CACHE_CONTROL);
        ctx.type = 'application/json';
        ctx.body = body;
      };
    },
  }),
];

/** The JWKS route alone, when there are keys to publish (as the full router registers it). */
export function addJwksRoutes(
  router: Router<GatehouseState>,
  publicJwks: readonly PublishedJwk[],
): void {
  if (publicJwks.length > 0) registerRoutes(router, jwksRoutes, { publicJwks });
}
