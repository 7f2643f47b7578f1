import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { Router } from '@koa/router';
import type { Knex } from 'knex';
import type { RefreshSession } from '../../../src/application/RefreshSession.js';
import { buildRouter, type HttpUseCases } from '../../../src/adapters/http/app.js';
import type { GatehouseState } from '../../../src/adapters/http/context.js';
import { HTTP_MESSAGES } from '../../../src/adapters/http/problems.js';
import { buildOpenApiDocument } from '../../../src/adapters/http/openapi.js';
import type {
  JsonSchema,
  OpenApiDocument,
  Operation,
} from '../../../src/adapters/http/openapiTypes.js';
import {
  credentialsSchema,
  pageParametersSchema,
  passwordChangeSchema,
  refreshRequestSchema,
  registrationSchema,
  widgetSchema,
} from '../../../src/adapters/http/schemas.js';
import {
  EMAIL_MAX_LENGTH,
  INFO_URL_MAX_LENGTH,
  MAX_PAGE,
  MAX_PER_PAGE,
  PASSWORD_MAX_BYTES,
  PASSWORD_MESSAGE,
  PASSWORD_MIN_CHARACTERS,
  PER_PAGE_CHOICES,
  REFRESH_TOKEN_LENGTH,
  WIDGET_NAME_MAX_LENGTH,
} from '../../../src/domain/index.js';
import type { PublicJwk } from '../../../src/adapters/security/signingKeys.js';
import { TOKENS } from '../../../src/main/container.js';
import type { RunningServer } from '../../../src/main/server.js';
import { expect } from '../../support/chai.js';
import { sqliteUrl } from '../../support/databases.js';
import { KeyDirectory, newKeyPair, privatePem } from '../../support/keyFiles.js';
import { dereference } from '../../support/openapiDrift.js';
import { request, startTestServer, type RequestOptions } from '../../support/server.js';

const DOCUMENT_PATH = '/api/v1/openapi.json';
const UI_PATH = '/api/v1/ui';
const SWAGGER_UI_DIST = dirname(
  createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'),
);
const PACKAGE_VERSION = (
  JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

const AN_ED25519_JWK: PublicJwk = {
  kty: 'OKP',
  crv: 'Ed25519',
  x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo',
  kid: 'test-key',
  alg: 'EdDSA',
  use: 'sig',
};

/**
 * The router the app mounts. Registering routes calls no use case, so none is needed; a
 * stand-in RefreshSession says REFRESH_TOKENS=on.
 */
function routerOf(publicJwks: readonly PublicJwk[], refreshTokens = false): Router<GatehouseState> {
  const useCases = refreshTokens ? { refreshSession: {} as RefreshSession } : {};
  return buildRouter(useCases as HttpUseCases, {
    readiness: async () => ({ database: true }),
    publicJwks,
  });
}

/** `METHOD /path/{param}` of every route the router registers (HEAD comes with GET). */
function routerOperations(router: Router<GatehouseState>): string[] {
  return router.stack
    .flatMap((layer) =>
      layer.methods
        .filter((method) => method !== 'HEAD')
        .map((method) => `${method} ${String(layer.path).replace(/:(\w+)/g, '{$1}')}`),
    )
    .sort();
}

function documentOperations(document: OpenApiDocument): string[] {
  return Object.entries(document.paths)
    .flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`))
    .sort();
}

function operationsOf(document: OpenApiDocument): Array<[string, Operation]> {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]): [string, Operation] => [
      `${method.toUpperCase()} ${path}`,
      operation,
    ]),
  );
}

/** Every schema the document holds, named by where it sits. */
function schemasIn(document: OpenApiDocument): Array<[string, JsonSchema]> {
  const found: Array<[string, JsonSchema]> = Object.entries(document.components.schemas).map(
    ([name, schema]) => [`components.schemas.${name}`, schema],
  );
  for (const [where, operation] of operationsOf(document)) {
    for (const parameter of operation.parameters ?? []) {
      found.push([`${where} parameter ${parameter.name}`, parameter.schema]);
    }
    for (const [type, media] of Object.entries(operation.requestBody?.content ?? {})) {
      found.push([`${where} body ${type}`, media.schema]);
    }
    for (const [status, response] of Object.entries(operation.responses)) {
      for (const [type, media] of Object.entries(response.content ?? {})) {
        found.push([`${where} ${status} ${type}`, media.schema]);
      }
      for (const [name, header] of Object.entries(response.headers ?? {})) {
        found.push([`${where} ${status} header ${name}`, header.schema]);
      }
    }
  }
  return found;
}

/** Ajv for JSON Schema 2020-12 (OpenAPI 3.1's dialect), strict: an unknown keyword fails. */
function strictAjv(): Ajv2020 {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats.default(ajv);
  return ajv;
}

/** A GET with the path sent exactly as written (fetch would resolve `..` segments first). */
function rawGet(baseUrl: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${baseUrl}/`, { method: 'GET', path }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('OpenAPI document and Swagger UI [sqlite]', () => {
  let running: RunningServer;
  let served: OpenApiDocument;
  const api = (method: string, path: string, options?: RequestOptions) =>
    request(running.url, method, path, options);

  before(async () => {
    running = await startTestServer(sqliteUrl());
    served = (await api('GET', DOCUMENT_PATH)).json as OpenApiDocument;
  });

  after(async () => {
    await running.close();
  });

  describe('GET /api/v1/openapi.json', () => {
    it('serves an OpenAPI 3.1 document as JSON, with the bearer scheme and relative server', async () => {
      const reply = await api('GET', DOCUMENT_PATH);
      expect(reply.status).to.equal(200);
      expect(reply.headers.get('content-type')).to.equal('application/json; charset=utf-8');
      expect(reply.json.openapi).to.equal('3.1.0');
      expect(reply.json.info).to.include({ title: 'Gatehouse', version: PACKAGE_VERSION });
      expect(reply.json.servers).to.deep.equal([{ url: '/' }]);
      expect(reply.json.components.securitySchemes).to.have.keys('bearer');
      expect(reply.json.components.securitySchemes.bearer).to.deep.include({
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
      });
      // OWASP's JWT rule: the scheme says it follows RFC 8725 (pinned algorithm, typ checked).
      expect(reply.json.components.securitySchemes.bearer.description).to.include('RFC8725');
    });

    it('is the document the builder makes for an HS256 server', () => {
      const built = buildOpenApiDocument({ publishesJwks: false });
      expect(served).to.deep.equal(JSON.parse(JSON.stringify(built)));
    });

    it('lists exactly the routes the router registers, with their methods', () => {
      expect(documentOperations(served)).to.deep.equal(routerOperations(routerOf([])));
    });

    it('documents the JWKS route exactly when the router has it (asymmetric keys)', () => {
      const withKeys = buildOpenApiDocument({ publishesJwks: true });
      expect(documentOperations(withKeys)).to.deep.equal(
        routerOperations(routerOf([AN_ED25519_JWK])),
      );
      expect(documentOperations(withKeys)).to.include('GET /.well-known/jwks.json');
      expect(documentOperations(served)).not.to.include('GET /.well-known/jwks.json');
    });

    it('documents /auth/refresh and the refresh fields exactly when the router has the route (REFRESH_TOKENS=on)', () => {
      const withRefresh = buildOpenApiDocument({ publishesJwks: false, refreshTokens: true });
      expect(documentOperations(withRefresh)).to.deep.equal(routerOperations(routerOf([], true)));
      expect(documentOperations(withRefresh)).to.include('POST /api/v1/auth/refresh');
      expect(documentOperations(served)).not.to.include('POST /api/v1/auth/refresh');
      // Off, the token answer is closed: a refresh field in it would be drift.
      const fields = (document: OpenApiDocument) => document.components.schemas.TokenResponse;
      expect(fields(served)).to.deep.include({
        required: ['status', 'message', 'access_token', 'token_type', 'expires_in'],
        additionalProperties: false,
      });
      expect(fields(withRefresh)).to.deep.include({
        required: [
          'status',
          'message',
          'access_token',
          'token_type',
          'expires_in',
          'refresh_token',
          'refresh_expires_in',
        ],
        additionalProperties: false,
      });
      expect(Object.keys(fields(withRefresh)?.properties ?? {}).slice(-3)).to.deep.equal([
        'expires_in',
        'refresh_token',
        'refresh_expires_in',
      ]);
      expect(served.components.schemas).not.to.have.property('RefreshRequest');
      // Everything else is the document without refresh tokens.
      const others = (document: OpenApiDocument) =>
        JSON.parse(
          JSON.stringify(
            Object.entries(document.components.schemas).filter(
              ([name]) => !['TokenResponse', 'RefreshRequest'].includes(name),
            ),
          ),
        ) as unknown;
      expect(others(withRefresh)).to.deep.equal(others(served));
    });

    it('describes the refresh route: public, its body from the validator, a token answer or an invalid-token 401', () => {
      const withRefresh = buildOpenApiDocument({ publishesJwks: false, refreshTokens: true });
      expect(withRefresh.components.schemas.RefreshRequest).to.equal(refreshRequestSchema);
      const operation = withRefresh.paths['/api/v1/auth/refresh']?.post;
      expect(operation?.security).to.deep.equal([]);
      expect(operation?.requestBody?.content).to.deep.equal({
        'application/json': { schema: { $ref: '#/components/schemas/RefreshRequest' } },
        'application/x-www-form-urlencoded': {
          schema: { $ref: '#/components/schemas/RefreshRequest' },
        },
      });
      expect(Object.keys(operation?.responses ?? {}).sort()).to.deep.equal([
        '200',
        '400',
        '401',
        '413',
        '415',
        '431',
        '500',
        '503',
      ]);
      const ok = operation?.responses['200'];
      expect(ok?.headers).to.have.keys('Cache-Control', 'Pragma');
      expect(ok?.content?.['application/json']?.example).to.deep.include({
        message: 'token refreshed',
      });
      const refused = operation?.responses['401'];
      expect(refused?.headers?.['WWW-Authenticate']?.required).to.equal(true);
      expect(refused?.content?.['application/json']?.example).to.deep.equal({
        status: 'fail',
        message: 'Invalid token. Please log in again.',
      });
      // Every token answer's example holds the refresh fields its schema now requires.
      for (const [path, status] of [
        ['/api/v1/auth/register', '201'],
        ['/api/v1/auth/login', '200'],
        ['/api/v1/auth/password', '200'],
        ['/api/v1/auth/refresh', '200'],
      ] as const) {
        const example = withRefresh.paths[path]?.post?.responses[status]?.content?.[
          'application/json'
        ]?.example as Record<string, unknown>;
        expect(Object.keys(example).slice(-2), path).to.deep.equal([
          'refresh_token',
          'refresh_expires_in',
        ]);
      }
    });

    it('is served with the JWKS route by a server signing with EdDSA', async () => {
      const keys = new KeyDirectory();
      const eddsa = await startTestServer(sqliteUrl(), {
        JWT_ALG: 'EdDSA',
        JWT_PRIVATE_KEY_FILE: keys.write(privatePem(newKeyPair('Ed25519').privateKey)),
      });
      try {
        const document = (await request(eddsa.url, 'GET', DOCUMENT_PATH)).json as OpenApiDocument;
        expect(document.paths).to.have.property('/.well-known/jwks.json');
        expect((await request(eddsa.url, 'GET', '/.well-known/jwks.json')).status).to.equal(200);
      } finally {
        await eddsa.close();
        keys.remove();
      }
    });

    it('declares every path template parameter, and gives every operation a unique id', () => {
      const ids = operationsOf(served).map(([, operation]) => operation.operationId);
      expect(new Set(ids).size).to.equal(ids.length);
      for (const [where, operation] of operationsOf(served)) {
        const templated = [...where.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
        const declared = (operation.parameters ?? [])
          .filter((parameter) => parameter.in === 'path')
          .map((parameter) => parameter.name);
        expect(declared, where).to.deep.equal(templated);
      }
    });

    it('publishes the very request schemas the validators compile', () => {
      const built = buildOpenApiDocument({ publishesJwks: false });
      expect(built.components.schemas.Registration).to.equal(registrationSchema);
      expect(built.components.schemas.Credentials).to.equal(credentialsSchema);
      expect(built.components.schemas.NewWidget).to.equal(widgetSchema);
      expect(served.components.schemas.Registration).to.deep.equal(registrationSchema);
      expect(served.components.schemas.Credentials).to.deep.equal(credentialsSchema);
      expect(served.components.schemas.NewWidget).to.deep.equal(widgetSchema);
      // PUT takes the name from the path: the body is the widget schema without it.
      expect(served.components.schemas.WidgetUpdate).to.deep.equal({
        type: 'object',
        properties: {
          info_url: widgetSchema.properties.info_url,
          deadline: widgetSchema.properties.deadline,
        },
        required: ['info_url', 'deadline'],
      });
      expect(served.components.schemas.PasswordChange).to.deep.equal(passwordChangeSchema);
      expect(served.paths['/api/v1/auth/password']?.post?.requestBody?.content).to.deep.equal({
        'application/json': { schema: { $ref: '#/components/schemas/PasswordChange' } },
        'application/x-www-form-urlencoded': {
          schema: { $ref: '#/components/schemas/PasswordChange' },
        },
      });
      // Register states the password policy; login checks the password against the hash only.
      for (const [path, component] of [
        ['/api/v1/auth/register', 'Registration'],
        ['/api/v1/auth/login', 'Credentials'],
      ] as const) {
        const body = served.paths[path]?.post?.requestBody;
        expect(body?.required, path).to.equal(true);
        expect(body?.content, path).to.deep.equal({
          'application/json': { schema: { $ref: `#/components/schemas/${component}` } },
          'application/x-www-form-urlencoded': {
            schema: { $ref: `#/components/schemas/${component}` },
          },
        });
      }
      expect(served.paths['/api/v1/widgets/{name}']?.put?.requestBody?.content).to.have.keys(
        'application/json',
        'application/x-www-form-urlencoded',
      );
    });

    it('takes the list query parameters from the documented query schema (absence, not null)', () => {
      const parameters = served.paths['/api/v1/widgets']?.get?.parameters ?? [];
      expect(
        parameters.map(({ name, in: where, required }) => ({ name, where, required })),
      ).to.deep.equal([
        { name: 'page', where: 'query', required: false },
        { name: 'per_page', where: 'query', required: false },
      ]);
      const withoutNullable = (schema: object) =>
        Object.fromEntries(Object.entries(schema).filter(([key]) => key !== 'nullable'));
      expect(parameters.map((parameter) => parameter.schema)).to.deep.equal([
        withoutNullable(pageParametersSchema.properties.page),
        withoutNullable(pageParametersSchema.properties.per_page),
      ]);
    });

    it("states the domain's limits on everything a client sends", () => {
      const withRefresh = buildOpenApiDocument({ publishesJwks: false, refreshTokens: true });
      const { schemas } = withRefresh.components;
      const property = (component: string, name: string) =>
        schemas[component]?.properties?.[name] ?? {};
      const limits = (schema: JsonSchema) =>
        Object.fromEntries(
          Object.entries(schema).filter(([keyword]) =>
            ['type', 'format', 'minLength', 'maxLength', 'minimum', 'maximum', 'enum'].includes(
              keyword,
            ),
          ),
        );
      const email = { type: 'string', maxLength: EMAIL_MAX_LENGTH };
      const newPassword = {
        type: 'string',
        minLength: PASSWORD_MIN_CHARACTERS,
        maxLength: PASSWORD_MAX_BYTES,
      };
      expect(limits(property('Registration', 'email'))).to.deep.equal(email);
      expect(limits(property('Credentials', 'email'))).to.deep.equal(email);
      expect(limits(property('Registration', 'password'))).to.deep.equal(newPassword);
      expect(limits(property('PasswordChange', 'new_password'))).to.deep.equal(newPassword);
      // maxLength counts characters: the description says the limit is in bytes.
      expect(property('Registration', 'password').description).to.include(
        `at most ${PASSWORD_MAX_BYTES} bytes in UTF-8`,
      );
      for (const component of ['NewWidget', 'WidgetUpdate']) {
        expect(limits(property(component, 'info_url')), component).to.deep.equal({
          type: 'string',
          maxLength: INFO_URL_MAX_LENGTH,
        });
      }
      expect(limits(property('NewWidget', 'name'))).to.deep.equal({
        type: 'string',
        maxLength: WIDGET_NAME_MAX_LENGTH,
      });
      expect(property('RefreshRequest', 'refresh_token')).to.deep.include({
        maxLength: REFRESH_TOKEN_LENGTH,
      });
      // No length rule by design (the 64 KiB body bounds them; .spectral.yaml says so).
      for (const [component, name] of [
        ['Credentials', 'password'],
        ['PasswordChange', 'current_password'],
        ['PasswordConfirmation', 'password'],
        ['NewWidget', 'deadline'],
      ] as const) {
        expect(limits(property(component, name)), `${component}.${name}`).to.deep.equal({
          type: 'string',
        });
      }
      const parameter = (path: string, method: 'get' | 'delete', name: string) =>
        withRefresh.paths[path]?.[method]?.parameters?.find((each) => each.name === name)?.schema ??
        {};
      expect(limits(parameter('/api/v1/widgets/{name}', 'delete', 'name'))).to.deep.equal({
        type: 'string',
        maxLength: WIDGET_NAME_MAX_LENGTH,
      });
      expect(limits(parameter('/api/v1/users/{public_id}', 'get', 'public_id'))).to.deep.equal({
        type: 'string',
        format: 'uuid',
        maxLength: 36,
      });
      for (const path of ['/api/v1/widgets', '/api/v1/users']) {
        expect(limits(parameter(path, 'get', 'page')), path).to.deep.equal({
          type: 'integer',
          format: 'int32',
          minimum: 1,
          maximum: MAX_PAGE,
        });
        expect(limits(parameter(path, 'get', 'per_page')), path).to.deep.equal({
          type: 'integer',
          format: 'int32',
          enum: [...PER_PAGE_CHOICES],
          minimum: Math.min(...PER_PAGE_CHOICES),
          maximum: MAX_PER_PAGE,
        });
      }
    });

    it("holds the server to each documented length: accepted at it, the rule's own message past it", async () => {
      const { schemas } = served.components;
      const maxLength = (component: string, name: string) =>
        Number(schemas[component]?.properties?.[name]?.maxLength);
      // A valid mailbox of `length` characters: labels of at most 63, a 64-character local part.
      const emailOf = (length: number) =>
        `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(length - 197)}.com`;
      const emailLimit = maxLength('Registration', 'email');
      const passwordLimit = maxLength('Registration', 'password');
      const atLimit = { email: emailOf(emailLimit), password: 'p'.repeat(passwordLimit) };
      const past = { email: emailOf(emailLimit + 1), password: 'p'.repeat(passwordLimit + 1) };
      expect([atLimit.email.length, past.email.length]).to.deep.equal([254, 255]);

      const registered = await api('POST', '/api/v1/auth/register', { json: atLimit });
      expect(registered.status).to.equal(201);
      const refused = await api('POST', '/api/v1/auth/register', { json: past });
      expect([refused.status, refused.json]).to.deep.equal([
        400,
        {
          status: 'fail',
          message: 'Input payload validation failed',
          errors: { email: `${past.email} is not a valid email`, password: PASSWORD_MESSAGE },
        },
      ]);
      // A register-time rule, not applied at login: a longer password there is only wrong.
      const login = await api('POST', '/api/v1/auth/login', {
        json: { email: atLimit.email, password: past.password },
      });
      expect([login.status, login.json]).to.deep.equal([
        401,
        { status: 'fail', message: 'email or password does not match' },
      ]);
      const changed = await api('POST', '/api/v1/auth/password', {
        token: registered.json.access_token as string,
        json: { current_password: atLimit.password, new_password: past.password },
      });
      expect([changed.status, changed.json.errors]).to.deep.equal([
        400,
        { new_password: PASSWORD_MESSAGE },
      ]);
    });

    it('holds only schemas that Ajv 2020 compiles in strict mode', () => {
      const withRefresh = buildOpenApiDocument({ publishesJwks: true, refreshTokens: true });
      for (const document of [served, withRefresh]) {
        const schemas = schemasIn(document);
        expect(schemas.length).to.be.greaterThan(40);
        const ajv = strictAjv();
        for (const [where, schema] of schemas) {
          expect(() => ajv.compile(dereference(schema, document) as object), where).not.to.throw();
        }
      }
    });

    it('marks the token routes with the bearer scheme and a 401, and only those', () => {
      const secured = [
        'GET /api/v1/auth/user',
        'POST /api/v1/auth/logout',
        'POST /api/v1/auth/logout-all',
        'POST /api/v1/auth/password',
        'GET /api/v1/widgets',
        'POST /api/v1/widgets',
        'GET /api/v1/widgets/{name}',
        'PUT /api/v1/widgets/{name}',
        'DELETE /api/v1/widgets/{name}',
        'DELETE /api/v1/auth/user',
        'GET /api/v1/users',
        'GET /api/v1/users/{public_id}',
        'PATCH /api/v1/users/{public_id}',
        'DELETE /api/v1/users/{public_id}',
      ];
      for (const [where, operation] of operationsOf(served)) {
        if (secured.includes(where)) {
          expect(operation.security, where).to.deep.equal([{ bearer: [] }]);
          expect(operation.responses['401']?.headers, where).to.have.property('WWW-Authenticate');
        } else {
          // Public, and saying so: `security: []` (an absent one would inherit a global one).
          expect(operation.security, where).to.deep.equal([]);
        }
      }
    });

    it('lists the contract status codes of the account routes', () => {
      const statuses = (path: string, method: 'get' | 'patch' | 'delete') =>
        Object.keys(served.paths[path]?.[method]?.responses ?? {});
      // 431: the headers Node's parser refuses, on every route.
      const admin = ['401', '403', '431', '500', '503'];
      const user = '/api/v1/users/{public_id}';
      expect(statuses('/api/v1/auth/user', 'delete')).to.have.members([
        '204',
        '400',
        '401',
        '409',
        '413',
        '415',
        '429',
        '431',
        '500',
        '503',
      ]);
      expect(statuses('/api/v1/users', 'get')).to.have.members(['200', '400', ...admin]);
      expect(statuses(user, 'get')).to.have.members(['200', '404', ...admin]);
      expect(statuses(user, 'patch')).to.have.members([
        '200',
        '400',
        '404',
        '409',
        '413',
        '415',
        ...admin,
      ]);
      expect(statuses(user, 'delete')).to.have.members(['204', '404', '409', ...admin]);
      expect(served.paths['/api/v1/users']?.get?.responses['200']?.headers).to.have.keys(
        'Link',
        'Total-Count',
      );
    });

    it('lists the contract status codes of the main routes', () => {
      const statuses = (path: string, method: 'get' | 'post' | 'put' | 'delete') =>
        Object.keys(served.paths[path]?.[method]?.responses ?? {});
      expect(statuses('/api/v1/auth/register', 'post')).to.have.members([
        '201',
        '400',
        '409',
        '413',
        '415',
        '429',
        '431',
        '500',
        '503',
      ]);
      expect(statuses('/api/v1/auth/login', 'post')).to.have.members([
        '200',
        '400',
        '401',
        '413',
        '415',
        '429',
        '431',
        '500',
        '503',
      ]);
      expect(statuses('/api/v1/widgets', 'post')).to.have.members([
        '201',
        '400',
        '401',
        '403',
        '409',
        '413',
        '415',
        '431',
        '500',
        '503',
      ]);
      expect(statuses('/api/v1/widgets/{name}', 'put')).to.have.members([
        '200',
        '201',
        '400',
        '401',
        '403',
        '413',
        '415',
        '431',
        '500',
        '503',
      ]);
      expect(statuses('/api/v1/widgets/{name}', 'delete')).to.have.members([
        '204',
        '401',
        '403',
        '404',
        '431',
        '500',
        '503',
      ]);
      expect(statuses('/health/ready', 'get')).to.have.members(['200', '431', '503']);
      const register = served.paths['/api/v1/auth/register']?.post?.responses ?? {};
      expect(register['201']?.headers).to.have.keys('Cache-Control', 'Pragma');
      expect(register['429']?.headers).to.have.keys('Retry-After');
      const list = served.paths['/api/v1/widgets']?.get?.responses ?? {};
      expect(list['200']?.headers).to.have.keys('Link', 'Total-Count');
      const create = served.paths['/api/v1/widgets']?.post?.responses ?? {};
      expect(create['201']?.headers).to.have.keys('Location');
      expect(statuses('/api/v1/widgets', 'get')).to.have.members([
        '200',
        '400',
        '401',
        '431',
        '500',
        '503',
      ]);
      expect(statuses('/api/v1/widgets/{name}', 'get')).to.have.members([
        '200',
        '401',
        '404',
        '431',
        '500',
        '503',
      ]);
      expect(statuses('/api/v1/auth/user', 'get')).to.have.members([
        '200',
        '401',
        '431',
        '500',
        '503',
      ]);
      expect(statuses('/api/v1/auth/logout', 'post')).to.have.members([
        '200',
        '401',
        '431',
        '500',
        '503',
      ]);
      expect(statuses('/api/v1/auth/logout-all', 'post')).to.have.members([
        '200',
        '401',
        '431',
        '500',
        '503',
      ]);
      expect(statuses('/api/v1/auth/password', 'post')).to.have.members([
        '200',
        '400',
        '401',
        '413',
        '415',
        '429',
        '431',
        '500',
        '503',
      ]);
      const password = served.paths['/api/v1/auth/password']?.post?.responses ?? {};
      expect(password['200']?.headers).to.have.keys('Cache-Control', 'Pragma');
      expect(password['429']?.headers).to.have.keys('Retry-After');
      // Its 401 is a token failure (challenged) or a wrong current password (not): optional.
      expect(password['401']?.headers?.['WWW-Authenticate']?.required).to.equal(false);
      const user = served.paths['/api/v1/auth/user']?.get?.responses ?? {};
      expect(user['200']?.headers).to.have.keys('Cache-Control');
    });

    it('marks the headers every such answer carries as required', () => {
      const responses = operationsOf(served).flatMap(([where, operation]) =>
        Object.entries(operation.responses).map(([status, response]) => ({
          where: `${where} ${status}`,
          response,
        })),
      );
      const required = responses.flatMap(({ where, response }) =>
        Object.entries(response.headers ?? {})
          .filter(([, header]) => header.required === true)
          .map(([name]) => `${where} ${name}`),
      );
      for (const where of [
        'POST /api/v1/auth/register 201 Cache-Control',
        'POST /api/v1/auth/login 200 Pragma',
        'POST /api/v1/auth/password 200 Cache-Control',
        'POST /api/v1/auth/password 200 Pragma',
        'POST /api/v1/auth/password 429 Retry-After',
        'POST /api/v1/auth/login 429 Retry-After',
        'GET /api/v1/auth/user 200 Cache-Control',
        'GET /api/v1/auth/user 401 WWW-Authenticate',
        'POST /api/v1/widgets 403 WWW-Authenticate',
        'POST /api/v1/widgets 201 Location',
        'PUT /api/v1/widgets/{name} 201 Location',
        'GET /api/v1/widgets 200 Link',
        'GET /api/v1/widgets 200 Total-Count',
      ]) {
        expect(required, where).to.include(where);
      }
      // Login's own 401 (bad credentials) is no token challenge: it has no WWW-Authenticate.
      expect(served.paths['/api/v1/auth/login']?.post?.responses['401']?.headers).to.equal(
        undefined,
      );
    });

    it('describes the JSON 404 of unknown paths and the 405 (with Allow) of missing methods', () => {
      const { NotFound, MethodNotAllowed } = served['x-unrouted-responses'];
      expect(NotFound.content?.['application/json']?.example).to.deep.equal({
        status: 'fail',
        message: HTTP_MESSAGES.notFound,
      });
      expect(MethodNotAllowed.content?.['application/json']?.example).to.deep.equal({
        status: 'fail',
        message: HTTP_MESSAGES.methodNotAllowed,
      });
      expect(MethodNotAllowed.headers?.Allow?.required).to.equal(true);
    });

    it('answers as it documents along the main flows (request() checks each answer)', async () => {
      // Every answer below goes through the shared request(), which fails on any status, body or
      // header the document does not describe; here each status is also the one expected.
      const statuses: Array<[string, number]> = [];
      const call = async (method: string, path: string, options: RequestOptions = {}) => {
        const reply = await api(method, path, options);
        statuses.push([`${method} ${path}`, reply.status]);
        return reply;
      };
      const credentials = { email: 'openapi@example.com', password: 'password1' };
      const widget = { info_url: 'https://example.com', deadline: '2099-01-01' };

      const token = (await call('POST', '/api/v1/auth/register', { json: credentials })).json
        .access_token as string;
      await call('POST', '/api/v1/auth/register', { json: credentials });
      await call('POST', '/api/v1/auth/register', { json: { email: 'x' } });
      await call('POST', '/api/v1/auth/login', { form: credentials });
      await call('POST', '/api/v1/auth/login', { json: { ...credentials, password: 'wrong' } });
      await call('GET', '/api/v1/auth/user', { token });
      await call('GET', '/api/v1/auth/user');
      await call('POST', '/api/v1/widgets', { token, json: { name: 'w', ...widget } });
      await running.container
        .get<Knex>(TOKENS.Knex)('users')
        .where({ email: credentials.email })
        .update({ admin: true });
      await call('POST', '/api/v1/widgets', { token, json: { name: 'w', ...widget } });
      await call('POST', '/api/v1/widgets', { token, json: { name: 'w', ...widget } });
      await call('PUT', '/api/v1/widgets/x', { token, json: widget });
      await call('PUT', '/api/v1/widgets/x', { token, form: widget });
      await call('GET', '/api/v1/widgets/w', { token });
      await call('GET', '/api/v1/widgets/none', { token });
      await call('GET', '/api/v1/widgets?page=1&per_page=5', { token });
      await call('GET', '/api/v1/widgets?per_page=7', { token });
      await call('DELETE', '/api/v1/widgets/x', { token });
      await call('POST', '/api/v1/auth/logout', { token });
      await call('GET', '/health/live');
      await call('GET', '/health/ready');
      await call('GET', '/api/v1/nowhere');
      await call('DELETE', '/api/v1/auth/login');
      await call('GET', `${UI_PATH}/`);

      expect(statuses).to.deep.equal([
        ['POST /api/v1/auth/register', 201],
        ['POST /api/v1/auth/register', 409],
        ['POST /api/v1/auth/register', 400],
        ['POST /api/v1/auth/login', 200],
        ['POST /api/v1/auth/login', 401],
        ['GET /api/v1/auth/user', 200],
        ['GET /api/v1/auth/user', 401],
        ['POST /api/v1/widgets', 403],
        ['POST /api/v1/widgets', 201],
        ['POST /api/v1/widgets', 409],
        ['PUT /api/v1/widgets/x', 201],
        ['PUT /api/v1/widgets/x', 200],
        ['GET /api/v1/widgets/w', 200],
        ['GET /api/v1/widgets/none', 404],
        ['GET /api/v1/widgets?page=1&per_page=5', 200],
        ['GET /api/v1/widgets?per_page=7', 400],
        ['DELETE /api/v1/widgets/x', 204],
        ['POST /api/v1/auth/logout', 200],
        ['GET /health/live', 200],
        ['GET /health/ready', 200],
        ['GET /api/v1/nowhere', 404],
        ['DELETE /api/v1/auth/login', 405],
        [`GET ${UI_PATH}/`, 200], // redirected to the page, and checked as the page
      ]);
    });

    for (const everything of [false, true]) {
      it(`is valid OpenAPI 3.1 by @seriousme/openapi-schema-validator (${everything ? 'with' : 'without'} the JWKS and refresh routes)`, async () => {
        const document = everything
          ? buildOpenApiDocument({ publishesJwks: true, refreshTokens: true })
          : served;
        const validator = new Validator();
        const result = await validator.validate(JSON.parse(JSON.stringify(document)));
        expect(result.errors, JSON.stringify(result.errors, null, 2)).to.equal(undefined);
        expect(result.valid).to.equal(true);
        expect(validator.version).to.equal('3.1');
      });
    }

    it('fails that validator when the document breaks OpenAPI (a response without description)', async () => {
      const broken = JSON.parse(JSON.stringify(served)) as OpenApiDocument;
      const health = broken.paths['/health/live']?.get?.responses['200'] as {
        description?: string;
      };
      delete health.description;
      const result = await new Validator().validate(JSON.parse(JSON.stringify(broken)));
      expect(result.valid).to.equal(false);
      expect(JSON.stringify(result.errors)).to.include("must have required property 'description'");
    });
  });

  describe('GET /api/v1/ui', () => {
    it('answers an HTML page that loads Swagger UI on the document, with no inline script', async () => {
      const reply = await api('GET', UI_PATH);
      expect(reply.status).to.equal(200);
      expect(reply.headers.get('content-type')).to.equal('text/html; charset=utf-8');
      const page = reply.body as string;
      expect(page).to.include(`<script src="${UI_PATH}/swagger-ui-bundle.js"></script>`);
      expect(page).to.include(`data-openapi-url="${DOCUMENT_PATH}"`);
      expect(page).not.to.match(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(page).not.to.match(/\sstyle=/);
    });

    it('confines scripts and styles to the origin with a Content-Security-Policy', async () => {
      const policy = (await api('GET', UI_PATH)).headers.get('content-security-policy') ?? '';
      const directives = policy.split(/;\s*/);
      expect(directives).to.include.members([
        "default-src 'none'",
        "script-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "frame-ancestors 'none'",
      ]);
      expect(policy).not.to.include('unsafe');
      // Besides 'self', only the <style> elements the pinned Swagger UI renders, by hash.
      const preset = readFileSync(join(SWAGGER_UI_DIST, 'swagger-ui-standalone-preset.js'), 'utf8');
      const inlineStyles = [...preset.matchAll(/createElement\("style",null,"([^"]*)"\)/g)].map(
        (match) =>
          `'sha256-${createHash('sha256')
            .update(match[1] ?? '')
            .digest('base64')}'`,
      );
      expect(inlineStyles).to.have.length.greaterThan(0);
      expect(directives).to.include(`style-src 'self' ${inlineStyles.join(' ')}`);
    });

    it('serves every file the page links, with its content type', async () => {
      const page = (await api('GET', UI_PATH)).body as string;
      const links = [...page.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1] ?? '');
      expect(links).to.have.length(7);
      const types: Record<string, string> = {
        js: 'text/javascript; charset=utf-8',
        css: 'text/css; charset=utf-8',
        png: 'image/png',
      };
      for (const link of links) {
        expect(link, link).to.match(new RegExp(`^${UI_PATH}/`));
        const reply = await fetch(`${running.url}${link}`);
        await reply.arrayBuffer();
        expect(reply.status, link).to.equal(200);
        expect(reply.headers.get('content-type'), link).to.equal(
          types[link.split('.').at(-1) ?? ''],
        );
        expect(reply.headers.get('x-content-type-options'), link).to.equal('nosniff');
        expect(reply.headers.get('cache-control'), link).to.be.a('string');
      }
    });

    it("serves swagger-ui-dist's files as they are, cacheable for a day", async () => {
      for (const file of ['swagger-ui-bundle.js', 'swagger-ui.css', 'favicon-32x32.png']) {
        const reply = await fetch(`${running.url}${UI_PATH}/${file}`);
        const body = Buffer.from(await reply.arrayBuffer());
        expect(reply.status, file).to.equal(200);
        expect(body.equals(readFileSync(join(SWAGGER_UI_DIST, file))), file).to.equal(true);
        expect(reply.headers.get('cache-control'), file).to.equal('public, max-age=86400');
      }
    });

    it('configures Swagger UI on the document, keeping the authorization across reloads', async () => {
      const reply = await api('GET', `${UI_PATH}/gatehouse-init.js`);
      expect(reply.status).to.equal(200);
      expect(reply.headers.get('content-type')).to.equal('text/javascript; charset=utf-8');
      expect(reply.headers.get('cache-control')).to.equal('no-cache');
      expect(reply.body).to.include('SwaggerUIBundle({');
      expect(reply.body).to.include('url: root.dataset.openapiUrl');
      expect(reply.body).to.include('persistAuthorization: true');
    });

    it('redirects the trailing-slash form to the page, keeping the query', async () => {
      for (const [path, location] of [
        [`${UI_PATH}/`, UI_PATH],
        [`${UI_PATH}/?x=1`, `${UI_PATH}?x=1`],
      ] as const) {
        const reply = await fetch(`${running.url}${path}`, { redirect: 'manual' });
        await reply.arrayBuffer();
        expect(reply.status, path).to.equal(301);
        expect(reply.headers.get('location'), path).to.equal(location);
      }
      expect((await api('GET', `${UI_PATH}/`)).status).to.equal(200); // fetch follows it
    });

    it('answers any other file name with the JSON 404', async () => {
      for (const name of [
        'index.html',
        'swagger-initializer.js',
        'swagger-ui.js.map',
        'oauth2-redirect.html',
        'package.json',
        'SWAGGER-UI.CSS',
        '__proto__',
        'constructor',
      ]) {
        const reply = await api('GET', `${UI_PATH}/${name}`);
        expect(reply.status, name).to.equal(404);
        expect(reply.json, name).to.deep.equal({ status: 'fail', message: HTTP_MESSAGES.notFound });
      }
    });

    it('answers path traversal attempts with 404', async () => {
      for (const path of [
        `${UI_PATH}/..%2Fpackage.json`,
        `${UI_PATH}/..%2F..%2F..%2Fpackage.json`,
        `${UI_PATH}/../../package.json`,
        `${UI_PATH}/%2e%2e/%2e%2e/package.json`,
        `${UI_PATH}/swagger-ui.css/../../../package.json`,
        `${UI_PATH}/..%5c..%5cpackage.json`,
      ]) {
        const reply = await rawGet(running.url, path);
        expect(reply.status, path).to.equal(404);
        expect(reply.body, path).not.to.include('"name": "gatehouse"');
      }
    });

    it('answers other methods on the page with 405', async () => {
      const reply = await api('POST', UI_PATH);
      expect(reply.status).to.equal(405);
      expect(reply.headers.get('allow')).to.equal('HEAD, GET');
    });
  });
});
