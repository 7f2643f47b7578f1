import { TOKEN_MESSAGES, tooManyAttempts, widgetNotFound } from '../../domain/index.js';
import { BODY_LIMIT_BYTES } from './body.js';
import { HTTP_MESSAGES, INTERNAL_ERROR_BODY, UNAVAILABLE_BODY } from './problems.js';
import { ACCESS_TOKEN_EXAMPLE, componentRef } from './representations.js';
import type { TSchema } from 'typebox';
import {
  jsonSchema,
  type Header,
  type JsonSchema,
  type MediaType,
  type Response,
} from './openapiTypes.js';

/**
 * The answers routes declare in the table, and those the table's facts imply (a token's 401, a
 * body's 413 and 415): described once here, their messages taken from where they are raised.
 */

const JSON_TYPE = 'application/json';

/** A header sent on every response of its status. */
export function header(description: string, schema: JsonSchema = { type: 'string' }): Header {
  return { description, required: true, schema };
}

const constant = (value: string): JsonSchema => ({ type: 'string', const: value });

export const HEADERS = {
  location: header('Absolute URL of the widget', { type: 'string', format: 'uri' }),
  link: header('RFC 8288 links to the self, first, prev, next and last pages (absolute URLs)', {
    type: 'string',
    pattern: '^<https?://[^>]+>; rel="self"',
  }),
  totalCount: header('Number of items in the whole listing', { type: 'integer', minimum: 0 }),
  retryAfter: header('Seconds until the next attempt is allowed', { type: 'integer', minimum: 1 }),
  wwwAuthenticate: header(
    'Bearer challenge: `Bearer realm="<realm>"` when no token was sent, else with ' +
      '`error="invalid_token"` (401) or `error="insufficient_scope"` (403) and `error_description`',
    {
      type: 'string',
      pattern: '^Bearer realm="[^"]*"(, error="[a-z_]+", error_description=".*")?$',
    },
  ),
  noStore: header('`no-store`: tokens and user data are never cached', constant('no-store')),
  pragma: header('`no-cache`, for HTTP/1.0 caches', constant('no-cache')),
  allow: header('The methods the path has', { type: 'string', examples: ['HEAD, GET'] }),
} as const;

export function jsonResponse(
  description: string,
  schema: TSchema,
  options: { headers?: Record<string, Header>; example?: unknown } = {},
): Response {
  const media: MediaType = {
    schema: jsonSchema(schema),
    ...(options.example === undefined ? {} : { example: options.example }),
  };
  return {
    description,
    ...(options.headers ? { headers: options.headers } : {}),
    content: { [JSON_TYPE]: media },
  };
}

const ERROR = componentRef('Error');

export function errorResponse(
  description: string,
  message: string,
  headers?: Record<string, Header>,
): Response {
  return jsonResponse(description, ERROR, {
    ...(headers ? { headers } : {}),
    example: { status: 'fail', message },
  });
}

export const BAD_BODY =
  `A body that cannot be read (\`${HTTP_MESSAGES.malformedJson}\`, \`${HTTP_MESSAGES.invalidUtf8}\`) ` +
  'is a 400 without `errors`.';
// Absolute links (Location, Link) are built from the Host (or, behind a trusted proxy, the
// X-Forwarded-*) header, so the routes that send them refuse a host or scheme they cannot use.
export const BAD_HOST = `\`${HTTP_MESSAGES.invalidHost}\` and \`${HTTP_MESSAGES.invalidForwardedProto}\` are 400s too.`;

/** The 400 of the validators: `also` names the route's other 400s. */
export function validationFailed(fields: Record<string, string>, ...also: string[]): Response {
  return jsonResponse(
    ['Input payload validation failed: `errors` names every failing field.', ...also].join(' '),
    ERROR,
    { example: { status: 'fail', message: 'Input payload validation failed', errors: fields } },
  );
}

const TOO_MANY_ATTEMPTS = tooManyAttempts(1).message;

export const RESPONSES = {
  unauthorized: errorResponse(
    'No token, or a token that is invalid, expired, revoked or of a deleted user',
    TOKEN_MESSAGES.TOKEN_INVALID,
    { 'WWW-Authenticate': HEADERS.wwwAuthenticate },
  ),
  forbidden: errorResponse(
    'The token is valid but its user is not an administrator',
    TOKEN_MESSAGES.FORBIDDEN,
    { 'WWW-Authenticate': HEADERS.wwwAuthenticate },
  ),
  payloadTooLarge: errorResponse(
    `A body over ${BODY_LIMIT_BYTES / 1024} KiB`,
    HTTP_MESSAGES.payloadTooLarge,
  ),
  unsupportedMediaType: errorResponse(
    'A body that is neither JSON nor a form, or with a Content-Encoding other than identity',
    HTTP_MESSAGES.unsupportedMediaType,
  ),
  rateLimited: errorResponse(
    'Too many failed logins for the account, or too many login/register requests from the client',
    TOO_MANY_ATTEMPTS,
    { 'Retry-After': HEADERS.retryAfter },
  ),
  accountRateLimited: errorResponse(
    'Too many failed logins or password confirmations for the account',
    TOO_MANY_ATTEMPTS,
    { 'Retry-After': HEADERS.retryAfter },
  ),
  widgetNotFound: errorResponse('No widget of that name', widgetNotFound('my-widget').message),
  internalError: jsonResponse('An unexpected failure: logged, and never detailed', ERROR, {
    example: INTERNAL_ERROR_BODY,
  }),
  unavailable: jsonResponse(
    'The database, or for login and register the Redis that keeps their counters, cannot be ' +
      'reached (refused, lost or timed-out connections): logged; the request may succeed later ' +
      '(see /health/ready)',
    ERROR,
    { example: UNAVAILABLE_BODY },
  ),
  headersTooLarge: errorResponse(
    "Request headers over Node's limit (16 KiB): refused before routing, whatever the operation",
    HTTP_MESSAGES.headersTooLarge,
  ),
  notFound: errorResponse('No route has that path', HTTP_MESSAGES.notFound),
  methodNotAllowed: errorResponse(
    'The path exists, but not with that method',
    HTTP_MESSAGES.methodNotAllowed,
    { Allow: HEADERS.allow },
  ),
} as const;

/** A token answer (TokenResponse), with the cache headers every one carries. */
export function tokenResponse(description: string, message: string): Response {
  return jsonResponse(description, componentRef('TokenResponse'), {
    headers: { 'Cache-Control': HEADERS.noStore, Pragma: HEADERS.pragma },
    example: {
      status: 'success',
      message,
      access_token: ACCESS_TOKEN_EXAMPLE,
      token_type: 'bearer',
      expires_in: 3600,
    },
  });
}

/** A `{status: 'success', message}` answer. */
export function messageResponse(description: string, message: string): Response {
  return jsonResponse(description, componentRef('Message'), {
    example: { status: 'success', message },
  });
}

/**
 * The 401 of a route that also checks the user's password: a token failure (with its challenge)
 * or `message` for a wrong password (no challenge, as login's), so the header is not required.
 */
export function tokenOrPasswordRefused(message: string): Response {
  const { wwwAuthenticate } = HEADERS;
  return errorResponse(
    `A token refused as in every secured route (with \`WWW-Authenticate\`), or \`${message}\` ` +
      'for a wrong password (without it)',
    message,
    { 'WWW-Authenticate': { ...wwwAuthenticate, required: false } },
  );
}
