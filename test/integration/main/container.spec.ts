import { Container } from 'inversify';
import { CreateWidget } from '../../../src/application/CreateWidget.js';
import { DeleteWidget } from '../../../src/application/DeleteWidget.js';
import { LogOutEverywhere } from '../../../src/application/LogOutEverywhere.js';
import { PutWidget } from '../../../src/application/PutWidget.js';
import { RefreshSession } from '../../../src/application/RefreshSession.js';
import { loadConfig } from '../../../src/adapters/config/config.js';
import { KnexAttemptLimiter } from '../../../src/adapters/persistence/knex/KnexAttemptLimiter.js';
import { RedisAttemptLimiter } from '../../../src/adapters/redis/RedisAttemptLimiter.js';
import { buildContainer, TOKENS } from '../../../src/main/container.js';
import { bindClass, bindResolved } from '../../../src/main/tokens.js';
import { createLogger, type RunningServer } from '../../../src/main/server.js';
import { expect } from '../../support/chai.js';
import { FixedClock } from '../../support/fakes/FixedClock.js';
import { InMemoryWidgetRepository } from '../../support/fakes/InMemoryWidgetRepository.js';
import { sqliteUrl } from '../../support/databases.js';
import { request, startTestServer, TEST_SECRET } from '../../support/server.js';

const INTERNAL_ERROR = '{"status":"error","message":"Internal server error"}';

describe('composition root', function () {
  it('resolves every token to a value, the same instance on every get', async function () {
    const config = loadConfig(
      {
        NODE_ENV: 'test',
        DATABASE_URL: sqliteUrl(),
        JWT_SECRET: TEST_SECRET,
        LOG_LEVEL: 'silent',
        // Binds the Redis client too (it connects on demand only: nothing is opened here).
        RATE_LIMIT_STORE: 'redis',
        // Binds RefreshSession too.
        REFRESH_TOKENS: 'on',
      },
      { envFile: false },
    );
    const logger = createLogger(config);
    const container = buildContainer(config, logger);
    try {
      const tokens = Object.entries(TOKENS);
      expect(tokens).to.have.length.greaterThan(0);
      for (const [name, token] of tokens) {
        const first: unknown = container.get(token);
        expect(first, name).to.not.equal(undefined);
        expect(first, name).to.not.equal(null);
        expect(container.get(token), `${name} is a singleton`).to.equal(first);
      }
    } finally {
      await container.get(TOKENS.Knex).destroy();
      container.get(TOKENS.Redis).disconnect();
    }
  });

  it('keeps the attempt counters in the database by default, in Redis with RATE_LIMIT_STORE=redis', async function () {
    const containerWith = (store: string) => {
      const config = loadConfig(
        { NODE_ENV: 'test', DATABASE_URL: sqliteUrl(), RATE_LIMIT_STORE: store },
        { envFile: false },
      );
      return buildContainer(config, createLogger({ ...config, logLevel: 'silent' }));
    };
    const database = containerWith('database');
    const redis = containerWith('redis');
    try {
      for (const id of [TOKENS.LoginFailureLimiter, TOKENS.AuthRequestLimiter]) {
        expect(database.get(id)).to.be.instanceOf(KnexAttemptLimiter);
        expect(redis.get(id)).to.be.instanceOf(RedisAttemptLimiter);
      }
      expect(database.isBound(TOKENS.Redis), 'no Redis client without Redis').to.equal(false);
    } finally {
      await database.get(TOKENS.Knex).destroy();
      await redis.get(TOKENS.Knex).destroy();
      redis.get(TOKENS.Redis).disconnect();
    }
  });

  it('pairs tokens with refresh tokens and binds RefreshSession only with REFRESH_TOKENS=on', async function () {
    const containerWith = (refresh: string) => {
      const config = loadConfig(
        { NODE_ENV: 'test', DATABASE_URL: sqliteUrl(), REFRESH_TOKENS: refresh },
        { envFile: false },
      );
      return buildContainer(config, createLogger({ ...config, logLevel: 'silent' }));
    };
    const off = containerWith('off');
    const on = containerWith('on');
    try {
      expect(off.get(TOKENS.AccessTokenIssuer).refreshing).to.equal(null);
      expect(off.isBound(TOKENS.RefreshSession)).to.equal(false);
      expect(on.get(TOKENS.AccessTokenIssuer).refreshing).to.deep.equal({
        store: on.get(TOKENS.RefreshTokens),
        policy: { ttlSeconds: 2_592_000, reuseGraceSeconds: 10 },
      });
      expect(on.get(TOKENS.RefreshSession)).to.be.instanceOf(RefreshSession);
    } finally {
      await off.get(TOKENS.Knex).destroy();
      await on.get(TOKENS.Knex).destroy();
    }
  });

  it('gives each container its own instances', async function () {
    const config = loadConfig(
      { NODE_ENV: 'test', DATABASE_URL: sqliteUrl(), LOG_LEVEL: 'silent' },
      { envFile: false },
    );
    const first = buildContainer(config, createLogger(config));
    const second = buildContainer(config, createLogger(config));
    try {
      expect(second.get(TOKENS.Knex)).to.not.equal(first.get(TOKENS.Knex));
      expect(second.get(TOKENS.LogIn)).to.not.equal(first.get(TOKENS.LogIn));
    } finally {
      await first.get(TOKENS.Knex).destroy();
      await second.get(TOKENS.Knex).destroy();
    }
  });
});

describe('server when the database stops answering', function () {
  let running: RunningServer | undefined;

  const server = () => {
    if (running === undefined) throw new Error('the server runs only inside tests');
    return running;
  };

  beforeEach(async function () {
    running = await startTestServer(sqliteUrl());
    const ready = await request(server().url, 'GET', '/health/ready');
    expect(ready.status, 'ready while the database answers').to.equal(200);
    await server().container.get(TOKENS.Knex).destroy();
  });

  afterEach(async function () {
    await running?.close();
    running = undefined;
  });

  it('stays live but answers /health/ready with 503, the database down', async function () {
    const live = await request(server().url, 'GET', '/health/live');
    expect(live.status).to.equal(200);

    const ready = await request(server().url, 'GET', '/health/ready');
    expect(ready.status).to.equal(503);
    expect(ready.json).to.deep.equal({
      status: 'fail',
      message: 'Service unavailable',
      checks: { database: 'down' },
    });
  });

  it('answers a request that needs the database with a bare 500, no stack and no SQL', async function () {
    const response = await fetch(`${server().url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'alice@example.com', password: 'password1' }),
    });

    expect(response.status).to.equal(500);
    expect(response.headers.get('content-type')).to.match(/^application\/json/);
    expect(await response.text()).to.equal(INTERNAL_ERROR);
  });
});

describe('typed bindings (bindResolved)', function () {
  it('hands the factory the values of its dependency list, in order', function () {
    const c = new Container({ defaultScope: 'Singleton' });
    const widgets = new InMemoryWidgetRepository();
    const clock = new FixedClock(new Date('2031-05-13T00:00:00Z'));
    c.bind(TOKENS.WidgetRepository).toConstantValue(widgets);
    c.bind(TOKENS.Clock).toConstantValue(clock);
    const received: unknown[] = [];
    bindResolved(c, TOKENS.CreateWidget, [TOKENS.WidgetRepository, TOKENS.Clock], (...values) => {
      received.push(...values);
      return new CreateWidget(...values);
    });

    expect(c.get(TOKENS.CreateWidget)).to.be.instanceOf(CreateWidget);
    expect(received).to.have.length(2);
    expect(received[0]).to.equal(widgets);
    expect(received[1]).to.equal(clock);
  });

  // `npm run typecheck` holds these: each line compiles only if its @ts-expect-error is unused,
  // that is if the mistake it names stopped being one. Run, they only bind (nothing resolves).
  it('does not compile a dependency list that does not fit its factory', function () {
    const c = new Container();
    // The repository and the clock swapped:
    bindResolved(
      c,
      TOKENS.CreateWidget,
      [TOKENS.Clock, TOKENS.WidgetRepository],
      // @ts-expect-error: a Clock is no WidgetRepository
      (widgets, clock) => new CreateWidget(widgets, clock),
    );
    // One dependency short:
    bindResolved(
      c,
      TOKENS.LogOutEverywhere,
      [TOKENS.UserRepository],
      // @ts-expect-error: the factory takes two values, the list gives one
      (users, audit) => new LogOutEverywhere(users, audit),
    );
    bindResolved(
      c,
      TOKENS.GetCurrentUser,
      [TOKENS.Clock],
      // @ts-expect-error: the factory makes another use case than the token names
      (clock) => new PutWidget(new InMemoryWidgetRepository(), clock),
    );
    // bindClass holds the list to the constructor's own parameters:
    bindClass(
      c,
      TOKENS.DeleteWidget,
      [TOKENS.Clock],
      // @ts-expect-error: DeleteWidget takes a WidgetRepository, not a Clock
      DeleteWidget,
    );
    expect(c.isBound(TOKENS.CreateWidget)).to.equal(true);
  });
});
