import { SignJWT } from 'jose';
import { expect } from '../../support/chai.js';
import { describeEachServer, TEST_SECRET, type TestApi } from '../../support/server.js';
import { expectFail, expectTokenAnswer } from '../../support/answers.js';

const MISSING = 'Missing required parameter in the JSON body or the post body or the query string';
const PASSWORD_RULE = 'Password must be at least 8 characters and at most 72 bytes';
const REALM = 'Bearer realm="gatehouse"';
const INVALID = 'Invalid token. Please log in again.';

const challenge = (error: string, message: string) =>
  `${REALM}, error="${error}", error_description="${message}"`;

async function register(api: TestApi, email = 'alice@example.com', password = 'password1') {
  const reply = await api.request('POST', '/api/v1/auth/register', { json: { email, password } });
  expect(reply.status, JSON.stringify(reply.body)).to.equal(201);
  return reply.json.access_token as string;
}

async function publicIdOf(api: TestApi, email: string): Promise<string> {
  const row = (await api.db.knex()('users').where({ email }).first()) as { public_id: string };
  return row.public_id;
}

/** A token signed with the server's secret, with claims and header overridable. */
async function craftToken(
  subject: string,
  options: {
    claims?: Record<string, unknown>;
    header?: Record<string, unknown>;
    secret?: string;
    alg?: string;
    omit?: string[];
  } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    sub: subject,
    admin: false,
    iat: now,
    exp: now + 600,
    jti: `jti-${Math.random()}`,
    iss: 'gatehouse',
    aud: 'gatehouse',
    ...options.claims,
  };
  const omitted = new Set(options.omit);
  const payload = Object.fromEntries(Object.entries(claims).filter(([name]) => !omitted.has(name)));
  const alg = options.alg ?? 'HS256';
  return new SignJWT(payload)
    .setProtectedHeader({ alg, typ: 'at+jwt', ...options.header })
    .sign(new TextEncoder().encode(options.secret ?? TEST_SECRET));
}

describeEachServer('auth API', (api) => {
  describe('POST /api/v1/auth/register', () => {
    it('creates the user and answers 201 with a bearer token that is not cached', async () => {
      const reply = await api.request('POST', '/api/v1/auth/register', {
        json: { email: '  Alice@Example.COM ', password: 'password1' },
      });
      expectTokenAnswer(reply, 201, 'successfully registered');
      const rows = await api.db.knex()('users').select('email', 'admin');
      expect(rows.map((r: { email: string }) => r.email)).to.deep.equal(['alice@example.com']);
    });

    it('accepts a form-encoded body, as the original clients send', async () => {
      const reply = await api.request('POST', '/api/v1/auth/register', {
        form: { email: 'form@example.com', password: 'password1' },
      });
      expect(reply.status).to.equal(201);
    });

    it('reports every invalid field at once and stores nothing', async () => {
      const reply = await api.request('POST', '/api/v1/auth/register', {
        json: { email: 'not-an-email', password: 'short' },
      });
      expectFail(reply, 400, 'Input payload validation failed', {
        errors: { email: 'not-an-email is not a valid email', password: PASSWORD_RULE },
      });
      expect(await api.db.knex()('users').count({ n: '*' }).first()).to.satisfy(
        (row: { n: number | string }) => Number(row.n) === 0,
      );
    });

    it('names missing fields', async () => {
      const reply = await api.request('POST', '/api/v1/auth/register', { json: {} });
      expect(reply.status).to.equal(400);
      expect(reply.json.errors).to.deep.equal({ email: MISSING, password: MISSING });
    });

    it('names a field of the wrong type', async () => {
      const reply = await api.request('POST', '/api/v1/auth/register', {
        json: { email: ['a@example.com'], password: 12345678 },
      });
      expect(reply.status).to.equal(400);
      expect(reply.json.errors).to.deep.equal({
        email: 'email must be a string',
        password: 'password must be a string',
      });
    });

    it('refuses a password over 72 bytes', async () => {
      const reply = await api.request('POST', '/api/v1/auth/register', {
        json: { email: 'long@example.com', password: 'é'.repeat(37) },
      });
      expect(reply.status).to.equal(400);
      expect(reply.json.errors).to.deep.equal({ password: PASSWORD_RULE });
    });

    it('ignores unknown fields, including __proto__ in a form', async () => {
      const reply = await api.request('POST', '/api/v1/auth/register', {
        body: 'email=x@example.com&password=password1&admin=true&__proto__[admin]=true',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      });
      expect(reply.status).to.equal(201);
      const row = await api.db.knex()('users').where({ email: 'x@example.com' }).first();
      expect(Boolean(row.admin)).to.equal(false);
      expect(({} as Record<string, unknown>).admin).to.equal(undefined);
    });

    it('answers 409 for an email registered in another case, naming the normalised address', async () => {
      await register(api, 'bob@example.com');
      const reply = await api.request('POST', '/api/v1/auth/register', {
        json: { email: 'BOB@Example.com', password: 'password1' },
      });
      expectFail(reply, 409, 'bob@example.com is already registered');
    });

    it('lets exactly one of ten concurrent registrations of one email succeed', async () => {
      const replies = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          api.request('POST', '/api/v1/auth/register', {
            json: { email: i % 2 ? 'race@example.com' : 'RACE@example.com', password: 'password1' },
          }),
        ),
      );
      const statuses = replies.map((r) => r.status).sort();
      expect(statuses).to.deep.equal([201, 409, 409, 409, 409, 409, 409, 409, 409, 409]);
      const rows = await api.db.knex()('users').where({ email: 'race@example.com' });
      expect(rows).to.have.length(1);
    });
  });

  describe('POST /api/v1/auth/login', () => {
    beforeEach(() => register(api));

    it('answers 200 with a token for the right password, with the email in any case', async () => {
      const reply = await api.request('POST', '/api/v1/auth/login', {
        json: { email: 'ALICE@example.com', password: 'password1' },
      });
      expect(reply.status).to.equal(200);
      expect(reply.json).to.deep.include({
        status: 'success',
        message: 'successfully logged in',
        token_type: 'bearer',
        expires_in: 900,
      });
      expect(reply.headers.get('cache-control')).to.equal('no-store');
      expect(reply.headers.get('pragma')).to.equal('no-cache');
    });

    it('gives two logins in the same second different tokens', async () => {
      const credentials = { json: { email: 'alice@example.com', password: 'password1' } };
      const [a, b] = await Promise.all([
        api.request('POST', '/api/v1/auth/login', credentials),
        api.request('POST', '/api/v1/auth/login', credentials),
      ]);
      expect(a?.json.access_token).to.be.a('string');
      expect(a?.json.access_token).to.not.equal(b?.json.access_token);
    });

    const refusals: Array<[string, Record<string, string>]> = [
      ['a wrong password', { email: 'alice@example.com', password: 'password2' }],
      ['an unknown email', { email: 'nobody@example.com', password: 'password1' }],
      ['a password over 72 bytes', { email: 'alice@example.com', password: 'password1'.repeat(9) }],
      ['an empty password', { email: 'alice@example.com', password: '' }],
    ];
    for (const [label, body] of refusals) {
      it(`answers 401 with the one message for ${label}`, async () => {
        const reply = await api.request('POST', '/api/v1/auth/login', { json: body });
        expectFail(reply, 401, 'email or password does not match');
      });
    }

    it('answers 400 for a malformed email and a missing password', async () => {
      const reply = await api.request('POST', '/api/v1/auth/login', { json: { email: 'alice' } });
      expect(reply.status).to.equal(400);
      expect(reply.json.errors).to.deep.equal({
        email: 'alice is not a valid email',
        password: MISSING,
      });
    });
  });

  describe('GET /api/v1/auth/user', () => {
    it('describes the caller and the time left on the token', async () => {
      const token = await register(api);
      const reply = await api.request('GET', '/api/v1/auth/user', { token });
      expect(reply.status).to.equal(200);
      expect(Object.keys(reply.json)).to.deep.equal([
        'email',
        'public_id',
        'admin',
        'registered_on',
        'token_expires_in',
      ]);
      expect(reply.json.email).to.equal('alice@example.com');
      expect(reply.json.public_id).to.equal(await publicIdOf(api, 'alice@example.com'));
      expect(reply.json.admin).to.equal(false);
      expect(reply.json.registered_on).to.match(/^\d\d\/\d\d\/\d\d \d\d:\d\d:\d\d [AP]M UTC$/);
      expect(reply.json.token_expires_in).to.match(/^00:1[45]:\d\d$/);
    });

    it('reflects a demotion or promotion at once, whatever the token says', async () => {
      const token = await register(api);
      await api.db.knex()('users').update({ admin: true });
      const reply = await api.request('GET', '/api/v1/auth/user', { token });
      expect(reply.json.admin).to.equal(true);
    });
  });

  describe('POST /api/v1/auth/logout', () => {
    it('revokes the token at once, and only that token', async () => {
      const token = await register(api);
      const other = (
        await api.request('POST', '/api/v1/auth/login', {
          json: { email: 'alice@example.com', password: 'password1' },
        })
      ).json.access_token as string;

      const reply = await api.request('POST', '/api/v1/auth/logout', { token });
      expect(reply.status).to.equal(200);
      expect(reply.json).to.deep.equal({ status: 'success', message: 'successfully logged out' });

      const after = await api.request('GET', '/api/v1/auth/user', { token });
      expectFail(after, 401, 'Token blacklisted. Please log in again.');
      expect((await api.request('GET', '/api/v1/auth/user', { token: other })).status).to.equal(
        200,
      );
      const stored = await api.db.knex()('revoked_tokens').count({ n: '*' }).first();
      expect(Number(stored?.n)).to.equal(1);
    });

    it('answers a second logout with the same token as blacklisted', async () => {
      const token = await register(api);
      await api.request('POST', '/api/v1/auth/logout', { token });
      const again = await api.request('POST', '/api/v1/auth/logout', { token });
      expect(again.status).to.equal(401);
      expect(again.json.message).to.equal('Token blacklisted. Please log in again.');
      expect(again.headers.get('www-authenticate')).to.equal(
        challenge('invalid_token', 'Token blacklisted. Please log in again.'),
      );
    });
  });

  describe('the 401 table', () => {
    const noToken: Array<[string, Record<string, string>]> = [
      ['no Authorization header', {}],
      ['a blank Authorization header', { Authorization: '   ' }],
      ['"Bearer" with nothing after it', { Authorization: 'Bearer' }],
      ['"Bearer " and spaces', { Authorization: 'Bearer    ' }],
    ];
    for (const [label, headers] of noToken) {
      it(`answers ${label} with 401 Unauthorized and a bare challenge`, async () => {
        const reply = await api.request('GET', '/api/v1/auth/user', { headers });
        expectFail(reply, 401, 'Unauthorized');
        expect(reply.headers.get('www-authenticate')).to.equal(REALM);
      });
    }

    it('answers an expired token with the expiry message', async () => {
      await register(api);
      const subject = await publicIdOf(api, 'alice@example.com');
      const past = Math.floor(Date.now() / 1000) - 3600;
      const token = await craftToken(subject, { claims: { iat: past, exp: past + 60 } });
      const reply = await api.request('GET', '/api/v1/auth/user', { token });
      expect(reply.status).to.equal(401);
      const message = 'Access token expired. Please log in again.';
      expect(reply.json).to.deep.equal({ status: 'fail', message });
      expect(reply.headers.get('www-authenticate')).to.equal(challenge('invalid_token', message));
    });

    const invalid: Array<[string, (subject: string) => Promise<string>]> = [
      ['a bad signature', (s) => craftToken(s, { secret: 'another-secret-of-enough-length!!' })],
      ['a malformed token', async () => 'not.a.jwt'],
      ['HS512 instead of HS256', (s) => craftToken(s, { alg: 'HS512' })],
      ['a typ other than at+jwt', (s) => craftToken(s, { header: { typ: 'JWT' } })],
      ['a foreign issuer', (s) => craftToken(s, { claims: { iss: 'someone-else' } })],
      ['a foreign audience', (s) => craftToken(s, { claims: { aud: 'someone-else' } })],
      ['no jti', (s) => craftToken(s, { omit: ['jti'] })],
      ['no exp', (s) => craftToken(s, { omit: ['exp'] })],
      ['no iat', (s) => craftToken(s, { omit: ['iat'] })],
      ['no sub', (s) => craftToken(s, { omit: ['sub'] })],
      [
        'an iat a minute in the future',
        (s) => craftToken(s, { claims: { iat: Math.floor(Date.now() / 1000) + 60 } }),
      ],
      [
        'an nbf a minute in the future',
        (s) => craftToken(s, { claims: { nbf: Math.floor(Date.now() / 1000) + 60 } }),
      ],
      [
        'alg none',
        async (s) => {
          const encode = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
          const now = Math.floor(Date.now() / 1000);
          const claims = { sub: s, admin: true, iat: now, exp: now + 600, jti: 'x' };
          return `${encode({ alg: 'none', typ: 'at+jwt' })}.${encode({ ...claims, iss: 'gatehouse', aud: 'gatehouse' })}.`;
        },
      ],
      [
        'a user that no longer exists',
        (s) => craftToken(s.replace(/.$/, (c) => (c === '0' ? '1' : '0'))),
      ],
    ];
    for (const [label, make] of invalid) {
      it(`answers a token with ${label} as invalid`, async () => {
        await register(api);
        const token = await make(await publicIdOf(api, 'alice@example.com'));
        const reply = await api.request('GET', '/api/v1/auth/user', { token });
        expectFail(reply, 401, INVALID);
        expect(reply.headers.get('www-authenticate')).to.equal(challenge('invalid_token', INVALID));
      });
    }

    it('answers another scheme as an invalid token', async () => {
      const token = await register(api);
      const reply = await api.request('GET', '/api/v1/auth/user', {
        headers: { Authorization: `Basic ${token}` },
      });
      expect(reply.status).to.equal(401);
      expect(reply.json.message).to.equal(INVALID);
    });

    it('answers the token of a user deleted from the database as invalid', async () => {
      const token = await register(api);
      await api.db.knex()('users').delete();
      const reply = await api.request('GET', '/api/v1/auth/user', { token });
      expect(reply.status).to.equal(401);
      expect(reply.json.message).to.equal(INVALID);
    });

    it('accepts the scheme in any case, and a bare token', async () => {
      const token = await register(api);
      for (const Authorization of [`bearer ${token}`, `BEARER ${token}`, token]) {
        const reply = await api.request('GET', '/api/v1/auth/user', { headers: { Authorization } });
        expect(reply.status, Authorization.slice(0, 10)).to.equal(200);
      }
    });
  });

  describe('conventions', () => {
    it('answers an unknown route with a JSON 404', async () => {
      const reply = await api.request('GET', '/api/v1/nothing-here');
      expect(reply.status).to.equal(404);
      expect(reply.json.status).to.equal('fail');
      expect(reply.json.message).to.match(/^The requested URL was not found/);
    });

    it('answers a wrong method with a JSON 405 and Allow', async () => {
      const reply = await api.request('DELETE', '/api/v1/auth/login');
      expect(reply.status).to.equal(405);
      expect(reply.headers.get('allow')).to.equal('POST');
      expect(reply.json).to.deep.equal({
        status: 'fail',
        message: 'The method is not allowed for the requested URL.',
      });
    });

    const unsupported: Array<[string, Record<string, string>]> = [
      ['text/plain', { 'Content-Type': 'text/plain' }],
      ['no content type', {}],
      ['gzip encoding', { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }],
    ];
    for (const [label, headers] of unsupported) {
      it(`answers a body with ${label} with 415`, async () => {
        const reply = await api.request('POST', '/api/v1/auth/register', {
          headers,
          body: '{"email":"a@example.com","password":"password1"}',
        });
        expect(reply.status).to.equal(415);
        expect(reply.json.status).to.equal('fail');
      });
    }

    it('accepts media types in any case and with a charset', async () => {
      const reply = await api.request('POST', '/api/v1/auth/register', {
        headers: { 'Content-Type': 'Application/JSON; charset=UTF-8' },
        body: '{"email":"case@example.com","password":"password1"}',
      });
      expect(reply.status).to.equal(201);
    });

    it('answers malformed JSON with 400', async () => {
      const reply = await api.request('POST', '/api/v1/auth/login', {
        headers: { 'Content-Type': 'application/json' },
        body: '{"email": ',
      });
      expectFail(reply, 400, 'Malformed JSON body');
    });

    it('ignores JSON __proto__ and constructor keys, like any unknown field, touching no prototype', async () => {
      const reply = await api.request('POST', '/api/v1/auth/register', {
        headers: { 'Content-Type': 'application/json' },
        body:
          '{"email":"p@example.com","password":"password1","__proto__":{"admin":true},' +
          '"constructor":{"prototype":{"admin":true}}}',
      });
      expect(reply.status).to.equal(201);
      expect(({} as Record<string, unknown>).admin).to.equal(undefined);
      const row = await api.db.knex()('users').where({ email: 'p@example.com' }).first();
      expect(Boolean(row.admin)).to.equal(false);
    });

    for (const body of ['null', '"a string"', '1', '[]']) {
      it(`answers the JSON body ${body} with 400 saying it must be an object`, async () => {
        const reply = await api.request('POST', '/api/v1/auth/login', {
          headers: { 'Content-Type': 'application/json' },
          body,
        });
        expectFail(reply, 400, 'Input payload validation failed', {
          errors: { body: 'The request body must be an object' },
        });
      });
    }

    it('refuses a body that is not UTF-8 instead of decoding it lossily', async () => {
      const bytes = Buffer.concat([
        Buffer.from('{"email":"latin@example.com","password":"p'),
        Buffer.from([0xe4]),
        Buffer.from('sswort12"}'),
      ]);
      const reply = await api.request('POST', '/api/v1/auth/register', {
        headers: { 'Content-Type': 'application/json' },
        body: new Uint8Array(bytes),
      });
      expectFail(reply, 400, 'Request body is not valid UTF-8');
      expect(await api.db.knex()('users')).to.have.length(0);
    });

    it('answers a charset other than UTF-8 with 415', async () => {
      const reply = await api.request('POST', '/api/v1/auth/register', {
        headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=iso-8859-1' },
        body: 'email=latin%40example.com&password=password1',
      });
      expect(reply.status).to.equal(415);
    });

    it('reads an empty chunked body as no fields', async () => {
      const response = await fetch(`${api.running().url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: new ReadableStream({ start: (controller) => controller.close() }),
        duplex: 'half',
      } as RequestInit);
      expect(response.status).to.equal(400);
      expect(((await response.json()) as { errors: unknown }).errors).to.deep.equal({
        email: MISSING,
        password: MISSING,
      });
    });

    it('accepts Content-Encoding identity in any case', async () => {
      const reply = await api.request('POST', '/api/v1/auth/register', {
        headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'IDENTITY' },
        body: '{"email":"identity@example.com","password":"password1"}',
      });
      expect(reply.status).to.equal(201);
    });

    it('routes before looking at a body: unknown path 404, wrong method 405', async () => {
      const headers = { 'Content-Type': 'text/plain' };
      const unknown = await api.request('POST', '/api/v1/nowhere', { headers, body: 'x' });
      expect(unknown.status).to.equal(404);
      const wrongMethod = await api.request('PUT', '/api/v1/auth/login', { headers, body: 'x' });
      expect(wrongMethod.status).to.equal(405);
      expect(wrongMethod.headers.get('allow')).to.equal('POST');
    });

    it('matches paths as Werkzeug does: no trailing slash, case-sensitive', async () => {
      const credentials = { email: 'a@example.com', password: 'password1' };
      expect(
        (await api.request('POST', '/api/v1/auth/login/', { json: credentials })).status,
      ).to.equal(404);
      expect(
        (await api.request('POST', '/API/V1/AUTH/LOGIN', { json: credentials })).status,
      ).to.equal(404);
    });

    it('answers an unknown method on an unknown path with 404 and no Allow', async () => {
      const reply = await api.request('PROPFIND', '/api/v1/nowhere');
      expect(reply.status).to.equal(404);
      expect(reply.headers.get('allow')).to.equal(null);
    });

    it('ignores a body sent to logout, which takes none', async () => {
      const token = await register(api);
      const reply = await api.request('POST', '/api/v1/auth/logout', {
        token,
        headers: { 'Content-Type': 'text/plain' },
        body: 'whatever',
      });
      expect(reply.status).to.equal(200);
    });

    it('answers a body over 64 KiB with 413', async () => {
      const reply = await api.request('POST', '/api/v1/auth/register', {
        json: { email: 'big@example.com', password: 'password1', padding: 'x'.repeat(70_000) },
      });
      expect(reply.status).to.equal(413);
      expect(reply.json.status).to.equal('fail');
    });

    it('needs no content type for a bodyless logout', async () => {
      const token = await register(api);
      const reply = await api.request('POST', '/api/v1/auth/logout', { token });
      expect(reply.status).to.equal(200);
    });

    it('puts a request id on every response, keeping a sane one the client sent', async () => {
      const mine = await api.request('GET', '/health/live', {
        headers: { 'X-Request-Id': 'abc-123' },
      });
      expect(mine.headers.get('x-request-id')).to.equal('abc-123');
      const generated = await api.request('GET', '/nowhere', {
        headers: { 'X-Request-Id': 'bad id\twith spaces' },
      });
      expect(generated.headers.get('x-request-id')).to.match(/^[0-9a-f-]{36}$/);
    });

    it('publishes no JWKS with HS256: a JSON 404', async () => {
      const reply = await api.request('GET', '/.well-known/jwks.json');
      expect(reply.status).to.equal(404);
      expect(reply.json.status).to.equal('fail');
    });

    it('answers /health/live and /health/ready with 200', async () => {
      expect((await api.request('GET', '/health/live')).status).to.equal(200);
      const ready = await api.request('GET', '/health/ready');
      expect(ready.status).to.equal(200);
      expect(ready.json).to.deep.equal({ status: 'ok' });
    });
  });
});
