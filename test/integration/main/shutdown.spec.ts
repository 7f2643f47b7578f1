import { createKnex } from '../../../src/adapters/persistence/knex/createKnex.js';
import type { RunningServer } from '../../../src/main/server.js';
import { expect } from '../../support/chai.js';
import { sqliteUrl } from '../../support/databases.js';
import { servedDriftChecker } from '../../support/openapiDrift.js';
import { startTestServer } from '../../support/server.js';
import {
  connectionOutcome,
  holdInFlight,
  roundTrip,
  SHUTTING_DOWN,
  type HeldRequest,
  type StartedRequest,
} from '../../support/wire.js';

// What SIGTERM/SIGINT do in `serve` (cli.ts): RunningServer.close(), then exit.
describe('server shutting down (RunningServer.close, what SIGTERM calls)', function () {
  let running: RunningServer | undefined;
  const open: Array<HeldRequest | StartedRequest> = [];

  afterEach(async function () {
    for (const request of open.splice(0)) request.destroy();
    await running?.close();
    running = undefined;
  });

  it('answers /health/ready 503 (checks.server down) and /health/live 200 at once, while a request in flight finishes', async function () {
    const url = sqliteUrl();
    running = await startTestServer(url);
    const server = running;
    const drift = await servedDriftChecker(server.url);
    expect(await roundTrip(server.url, '/health/ready'), 'ready before').to.equal(200);

    const { register, ready, live } = await holdInFlight(server.url, 'late@example.com', open);

    const closed = server.close();
    // The port is closed at once.
    expect(await connectionOutcome(server.url)).to.equal('ECONNREFUSED');

    const [readyReply, liveReply] = await Promise.all([ready.finish(), live.finish()]);
    expect(readyReply.status).to.equal(503);
    expect(readyReply.body).to.deep.equal(SHUTTING_DOWN);
    expect(liveReply.status).to.equal(200);
    expect(liveReply.body).to.deep.equal({ status: 'ok' });
    for (const [path, reply] of [
      ['/health/ready', readyReply],
      ['/health/live', liveReply],
    ] as const) {
      expect(reply.headers.get('connection'), path).to.equal('close');
      drift.check({ method: 'GET', path, ...reply });
    }

    // The request in flight when shutdown began is served in full, and its write lands.
    const registered = await register.send();
    expect(registered.status, registered.text).to.equal(201);
    expect(JSON.parse(registered.text)).to.include({ message: 'successfully registered' });
    expect(registered.headers.connection).to.equal('close');
    await closed;
    const knex = createKnex(url);
    try {
      const rows = await knex('users').where({ email: 'late@example.com' }).select('email');
      expect(rows).to.deep.equal([{ email: 'late@example.com' }]);
    } finally {
      await knex.destroy();
    }
  });
});
