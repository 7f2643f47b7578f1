import type { RunningServer } from '../../../src/main/server.js';
import { expect } from '../../support/chai.js';
import { sqliteUrl } from '../../support/databases.js';
import { request, startTestServer, type Reply } from '../../support/server.js';

const APP_ORIGIN = 'https://app.example.com';

/** What every response carries, whatever its status (helmet, tightened for a JSON API). */
const COMMON = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
};
const API_POLICY = "default-src 'none';frame-ancestors 'none'";

function expectCommonHeaders(reply: Reply): void {
  for (const [name, value] of Object.entries(COMMON)) {
    expect(reply.headers.get(name), name).to.equal(value);
  }
  expect(reply.headers.get('x-powered-by')).to.equal(null);
}

describe('security headers and CORS', () => {
  let server: RunningServer;
  const call = (method: string, path: string, options?: Parameters<typeof request>[3]) =>
    request(server.url, method, path, options);

  before(async () => {
    server = await startTestServer(sqliteUrl(), { CORS_ORIGINS: APP_ORIGIN });
  });
  after(async () => {
    await server.close();
  });

  it('forbids loading and framing on every JSON answer: 200, 400, 401, 404 and 405', async () => {
    const replies = await Promise.all([
      call('GET', '/health/live'),
      call('POST', '/api/v1/auth/register', { json: {} }),
      call('GET', '/api/v1/auth/user'),
      call('GET', '/nowhere'),
      call('DELETE', '/api/v1/auth/register'),
    ]);
    expect(replies.map((reply) => reply.status)).to.deep.equal([200, 400, 401, 404, 405]);
    for (const reply of replies) {
      expectCommonHeaders(reply);
      expect(reply.headers.get('content-security-policy')).to.equal(API_POLICY);
    }
  });

  it('keeps the Swagger UI page on its own policy, with the common headers', async () => {
    const reply = await call('GET', '/api/v1/ui');
    expect(reply.status).to.equal(200);
    expectCommonHeaders(reply);
    const policy = reply.headers.get('content-security-policy') ?? '';
    expect(policy).to.include("script-src 'self'");
    expect(policy).to.include("frame-ancestors 'none'");
  });

  it('answers a preflight from a configured origin with the methods and headers it may use', async () => {
    const reply = await call('OPTIONS', '/api/v1/widgets', {
      headers: {
        Origin: APP_ORIGIN,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization, content-type',
      },
    });
    expect(reply.status).to.equal(204);
    expect(reply.headers.get('access-control-allow-origin')).to.equal(APP_ORIGIN);
    expect(reply.headers.get('access-control-allow-headers')).to.equal(
      'Authorization,Content-Type,X-Request-Id',
    );
    expect(reply.headers.get('access-control-allow-methods')).to.include('POST');
    expect(reply.headers.get('access-control-max-age')).to.equal('600');
    expect(reply.headers.get('vary')).to.include('Origin');
  });

  it('grants nothing to a preflight or a request from an origin not configured', async () => {
    const preflight = await call('OPTIONS', '/api/v1/widgets', {
      headers: { Origin: 'https://evil.example.com', 'Access-Control-Request-Method': 'POST' },
    });
    const simple = await call('GET', '/health/live', {
      headers: { Origin: 'https://app.example.com.evil.example.com' },
    });
    for (const reply of [preflight, simple]) {
      expect(reply.headers.get('access-control-allow-origin')).to.equal(null);
      expect(reply.headers.get('access-control-allow-credentials')).to.equal(null);
    }
  });

  describe('with CORS_ORIGINS unset', () => {
    let closed: RunningServer;
    before(async () => {
      closed = await startTestServer(sqliteUrl());
    });
    after(async () => {
      await closed.close();
    });

    it('grants no origin at all, not even its own', async () => {
      const reply = await request(closed.url, 'GET', '/health/live', {
        headers: { Origin: closed.url },
      });
      expect(reply.status).to.equal(200);
      expect(reply.headers.get('access-control-allow-origin')).to.equal(null);
    });
  });
});
