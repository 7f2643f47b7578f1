import type { Knex } from 'knex';
import { TOKENS } from '../../../src/main/container.js';
import type { RunningServer } from '../../../src/main/server.js';
import { expect } from '../../support/chai.js';
import { describeEachDatabase } from '../../support/databases.js';
import { request, startTestServer, type RequestOptions } from '../../support/server.js';

/**
 * What the account routes cost in database statements, counted from the server's own Knex
 * instance, relative to authentication (whatever that costs): the token generation adds nothing
 * to it, and each route adds only its own writes.
 */
describeEachDatabase('account routes: database statements per request', (db) => {
  let running: RunningServer | undefined;
  const statements: string[] = [];

  before(async function () {
    running = await startTestServer(db.url(), { LOGIN_MAX_FAILURES: '10' });
    running.container
      .get<Knex>(TOKENS.Knex)
      .on('query', (query: { sql: string }) => statements.push(query.sql));
  });

  after(async function () {
    await running?.close();
    running = undefined;
  });

  /** The answer's status and the statements it took. */
  let driver: string;

  async function cost(method: string, path: string, options: RequestOptions) {
    if (running === undefined) throw new Error('the server runs only inside tests');
    statements.length = 0;
    const reply = await request(running.url, method, path, options);
    return { status: reply.status, statements: [...statements], json: reply.json };
  }

  it('authentication reads as much for a token of an old generation as for a current one; logout-all adds one UPDATE, a password change three statements', async function () {
    driver = String(db.knex().client.config.client);
    const registered = await cost('POST', '/api/v1/auth/register', {
      json: { email: 'alice@example.com', password: 'password1' },
    });
    const token = registered.json.access_token as string;
    const authentication = await cost('GET', '/api/v1/auth/user', { token });
    expect(authentication.status).to.equal(200);
    // One statement (user and revocation together). On Postgres it is a named prepared
    // statement sent on a pooled connection, outside Knex's query events, so it shows as none.
    const authenticating = authentication.statements.length;
    expect(authenticating).to.equal(driver === 'pg' ? 0 : 1);

    const changed = await cost('POST', '/api/v1/auth/password', {
      token,
      json: { current_password: 'password1', new_password: 'password2' },
    });
    expect(changed.status).to.equal(200);
    // Count the attempt, clear the count, store hash and generation in one UPDATE … RETURNING.
    expect(changed.statements.slice(authenticating)).to.have.length(3);
    expect(changed.statements.at(-1)).to.match(
      /^update .users. set .password_hash. = \S+, .token_generation. = token_generation \+ 1 where .public_id. = \S+ returning .token_generation.$/,
    );

    const refused = await cost('GET', '/api/v1/auth/user', { token });
    expect([refused.status, refused.statements]).to.deep.equal([401, authentication.statements]);

    const fresh = changed.json.access_token as string;
    const wrong = await cost('POST', '/api/v1/auth/password', {
      token: fresh,
      json: { current_password: 'password1', new_password: 'password3' },
    });
    expect(wrong.status).to.equal(401);
    expect(wrong.statements.slice(authenticating)).to.have.length(1); // the counted attempt

    const everywhere = await cost('POST', '/api/v1/auth/logout-all', { token: fresh });
    expect(everywhere.status).to.equal(200);
    expect(everywhere.statements.slice(0, authenticating)).to.deep.equal(authentication.statements);
    expect(everywhere.statements.slice(authenticating)).to.have.length(1);
    expect(everywhere.statements.at(-1)).to.match(
      /^update .users. set .token_generation. = token_generation \+ 1 where .public_id. = \S+ returning .token_generation.$/,
    );
  });
});
