import { request as httpRequest } from 'node:http';
import { expect } from '../../support/chai.js';
import { describeEachServer, type TestApi } from '../../support/server.js';
import { expectFail } from '../../support/answers.js';

const NAME_RULE =
  'contains one or more invalid characters. Widget name must contain only lowercase letters, numbers, hyphen and underscore characters.';

async function tokenFor(api: TestApi, email: string, admin: boolean): Promise<string> {
  const reply = await api.request('POST', '/api/v1/auth/register', {
    json: { email, password: 'password1' },
  });
  expect(reply.status).to.equal(201);
  if (admin) await api.db.knex()('users').where({ email }).update({ admin: true });
  return reply.json.access_token as string;
}

function futureDate(days = 30): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

describeEachServer('widgets API', (api) => {
  let admin: string;
  let user: string;

  beforeEach(async () => {
    admin = await tokenFor(api, 'admin@example.com', true);
    user = await tokenFor(api, 'user@example.com', false);
  });

  const create = (name: string, token = admin, deadline = futureDate()) =>
    api.request('POST', '/api/v1/widgets', {
      token,
      json: { name, info_url: 'https://www.example.com/info', deadline },
    });

  describe('POST /api/v1/widgets', () => {
    it('creates a widget owned by the admin, lower-casing its name, with an absolute Location', async () => {
      const reply = await create('My-Widget_1');
      expect(reply.status).to.equal(201);
      expect(reply.json).to.deep.equal({
        status: 'success',
        message: 'New widget added: my-widget_1.',
      });
      expect(reply.headers.get('location')).to.equal(
        `${api.running().url}/api/v1/widgets/my-widget_1`,
      );
      const rows = await api.db.knex()('widgets').select('name', 'info_url');
      expect(rows).to.deep.equal([
        { name: 'my-widget_1', info_url: 'https://www.example.com/info' },
      ]);
    });

    it('accepts a form-encoded body', async () => {
      const reply = await api.request('POST', '/api/v1/widgets', {
        token: admin,
        form: { name: 'formed', info_url: 'http://example.org', deadline: futureDate() },
      });
      expect(reply.status).to.equal(201);
    });

    it('reports every invalid field at once and stores nothing', async () => {
      const reply = await api.request('POST', '/api/v1/widgets', {
        token: admin,
        json: { name: 'bad name!', info_url: 'www.example.com', deadline: 'someday' },
      });
      expect(reply.status).to.equal(400);
      expect(reply.json.message).to.equal('Input payload validation failed');
      expect(reply.json.errors.name).to.equal(`'bad name!' ${NAME_RULE}`);
      expect(reply.json.errors.info_url).to.equal(
        'www.example.com is not a valid URL. Did you mean: http://www.example.com',
      );
      expect(reply.json.errors.deadline).to.match(/^Failed to parse 'someday' as a valid date\. /);
      expect(await api.db.knex()('widgets')).to.have.length(0);
    });

    it('reports a deadline before today together with the other invalid fields', async () => {
      const reply = await api.request('POST', '/api/v1/widgets', {
        token: admin,
        json: { name: 'bad name!', info_url: 'https://example.com', deadline: '2020-01-01' },
      });
      expect(reply.status).to.equal(400);
      expect(Object.keys(reply.json.errors)).to.deep.equal(['name', 'deadline']);
    });

    it('gives an over-long name and URL their own rule messages', async () => {
      const name = 'n'.repeat(101);
      const url = `https://example.com/${'p'.repeat(236)}`;
      expect(url).to.have.length(256);
      const reply = await api.request('POST', '/api/v1/widgets', {
        token: admin,
        json: { name, info_url: url, deadline: futureDate() },
      });
      expect(reply.status).to.equal(400);
      expect(reply.json.errors.name).to.equal(`'${name}' ${NAME_RULE}`);
      expect(reply.json.errors.info_url).to.match(new RegExp(`^${url} is not a valid URL`));
    });

    it('refuses a Host that could inject into Location, creating nothing', async () => {
      // fetch always sends the real Host, so this request is written by hand.
      const body = JSON.stringify({
        name: 'injected',
        info_url: 'https://example.com',
        deadline: futureDate(),
      });
      const reply = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpRequest(`${api.running().url}/api/v1/widgets`, {
          method: 'POST',
          headers: {
            Host: 'evil.example>; rel="next", <http://x',
            Authorization: `Bearer ${admin}`,
            'Content-Type': 'application/json',
          },
        });
        req.on('response', (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        });
        req.on('error', reject);
        req.end(body);
      });
      expect(reply.status).to.equal(400);
      expect(JSON.parse(reply.body)).to.deep.equal({
        status: 'fail',
        message: 'Invalid Host header',
      });
      expect(await api.db.knex()('widgets')).to.have.length(0);
    });

    it('refuses a deadline before today (UTC) and accepts today', async () => {
      const past = await create('late', admin, '2020-02-29');
      expect(past.status).to.equal(400);
      const today = new Date().toISOString().slice(0, 10);
      const [y, m, d] = today.split('-');
      const todayWords = new Date(`${today}T00:00:00Z`).toUTCString().slice(8, 11);
      expect(past.json.errors).to.deep.equal({
        deadline: `Successfully parsed 2020-02-29 as Feb 29 2020. However, this value must be a date in the future and Feb 29 2020 is BEFORE ${todayWords} ${d} ${y}`,
      });
      expect(m).to.be.a('string');
      expect((await create('on-time', admin, today)).status).to.equal(201);
    });

    it('answers 409 for a taken name in any case', async () => {
      await create('taken');
      const reply = await create('TAKEN');
      expectFail(reply, 409, 'Widget name: taken already exists, must be unique.');
    });

    it('lets exactly one of ten concurrent creations of one name succeed', async () => {
      const replies = await Promise.all(Array.from({ length: 10 }, () => create('racer')));
      expect(replies.map((r) => r.status).sort()).to.deep.equal([
        201, 409, 409, 409, 409, 409, 409, 409, 409, 409,
      ]);
    });

    it('answers a non-admin with 403 before looking at an invalid body', async () => {
      const reply = await api.request('POST', '/api/v1/widgets', {
        token: user,
        json: { name: 1 },
      });
      expectFail(reply, 403, 'You are not an administrator');
      expect(reply.headers.get('www-authenticate')).to.equal(
        'Bearer realm="gatehouse", error="insufficient_scope", error_description="You are not an administrator"',
      );
    });

    it('answers an unauthenticated caller with 401 before looking at an invalid body', async () => {
      const reply = await api.request('POST', '/api/v1/widgets', { json: { name: 1 } });
      expectFail(reply, 401, 'Unauthorized');
    });

    it('takes admin rights away at once when the database says so', async () => {
      await api.db.knex()('users').where({ email: 'admin@example.com' }).update({ admin: false });
      expect((await create('demoted')).status).to.equal(403);
    });
  });

  describe('GET /api/v1/widgets/<name>', () => {
    it('answers the widget object, keys in the contract order, for the name in any case', async () => {
      await create('shown', admin, '2099-12-31');
      const reply = await api.request('GET', '/api/v1/widgets/SHOWN', { token: user });
      expect(reply.status).to.equal(200);
      expect(Object.keys(reply.json)).to.deep.equal([
        'name',
        'info_url',
        'created_at',
        'created_at_iso8601',
        'created_at_rfc822',
        'deadline',
        'deadline_passed',
        'time_remaining',
        'owner',
        'link',
      ]);
      const owner = await api.db.knex()('users').where({ email: 'admin@example.com' }).first();
      expect(reply.json).to.deep.include({
        name: 'shown',
        info_url: 'https://www.example.com/info',
        deadline: '12/31/99 11:59:59 PM UTC',
        deadline_passed: false,
        owner: { email: 'admin@example.com', public_id: owner.public_id },
        link: '/api/v1/widgets/shown',
      });
      expect(reply.json.created_at_iso8601).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(reply.json.created_at_rfc822).to.match(
        /^\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d -0000$/,
      );
      expect(reply.json.time_remaining).to.match(/^\d+ days \d+ hours \d+ minutes \d+ seconds$/);
    });

    it('finds no ASCII widget through a Unicode look-alike (the Kelvin sign)', async () => {
      await create('kelvin');
      const reply = await api.request('GET', '/api/v1/widgets/%E2%84%AAELVIN', { token: user });
      expect(reply.status).to.equal(404);
      const deleted = await api.request('DELETE', '/api/v1/widgets/%E2%84%AAelvin', {
        token: admin,
      });
      expect(deleted.status).to.equal(404);
      expect(await api.db.knex()('widgets').where({ name: 'kelvin' })).to.have.length(1);
    });

    it('answers a name no widget can have (a NUL byte) with 404, on every database', async () => {
      const reply = await api.request('GET', '/api/v1/widgets/a%00b', { token: user });
      expect(reply.status).to.equal(404);
      const deleted = await api.request('DELETE', '/api/v1/widgets/a%00b', { token: admin });
      expect(deleted.status).to.equal(404);
    });

    it('answers 404 naming the widget', async () => {
      const reply = await api.request('GET', '/api/v1/widgets/missing', { token: user });
      expectFail(reply, 404, 'missing not found in database.');
    });

    it('needs a token', async () => {
      expect((await api.request('GET', '/api/v1/widgets/any')).status).to.equal(401);
    });
  });

  describe('PUT /api/v1/widgets/<name>', () => {
    const put = (name: string, body: Record<string, string>, token = admin) =>
      api.request('PUT', `/api/v1/widgets/${name}`, { token, json: body });

    it('updates info_url and deadline of an existing widget', async () => {
      await create('changing');
      const reply = await put('Changing', {
        info_url: 'https://new.example.com',
        deadline: '2099-01-02',
      });
      expect(reply.status).to.equal(200);
      expect(reply.json).to.deep.equal({
        status: 'success',
        message: "'changing' was successfully updated",
      });
      const shown = await api.request('GET', '/api/v1/widgets/changing', { token: user });
      expect(shown.json.info_url).to.equal('https://new.example.com');
      expect(shown.json.deadline).to.equal('01/02/99 11:59:59 PM UTC');
    });

    it('creates a missing widget with 201, as POST does', async () => {
      const reply = await put('Fresh', {
        info_url: 'https://fresh.example.com',
        deadline: futureDate(),
      });
      expect(reply.status).to.equal(201);
      expect(reply.json).to.deep.equal({ status: 'success', message: 'New widget added: fresh.' });
      expect(reply.headers.get('location')).to.equal(`${api.running().url}/api/v1/widgets/fresh`);
      expect(await api.db.knex()('widgets').where({ name: 'fresh' })).to.have.length(1);
    });

    it('gives one 201 and otherwise 200 for concurrent PUTs of one missing name', async () => {
      const replies = await Promise.all(
        Array.from({ length: 8 }, () =>
          put('contested', { info_url: 'https://c.example.com', deadline: futureDate() }),
        ),
      );
      expect(replies.map((r) => r.status).sort()).to.deep.equal([
        200, 200, 200, 200, 200, 200, 200, 201,
      ]);
      expect(await api.db.knex()('widgets').where({ name: 'contested' })).to.have.length(1);
    });

    it('answers a body that is not an object as such, as POST does', async () => {
      const reply = await api.request('PUT', '/api/v1/widgets/array', { token: admin, json: [] });
      expect(reply.status).to.equal(400);
      expect(reply.json.errors).to.deep.equal({ body: 'The request body must be an object' });
    });

    it('names an invalid path name with the body errors', async () => {
      const reply = await put('no%20spaces', {
        info_url: 'ftp://example.com',
        deadline: futureDate(),
      });
      expect(reply.status).to.equal(400);
      expect(reply.json.errors).to.deep.equal({
        name: `'no spaces' ${NAME_RULE}`,
        info_url: 'ftp://example.com is not a valid URL. Protocol is not allowed',
      });
    });

    it('answers a non-admin with 403 before validating', async () => {
      const reply = await put('whatever', {}, user);
      expect(reply.status).to.equal(403);
    });
  });

  describe('DELETE /api/v1/widgets/<name>', () => {
    it('deletes with 204 and an empty body, after which GET is 404', async () => {
      await create('doomed');
      const reply = await api.request('DELETE', '/api/v1/widgets/DOOMED', { token: admin });
      expect(reply.status).to.equal(204);
      expect(reply.body).to.equal(null);
      const gone = await api.request('GET', '/api/v1/widgets/doomed', { token: admin });
      expect(gone.status).to.equal(404);
    });

    it('answers 404 for a missing widget and 403 for a non-admin', async () => {
      expect(
        (await api.request('DELETE', '/api/v1/widgets/nope', { token: admin })).status,
      ).to.equal(404);
      await create('kept');
      expect(
        (await api.request('DELETE', '/api/v1/widgets/kept', { token: user })).status,
      ).to.equal(403);
      expect(await api.db.knex()('widgets').where({ name: 'kept' })).to.have.length(1);
    });
  });

  describe('GET /api/v1/widgets', () => {
    it('answers an empty page for no widgets', async () => {
      const reply = await api.request('GET', '/api/v1/widgets', { token: user });
      expect(reply.status).to.equal(200);
      expect(reply.json).to.deep.equal({
        links: {
          self: '/api/v1/widgets?page=1&per_page=10',
          first: '/api/v1/widgets?page=1&per_page=10',
          last: '/api/v1/widgets?page=1&per_page=10',
        },
        has_prev: false,
        has_next: false,
        page: 1,
        total_pages: 0,
        items_per_page: 10,
        total_items: 0,
        items: [],
      });
      expect(reply.headers.get('total-count')).to.equal('0');
    });

    it('pages through 23 widgets, oldest first, at every per_page', async () => {
      const names = Array.from({ length: 23 }, (_, i) => `w${String(i).padStart(2, '0')}`);
      for (const name of names) expect((await create(name)).status).to.equal(201);

      for (const perPage of [5, 10, 25, 50, 100]) {
        const seen: string[] = [];
        let path: string | undefined = `/api/v1/widgets?page=1&per_page=${perPage}`;
        let pages = 0;
        while (path) {
          const reply = await api.request('GET', path, { token: user });
          expect(reply.status).to.equal(200);
          expect(reply.headers.get('total-count')).to.equal('23');
          expect(reply.json.total_pages).to.equal(Math.ceil(23 / perPage));
          expect(reply.json.items.length).to.be.at.most(perPage);
          const link = reply.headers.get('link') ?? '';
          expect(link).to.include(`<${api.running().url}${path}>; rel="self"`);
          expect(link).to.include('rel="first"');
          expect(link).to.include('rel="last"');
          seen.push(...reply.json.items.map((w: { name: string }) => w.name));
          path = reply.json.links.next;
          pages += 1;
        }
        expect(pages, `per_page=${perPage}`).to.equal(Math.ceil(23 / perPage));
        expect(seen, `per_page=${perPage}`).to.deep.equal(names);
      }
    });

    it('answers a page past the end with 200 and no items', async () => {
      await create('only');
      const reply = await api.request('GET', '/api/v1/widgets?page=3', { token: user });
      expect(reply.status).to.equal(200);
      expect(reply.json.items).to.deep.equal([]);
      expect(reply.json.total_items).to.equal(1);
      expect(reply.json.has_next).to.equal(false);
    });

    const badQueries: Array<[string, Record<string, string>]> = [
      ['page=0', { page: 'page must be a whole number from 1 to 999999999' }],
      ['page=-1', { page: 'page must be a whole number from 1 to 999999999' }],
      ['page=1.5', { page: 'page must be a whole number from 1 to 999999999' }],
      ['page=1000000000', { page: 'page must be a whole number from 1 to 999999999' }],
      [
        'page=abc&per_page=7',
        {
          page: 'page must be a whole number from 1 to 999999999',
          per_page: 'per_page must be one of 5, 10, 25, 50, 100',
        },
      ],
      ['per_page=1000', { per_page: 'per_page must be one of 5, 10, 25, 50, 100' }],
      ['per_page=5.0', { per_page: 'per_page must be one of 5, 10, 25, 50, 100' }],
      ['page=1&page=2', { page: 'page must be a string' }],
    ];
    for (const [query, errors] of badQueries) {
      it(`answers ?${query} with 400 naming the parameter`, async () => {
        const reply = await api.request('GET', `/api/v1/widgets?${query}`, { token: user });
        expectFail(reply, 400, 'Input payload validation failed', { errors });
      });
    }

    it('needs a token', async () => {
      expect((await api.request('GET', '/api/v1/widgets')).status).to.equal(401);
    });

    it('reads page and per_page as integers, leading zeros and all', async () => {
      const reply = await api.request('GET', '/api/v1/widgets?page=01&per_page=05', {
        token: user,
      });
      expect(reply.status).to.equal(200);
      expect(reply.json).to.deep.include({ page: 1, items_per_page: 5 });
    });

    it('ignores X-Forwarded-Host unless TRUST_PROXY is set', async () => {
      const reply = await api.request('POST', '/api/v1/widgets', {
        token: admin,
        headers: { 'X-Forwarded-Host': 'evil.example.com', 'X-Forwarded-Proto': 'https' },
        json: { name: 'local', info_url: 'https://example.com', deadline: futureDate() },
      });
      expect(reply.headers.get('location')).to.equal(`${api.running().url}/api/v1/widgets/local`);
    });
  });
});

describeEachServer(
  'widgets API behind a trusted proxy, with CORS',
  (api) => {
    it('builds Location from X-Forwarded-Proto and -Host', async () => {
      const token = await tokenFor(api, 'admin@example.com', true);
      const reply = await api.request('POST', '/api/v1/widgets', {
        token,
        headers: { 'X-Forwarded-Host': 'api.example.com', 'X-Forwarded-Proto': 'https' },
        json: { name: 'proxied', info_url: 'https://example.com', deadline: futureDate() },
      });
      expect(reply.status).to.equal(201);
      expect(reply.headers.get('location')).to.equal(
        'https://api.example.com/api/v1/widgets/proxied',
      );
    });

    it('takes the last X-Forwarded-Proto and -Host, the ones the proxy added', async () => {
      const token = await tokenFor(api, 'admin@example.com', true);
      const reply = await api.request('POST', '/api/v1/widgets', {
        token,
        headers: {
          'X-Forwarded-Host': 'evil.example.com, api.example.com',
          'X-Forwarded-Proto': 'http, https',
        },
        json: { name: 'last-hop', info_url: 'https://example.com', deadline: futureDate() },
      });
      expect(reply.headers.get('location')).to.equal(
        'https://api.example.com/api/v1/widgets/last-hop',
      );
    });

    const hosts: Array<[string, number]> = [
      ['gatehouse_api:3000', 200],
      ['api.example.com.', 200],
      ['[::1]:8080', 200],
      ['api.example.com:99999', 400],
      ['api.example.com/path', 400],
    ];
    for (const [host, status] of hosts) {
      it(`answers a forwarded host ${host} with ${status}`, async () => {
        const token = await tokenFor(api, 'reader@example.com', false);
        const reply = await api.request('GET', '/api/v1/widgets', {
          token,
          headers: { 'X-Forwarded-Host': host },
        });
        expect(reply.status).to.equal(status);
        if (status === 200) expect(reply.headers.get('link')).to.include(`<http://${host}/api/v1/`);
      });
    }

    it('answers a forwarded protocol other than http(s) with 400', async () => {
      const token = await tokenFor(api, 'reader@example.com', false);
      const reply = await api.request('GET', '/api/v1/widgets', {
        token,
        headers: { 'X-Forwarded-Proto': 'javascript' },
      });
      expect(reply.status).to.equal(400);
      expect(reply.json.message).to.equal('Invalid X-Forwarded-Proto header');
    });

    it('allows the configured origin and exposes Location, Link and Total-Count', async () => {
      const reply = await api.request('GET', '/health/live', {
        headers: { Origin: 'https://app.example.com' },
      });
      expect(reply.headers.get('access-control-allow-origin')).to.equal('https://app.example.com');
      const exposed = (reply.headers.get('access-control-expose-headers') ?? '').split(',');
      expect(exposed.map((h) => h.trim())).to.include.members(['Location', 'Link', 'Total-Count']);
    });

    it('grants no other origin', async () => {
      const reply = await api.request('GET', '/health/live', {
        headers: { Origin: 'https://evil.example.com' },
      });
      expect(reply.headers.get('access-control-allow-origin')).to.equal(null);
    });
  },
  { TRUST_PROXY: '1', CORS_ORIGINS: 'https://app.example.com' },
);
