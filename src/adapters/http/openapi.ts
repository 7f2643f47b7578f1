import { readFileSync } from 'node:fs';
import { BODY_LIMIT_BYTES } from './body.js';
import { HTTP_MESSAGES } from './errors.js';
import { MISSING_FIELD } from './validation.js';
import { OPENAPI_PATH, UI_ASSET_NAMES, UI_PATH } from './openapiRoutes.js';
import { withRefreshTokens } from './openapiRefresh.js';
import { PASSWORD_MESSAGE } from '../../domain/index.js';
import { USERS_PATH, WIDGETS_PATH } from './presentation.js';
import {
  adminRightsSchema,
  credentialsSchema,
  pageQuerySchema,
  passwordChangeSchema,
  passwordConfirmationSchema,
  widgetSchema,
} from './schemas.js';

/**
 * The OpenAPI 3.1 document of every route the router registers. Request bodies and parameters
 * are the very JSON Schemas the validators compile (schemas.ts), so the document cannot drift
 * from what the API accepts; the domain rules Ajv does not check (lengths, formats, messages) are
 * in the descriptions. Response schemas describe presentation.ts and errors.ts.
 */

/** A JSON Schema (2020-12, OpenAPI 3.1's dialect). */
export interface JsonSchema {
  [keyword: string]: unknown;
  properties?: Record<string, JsonSchema>;
  required?: readonly string[];
}

export interface Header {
  description: string;
  /** Sent on every response of that status (the drift tests hold the server to it). */
  required?: boolean;
  schema: JsonSchema;
}

export interface MediaType {
  schema: JsonSchema;
  example?: unknown;
}

export interface Response {
  description: string;
  headers?: Record<string, Header>;
  content?: Record<string, MediaType>;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  description: string;
  schema: JsonSchema;
}

export interface Operation {
  tags: string[];
  summary: string;
  description?: string;
  operationId: string;
  security?: Array<Record<string, string[]>>;
  parameters?: Parameter[];
  requestBody?: { required: boolean; description: string; content: Record<string, MediaType> };
  responses: Record<string, Response>;
}

export type HttpMethod = 'get' | 'put' | 'post' | 'patch' | 'delete';

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: {
    title: string;
    version: string;
    description: string;
    license: { name: string; identifier: string };
  };
  servers: Array<{ url: string }>;
  tags: Array<{ name: string; description: string }>;
  paths: Record<string, Partial<Record<HttpMethod, Operation>>>;
  components: {
    securitySchemes: Record<string, { type: string; scheme: string; bearerFormat: string }>;
    schemas: Record<string, JsonSchema>;
  };
  /** The answers of no operation: an unknown path (`NotFound`), a method the path lacks
   * (`MethodNotAllowed`). An extension, since components are for what operations reference. */
  'x-unrouted-responses': Record<'NotFound' | 'MethodNotAllowed', Response>;
}

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

// ---------------------------------------------------------------------------------------------
// Response schemas (presentation.ts, errors.ts)

const text = (example: string, description?: string): JsonSchema => ({
  type: 'string',
  ...(description === undefined ? {} : { description }),
  examples: [example],
});

/** An object schema whose properties are all required but those named `optional`. */
function record(properties: Record<string, JsonSchema>, ...optional: string[]): JsonSchema {
  const required = Object.keys(properties).filter((key) => !optional.includes(key));
  return { type: 'object', properties, required };
}

const TIMESTAMP = 'UTC, `MM/DD/YY hh:mm:ss AM UTC`';

// Closed, so that a token answer carries refresh fields exactly when the document adds them.
const tokenResponseSchema: JsonSchema = {
  ...record({
    status: { type: 'string', const: 'success' },
    message: text('successfully registered'),
    access_token: text('eyJhbGciOiJIUzI1NiIsInR5cCI6ImF0K2p3dCJ9…', 'A JWS; send it as Bearer'),
    token_type: { type: 'string', const: 'bearer' },
    expires_in: { type: 'integer', description: 'Lifetime in seconds', examples: [3600] },
  }),
  additionalProperties: false,
};

const messageSchema = record({
  status: { type: 'string', const: 'success' },
  message: { type: 'string' },
});

const errorSchema = record(
  {
    status: { type: 'string', enum: ['fail', 'error'], description: '`error` for 500' },
    message: { type: 'string' },
    errors: {
      type: 'object',
      description: 'Validation failures only: every failing field (or query parameter) at once',
      additionalProperties: { type: 'string' },
    },
  },
  'errors',
);

/** The user object of the admin routes (presentAccount). */
const accountProperties: Record<string, JsonSchema> = {
  email: text('user@example.com'),
  public_id: { type: 'string', format: 'uuid' },
  admin: { type: 'boolean' },
  registered_on: text('02/29/20 09:03:29 PM UTC', TIMESTAMP),
};
const accountSchema = record(accountProperties);

/** `GET /api/v1/auth/user` (presentUser): the user object and the presented token's time left. */
const userSchema = record({
  ...accountProperties,
  token_expires_in: text('00:59:58', 'Time left on the presented token: `[N day(s), ]HH:MM:SS`'),
});

const widgetRepresentationSchema = record({
  name: text('my-widget'),
  info_url: { type: 'string', format: 'uri', examples: ['https://www.example.com'] },
  created_at: text('02/29/20 09:03:29 PM UTC', TIMESTAMP),
  created_at_iso8601: { type: 'string', format: 'date-time', examples: ['2020-02-29T21:03:29Z'] },
  created_at_rfc822: text('Sat, 29 Feb 2020 21:03:29 -0000'),
  deadline: text('05/13/31 11:59:59 PM UTC', TIMESTAMP),
  deadline_passed: { type: 'boolean' },
  time_remaining: text('30 days 2 hours 56 minutes 30 seconds', 'or `No time remaining`'),
  owner: record({
    email: text('admin@example.com'),
    public_id: { type: 'string', format: 'uuid' },
  }),
  link: { type: 'string', format: 'uri-reference', examples: ['/api/v1/widgets/my-widget'] },
});

/** The page object of the listing at `path` (presentPage), its items of schema `item`. */
function pageSchema(path: string, item: JsonSchema): JsonSchema {
  const pageLink: JsonSchema = {
    type: 'string',
    format: 'uri-reference',
    examples: [`${path}?page=1&per_page=10`],
  };
  return record({
    links: {
      ...record(
        { self: pageLink, first: pageLink, prev: pageLink, next: pageLink, last: pageLink },
        'prev',
        'next',
      ),
      description: '`prev` and `next` only when there is such a page',
    },
    has_prev: { type: 'boolean' },
    has_next: { type: 'boolean' },
    page: { type: 'integer', minimum: 1 },
    total_pages: { type: 'integer', minimum: 0 },
    items_per_page: { type: 'integer', enum: [5, 10, 25, 50, 100] },
    total_items: { type: 'integer', minimum: 0 },
    items: { type: 'array', description: 'Oldest first; empty past the last page', items: item },
  });
}

const notReadySchema = record({
  status: { type: 'string', const: 'fail' },
  message: { type: 'string', const: 'Service unavailable' },
  checks: {
    type: 'object',
    description:
      'Each dependency: `database` always, `redis` with RATE_LIMIT_STORE=redis; `down` when it ' +
      'does not answer. `server` (`down`) only while the process shuts down (SIGTERM/SIGINT): ' +
      'its requests in flight finish, it takes no new ones',
    properties: {
      database: { type: 'string', enum: ['up', 'down'] },
      redis: { type: 'string', enum: ['up', 'down'] },
      server: { type: 'string', const: 'down' },
    },
    required: ['database'],
    additionalProperties: false,
  },
});

const healthSchema = record({ status: { type: 'string', const: 'ok' } });

const jwkSetSchema = record({
  keys: {
    type: 'array',
    description: 'Current key first, then the previous ones that still verify tokens',
    items: record(
      {
        kty: { type: 'string', enum: ['OKP', 'EC'] },
        crv: { type: 'string', enum: ['Ed25519', 'P-256'] },
        x: { type: 'string' },
        y: { type: 'string', description: 'EC keys only' },
        kid: { type: 'string' },
        alg: { type: 'string', enum: ['EdDSA', 'ES256'] },
        use: { type: 'string', const: 'sig' },
      },
      'y',
    ),
  },
});

/** The schema without one property (and without requiring it); the other members are shared. */
export function withoutProperty(schema: JsonSchema, name: string): JsonSchema {
  const properties = Object.entries(schema.properties ?? {}).filter(([key]) => key !== name);
  return {
    ...schema,
    properties: Object.fromEntries(properties),
    required: (schema.required ?? []).filter((key) => key !== name),
  };
}

/** A query or path parameter's schema: a property of an Ajv schema, minus Ajv's `nullable` (an
 * absent parameter is `required: false`, and a query string has no null). */
function parameterSchema(schema: JsonSchema, name: string): JsonSchema {
  const property = schema.properties?.[name];
  if (property === undefined) throw new Error(`schema has no property ${name}`);
  return Object.fromEntries(Object.entries(property).filter(([key]) => key !== 'nullable'));
}

function componentSchemas(publishesJwks: boolean) {
  return {
    Credentials: credentialsSchema,
    PasswordChange: passwordChangeSchema,
    NewWidget: widgetSchema,
    WidgetUpdate: withoutProperty(widgetSchema, 'name'),
    TokenResponse: tokenResponseSchema,
    Message: messageSchema,
    PasswordConfirmation: passwordConfirmationSchema,
    AdminRights: adminRightsSchema,
    User: userSchema,
    Account: accountSchema,
    AccountPage: pageSchema(USERS_PATH, componentRef('Account')),
    Widget: widgetRepresentationSchema,
    WidgetPage: pageSchema(WIDGETS_PATH, componentRef('Widget')),
    Health: healthSchema,
    NotReady: notReadySchema,
    // Only the JWKS route uses it: without that route it would be an unused component.
    ...(publishesJwks ? { JsonWebKeySet: jwkSetSchema } : {}),
    Error: errorSchema,
  } satisfies Record<string, JsonSchema>;
}

type SchemaName = keyof ReturnType<typeof componentSchemas>;

function ref(name: SchemaName): JsonSchema {
  return componentRef(name);
}

/** A reference by name, for the component schemas themselves (SchemaName is derived from them). */
export function componentRef(name: string): JsonSchema {
  return { $ref: `#/components/schemas/${name}` };
}

// ---------------------------------------------------------------------------------------------
// Responses, headers, bodies

/** A header sent on every response of its status. */
function header(description: string, schema: JsonSchema = { type: 'string' }): Header {
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
  schema: JsonSchema,
  options: { headers?: Record<string, Header>; example?: unknown } = {},
): Response {
  const media: MediaType = {
    schema,
    ...(options.example === undefined ? {} : { example: options.example }),
  };
  return {
    description,
    ...(options.headers ? { headers: options.headers } : {}),
    content: { [JSON_TYPE]: media },
  };
}

export function errorResponse(
  description: string,
  message: string,
  headers?: Record<string, Header>,
): Response {
  return jsonResponse(description, ref('Error'), {
    ...(headers ? { headers } : {}),
    example: { status: 'fail', message },
  });
}

export const BAD_BODY =
  'A body that cannot be read (`Malformed JSON body`, `Request body is not valid UTF-8`) is a ' +
  '400 without `errors`.';
// Absolute links (Location, Link) are built from the Host (or, behind a trusted proxy, the
// X-Forwarded-*) header, so the routes that send them refuse a host or scheme they cannot use.
const BAD_HOST = '`Invalid Host header` and `Invalid X-Forwarded-Proto header` are 400s too.';

/** The 400 of the validators: `also` names the route's other 400s. */
export function validationFailed(fields: Record<string, string>, ...also: string[]): Response {
  return jsonResponse(
    ['Input payload validation failed: `errors` names every failing field.', ...also].join(' '),
    ref('Error'),
    { example: { status: 'fail', message: 'Input payload validation failed', errors: fields } },
  );
}

export const RESPONSES = {
  unauthorized: errorResponse(
    'No token, or a token that is invalid, expired, revoked or of a deleted user',
    'Invalid token. Please log in again.',
    { 'WWW-Authenticate': HEADERS.wwwAuthenticate },
  ),
  forbidden: errorResponse(
    'The token is valid but its user is not an administrator',
    'You are not an administrator',
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
    'Too many attempts. Try again later.',
    { 'Retry-After': HEADERS.retryAfter },
  ),
  widgetNotFound: errorResponse('No widget of that name', 'my-widget not found in database.'),
  internalError: jsonResponse('An unexpected failure: logged, and never detailed', ref('Error'), {
    example: { status: 'error', message: 'Internal server error' },
  }),
  unavailable: jsonResponse(
    'The database, or for login and register the Redis that keeps their counters, cannot be ' +
      'reached (refused, lost or timed-out connections): logged; the request may succeed later ' +
      '(see /health/ready)',
    ref('Error'),
    { example: { status: 'fail', message: 'Service unavailable' } },
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

export function tokenResponse(description: string, message: string): Response {
  return jsonResponse(description, ref('TokenResponse'), {
    headers: { 'Cache-Control': HEADERS.noStore, Pragma: HEADERS.pragma },
    example: {
      status: 'success',
      message,
      access_token: 'eyJhbGciOiJIUzI1NiIsInR5cCI6ImF0K2p3dCJ9…',
      token_type: 'bearer',
      expires_in: 3600,
    },
  });
}

function widgetCreated(): Response {
  return jsonResponse('Created', ref('Message'), {
    headers: { Location: HEADERS.location },
    example: { status: 'success', message: 'New widget added: my-widget.' },
  });
}

/** A body accepted as JSON and as a form, both validated by the component schema `name`. */
function requestBody(name: SchemaName, description: string): Operation['requestBody'] {
  return bodyOfSchema(ref(name), description);
}

export function bodyOfSchema(schema: JsonSchema, description: string): Operation['requestBody'] {
  return {
    required: true,
    description: `${description} Sent as JSON or as a form; unknown fields are ignored.`,
    content: { [JSON_TYPE]: { schema }, [FORM_TYPE]: { schema } },
  };
}

/**
 * Token required: the bearer scheme, its 401 (unless the operation has a 401 of its own, which
 * must then cover the token failures too), and the 500/503 of a failed user lookup.
 */
function secured(operation: Operation): Operation {
  return {
    ...operation,
    security: BEARER,
    responses: {
      ...operation.responses,
      '401': operation.responses['401'] ?? RESPONSES.unauthorized,
      '500': RESPONSES.internalError,
      '503': RESPONSES.unavailable,
    },
  };
}

/** Token of an administrator required: checked before the body, so 401/403 come before any 400. */
function adminOnly(operation: Operation): Operation {
  const withToken = secured(operation);
  return { ...withToken, responses: { ...withToken.responses, '403': RESPONSES.forbidden } };
}

/** A route that reads a body: 413 and 415 besides its own answers. */
export function takesBody(operation: Operation): Operation {
  return {
    ...operation,
    responses: {
      ...operation.responses,
      '413': RESPONSES.payloadTooLarge,
      '415': RESPONSES.unsupportedMediaType,
    },
  };
}

/**
 * The 401 of a route that also checks the user's password: a token failure (with its challenge)
 * or `message` for a wrong password (no challenge, as login's), so the header is not required.
 */
function tokenOrPasswordRefused(message: string): Response {
  const { wwwAuthenticate } = HEADERS;
  return errorResponse(
    `A token refused as in every secured route (with \`WWW-Authenticate\`), or \`${message}\` ` +
      'for a wrong password (without it)',
    message,
    { 'WWW-Authenticate': { ...wwwAuthenticate, required: false } },
  );
}

/** `page` and `per_page`: the query of every paginated listing, from the validator's schema. */
function pageParameters(): Parameter[] {
  const parameter = (name: 'page' | 'per_page', description: string): Parameter => ({
    name,
    in: 'query',
    required: false,
    description,
    schema: parameterSchema(pageQuerySchema, name),
  });
  return [
    parameter('page', 'Decimal digits, 1 to 999999999; default 1'),
    parameter('per_page', 'One of 5, 10, 25, 50, 100; default 10'),
  ];
}

/** The answers of a paginated listing whose page object is the schema `page`. */
function pageResponses(page: SchemaName): Operation['responses'] {
  return {
    '200': jsonResponse('The page (a page past the last one has no items)', ref(page), {
      headers: { Link: HEADERS.link, 'Total-Count': HEADERS.totalCount },
    }),
    '400': validationFailed({ per_page: 'per_page must be one of 5, 10, 25, 50, 100' }, BAD_HOST),
  };
}

/** A path parameter, its schema taken from the validator's schema where one has it. */
function pathParameter(name: string, description: string, schema: JsonSchema): Parameter {
  return { name, in: 'path', required: true, description, schema };
}

// ---------------------------------------------------------------------------------------------
// Operations

const EMAIL_RULE =
  '`email`: trimmed and lower-cased, at most 254 characters, an ASCII `local@domain` with a dotted domain.';
const PASSWORD_LENGTHS = 'at least 8 characters and at most 72 bytes in UTF-8.';
const PASSWORD_RULE = `\`password\`: ${PASSWORD_LENGTHS}`;
const NAME_RULE =
  'Lower-cased, then 1 to 100 of `a-z`, `0-9`, `-` and `_`. Lookups are case-insensitive.';
const INFO_URL_RULE =
  '`info_url`: at most 255 characters, http or https, a DNS host name (no IP, no localhost, no port, no user info).';
const DEADLINE_RULE =
  '`deadline`: `YYYY-MM-DD` (or `YYYY-M-D`), `MM/DD/YYYY`, `MM/DD/YY`, `Mon DD YYYY` or an ISO 8601 date-time; today or later (UTC).';

function authOperations(): OpenApiDocument['paths'] {
  const credentials = (extra: string) =>
    requestBody('Credentials', `${EMAIL_RULE} ${extra}`.trim());
  return {
    '/api/v1/auth/register': {
      post: takesBody({
        tags: ['auth'],
        summary: 'Register a user and get an access token',
        operationId: 'register',
        requestBody: credentials(PASSWORD_RULE),
        responses: {
          '201': tokenResponse('Registered', 'successfully registered'),
          '400': validationFailed(
            { password: 'Password must be at least 8 characters and at most 72 bytes' },
            BAD_BODY,
          ),
          '409': errorResponse(
            'The (normalised) email is already registered',
            'user@example.com is already registered',
          ),
          '429': RESPONSES.rateLimited,
          '500': RESPONSES.internalError,
          '503': RESPONSES.unavailable,
        },
      }),
    },
    '/api/v1/auth/login': {
      post: takesBody({
        tags: ['auth'],
        summary: 'Log in and get an access token',
        operationId: 'login',
        requestBody: credentials(
          '`password`: required; the register-time length rule is not applied.',
        ),
        responses: {
          '200': tokenResponse('Logged in', 'successfully logged in'),
          '400': validationFailed({ email: 'nobody is not a valid email' }, BAD_BODY),
          '401': errorResponse(
            'Unknown email or wrong password (indistinguishable)',
            'email or password does not match',
          ),
          '429': RESPONSES.rateLimited,
          '500': RESPONSES.internalError,
          '503': RESPONSES.unavailable,
        },
      }),
    },
    '/api/v1/auth/user': {
      get: secured({
        tags: ['auth'],
        summary: 'The user of the presented token',
        operationId: 'getCurrentUser',
        responses: {
          '200': jsonResponse('The user', ref('User'), {
            headers: { 'Cache-Control': HEADERS.noStore },
          }),
        },
      }),
    },
    '/api/v1/auth/logout': {
      post: secured({
        tags: ['auth'],
        summary: 'Revoke the presented token (until it expires)',
        description: 'No body needed. Other tokens of the same user stay valid.',
        operationId: 'logout',
        responses: {
          '200': jsonResponse('Logged out', ref('Message'), {
            example: { status: 'success', message: 'successfully logged out' },
          }),
        },
      }),
    },
    '/api/v1/auth/logout-all': {
      post: secured({
        tags: ['auth'],
        summary: 'Revoke every token of the user issued until now, this one included',
        description:
          'No body needed. Every instance refuses those tokens from the next request on ' +
          '(`Token blacklisted. Please log in again.`); log in again for a new one.',
        operationId: 'logoutAll',
        responses: {
          '200': jsonResponse('Logged out everywhere', ref('Message'), {
            example: { status: 'success', message: 'successfully logged out everywhere' },
          }),
        },
      }),
    },
    '/api/v1/auth/password': {
      post: secured(
        takesBody({
          tags: ['auth'],
          summary: 'Change the password, ending every other session',
          description:
            'Answers a fresh token. Every other token of the user issued before the change, in ' +
            'the same second too, is refused from then on (`Token blacklisted. Please log in ' +
            'again.`). A wrong `current_password` counts towards the per-account limit of ' +
            'failed logins.',
          operationId: 'changePassword',
          requestBody: requestBody(
            'PasswordChange',
            `\`current_password\`: required. \`new_password\`: ${PASSWORD_LENGTHS}`,
          ),
          responses: {
            '200': tokenResponse('Changed: a fresh token', 'password changed'),
            '400': validationFailed({ new_password: PASSWORD_MESSAGE }, BAD_BODY),
            '401': tokenOrPasswordRefused('password does not match'),
            '429': errorResponse(
              'Too many failed logins or password confirmations for the account',
              'Too many attempts. Try again later.',
              { 'Retry-After': HEADERS.retryAfter },
            ),
          },
        }),
      ),
    },
  };
}

function widgetOperations(): OpenApiDocument['paths'] {
  const nameParameter = pathParameter('name', NAME_RULE, parameterSchema(widgetSchema, 'name'));
  const widgetRules = `${INFO_URL_RULE} ${DEADLINE_RULE}`;
  return {
    '/api/v1/widgets': {
      get: secured({
        tags: ['widgets'],
        summary: 'A page of widgets, oldest first',
        operationId: 'listWidgets',
        parameters: pageParameters(),
        responses: pageResponses('WidgetPage'),
      }),
      post: adminOnly(
        takesBody({
          tags: ['widgets'],
          summary: 'Add a widget (administrators)',
          operationId: 'createWidget',
          requestBody: requestBody('NewWidget', `\`name\`: ${NAME_RULE} ${widgetRules}`),
          responses: {
            '201': widgetCreated(),
            '400': validationFailed(
              { info_url: 'www.example.com is not a valid URL' },
              BAD_BODY,
              BAD_HOST,
            ),
            '409': errorResponse(
              'A widget of that name exists',
              'Widget name: my-widget already exists, must be unique.',
            ),
          },
        }),
      ),
    },
    '/api/v1/widgets/{name}': {
      get: secured({
        tags: ['widgets'],
        summary: 'One widget',
        operationId: 'getWidget',
        parameters: [nameParameter],
        responses: {
          '200': jsonResponse('The widget', ref('Widget')),
          '404': RESPONSES.widgetNotFound,
        },
      }),
      put: adminOnly(
        takesBody({
          tags: ['widgets'],
          summary: 'Update a widget, or create it (administrators)',
          operationId: 'putWidget',
          parameters: [nameParameter],
          requestBody: requestBody('WidgetUpdate', widgetRules),
          responses: {
            '200': jsonResponse('Updated', ref('Message'), {
              example: { status: 'success', message: "'my-widget' was successfully updated" },
            }),
            '201': widgetCreated(),
            '400': validationFailed(
              { deadline: "Failed to parse 'someday' as a valid date. …" },
              BAD_BODY,
              BAD_HOST,
            ),
          },
        }),
      ),
      delete: adminOnly({
        tags: ['widgets'],
        summary: 'Delete a widget (administrators)',
        operationId: 'deleteWidget',
        parameters: [nameParameter],
        responses: { '204': { description: 'Deleted' }, '404': RESPONSES.widgetNotFound },
      }),
    },
  };
}

function accountOperations(): OpenApiDocument['paths'] {
  const tags = ['users'];
  const publicId = pathParameter('public_id', 'The UUID of the user (any case)', {
    type: 'string',
    examples: ['00000000-0000-4000-8000-000000000001'],
  });
  const userNotFound = errorResponse(
    'No user has that public id (a value that is not a UUID names nobody)',
    '00000000-0000-4000-8000-000000000001 not found in database.',
  );
  const lastAdmin = 'cannot remove the last administrator';
  const ownsWidgets = 'user@example.com still owns 2 widget(s)';
  const conflict = (description: string, message: string) => errorResponse(description, message);
  const account = (description: string) => jsonResponse(description, ref('Account'));
  return {
    '/api/v1/auth/user': {
      delete: secured(
        takesBody({
          tags: ['auth'],
          summary: 'Delete the account of the presented token',
          description:
            'Its tokens are refused from then on and its email can register again. A wrong ' +
            'password counts towards the per-account login failure limit.',
          operationId: 'deleteOwnAccount',
          requestBody: requestBody('PasswordConfirmation', '`password`: the current password.'),
          responses: {
            '204': { description: 'Deleted' },
            '400': validationFailed({ password: MISSING_FIELD }, BAD_BODY),
            '401': tokenOrPasswordRefused('password does not match'),
            '409': conflict(
              `The account owns widgets (\`${ownsWidgets}\`), or is the last administrator ` +
                `(\`${lastAdmin}\`); nothing is deleted`,
              ownsWidgets,
            ),
            '429': RESPONSES.rateLimited,
          },
        }),
      ),
    },
    [USERS_PATH]: {
      get: adminOnly({
        tags,
        summary: 'A page of users, oldest first (administrators)',
        operationId: 'listUsers',
        parameters: pageParameters(),
        responses: pageResponses('AccountPage'),
      }),
    },
    [`${USERS_PATH}/{public_id}`]: {
      get: adminOnly({
        tags,
        summary: 'One user (administrators)',
        operationId: 'getUser',
        parameters: [publicId],
        responses: { '200': account('The user'), '404': userNotFound },
      }),
      patch: adminOnly(
        takesBody({
          tags,
          summary: "Grant or withdraw a user's admin rights (administrators)",
          description: "Effective on that user's next request.",
          operationId: 'changeAdminRights',
          parameters: [publicId],
          requestBody: requestBody('AdminRights', '`admin`: a boolean (`true`/`false` in a form).'),
          responses: {
            '200': account('The user, as changed'),
            '400': validationFailed({ admin: 'admin must be a boolean' }, BAD_BODY),
            '404': userNotFound,
            '409': conflict('The user is the last administrator', lastAdmin),
          },
        }),
      ),
      delete: adminOnly({
        tags,
        summary: 'Delete a user (administrators)',
        description: 'Its tokens are refused from then on and its email can register again.',
        operationId: 'deleteUser',
        parameters: [publicId],
        responses: {
          '204': { description: 'Deleted' },
          '404': userNotFound,
          '409': conflict(
            `The last administrator (\`${lastAdmin}\`), or an owner of widgets ` +
              `(\`${ownsWidgets}\`); nothing is deleted`,
            lastAdmin,
          ),
        },
      }),
    },
  };
}

function aroundOperations(publishesJwks: boolean): OpenApiDocument['paths'] {
  return {
    '/health/live': {
      get: {
        tags: ['health'],
        summary: 'Liveness: 200 while the process serves',
        operationId: 'live',
        responses: { '200': jsonResponse('Serving', ref('Health')) },
      },
    },
    '/health/ready': {
      get: {
        tags: ['health'],
        summary: 'Readiness: 200 when every dependency answers',
        operationId: 'ready',
        responses: {
          '200': jsonResponse('Ready', ref('Health')),
          '503': jsonResponse(
            'A dependency does not answer, or the process is shutting down: `checks` says which',
            ref('NotReady'),
            {
              example: {
                status: 'fail',
                message: 'Service unavailable',
                checks: { database: 'up', redis: 'down' },
              },
            },
          ),
        },
      },
    },
    ...(publishesJwks && {
      '/.well-known/jwks.json': {
        get: {
          tags: ['keys'],
          summary: 'The public keys that verify access tokens',
          description: 'Served only when JWT_ALG is EdDSA or ES256; with HS256 this path is a 404.',
          operationId: 'jwks',
          responses: {
            '200': jsonResponse('The JWK set', ref('JsonWebKeySet'), {
              headers: {
                'Cache-Control': header('Verifiers may keep the set for 5 minutes', {
                  type: 'string',
                  const: 'public, max-age=300',
                }),
              },
            }),
          },
        },
      },
    }),
  };
}

function documentationOperations(): OpenApiDocument['paths'] {
  const tags = ['documentation'];
  return {
    [OPENAPI_PATH]: {
      get: {
        tags,
        summary: 'This OpenAPI 3.1 document',
        operationId: 'openApiDocument',
        responses: {
          '200': jsonResponse('The document', {
            type: 'object',
            properties: {
              openapi: { type: 'string', const: '3.1.0' },
              info: { type: 'object' },
              paths: { type: 'object' },
              components: { type: 'object' },
            },
            required: ['openapi', 'info', 'paths', 'components'],
          }),
        },
      },
    },
    [UI_PATH]: {
      get: {
        tags,
        summary: 'Swagger UI on this document',
        description: `\`${UI_PATH}/\` redirects here (301), keeping the query.`,
        operationId: 'swaggerUi',
        responses: {
          '200': {
            description: 'The page',
            headers: {
              'Content-Security-Policy': header('Scripts and styles from this origin only'),
            },
            content: { 'text/html': { schema: { type: 'string' } } },
          },
        },
      },
    },
    [`${UI_PATH}/{file}`]: {
      get: {
        tags,
        summary: "The page's scripts, styles and icons",
        operationId: 'swaggerUiAsset',
        parameters: [
          {
            name: 'file',
            in: 'path',
            required: true,
            description: 'Only these files are served; anything else is a 404',
            schema: { type: 'string', enum: [...UI_ASSET_NAMES] },
          },
        ],
        responses: {
          '200': {
            description: 'The file',
            headers: { 'Cache-Control': header('How long the file may be cached') },
            content: {
              'text/javascript': { schema: { type: 'string' } },
              'text/css': { schema: { type: 'string' } },
              'image/png': { schema: { type: 'string', contentMediaType: 'image/png' } },
            },
          },
          '404': errorResponse('Not one of the files above', HTTP_MESSAGES.notFound),
        },
      },
    },
  };
}

/** Every set of paths in one; a path in several gets the operations of each. */
function mergePaths(...sets: Array<OpenApiDocument['paths']>): OpenApiDocument['paths'] {
  const merged: OpenApiDocument['paths'] = {};
  for (const paths of sets) {
    for (const [path, item] of Object.entries(paths)) merged[path] = { ...merged[path], ...item };
  }
  return merged;
}

/** package.json's version: three levels up from src/adapters/http and dist/adapters/http alike. */
function packageVersion(): string {
  const manifest: unknown = JSON.parse(
    readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'),
  );
  const version = (manifest as { version?: unknown }).version;
  return typeof version === 'string' ? version : '0.0.0';
}

/**
 * What every operation says the same way: public ones declare `security: []` (no token), and
 * each lists the 431 that Node's parser answers for any request before routing.
 */
export function withCommonAnswers(paths: OpenApiDocument['paths']): OpenApiDocument['paths'] {
  const complete = (operation: Operation): Operation => ({
    ...operation,
    security: operation.security ?? [],
    responses: { ...operation.responses, '431': RESPONSES.headersTooLarge },
  });
  return Object.fromEntries(
    Object.entries(paths).map(([path, item]) => [
      path,
      Object.fromEntries(
        Object.entries(item).map(([method, operation]) => [method, complete(operation)]),
      ),
    ]),
  );
}

export function buildOpenApiDocument(options: OpenApiOptions): OpenApiDocument {
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
    tags: [
      { name: 'auth', description: 'Accounts and access tokens' },
      { name: 'widgets', description: 'Widgets: any user reads, administrators write' },
      { name: 'users', description: 'User management (administrators)' },
      { name: 'health', description: 'Probes' },
      ...(options.publishesJwks
        ? [{ name: 'keys', description: 'Token verification keys (EdDSA and ES256 only)' }]
        : []),
      { name: 'documentation', description: 'This document and its UI' },
    ],
    paths: withCommonAnswers({
      ...mergePaths(authOperations(), widgetOperations(), accountOperations()),
      ...aroundOperations(options.publishesJwks),
      ...documentationOperations(),
    }),
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: componentSchemas(options.publishesJwks),
    },
    'x-unrouted-responses': {
      NotFound: RESPONSES.notFound,
      MethodNotAllowed: RESPONSES.methodNotAllowed,
    },
  };
  return options.refreshTokens === true ? withRefreshTokens(document) : document;
}
