import { KnexAttemptLimiter } from '../../../src/adapters/persistence/knex/KnexAttemptLimiter.js';
import { expect } from '../../support/chai.js';
import { attemptLimiterContract } from '../../support/contracts/attemptLimiterContract.js';
import { describeEachDatabase } from '../../support/databases.js';
import { FixedClock } from '../../support/fakes/FixedClock.js';
import { InMemoryAttemptLimiter } from '../../support/fakes/InMemoryAttemptLimiter.js';

describe('AttemptLimiter contract [in-memory fake]', () => {
  attemptLimiterContract(
    (clock, max, windowSeconds) => new InMemoryAttemptLimiter(clock, max, windowSeconds),
  );
});

describeEachDatabase('KnexAttemptLimiter', (db) => {
  describe('contract', () => {
    attemptLimiterContract(
      (clock, max, windowSeconds) =>
        new KnexAttemptLimiter(db.knex(), clock, { scope: 'test', max, windowSeconds }),
    );
  });

  it('keeps scopes apart in the one table', async () => {
    const clock = new FixedClock();
    const logins = new KnexAttemptLimiter(db.knex(), clock, {
      scope: 'login',
      max: 1,
      windowSeconds: 60,
    });
    const clients = new KnexAttemptLimiter(db.knex(), clock, {
      scope: 'client',
      max: 1,
      windowSeconds: 60,
    });
    await logins.consume('same-key');
    expect(await logins.consume('same-key')).to.equal(60);
    expect(await clients.consume('same-key')).to.equal(0);
  });

  it('shares its counts between instances on the same database', async () => {
    const clock = new FixedClock();
    const limit = { scope: 'login', max: 2, windowSeconds: 60 };
    const first = new KnexAttemptLimiter(db.knex(), clock, limit);
    const second = new KnexAttemptLimiter(db.knex(), clock, limit);
    await first.consume('alice');
    await second.consume('alice');
    expect(await first.consume('alice')).to.equal(60);
  });

  it('purges only its own counters whose window has passed', async () => {
    const clock = new FixedClock();
    const logins = new KnexAttemptLimiter(db.knex(), clock, {
      scope: 'login',
      max: 5,
      windowSeconds: 60,
    });
    const clients = new KnexAttemptLimiter(db.knex(), clock, {
      scope: 'client',
      max: 5,
      windowSeconds: 60,
    });
    await logins.consume('old');
    await clients.consume('old');
    clock.advanceSeconds(30);
    await logins.consume('recent');
    clock.advanceSeconds(30);

    expect(await logins.purgeExpired()).to.equal(1);
    const keys = await db.knex()('auth_attempts').orderBy('key').pluck('key');
    expect(keys).to.deep.equal(['client:old', 'login:recent']);
  });
});
