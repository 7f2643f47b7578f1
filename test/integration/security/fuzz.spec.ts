import fc from 'fast-check';
import { expect } from '../../support/chai.js';
import { describeEachServer, type TestApi } from '../../support/server.js';
import { futureDate, rawRequest, registerAccount } from './attacks.js';

// FUZZ_SEED replays a run (fast-check prints the seed and the path of a failure); FUZZ_RUNS
// makes a longer one.
const SEED = Number(process.env.FUZZ_SEED ?? 20261124);
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

/** Every byte percent-encoded: any string becomes a valid path segment or query value. */
const percentEncoded = (text: string) =>
  Buffer.from(text, 'utf8').toString('hex').replace(/../g, '%$&');

const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', '\u0000', '%', '__proto__', 'constructor', "' OR 1=1 --", '\u212A'),
);

/** What a field might hold: mostly something plausible, else text or any JSON value. */
const fieldValue = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'fuzz@example.com',
      'FUZZ@Example.com',
      'password1',
      'p'.repeat(73),
      'alpha',
      'Beta',
      'https://www.example.com',
      'http://127.0.0.1',
      futureDate(),
      '2020-02-29',
      '05/13/2031',
    ),
  },
  { weight: 1, arbitrary: text },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);

const fieldName = fc.constantFrom(
  'email',
  'password',
  'name',
  'info_url',
  'deadline',
  'page',
  '__proto__',
  'constructor',
);

/**
 * Every field of some endpoint, plausible enough that registrations, logins and widget writes
 * succeed now and then, with up to two fields replaced by anything.
 */
const fields = fc
  .tuple(
    fc.record({
      email: fc.oneof(
        fc.constantFrom('FUZZ@example.com', 'user@example.com'),
        fc.nat(9999).map((n) => `fuzz${n}@example.com`),
      ),
      password: fc.constantFrom('password1', 'password2'),
      name: fc.oneof(
        fc.constantFrom('alpha', 'Beta'),
        fc.nat(9999).map((n) => `w${n}`),
      ),
      info_url: fc.constantFrom('https://www.example.com', 'http://example.org/x'),
      deadline: fc.constantFrom(futureDate(), '05/13/2031'),
    }),
    fc.dictionary(fieldName, fieldValue, { maxKeys: 2 }),
  )
  .map(([plausible, replaced]) => ({ ...plausible, ...replaced }));

const asForm = (pairs: ReadonlyArray<readonly [string, unknown]>) =>
  pairs
    .map(([key, value]) => {
      const raw = typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
      return `${encodeURIComponent(key)}=${encodeURIComponent(raw)}`;
    })
    .join('&');

const formKey = fc.oneof(
  fieldName,
  fc.constantFrom('email[]', 'name[x]', '__proto__[admin]', 'constructor[prototype][x]'),
  text,
);

/** Anything at all for a body. */
const anyBody = fc.oneof(
  fc.constant(undefined),
  fc.array(fc.tuple(formKey, fc.oneof(fieldValue, text)), { maxLength: 6 }).map(asForm),
  fc.json({ maxDepth: 3 }),
  text,
  fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
);

const widgetName = fc.oneof(
  fc.constantFrom('alpha', 'Alpha', 'beta', 'ALPHA'),
  fc.stringMatching(/^[a-zA-Z0-9_-]{1,12}$/),
  fc.constantFrom(
    '%',
    '%zz',
    '%00',
    '%C0%AF',
    '%2F',
    '..',
    'a%2Fb',
    '%F0%9F%94%91',
    'x'.repeat(300),
  ),
  text.map(percentEncoded),
);

const query = fc
  .array(
    fc.tuple(
      fc.constantFrom('page', 'per_page', 'page[]', '__proto__[x]', 'x'),
      fc.oneof(fc.constantFrom('1', '5', '0', '-1', '1e3', '999999999999', '01'), text),
    ),
    { maxLength: 3 },
  )
  .map((pairs) =>
    pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => `${k}=${percentEncoded(v)}`).join('&')}`,
  );

const anyPath = fc.oneof(
  fc.constantFrom(
    '/api/v1/auth/register',
    '/api/v1/auth/login',
    '/api/v1/auth/user',
    '/api/v1/auth/logout',
    '/api/v1/widgets',
    '/health/live',
    '/health/ready',
    '/api/v1/openapi.json',
    '/api/v1/ui',
    '/api/v1/ui/',
    '/.well-known/jwks.json',
  ),
  widgetName.map((name) => `/api/v1/widgets/${name}`),
  fc.array(text.map(percentEncoded), { maxLength: 4 }).map((segments) => `/${segments.join('/')}`),
);

const anyMethod = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS');

/** Mostly the API's own routes, so requests get past routing; otherwise anything. */
const endpoint = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.oneof(
      fc.constantFrom(
        { method: 'POST', path: '/api/v1/auth/register' },
        { method: 'POST', path: '/api/v1/auth/login' },
        { method: 'GET', path: '/api/v1/auth/user' },
        { method: 'POST', path: '/api/v1/auth/logout' },
        { method: 'POST', path: '/api/v1/widgets' },
      ),
      query.map((q) => ({ method: 'GET', path: `/api/v1/widgets${q}` })),
      fc.record({
        method: fc.constantFrom('GET', 'PUT', 'DELETE'),
        path: widgetName.map((name) => `/api/v1/widgets/${name}`),
      }),
    ),
  },
  { weight: 1, arbitrary: fc.record({ method: anyMethod, path: anyPath }) },
);

/** A header value node:http will send: printable ASCII and Latin-1 (obs-text). */
const headerValue = fc.string({
  unit: fc
    .integer({ min: 0x20, max: 0xff })
    .filter((code) => code !== 0x7f)
    .map((code) => String.fromCharCode(code)),
  maxLength: 120,
});

type Credential = 'admin' | 'user';

const authorization = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom<Credential>('admin', 'admin', 'user') },
  { weight: 1, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: headerValue },
  { weight: 1, arbitrary: headerValue.map((value) => `Bearer ${value}`) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('Bearer', 'bearer  ', 'Basic YWxpY2U6c2VjcmV0', 'Bearer a.b.c'),
  },
);

const anyContentType = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom(
    'application/json',
    'application/x-www-form-urlencoded',
    'APPLICATION/JSON; charset=UTF-8',
    'application/json; charset=latin1',
    'application/x-www-form-urlencoded; charset=iso-8859-1',
    'text/plain',
    'multipart/form-data; boundary=x',
    'application/json; charset',
  ),
  headerValue,
);

/** Mostly fields sent as the media type they are written in; otherwise any body, any type. */
const payload = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      contentType: fc.constant('application/json'),
      body: fields.map((object) => JSON.stringify(object)),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      contentType: fc.constant('application/x-www-form-urlencoded'),
      body: fields.map((object) => asForm(Object.entries(object))),
    }),
  },
  { weight: 2, arbitrary: fc.record({ contentType: anyContentType, body: anyBody }) },
);

// Headers that most requests lack: absent nine times in ten, so they do not mask every path.
const rarely = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { freq: 10 });

const fuzzRequest = fc.record({
  endpoint,
  authorization,
  payload,
  contentEncoding: rarely(fc.oneof(fc.constantFrom('identity', 'gzip', 'br'), headerValue)),
  host: rarely(fc.oneof(fc.constantFrom('evil.example>; rel="next"', '[::1]:99999'), headerValue)),
  requestId: rarely(headerValue),
});

type FuzzRequest = typeof fuzzRequest extends fc.Arbitrary<infer T> ? T : never;

describeEachServer('attack battery: fuzz', (api) => {
  const tokens: Record<Credential, string> = { admin: '', user: '' };

  async function logInAs(api: TestApi, who: Credential): Promise<void> {
    const reply = await api.request('POST', '/api/v1/auth/login', {
      json: { email: `${who}@example.com`, password: 'password1' },
    });
    expect(reply.status).to.equal(200);
    tokens[who] = reply.json.access_token as string;
  }

  async function send(request: FuzzRequest) {
    const headers: Record<string, string> = {};
    const { authorization: auth } = request;
    if (auth === 'admin' || auth === 'user') headers.Authorization = `Bearer ${tokens[auth]}`;
    else if (auth !== undefined) headers.Authorization = auth;
    const { contentType, body } = request.payload;
    if (contentType !== undefined) headers['Content-Type'] = contentType;
    if (request.contentEncoding !== null) headers['Content-Encoding'] = request.contentEncoding;
    if (request.host !== null) headers.Host = request.host;
    if (request.requestId !== null) headers['X-Request-Id'] = request.requestId;
    return rawRequest(api.running().url, {
      ...request.endpoint,
      headers,
      ...(body === undefined ? {} : { body }),
    });
  }

  it(`answers ${RUNS} random requests (seed ${SEED}) with no 5xx, every error JSON with a message`, async function () {
    this.timeout(120_000);
    await registerAccount(api, 'admin@example.com', { admin: true });
    await registerAccount(api, 'user@example.com');
    await logInAs(api, 'admin');
    await logInAs(api, 'user');
    console.log(`      fuzz: seed ${SEED}, ${RUNS} runs (replay with FUZZ_SEED=${SEED})`);
    const classes: Record<string, number> = {};

    await fc.assert(
      fc.asyncProperty(fuzzRequest, async (request) => {
        const reply = await send(request);
        const kind = `${String(reply.status).charAt(0)}xx`;
        classes[kind] = (classes[kind] ?? 0) + 1;
        const said = `${reply.status} ${reply.text}`;
        expect(reply.status, said).to.be.below(500);
        if (reply.status >= 400 && request.endpoint.method !== 'HEAD') {
          expect(reply.headers.get('content-type'), said).to.match(/^application\/json\b/);
          expect(reply.json).to.be.an('object');
          const { status, message } = reply.json as { status: unknown; message: unknown };
          expect(status).to.equal('fail');
          expect(message).to.be.a('string');
        }
        // Keep the fuzz able to reach past authentication after it logs a token out.
        const auth = request.authorization;
        if (
          (auth === 'admin' || auth === 'user') &&
          request.endpoint.path === '/api/v1/auth/logout'
        ) {
          if (reply.status === 200) await logInAs(api, auth);
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
    console.log(`      fuzz: answers by class ${JSON.stringify(classes)}`);
    // A fuzz that never got past authentication and validation would prove little.
    expect(classes['2xx'] ?? 0).to.be.above(0);
  });
});
