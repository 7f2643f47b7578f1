import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HTTP_MESSAGES } from '../../../src/adapters/http/problems.js';
import { buildOpenApiDocument } from '../../../src/adapters/http/openapi.js';
import type { OpenApiDocument } from '../../../src/adapters/http/openapiTypes.js';
import { expect } from '../../support/chai.js';
import {
  OPENAPI_DOCUMENT_PATH,
  OpenApiDriftChecker,
  OpenApiDriftError,
  type Exchange,
} from '../../support/openapiDrift.js';
import { request } from '../../support/server.js';

const JSON_TYPE = 'application/json; charset=utf-8';
const USER = {
  email: 'user@example.com',
  public_id: '6f1c3a4e-0000-4000-8000-000000000001',
  admin: false,
  registered_on: '02/29/20 09:03:29 PM UTC',
  token_expires_in: '00:14:59',
};
const NOT_FOUND = { status: 'fail', message: HTTP_MESSAGES.notFound };
const UNAUTHORIZED = { status: 'fail', message: 'Unauthorized' };
const CHALLENGE = 'Bearer realm="gatehouse"';

/** The document as a client reads it (JSON), for the HS256 server. */
const DOCUMENT = JSON.parse(
  JSON.stringify(buildOpenApiDocument({ publishesJwks: false })),
) as OpenApiDocument;

function exchange(
  method: string,
  path: string,
  status: number,
  body: unknown,
  headers: Record<string, string> = body === null ? {} : { 'Content-Type': JSON_TYPE },
): Exchange {
  return { method, path, status, headers: new Headers(headers), body };
}

describe('OpenAPI drift checker', () => {
  const checker = new OpenApiDriftChecker(DOCUMENT);

  it('accepts answers the document describes', () => {
    for (const answer of [
      exchange('GET', '/api/v1/auth/user', 200, USER, {
        'Content-Type': JSON_TYPE,
        'Cache-Control': 'no-store',
      }),
      exchange('GET', '/api/v1/auth/user', 401, UNAUTHORIZED, {
        'Content-Type': JSON_TYPE,
        'WWW-Authenticate': CHALLENGE,
      }),
      exchange('GET', '/api/v1/widgets/My-Widget', 404, {
        status: 'fail',
        message: 'my-widget not found in database.',
      }),
      exchange('DELETE', '/api/v1/widgets/my-widget', 204, null),
      exchange('GET', '/nowhere', 404, NOT_FOUND),
      exchange('OPTIONS', '/api/v1/widgets', 204, null),
      // HEAD: GET's answer without its body, the 405 of a path without GET likewise.
      exchange('HEAD', '/api/v1/auth/user', 200, null, {
        'Content-Type': JSON_TYPE,
        'Cache-Control': 'no-store',
      }),
      exchange('HEAD', '/api/v1/auth/login', 405, null, {
        'Content-Type': JSON_TYPE,
        Allow: 'POST',
      }),
      exchange('GET', '/api/v1/ui/swagger-ui.css', 200, 'body{}', {
        'Content-Type': 'text/css; charset=utf-8',
        'Cache-Control': 'public, max-age=86400',
      }),
    ]) {
      expect(checker.problems(answer), `${answer.method} ${answer.path}`).to.deep.equal([]);
      expect(() => checker.check(answer)).not.to.throw();
    }
  });

  it('fails a status the document does not list for the operation', () => {
    const answer = exchange('GET', '/api/v1/auth/user', 418, { status: 'fail', message: 'teapot' });
    expect(checker.problems(answer)).to.deep.equal([
      'status 418 is not documented for GET /api/v1/auth/user (documented: 200, 401, 431, 500, 503)',
    ]);
    expect(() => checker.check(answer)).to.throw(
      OpenApiDriftError,
      /^GET \/api\/v1\/auth\/user answered 418, which the OpenAPI document does not describe:/,
    );
  });

  it('fails a body that breaks the schema of its status', () => {
    const withoutId: Partial<typeof USER> = { ...USER };
    delete withoutId.public_id;
    const answer = exchange(
      'GET',
      '/api/v1/auth/user',
      200,
      { ...withoutId, admin: 'no' },
      {
        'Content-Type': JSON_TYPE,
        'Cache-Control': 'no-store',
      },
    );
    expect(checker.problems(answer)).to.deep.equal([
      "body (root) must have required property 'public_id'; /admin must be boolean",
    ]);
    expect(() => checker.check(answer)).to.throw(OpenApiDriftError, /must be boolean/);
  });

  it('fails an error body without the error shape, and a 204 with a body', () => {
    expect(
      checker.problems(exchange('GET', '/api/v1/widgets/w', 404, { error: 'not found' })),
    ).to.deep.equal([
      "body (root) must have required property 'status'; (root) must have required property 'message'",
    ]);
    expect(
      checker.problems(
        exchange('DELETE', '/api/v1/widgets/w', 204, 'gone', { 'Content-Type': 'text/plain' }),
      ),
    ).to.deep.equal(['a body was sent where the document has none']);
  });

  it('fails a missing required header, and a header value that breaks its schema', () => {
    expect(checker.problems(exchange('GET', '/api/v1/auth/user', 401, UNAUTHORIZED))).to.deep.equal(
      ['header WWW-Authenticate is missing'],
    );
    const page = {
      links: { self: '/api/v1/widgets?page=1&per_page=10' },
      has_prev: false,
      has_next: false,
      page: 1,
      total_pages: 0,
      items_per_page: 10,
      total_items: 0,
      items: [],
    };
    const list = (totalCount: string) =>
      exchange('GET', '/api/v1/widgets?page=1', 200, page, {
        'Content-Type': JSON_TYPE,
        Link: '<http://127.0.0.1/api/v1/widgets?page=1&per_page=10>; rel="self"',
        'Total-Count': totalCount,
      });
    expect(checker.problems(list('0'))).to.deep.equal([
      "body /links must have required property 'first'; /links must have required property 'last'",
    ]);
    expect(checker.problems(list('many'))).to.include(
      'header Total-Count: "many" /value must be integer',
    );
  });

  it('fails a content type the response does not list', () => {
    const answer = exchange('GET', '/api/v1/auth/user', 200, '<p>hello</p>', {
      'Content-Type': 'text/html',
      'Cache-Control': 'no-store',
    });
    expect(checker.problems(answer)).to.deep.equal([
      'content type text/html is not documented (documented: application/json)',
    ]);
  });

  it('holds unknown paths to the JSON 404, and missing methods to the 405 with the Allow it documents', () => {
    expect(checker.problems(exchange('GET', '/nowhere', 200, { status: 'ok' }))).to.deep.equal([
      'the document says 404 here (No route has that path)',
      "body (root) must have required property 'message'; /status must be equal to one of the allowed values",
    ]);
    const wrongMethod = (allow: string) =>
      exchange(
        'DELETE',
        '/api/v1/auth/login',
        405,
        {
          status: 'fail',
          message: HTTP_MESSAGES.methodNotAllowed,
        },
        { 'Content-Type': JSON_TYPE, Allow: allow },
      );
    expect(checker.problems(wrongMethod('POST'))).to.deep.equal([]);
    expect(checker.problems(wrongMethod('GET, POST'))).to.deep.equal([
      'Allow: GET, POST but the document has POST',
    ]);
  });

  describe('as the shared request() applies it', () => {
    let server: Server;
    let baseUrl: string;
    /** What the server below answers on /health/live, instead of what it documents. */
    let live: { status: number; body: unknown };

    // A server that serves Gatehouse's document but does not keep to it: request() has to
    // notice, since the real server (which keeps to it) cannot show that.
    before(async () => {
      const document = JSON.stringify(DOCUMENT);
      server = createServer((req, res) => {
        const [status, body] =
          req.url === OPENAPI_DOCUMENT_PATH
            ? [200, document]
            : [live.status, JSON.stringify(live.body)];
        res.writeHead(status, { 'Content-Type': JSON_TYPE }).end(body);
      }).listen(0, '127.0.0.1');
      await once(server, 'listening');
      baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    after(async () => {
      server.close();
      await once(server, 'close');
    });

    it('passes an answer the served document describes', async () => {
      live = { status: 200, body: { status: 'ok' } };
      expect((await request(baseUrl, 'GET', '/health/live')).json).to.deep.equal({ status: 'ok' });
    });

    it('fails the request on an undocumented status', async () => {
      live = { status: 202, body: { status: 'ok' } };
      await expect(request(baseUrl, 'GET', '/health/live')).to.be.rejectedWith(
        OpenApiDriftError,
        'status 202 is not documented for GET /health/live (documented: 200, 431)',
      );
    });

    it('fails the request on a body that breaks the schema', async () => {
      live = { status: 200, body: { status: 'fine' } };
      await expect(request(baseUrl, 'GET', '/health/live')).to.be.rejectedWith(
        OpenApiDriftError,
        'body /status must be equal to constant',
      );
    });
  });
});
