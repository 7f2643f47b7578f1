import { MISSING_FIELD } from './validation.js';
import { refreshRequestSchema } from './schemas.js';
import {
  BAD_BODY,
  bodyOfSchema,
  componentRef,
  errorResponse,
  HEADERS,
  RESPONSES,
  takesBody,
  tokenResponse,
  validationFailed,
  withCommonAnswers,
  type JsonSchema,
  type OpenApiDocument,
  type Operation,
  type Response,
} from './openapi.js';

/**
 * What REFRESH_TOKENS=on adds to the OpenAPI document: `POST /api/v1/auth/refresh`, its request
 * schema (the very one its validator compiles) and the two refresh fields of every token answer.
 * Kept apart from openapi.ts, which builds the document without them. openapi.ts imports this
 * module and this module its helpers: everything here runs when a document is built, never while
 * the modules load, so the cycle is harmless.
 */

export const REFRESH_PATH = '/api/v1/auth/refresh';
const LOGIN_PATH = '/api/v1/auth/login';
const REFRESH_REQUEST = 'RefreshRequest';
const TOKEN_RESPONSE = 'TokenResponse';
const REFRESH_TOKEN_EXAMPLE = 'Xq3v0b7yJ8kQm2Zt5nWc9LrA1sD4fG6hK8pE0uY2iO4';
const REFRESH_TTL_EXAMPLE = 2_592_000;
const REFRESH_FIELDS_NOTE =
  '`refresh_token` and `refresh_expires_in` only with REFRESH_TOKENS=on (off: the body ends at ' +
  '`expires_in`).';

/** `document` with the refresh route and fields; the document itself is left as it was. */
export function withRefreshTokens(document: OpenApiDocument): OpenApiDocument {
  const { schemas } = document.components;
  const tokenResponse = schemas[TOKEN_RESPONSE];
  if (tokenResponse === undefined || document.paths[LOGIN_PATH] === undefined) {
    throw new Error(`the document has no ${TOKEN_RESPONSE} or no ${LOGIN_PATH}`);
  }
  // Right after login in the document, and so in the reference generated from it.
  const entries = Object.entries(document.paths).flatMap(([path, item]) =>
    path === LOGIN_PATH
      ? [[path, item] as const, ...Object.entries(refreshPaths())]
      : [[path, item] as const],
  );
  const paths = Object.fromEntries(
    entries.map(([path, item]) => [
      path,
      Object.fromEntries(
        Object.entries(item).map(([method, operation]) => [
          method,
          // The refresh route's own answers need no note: it exists with REFRESH_TOKENS=on only.
          withRefreshExample(operation, path !== REFRESH_PATH),
        ]),
      ),
    ]),
  );
  return {
    ...document,
    paths,
    components: {
      ...document.components,
      schemas: {
        ...schemas,
        [TOKEN_RESPONSE]: withRefreshFields(tokenResponse),
        [REFRESH_REQUEST]: refreshRequestSchema,
      },
    },
  };
}

/** Every token answer also carries the session's refresh token, after `expires_in`. */
function withRefreshFields(schema: JsonSchema): JsonSchema {
  return {
    ...schema,
    properties: {
      ...schema.properties,
      refresh_token: {
        type: 'string',
        pattern: '^[A-Za-z0-9_-]{43}$',
        description:
          'Opaque: 256 random bits, base64url. Spent by its first use at /api/v1/auth/refresh; ' +
          'keep the one of the latest answer',
        examples: [REFRESH_TOKEN_EXAMPLE],
      },
      refresh_expires_in: {
        type: 'integer',
        minimum: 1,
        description: 'Lifetime of the refresh token in seconds (REFRESH_TOKEN_TTL_SECONDS)',
        examples: [REFRESH_TTL_EXAMPLE],
      },
    },
    required: [...(schema.required ?? []), 'refresh_token', 'refresh_expires_in'],
  };
}

/**
 * Token answers: their examples must hold the fields the schema now requires, and their
 * descriptions say the fields are REFRESH_TOKENS=on's (the reference is generated from this
 * document, and read by people running with it off too).
 */
function withRefreshExample(operation: Operation, note: boolean): Operation {
  const responses = Object.entries(operation.responses).map(
    ([status, response]): [string, Response] => {
      const json = response.content?.['application/json'];
      const example: unknown = json?.example;
      const answersToken = json?.schema.$ref === componentRef(TOKEN_RESPONSE).$ref;
      if (json === undefined || !answersToken || !isObject(example)) return [status, response];
      const refreshed = {
        ...example,
        refresh_token: REFRESH_TOKEN_EXAMPLE,
        refresh_expires_in: REFRESH_TTL_EXAMPLE,
      };
      return [
        status,
        {
          ...response,
          description: note
            ? `${response.description.replace(/\.$/, '')}. ${REFRESH_FIELDS_NOTE}`
            : response.description,
          content: { ...response.content, 'application/json': { ...json, example: refreshed } },
        },
      ];
    },
  );
  return { ...operation, responses: Object.fromEntries(responses) };
}

function refreshPaths(): OpenApiDocument['paths'] {
  const invalid = 'Invalid token. Please log in again.';
  return withCommonAnswers({
    [REFRESH_PATH]: {
      post: takesBody({
        tags: ['auth'],
        summary: 'Spend a refresh token for a new access token and a new refresh token',
        description:
          'Served only with REFRESH_TOKENS=on; otherwise this path is a 404. No access token ' +
          'needed, and not counted towards AUTH_MAX_REQUESTS. Each refresh token works once ' +
          '(rotation): keep the new one from the answer. Presenting a spent one again more than ' +
          'REFRESH_REUSE_GRACE_SECONDS after it was spent revokes its whole family — the live ' +
          'refresh token and every access token issued from that login — while the same ' +
          "user's other logins live on; within that grace it is refused and nothing is revoked.",
        operationId: 'refresh',
        requestBody: bodyOfSchema(
          componentRef(REFRESH_REQUEST),
          '`refresh_token`: the refresh token of the latest token answer.',
        ),
        responses: {
          '200': tokenResponse(
            'Refreshed: a new access token and a new refresh token; the presented one is spent',
            'token refreshed',
          ),
          '400': validationFailed({ refresh_token: MISSING_FIELD }, BAD_BODY),
          '401': errorResponse(
            'A refresh token that is malformed, unknown, expired, spent or revoked, or whose ' +
              'user is gone: indistinguishable, and answered as an invalid token: log in again',
            invalid,
            { 'WWW-Authenticate': HEADERS.wwwAuthenticate },
          ),
          '500': RESPONSES.internalError,
          '503': RESPONSES.unavailable,
        },
      }),
    },
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
