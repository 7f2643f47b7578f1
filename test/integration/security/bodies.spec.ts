import { expect } from '../../support/chai.js';
import { describeEachServer, type Reply } from '../../support/server.js';
import { countRows, futureDate, registerAccount, VALIDATION } from './attacks.js';
import { expectFail } from '../../support/answers.js';

const MALFORMED = { status: 'fail', message: 'Malformed JSON body' };
const TOO_LARGE = {
  status: 'fail',
  message: 'The data value transmitted exceeds the capacity limit.',
};
const LIMIT = 64 * 1024;
const MISSING = 'Missing required parameter in the JSON body or the post body or the query string';

type Sender = (body: string, type: string) => Promise<Reply>;

/** What Object.prototype holds: the server runs in this process, so this is its prototype too. */
const prototypeKeys = () => Reflect.ownKeys(Object.prototype).map(String).sort();

describeEachServer('attack battery: request bodies', (api) => {
  let adminToken: string;
  const keysBefore = prototypeKeys();

  beforeEach(async () => {
    adminToken = (await registerAccount(api, 'boss@example.com', { admin: true })).token;
  });

  afterEach(() => {
    // Every test here must leave every prototype as it found it.
    expect(prototypeKeys()).to.deep.equal(keysBefore);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    expect(({} as Record<string, unknown>).admin).to.equal(undefined);
  });

  const send =
    (method: string, path: string, token?: () => string): Sender =>
    (body, type) =>
      api.request(method, path, {
        body,
        headers: { 'Content-Type': type },
        ...(token ? { token: token() } : {}),
      });
  const register = send('POST', '/api/v1/auth/register');
  const createWidget = send('POST', '/api/v1/widgets', () => adminToken);
  const putWidget = send('PUT', '/api/v1/widgets/pw', () => adminToken);

  describe('prototype pollution', () => {
    const widgetFields = () => ({
      name: 'pw',
      info_url: 'https://example.com',
      deadline: futureDate(),
    });

    const jsonAttacks: Array<[string, () => string]> = [
      [
        'a nested __proto__',
        () => JSON.stringify(widgetFields()).replace('}', ',"x":{"__proto__":{"polluted":"yes"}}}'),
      ],
      [
        'a unicode-escaped __proto__',
        () =>
          JSON.stringify(widgetFields()).replace(
            '}',
            ',"\\u005f_proto__":{"polluted":"yes","admin":true}}',
          ),
      ],
      [
        'constructor.prototype, nested',
        () =>
          JSON.stringify({
            ...widgetFields(),
            x: [{ constructor: { prototype: { polluted: 'yes' } } }],
          }),
      ],
    ];
    for (const [label, body] of jsonAttacks) {
      for (const [route, sender] of [
        ['POST', createWidget],
        ['PUT', putWidget],
      ] as const) {
        it(`ignores ${label} in a JSON widget ${route}, storing the widget as sent`, async () => {
          const reply = await sender(body(), 'application/json');
          expect(reply.status, JSON.stringify(reply.json)).to.equal(201);
          const rows = await api.db.knex()('widgets').select('name', 'info_url');
          expect(rows).to.deep.equal([{ name: 'pw', info_url: 'https://example.com' }]);
        });
      }
    }

    const formAttacks = [
      '__proto__[polluted]=yes&__proto__[admin]=true',
      'constructor[prototype][polluted]=yes',
      'x[__proto__][polluted]=yes',
      '__proto__.polluted=yes',
      'x[constructor][prototype][polluted]=yes',
    ];
    for (const attack of formAttacks) {
      it(`ignores ${attack} in a form registration, creating a non-admin`, async () => {
        const reply = await register(
          `email=form%40example.com&password=password1&${attack}`,
          'application/x-www-form-urlencoded',
        );
        expect(reply.status).to.equal(201);
        const row = (await api.db.knex()('users').where({ email: 'form@example.com' }).first()) as {
          admin: boolean | number;
        };
        expect(Boolean(row.admin)).to.equal(false);
      });
    }

    it('drops a form field nested under __proto__, so the field is missing', async () => {
      const reply = await register(
        'email[__proto__][polluted]=yes&password=password1',
        'application/x-www-form-urlencoded',
      );
      expect(reply.status).to.equal(400);
      expect(reply.json.errors).to.deep.equal({ email: MISSING });
    });
  });

  describe('malformed bodies', () => {
    const malformed: Array<[string, string]> = [
      ['a trailing comma', '{"email":"a@example.com","password":"password1",}'],
      ['single quotes', "{'email':'a@example.com','password':'password1'}"],
      ['NaN', '{"email":"a@example.com","password":NaN}'],
      ['two documents', '{"email":"a@example.com"}{"password":"password1"}'],
      ['an unterminated string', '{"email":"a@example.com'],
      ['a form sent as JSON', 'email=a%40example.com&password=password1'],
    ];
    for (const [label, body] of malformed) {
      it(`answers JSON with ${label} with 400 Malformed JSON body, storing nothing`, async () => {
        const reply = await register(body, 'application/json');
        expect(reply.status).to.equal(400);
        expect(reply.json).to.deep.equal(MALFORMED);
        expect(await countRows(api, 'users')).to.equal(1); // the admin only
      });
    }

    it('answers 20 000 nested arrays (40 KB) with 400, not a stack overflow', async () => {
      const reply = await register(
        `${'['.repeat(20_000)}${']'.repeat(20_000)}`,
        'application/json',
      );
      expectFail(reply, 400, VALIDATION, {
        errors: { body: 'The request body must be an object' },
      });
    });

    it('answers 5 000 nested objects ending in __proto__ with 400 naming the missing fields', async () => {
      const body = `${'{"a":'.repeat(5_000)}{"__proto__":{"polluted":1}}${'}'.repeat(5_000)}`;
      const reply = await register(body, 'application/json');
      expect(reply.status).to.equal(400);
      expect(Object.keys(reply.json.errors as object)).to.deep.equal(['email', 'password']);
    });

    it('keeps form values with broken percent-encoding as sent, undecoded', async () => {
      const reply = await register(
        'email=bad%zz%40example.com&password=pass%E0%A4%Aword',
        'application/x-www-form-urlencoded',
      );
      expect(reply.status).to.equal(400);
      expect(reply.json.errors).to.deep.equal({
        email: 'bad%zz%40example.com is not a valid email',
      });
    });
  });

  describe('oversized bodies', () => {
    /**
     * The rest of a refused body is never read, so the server must close that connection; a
     * keep-alive client's next request would otherwise be sent on it and be reset.
     */
    async function expectRefusedAndClosed(reply: {
      status: number;
      headers: Headers;
      json: unknown;
    }) {
      expect(reply.status).to.equal(413);
      expect(reply.json).to.deep.equal(TOO_LARGE);
      expect(reply.headers.get('connection')).to.equal('close');
      expect((await api.request('GET', '/health/live')).status).to.equal(200);
    }

    /** A JSON registration padded with an unknown field to exactly `bytes` bytes. */
    const padded = (bytes: number) => {
      const head = '{"email":"big@example.com","password":"password1","pad":"';
      return `${head}${'x'.repeat(bytes - head.length - 2)}"}`;
    };

    it('accepts a body of exactly 64 KiB and refuses one byte more with 413', async () => {
      expect(Buffer.byteLength(padded(LIMIT))).to.equal(LIMIT);
      await expectRefusedAndClosed(await register(padded(LIMIT + 1), 'application/json'));
      expect(await countRows(api, 'users')).to.equal(1);
      expect((await register(padded(LIMIT), 'application/json')).status).to.equal(201);
    });

    it('refuses an oversized form body with 413', async () => {
      const reply = await register(
        `email=big%40example.com&password=password1&pad=${'x'.repeat(LIMIT)}`,
        'application/x-www-form-urlencoded',
      );
      await expectRefusedAndClosed(reply);
    });

    it('refuses an oversized chunked body (no Content-Length) with 413', async () => {
      const chunk = new TextEncoder().encode('x'.repeat(16 * 1024));
      let sent = 0;
      const response = await fetch(`${api.running().url}/api/v1/auth/register`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: new ReadableStream<Uint8Array>({
          pull(controller) {
            if (sent >= 8) return controller.close(); // 128 KiB in all
            sent += 1;
            controller.enqueue(chunk);
          },
        }),
        duplex: 'half',
      } as RequestInit);
      await expectRefusedAndClosed({
        status: response.status,
        headers: response.headers,
        json: await response.json(),
      });
    });
  });

  describe('fields of the wrong type', () => {
    const logIn = send('POST', '/api/v1/auth/login');

    const cases: Array<[string, Sender, string, string, Record<string, string>]> = [
      [
        'an operator object for the email at login',
        logIn,
        'application/json',
        '{"email":{"$ne":null},"password":"password1"}',
        { email: 'email must be a string' },
      ],
      [
        'an operator object for the password at login',
        logIn,
        'application/json',
        '{"email":"boss@example.com","password":{"$gt":""}}',
        { password: 'password must be a string' },
      ],
      [
        'true and null at register',
        register,
        'application/json',
        '{"email":true,"password":null}',
        { email: 'email must be a string', password: 'password must be a string' },
      ],
      [
        'a repeated form field (an array)',
        logIn,
        'application/x-www-form-urlencoded',
        'email=boss%40example.com&email=other%40example.com&password=password1',
        { email: 'email must be a string' },
      ],
      [
        'a form field in brackets',
        logIn,
        'application/x-www-form-urlencoded',
        'email=boss%40example.com&password[]=password1',
        { password: 'password must be a string' },
      ],
      [
        'an array, a number and an object in a widget',
        createWidget,
        'application/json',
        '{"name":["pw"],"info_url":5,"deadline":{"y":2031}}',
        {
          name: 'name must be a string',
          info_url: 'info_url must be a string',
          deadline: 'deadline must be a string',
        },
      ],
    ];
    for (const [label, sender, type, body, errors] of cases) {
      it(`answers ${label} with 400 naming each field`, async () => {
        const reply = await sender(body, type);
        expectFail(reply, 400, VALIDATION, { errors });
      });
    }
  });
});
