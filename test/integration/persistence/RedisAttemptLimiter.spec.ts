import { RedisAttemptLimiter } from '../../../src/adapters/redis/RedisAttemptLimiter.js';
import { createRedis, RedisUnavailableError } from '../../../src/adapters/redis/createRedis.js';
import { expect } from '../../support/chai.js';
import { attemptLimiterContract } from '../../support/contracts/attemptLimiterContract.js';
import { FixedClock } from '../../support/fakes/FixedClock.js';
import { describeWithRedis } from '../../support/redis.js';

describeWithRedis('RedisAttemptLimiter', (redis) => {
  describe('contract', () => {
    attemptLimiterContract(
      (clock, max, windowSeconds) =>
        new RedisAttemptLimiter(
          redis.client(),
          clock,
          { scope: 'test', max, windowSeconds },
          redis.prefix(),
        ),
    );
  });

  const limiter = (clock: FixedClock, scope: string, max: number, windowSeconds = 60) =>
    new RedisAttemptLimiter(redis.client(), clock, { scope, max, windowSeconds }, redis.prefix());

  it('keeps scopes apart under one prefix', async () => {
    const clock = new FixedClock();
    const logins = limiter(clock, 'login', 1);
    const clients = limiter(clock, 'client', 1);
    await logins.consume('same-key');
    expect(await logins.consume('same-key')).to.equal(60);
    expect(await clients.consume('same-key')).to.equal(0);
  });

  it('shares its counts between instances on the same Redis', async () => {
    const clock = new FixedClock();
    const first = limiter(clock, 'login', 2);
    const second = limiter(clock, 'login', 2);
    await first.consume('alice');
    await second.consume('alice');
    expect(await first.consume('alice')).to.equal(60);
  });

  it('lets Redis forget a counter when its window ends', async () => {
    const clock = new FixedClock();
    await limiter(clock, 'login', 5, 900).consume('alice');
    const keys = await redis.client().keys(`${redis.prefix()}*`);
    expect(keys).to.deep.equal([`${redis.prefix()}attempts:login:alice`]);
    const ttl = await redis.client().pttl(keys[0] ?? '');
    expect(ttl).to.be.within(899_000, 900_000);
  });

  it('purges only its own scope', async () => {
    const clock = new FixedClock();
    const logins = limiter(clock, 'login', 5);
    const clients = limiter(clock, 'client', 5);
    await logins.consume('old');
    await clients.consume('old');
    clock.advanceSeconds(60);
    expect(await logins.purgeExpired()).to.equal(1);
    const keys = await redis.client().keys(`${redis.prefix()}*`);
    expect(keys).to.deep.equal([`${redis.prefix()}attempts:client:old`]);
  });
});

describe('RedisAttemptLimiter without a Redis', () => {
  it('fails every call fast with RedisUnavailableError, never counting in silence', async function () {
    // Port 1: nothing listens there, so the connection is refused.
    const client = createRedis('redis://127.0.0.1:1');
    client.on('error', () => undefined);
    try {
      const limiter = new RedisAttemptLimiter(client, new FixedClock(), {
        scope: 'login',
        max: 5,
        windowSeconds: 60,
      });
      const started = Date.now();
      await expect(limiter.consume('alice')).to.be.rejectedWith(RedisUnavailableError);
      await expect(limiter.reset('alice')).to.be.rejectedWith(RedisUnavailableError);
      await expect(limiter.purgeExpired()).to.be.rejectedWith(RedisUnavailableError);
      expect(Date.now() - started).to.be.below(3000);
    } finally {
      client.disconnect();
    }
  });
});
