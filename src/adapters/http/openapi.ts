import { readFileSync } from 'node:fs';
import type { TObject, TSchema } from 'typebox';
import Type from './jsonSchema.js';
import { RESPONSES } from './openapiAnswers.js';
import { withRefreshTokens } from './openapiRefresh.js';
import {
  jsonSchema,
  type JsonSchema,
  type OpenApiDocument,
  type Operation,
  type Parameter,
  type Response,
} from './openapiTypes.js';
import { USERS_PATH, WIDGETS_PATH } from './presentation.js';
import {
  accountSchema,
  componentRef,
  errorSchema,
  healthSchema,
  jwkSetSchema,
  messageSchema,
  notReadySchema,
  pageSchema,
  tokenResponseSchema,
  userSchema,
  widgetRepresentationSchema,
} from './representations.js';
import type { Route } from './route.js';
import { ROUTES, routesFor } from './routes.js';

/**
 * The OpenAPI 3.1 document of the route table: each route becomes one operation, with the
 * answers its declared facts imply (a token: 401, 500, 503; an admin: 403; a body: 413, 415;
 * the throttle: 429). Request schemas are the very objects the validators compile, response
 * schemas the ones presentation.ts is typed by, so the document cannot drift from either.
 */

export interface OpenApiOptions {
  /** Whether `/.well-known/jwks.json` is served (JWT_ALG EdDSA or ES256), as the router does. */
  publishesJwks: boolean;
  /** Whether `/api/v1/auth/refresh` is served and token answers carry refresh tokens
   * (REFRESH_TOKENS=on), as the router does; default false. */
  refreshTokens?: boolean;
  /** Defaults to package.json's. */
  version?: string;
}

const JSON_TYPE = 'application/json';
const FORM_TYPE = 'application/x-www-form-urlencoded';
const BEARER = [{ bearer: [] }];
const BEARER_TOKEN =
  'The `access_token` of a token answer: a JWS of type `at+jwt` (RFC 9068), issued and ' +
  'verified as RFC8725 advises: one algorithm per server (HS256, EdDSA or ES256, never ' +
  '`none`), its `typ`, issuer, audience and expiry checked. A server that signs with a key ' +
  'pair (EdDSA, ES256) publishes its public keys as a JWK Set at `GET /.well-known/jwks.json`; ' +
  'on an HS256 server the secret verifies tokens, nothing is published and that path is a 404.';

/** The answers' schemas, published when some operation refers to them. */
const RESPONSE_SCHEMAS: Record<string, TSchema> = {
  TokenResponse: tokenResponseSchema,
  Message: messageSchema,
  User: userSchema,
  Account: accountSchema,
  AccountPage: pageSchema(USERS_PATH, componentRef<typeof accountSchema>('Account')),
  Widget: widgetRepresentationSchema,
  WidgetPage: pageSchema(WIDGETS_PATH, componentRef<typeof widgetRepresentationSchema>('Widget')),
  Health: healthSchema,
  NotReady: notReadySchema,
  JsonWebKeySet: jwkSetSchema,
  Error: errorSchema,
};

/** The tags in the document's order; one is listed when some operation has it. */
const TAGS: Record<string, string> = {
  auth: 'Accounts and access tokens',
  widgets: 'Widgets: any user reads, administrators write',
  users: 'User management (administrators)',
  health: 'Probes',
  keys: 'Token verification keys (EdDSA and ES256 only)',
  documentation: 'This document and its UI',
};

/** `/api/v1/widgets/:name` → `/api/v1/widgets/{name}`. */
function openApiPath(path: string): string {
  return path.replace(/:(\w+)/g, '{$1}');
}

function parametersOf(route: Route<never>): Parameter[] {
  const path = Object.entries(route.params ?? {}).map(
    ([name, { description, schema }]): Parameter => ({
      name,
      in: 'path',
      required: true,
      description,
      schema: jsonSchema(schema),
    }),
  );
  const { query } = route;
  const queried = Object.entries(query?.schema.properties ?? {}).map(
    ([name, schema]): Parameter => ({
      name,
      in: 'query',
      required: query?.schema.required?.includes(name) ?? false,
      description: query?.descriptions[name] ?? '',
      schema: jsonSchema(schema),
    }),
  );
  return [...path, ...queried];
}

/** The route's own answers and those its facts imply; every operation may get Node's 431. */
function responsesOf(route: Route<never>): Record<string, Response> {
  const own = route.responses;
  const failures = { '500': RESPONSES.internalError, '503': RESPONSES.unavailable };
  return {
    ...own,
    ...(route.throttled && { '429': own['429'] ?? RESPONSES.rateLimited, ...failures }),
    ...(route.auth !== 'public' && { '401': own['401'] ?? RESPONSES.unauthorized, ...failures }),
    ...(route.auth === 'admin' && { '403': RESPONSES.forbidden }),
    ...(route.body && {
      '413': RESPONSES.payloadTooLarge,
      '415': RESPONSES.unsupportedMediaType,
    }),
    '431': RESPONSES.headersTooLarge,
  };
}

function operationOf(route: Route<never>): Operation {
  const parameters = parametersOf(route);
  const { body } = route;
  const schema = body && jsonSchema(componentRef(body.component));
  return {
    ...route.operation,
    security: route.auth === 'public' ? [] : BEARER,
    ...(parameters.length > 0 && { parameters }),
    ...(body &&
      schema && {
        requestBody: {
          required: true,
          description: `${body.description} Sent as JSON or as a form; unknown fields are ignored.`,
          content: { [JSON_TYPE]: { schema }, [FORM_TYPE]: { schema } },
        },
      }),
    responses: responsesOf(route),
  };
}

/** The schema a route's body is published with: without the fields its path supplies. */
function publishedBody(schema: TObject, fromPath: readonly string[] = []): JsonSchema {
  return jsonSchema(fromPath.length === 0 ? schema : Type.Omit(schema, [...fromPath]));
}

/** Every `$ref` name under `value`. */
function referencedNames(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) referencedNames(item, into);
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, member] of Object.entries(value)) {
      if (key === '$ref' && typeof member === 'string') into.add(member.split('/').at(-1) ?? '');
      else referencedNames(member, into);
    }
  }
  return into;
}

/** The request bodies' schemas, then the answers' ones the document refers to. */
function componentSchemas(routes: ReadonlyArray<Route<never>>, referring: unknown) {
  const schemas: Record<string, JsonSchema> = {};
  for (const { body } of routes) {
    if (body === undefined) continue;
    const published = schemas[body.component];
    if (published !== undefined && published !== jsonSchema(body.schema) && !body.fromPath) {
      throw new Error(`two request schemas are named ${body.component}`);
    }
    schemas[body.component] ??= publishedBody(body.schema, body.fromPath);
  }
  // A referenced schema's own references (a page's items) are referenced too.
  const referenced = referencedNames(referring);
  for (let count = 0; count !== referenced.size;) {
    count = referenced.size;
    for (const name of referenced) referencedNames(RESPONSE_SCHEMAS[name], referenced);
  }
  for (const [name, schema] of Object.entries(RESPONSE_SCHEMAS)) {
    if (referenced.has(name)) schemas[name] = jsonSchema(schema);
  }
  return schemas;
}

/** package.json's version: three levels up from src/adapters/http and dist/adapters/http alike. */
function packageVersion(): string {
  const manifest: unknown = JSON.parse(
    readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'),
  );
  const version = (manifest as { version?: unknown }).version;
  return typeof version === 'string' ? version : '0.0.0';
}

/** The document of `routes` (by default the API's own) as served with `options`' settings. */
export function buildOpenApiDocument(
  options: OpenApiOptions,
  routes: ReadonlyArray<Route<never>> = ROUTES,
): OpenApiDocument {
  const refreshTokens = options.refreshTokens === true;
  const served = routesFor({ publishesJwks: options.publishesJwks, refreshTokens }, routes);
  const paths: OpenApiDocument['paths'] = {};
  for (const route of served) {
    const path = openApiPath(route.path);
    paths[path] = { ...paths[path], [route.method]: operationOf(route) };
  }
  const unrouted = { NotFound: RESPONSES.notFound, MethodNotAllowed: RESPONSES.methodNotAllowed };
  const tagged = new Set(served.flatMap((route) => route.operation.tags));
  const untold = [...tagged].filter((tag) => TAGS[tag] === undefined);
  if (untold.length > 0) throw new Error(`no description for the tags ${untold.join(', ')}`);
  const document: OpenApiDocument = {
    openapi: '3.1.0',
    info: {
      title: 'Gatehouse',
      version: options.version ?? packageVersion(),
      description:
        'User accounts with JWT access tokens, and an admin-guarded widget resource. ' +
        'Register or log in, copy `access_token` from the answer into **Authorize**, then call ' +
        'the secured routes. Errors are `{"status", "message", "errors"?}`; unknown routes 404 ' +
        'and wrong methods 405 in that shape.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: '/' }],
    tags: Object.entries(TAGS)
      .filter(([name]) => tagged.has(name))
      .map(([name, description]) => ({ name, description })),
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: BEARER_TOKEN },
      },
      schemas: componentSchemas(served, [paths, unrouted]),
    },
    'x-unrouted-responses': unrouted,
  };
  return refreshTokens ? withRefreshTokens(document) : document;
}
