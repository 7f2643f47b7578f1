import { Writable } from 'node:stream';
import { pino } from 'pino';
import { expect } from '../../support/chai.js';
import { describeEachDatabase } from '../../support/databases.js';
import {
  describeEachServer,
  request,
  startTestServer,
  type Reply,
  type TestApi,
} from '../../support/server.js';
import { expectFail } from '../../support/answers.js';

const INVALID_TOKEN = 'Invalid token. Please log in again.';
const LAST_ADMIN = 'cannot remove the last administrator';
const RACE_RUNS = 5;

interface Account {
  email: string;
  token: string;
  publicId: string;
}

async function register(api: TestApi, email: string, admin = false): Promise<Account> {
  const reply = await api.request('POST', '/api/v1/auth/register', {
    json: { email, password: 'password1' },
  });
  expect(reply.status, JSON.stringify(reply.body)).to.equal(201);
  const knex = api.db.knex();
  if (admin) await knex('users').where({ email }).update({ admin: true });
  const row: { public_id: string } = await knex('users').where({ email }).first('public_id');
  return { email, token: reply.json.access_token as string, publicId: row.public_id };
}

async function usersInDatabase(api: TestApi): Promise<string[]> {
  return (await api.db.knex()('users').orderBy('email').pluck('email')) as string[];
}

async function adminsInDatabase(api: TestApi): Promise<string[]> {
  const admins = await api.db.knex()('users').where({ admin: true }).orderBy('email');
  return admins.map((row: { email: string }) => row.email);
}

function futureDate(): string {
  return new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
}

describeEachServer('account lifecycle API', (api) => {
  let admin: Account;
  let user: Account;

  beforeEach(async () => {
    admin = await register(api, 'admin@example.com', true);
    user = await register(api, 'user@example.com');
  });

  const createWidget = (token: string, name: string) =>
    api.request('POST', '/api/v1/widgets', {
      token,
      json: { name, info_url: 'https://www.example.com', deadline: futureDate() },
    });

  describe('DELETE /api/v1/auth/user', () => {
    it('deletes the account: 204 with no body, its token is then invalid, its email free again', async () => {
      const reply = await api.request('DELETE', '/api/v1/auth/user', {
        token: user.token,
        json: { password: 'password1' },
      });
      expect(reply.status).to.equal(204);
      expect(reply.body).to.equal(null);
      expect(await usersInDatabase(api)).to.deep.equal(['admin@example.com']);

      const after = await api.request('GET', '/api/v1/auth/user', { token: user.token });
      expectFail(after, 401, INVALID_TOKEN);
      expect(after.headers.get('www-authenticate')).to.equal(
        `Bearer realm="gatehouse", error="invalid_token", error_description="${INVALID_TOKEN}"`,
      );
      await register(api, 'user@example.com');
    });

    it('accepts the password as a form', async () => {
      const reply = await api.request('DELETE', '/api/v1/auth/user', {
        token: user.token,
        form: { password: 'password1' },
      });
      expect(reply.status).to.equal(204);
      expect(await usersInDatabase(api)).to.deep.equal(['admin@example.com']);
    });

    it('refuses a wrong password with 401 and deletes nothing', async () => {
      const reply = await api.request('DELETE', '/api/v1/auth/user', {
        token: user.token,
        json: { password: 'password2' },
      });
      expectFail(reply, 401, 'password does not match');
      expect(reply.headers.get('www-authenticate')).to.equal(null);
      expect(await usersInDatabase(api)).to.deep.equal(['admin@example.com', 'user@example.com']);
    });

    it('asks for the password (400), but only of an authenticated caller (401 first)', async () => {
      const missing = await api.request('DELETE', '/api/v1/auth/user', {
        token: user.token,
        json: {},
      });
      expect(missing.status).to.equal(400);
      expect(Object.keys(missing.json.errors as object)).to.deep.equal(['password']);
      expectFail(
        await api.request('DELETE', '/api/v1/auth/user', { json: {} }),
        401,
        'Unauthorized',
      );
    });

    it('refuses while the account owns widgets (409 naming how many), deleting nothing', async () => {
      await register(api, 'second-admin@example.com', true);
      expect((await createWidget(admin.token, 'one')).status).to.equal(201);
      expect((await createWidget(admin.token, 'two')).status).to.equal(201);
      const reply = await api.request('DELETE', '/api/v1/auth/user', {
        token: admin.token,
        json: { password: 'password1' },
      });
      expectFail(reply, 409, 'admin@example.com still owns 2 widget(s)');
      expect(await usersInDatabase(api)).to.include('admin@example.com');
    });

    it('refuses the last administrator', async () => {
      const reply = await api.request('DELETE', '/api/v1/auth/user', {
        token: admin.token,
        json: { password: 'password1' },
      });
      expectFail(reply, 409, LAST_ADMIN);
    });
  });

  describe('GET /api/v1/users', () => {
    it('pages users oldest first like widgets: page object, Link and Total-Count', async () => {
      for (let i = 0; i < 5; i++) await register(api, `u${i}@example.com`);
      const reply = await api.request('GET', '/api/v1/users?page=2&per_page=5', {
        token: admin.token,
      });
      expect(reply.status).to.equal(200);
      expect(reply.headers.get('total-count')).to.equal('7');
      const base = `${api.running().url}/api/v1/users`;
      expect(reply.headers.get('link')).to.equal(
        [
          `<${base}?page=2&per_page=5>; rel="self"`,
          `<${base}?page=1&per_page=5>; rel="first"`,
          `<${base}?page=1&per_page=5>; rel="prev"`,
          `<${base}?page=2&per_page=5>; rel="last"`,
        ].join(', '),
      );
      expect(Object.keys(reply.json as object)).to.deep.equal([
        'links',
        'has_prev',
        'has_next',
        'page',
        'total_pages',
        'items_per_page',
        'total_items',
        'items',
      ]);
      expect(reply.json.links).to.deep.equal({
        self: '/api/v1/users?page=2&per_page=5',
        first: '/api/v1/users?page=1&per_page=5',
        prev: '/api/v1/users?page=1&per_page=5',
        last: '/api/v1/users?page=2&per_page=5',
      });
      expect(reply.json).to.deep.include({
        has_prev: true,
        has_next: false,
        page: 2,
        total_pages: 2,
        items_per_page: 5,
        total_items: 7,
      });
      const items = reply.json.items as Array<Record<string, unknown>>;
      expect(items.map((item) => item.email)).to.deep.equal(['u3@example.com', 'u4@example.com']);
      expect(Object.keys(items[0] ?? {})).to.deep.equal([
        'email',
        'public_id',
        'admin',
        'registered_on',
      ]);
      expect(items[0]?.registered_on).to.match(/^\d\d\/\d\d\/\d\d \d\d:\d\d:\d\d [AP]M UTC$/);
    });

    it('lists the first page of 10 by default', async () => {
      const reply = await api.request('GET', '/api/v1/users', { token: admin.token });
      expect(reply.json.items_per_page).to.equal(10);
      expect(reply.json.items.map((item: { email: string }) => item.email)).to.deep.equal([
        'admin@example.com',
        'user@example.com',
      ]);
    });

    it("refuses invalid paging with the widget listing's 400", async () => {
      const reply = await api.request('GET', '/api/v1/users?page=0&per_page=7', {
        token: admin.token,
      });
      expect(reply.status).to.equal(400);
      expect(reply.json.errors).to.deep.equal({
        page: 'page must be a whole number from 1 to 999999999',
        per_page: 'per_page must be one of 5, 10, 25, 50, 100',
      });
    });

    it('is for administrators: 403 for a user, 401 without a token, before any validation', async () => {
      expectFail(
        await api.request('GET', '/api/v1/users?per_page=7', { token: user.token }),
        403,
        'You are not an administrator',
      );
      expectFail(await api.request('GET', '/api/v1/users?per_page=7'), 401, 'Unauthorized');
    });
  });

  describe('GET /api/v1/users/<public_id>', () => {
    it('answers the user object, for the id in any case', async () => {
      const reply = await api.request('GET', `/api/v1/users/${user.publicId.toUpperCase()}`, {
        token: admin.token,
      });
      expect(reply.status).to.equal(200);
      expect(Object.keys(reply.json as object)).to.deep.equal([
        'email',
        'public_id',
        'admin',
        'registered_on',
      ]);
      expect(reply.json).to.deep.include({
        email: 'user@example.com',
        public_id: user.publicId,
        admin: false,
      });
    });

    it('404s an unknown id and a value that is not a UUID, naming it', async () => {
      const unknown = '00000000-0000-4000-8000-000000000042';
      for (const id of [unknown, 'not-a-uuid']) {
        const reply = await api.request('GET', `/api/v1/users/${id}`, { token: admin.token });
        expectFail(reply, 404, `${id} not found in database.`);
      }
    });
  });

  describe('PATCH /api/v1/users/<public_id>', () => {
    const patch = (
      token: string,
      publicId: string,
      options: { json?: unknown; form?: Record<string, string> },
    ) => api.request('PATCH', `/api/v1/users/${publicId}`, { token, ...options });

    it("grants admin rights, effective on that user's next request, and withdraws them", async () => {
      expect((await createWidget(user.token, 'before')).status).to.equal(403);
      const granted = await patch(admin.token, user.publicId, { json: { admin: true } });
      expect(granted.status).to.equal(200);
      expect(granted.json).to.deep.include({ email: 'user@example.com', admin: true });
      expect((await createWidget(user.token, 'after')).status).to.equal(201);

      const withdrawn = await patch(admin.token, user.publicId, { form: { admin: 'false' } });
      expect(withdrawn.json).to.deep.include({ admin: false });
      expect((await createWidget(user.token, 'later')).status).to.equal(403);
    });

    it('takes `true`/`false` in a form; refuses a missing or non-boolean admin (JSON strings too)', async () => {
      expect(
        (await patch(admin.token, user.publicId, { form: { admin: 'true' } })).json.admin,
      ).to.equal(true);
      for (const options of [
        { json: {} },
        { json: { admin: 'true' } },
        { json: { admin: 1 } },
        { form: { admin: 'yes' } },
      ]) {
        const reply = await patch(admin.token, user.publicId, options);
        expect(reply.status, JSON.stringify(options)).to.equal(400);
        expect(Object.keys(reply.json.errors as object)).to.deep.equal(['admin']);
      }
    });

    it('404s an unknown user; 409s the last administrator, who may demote themselves otherwise', async () => {
      expectFail(
        await patch(admin.token, 'nobody', { json: { admin: true } }),
        404,
        'nobody not found in database.',
      );
      expectFail(
        await patch(admin.token, admin.publicId, { json: { admin: false } }),
        409,
        LAST_ADMIN,
      );
      await patch(admin.token, user.publicId, { json: { admin: true } });
      const self = await patch(admin.token, admin.publicId, { json: { admin: false } });
      expect(self.json.admin).to.equal(false);
      expect(await adminsInDatabase(api)).to.deep.equal(['user@example.com']);
      expectFail(
        await patch(admin.token, user.publicId, { json: { admin: false } }),
        403,
        'You are not an administrator',
      );
    });
  });

  describe('DELETE /api/v1/users/<public_id>', () => {
    it('deletes a user (204); their token is refused at once; 404 the second time', async () => {
      const reply = await api.request('DELETE', `/api/v1/users/${user.publicId}`, {
        token: admin.token,
      });
      expect(reply.status).to.equal(204);
      expect(reply.body).to.equal(null);
      expectFail(
        await api.request('GET', '/api/v1/auth/user', { token: user.token }),
        401,
        INVALID_TOKEN,
      );
      expectFail(
        await api.request('DELETE', `/api/v1/users/${user.publicId}`, { token: admin.token }),
        404,
        `${user.publicId} not found in database.`,
      );
    });

    it('409s the last administrator and an owner of widgets, deleting nothing', async () => {
      expectFail(
        await api.request('DELETE', `/api/v1/users/${admin.publicId}`, { token: admin.token }),
        409,
        LAST_ADMIN,
      );
      const other = await register(api, 'other@example.com', true);
      await createWidget(other.token, 'owned');
      expectFail(
        await api.request('DELETE', `/api/v1/users/${other.publicId}`, { token: admin.token }),
        409,
        'other@example.com still owns 1 widget(s)',
      );
      expect(await usersInDatabase(api)).to.deep.equal([
        'admin@example.com',
        'other@example.com',
        'user@example.com',
      ]);
    });
  });

  describe('races', () => {
    /** Two fresh administrators, then the only ones: the previous survivor is demoted. */
    async function lastTwoAdmins(run: number, survivor: Account): Promise<[Account, Account]> {
      const a = await register(api, `a${run}@example.com`, true);
      const b = await register(api, `b${run}@example.com`, true);
      await api.db.knex()('users').where({ public_id: survivor.publicId }).update({ admin: false });
      return [a, b];
    }

    for (const [kind, method, body] of [
      ['demoting', 'PATCH', { admin: false }],
      ['deleting', 'DELETE', undefined],
    ] as const) {
      it(`of the last two administrators ${kind} each other at once, exactly one succeeds`, async () => {
        let survivor = admin;
        for (let run = 0; run < RACE_RUNS; run++) {
          const [a, b] = await lastTwoAdmins(run, survivor);
          const replies = await Promise.all([
            api.request(method, `/api/v1/users/${b.publicId}`, {
              token: a.token,
              ...(body && { json: body }),
            }),
            api.request(method, `/api/v1/users/${a.publicId}`, {
              token: b.token,
              ...(body && { json: body }),
            }),
          ]);
          const statuses = replies.map((reply) => reply.status).sort();
          // The loser either lost the race inside the repository (409) or, when the winner
          // committed first, was no longer an administrator (403) or no longer existed (401).
          expect(statuses[0], `run ${run}`).to.equal(method === 'PATCH' ? 200 : 204);
          expect([401, 403, 409], `run ${run}: ${statuses}`).to.include(statuses[1]);
          const admins = await adminsInDatabase(api);
          expect(admins, `run ${run}`).to.have.length(1);
          survivor = admins[0] === a.email ? a : b;
        }
      });
    }

    it('a deletion racing a widget create of that admin: 204 and the create refused, or 409 and the widget kept', async () => {
      for (let run = 0; run < RACE_RUNS; run++) {
        const owner = await register(api, `owner${run}@example.com`, true);
        const name = `raced-${run}`;
        const [deletion, creation] = await Promise.all([
          api.request('DELETE', `/api/v1/users/${owner.publicId}`, { token: admin.token }),
          createWidget(owner.token, name),
        ]);
        const widget = await api.db.knex()('widgets').where({ name }).first();
        if (deletion.status === 204) {
          expectFail(creation, 401, INVALID_TOKEN);
          expect(widget).to.equal(undefined);
        } else {
          expectFail(deletion, 409, `${owner.email} still owns 1 widget(s)`);
          expect(creation.status).to.equal(201);
          expect(widget?.owner_id).to.equal(owner.publicId);
        }
      }
    });
  });
});

describeEachDatabase('account audit log lines', (db) => {
  it('writes one line per event with event, public_id, ip and the request id, and no secret', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(
          ...chunk
            .toString('utf8')
            .split('\n')
            .filter((line) => line !== ''),
        );
        done();
      },
    });
    const server = await startTestServer(db.url(), {}, pino({ level: 'info' }, sink));
    try {
      const call = (method: string, path: string, options = {}) =>
        request(server.url, method, path, options);
      const registered = await call('POST', '/api/v1/auth/register', {
        json: { email: 'boss@example.com', password: 'password1' },
      });
      const bossToken = registered.json.access_token as string;
      const worker = await call('POST', '/api/v1/auth/register', {
        json: { email: 'worker@example.com', password: 'password2' },
      });
      const workerToken = worker.json.access_token as string;
      await db.knex()('users').where({ email: 'boss@example.com' }).update({ admin: true });
      const ids = Object.fromEntries(
        (await db.knex()('users').select('email', 'public_id')).map(
          (row: { email: string; public_id: string }) => [row.email, row.public_id],
        ),
      );
      const boss = ids['boss@example.com'];
      const workerId = ids['worker@example.com'];

      const granted = await call('PATCH', `/api/v1/users/${workerId}`, {
        token: bossToken,
        json: { admin: true },
      });
      const withdrawn = await call('PATCH', `/api/v1/users/${workerId}`, {
        token: bossToken,
        form: { admin: 'false' },
      });
      const deleted = await call('DELETE', '/api/v1/auth/user', {
        token: workerToken,
        json: { password: 'password2' },
      });
      expect([granted.status, withdrawn.status, deleted.status]).to.deep.equal([200, 200, 204]);

      const audit = lines
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((entry) => entry.audit === true && entry.event !== 'register');
      const requestIdOf = (reply: Reply) => reply.headers.get('x-request-id');
      expect(
        audit.map(({ event, public_id, actor_public_id, ip, requestId }) => ({
          event,
          public_id,
          actor_public_id,
          ip,
          requestId,
        })),
      ).to.deep.equal([
        {
          event: 'admin_granted',
          public_id: workerId,
          actor_public_id: boss,
          ip: '127.0.0.1',
          requestId: requestIdOf(granted),
        },
        {
          event: 'admin_withdrawn',
          public_id: workerId,
          actor_public_id: boss,
          ip: '127.0.0.1',
          requestId: requestIdOf(withdrawn),
        },
        {
          event: 'account_deleted',
          public_id: workerId,
          actor_public_id: undefined,
          ip: '127.0.0.1',
          requestId: requestIdOf(deleted),
        },
      ]);
      for (const entry of audit) expect(entry.time).to.be.a('number');

      const everything = lines.join('\n');
      for (const secret of ['password1', 'password2', bossToken, workerToken, '$2b$']) {
        expect(everything).to.not.include(secret);
      }
    } finally {
      await server.close();
    }
  });
});
