import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Router } from '@koa/router';
import Koa from 'koa';
import Type from 'typebox';
import type { GatehouseState } from '../../../src/adapters/http/context.js';
import { errorHandler } from '../../../src/adapters/http/errors.js';
import { buildOpenApiDocument } from '../../../src/adapters/http/openapi.js';
import { RESPONSES } from '../../../src/adapters/http/openapiAnswers.js';
import { registerRoutes, route } from '../../../src/adapters/http/route.js';
import { MISSING_FIELD } from '../../../src/adapters/http/validation.js';
import { expect } from '../../support/chai.js';

// A route the API does not have, declared once: what the router and the document make of it.
const settingSchema = Type.Object({
  key: Type.String(),
  enabled: Type.Boolean(),
  note: Type.String(),
});
const settingRoute = route<{ prefix: string }, typeof settingSchema>({
  method: 'put',
  path: '/api/v1/settings/:key',
  auth: 'public',
  operation: { tags: ['users'], summary: 'Set a setting', operationId: 'putSetting' },
  params: { key: { description: 'The setting', schema: settingSchema.properties.key } },
  body: {
    component: 'SettingUpdate',
    schema: settingSchema,
    fromPath: ['key'],
    rules: ({ prefix }) => ({ note: (note) => (note.startsWith(prefix) ? null : 'bad note') }),
    description: 'The setting.',
  },
  responses: { '204': { description: 'Set' } },
  handler: (_deps, readBody) => (ctx) => {
    ctx.set('X-Setting', JSON.stringify(readBody(ctx)));
    ctx.status = 204;
  },
});

describe('the route table', () => {
  describe('a declared route in the OpenAPI document', () => {
    const document = buildOpenApiDocument({ publishesJwks: false, version: '1' }, [settingRoute]);
    const operation = document.paths['/api/v1/settings/{key}']?.put;

    it('is an operation at the OpenAPI form of its path, with its path parameter', () => {
      expect(Object.keys(document.paths)).to.deep.equal(['/api/v1/settings/{key}']);
      expect(operation?.operationId).to.equal('putSetting');
      expect(operation?.parameters).to.deep.equal([
        {
          name: 'key',
          in: 'path',
          required: true,
          description: 'The setting',
          schema: { type: 'string' },
        },
      ]);
    });

    it('publishes its body without the fields its path supplies, as JSON and as a form', () => {
      expect(document.components.schemas.SettingUpdate).to.deep.equal({
        type: 'object',
        required: ['enabled', 'note'],
        properties: { enabled: { type: 'boolean' }, note: { type: 'string' } },
      });
      const schema = { $ref: '#/components/schemas/SettingUpdate' };
      expect(operation?.requestBody).to.deep.equal({
        required: true,
        description: 'The setting. Sent as JSON or as a form; unknown fields are ignored.',
        content: {
          'application/json': { schema },
          'application/x-www-form-urlencoded': { schema },
        },
      });
    });

    it('adds the answers its facts imply: a body 413 and 415, any request 431, no token ones', () => {
      expect(operation?.security).to.deep.equal([]);
      expect(operation?.responses).to.deep.equal({
        '204': { description: 'Set' },
        '413': RESPONSES.payloadTooLarge,
        '415': RESPONSES.unsupportedMediaType,
        '431': RESPONSES.headersTooLarge,
      });
    });

    it('lists only the tags and component schemas its operations use', () => {
      expect(document.tags).to.deep.equal([
        { name: 'users', description: 'User management (administrators)' },
      ]);
      expect(Object.keys(document.components.schemas)).to.deep.equal(['SettingUpdate', 'Error']);
    });
  });

  it('refuses a tag the document has no description for', () => {
    const untagged = { ...settingRoute, operation: { ...settingRoute.operation, tags: ['misc'] } };
    expect(() => buildOpenApiDocument({ publishesJwks: false }, [untagged])).to.throw(
      'no description for the tags misc',
    );
  });

  describe('a declared route on the router', () => {
    let server: Server;
    let baseUrl: string;

    before(async () => {
      const app = new Koa<GatehouseState>();
      const router = new Router<GatehouseState>();
      registerRoutes(router, [settingRoute], { prefix: 'ok' });
      app.use(
        errorHandler('gatehouse', {
          unavailableDependency: () => null,
          loggableMessage: (error) => error.message,
        }),
      );
      app.use(router.routes());
      server = createServer(app.callback()).listen(0, '127.0.0.1');
      await once(server, 'listening');
      baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    after(async () => {
      server.close();
      await once(server, 'close');
    });

    const put = (body: string, type: string) =>
      fetch(`${baseUrl}/api/v1/settings/theme`, {
        method: 'PUT',
        headers: { 'Content-Type': type },
        body,
      });

    it("reads a form's boolean from `true`/`false` and takes the path's field over the body's", async () => {
      const response = await put(
        'key=other&enabled=false&note=ok%20then',
        'application/x-www-form-urlencoded',
      );
      expect(response.status).to.equal(204);
      expect(JSON.parse(response.headers.get('X-Setting') ?? '')).to.deep.equal({
        key: 'theme',
        enabled: false,
        note: 'ok then',
      });
    });

    it('refuses in one 400 every field that fails, by Ajv or by its domain rule', async () => {
      const response = await put(
        JSON.stringify({ enabled: 'false', note: 'nope' }),
        'application/json',
      );
      expect(response.status).to.equal(400);
      expect(await response.json()).to.deep.equal({
        status: 'fail',
        message: 'Input payload validation failed',
        errors: { enabled: 'enabled must be a boolean', note: 'bad note' },
      });
    });

    it('answers 400 naming a missing field', async () => {
      const response = await put(JSON.stringify({ enabled: true }), 'application/json');
      expect(await response.json()).to.deep.equal({
        status: 'fail',
        message: 'Input payload validation failed',
        errors: { note: MISSING_FIELD },
      });
    });
  });
});
