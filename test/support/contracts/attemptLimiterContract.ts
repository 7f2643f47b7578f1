import type { AttemptLimiter } from '../../../src/domain/index.js';
import { expect } from '../chai.js';
import { FixedClock } from '../fakes/FixedClock.js';

export type MakeAttemptLimiter = (
  clock: FixedClock,
  max: number,
  windowSeconds: number,
) => AttemptLimiter | Promise<AttemptLimiter>;

const WINDOW = 900;

/** The behaviour every AttemptLimiter shares: fixed windows from a key's first attempt. */
export function attemptLimiterContract(make: MakeAttemptLimiter): void {
  let clock: FixedClock;
  beforeEach(() => {
    clock = new FixedClock('2026-03-01T12:00:00Z');
  });

  it('allows the maximum attempts, then says how long until the window ends', async () => {
    const limiter = await make(clock, 3, WINDOW);
    for (let i = 0; i < 3; i += 1) {
      expect(await limiter.consume('alice')).to.equal(0);
      clock.advanceSeconds(10);
    }
    expect(await limiter.consume('alice')).to.equal(WINDOW - 30);
    clock.advanceSeconds(WINDOW - 31);
    expect(await limiter.consume('alice')).to.equal(1);
  });

  it('opens a new window once the old one has passed', async () => {
    const limiter = await make(clock, 2, WINDOW);
    await limiter.consume('alice');
    await limiter.consume('alice');
    expect(await limiter.consume('alice')).to.equal(WINDOW);
    clock.advanceSeconds(WINDOW);
    expect(await limiter.consume('alice')).to.equal(0);
    expect(await limiter.consume('alice')).to.equal(0);
    expect(await limiter.consume('alice')).to.equal(WINDOW);
  });

  it('counts each key on its own', async () => {
    const limiter = await make(clock, 1, WINDOW);
    await limiter.consume('alice');
    expect(await limiter.consume('alice')).to.be.greaterThan(0);
    expect(await limiter.consume('bob')).to.equal(0);
  });

  it('forgets a key on reset', async () => {
    const limiter = await make(clock, 1, WINDOW);
    await limiter.consume('alice');
    await limiter.reset('alice');
    expect(await limiter.consume('alice')).to.equal(0);
    await limiter.reset('never-seen');
  });

  it('never limits with a maximum of 0', async () => {
    const limiter = await make(clock, 0, WINDOW);
    for (let i = 0; i < 5; i += 1) expect(await limiter.consume('alice')).to.equal(0);
  });

  it('lets exactly the maximum through a burst of concurrent attempts', async () => {
    const limiter = await make(clock, 20, WINDOW);
    const waits = await Promise.all(Array.from({ length: 30 }, () => limiter.consume('burst')));
    expect(waits.filter((wait) => wait === 0)).to.have.length(20);
    expect(waits.filter((wait) => wait === WINDOW)).to.have.length(10);
  });

  it('purges the keys whose window has passed, and only those', async () => {
    const limiter = await make(clock, 1, 60);
    await limiter.consume('old');
    clock.advanceSeconds(30);
    await limiter.consume('recent');
    clock.advanceSeconds(30);
    expect(await limiter.purgeExpired()).to.equal(1);
    expect(await limiter.consume('recent')).to.equal(30);
  });

  it('accepts any key, however long', async () => {
    const limiter = await make(clock, 1, WINDOW);
    const key = `${'x'.repeat(400)}@example.com`;
    await limiter.consume(key);
    expect(await limiter.consume(key)).to.equal(WINDOW);
    expect(await limiter.consume(`${key}.org`)).to.equal(0);
  });
}
