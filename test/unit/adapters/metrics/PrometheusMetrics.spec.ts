import type { PasswordHasher } from '../../../../src/domain/index.js';
import { LOGIN_OUTCOMES } from '../../../../src/adapters/http/metrics.js';
import { PrometheusMetrics } from '../../../../src/adapters/metrics/PrometheusMetrics.js';
import { expect } from '../../../support/chai.js';
import { FakePasswordHasher } from '../../../support/fakes/FakePasswordHasher.js';
import { FixedClock } from '../../../support/fakes/FixedClock.js';
import { InMemoryAttemptLimiter } from '../../../support/fakes/InMemoryAttemptLimiter.js';

/** The value of one sample of the registry's text exposition, 0 when absent. */
async function sample(metrics: PrometheusMetrics, series: string): Promise<number> {
  const text = await metrics.registry.metrics();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

describe('PrometheusMetrics', () => {
  it('counts the attempts a limiter refuses, and only those, passing its answers through', async () => {
    const metrics = new PrometheusMetrics(LOGIN_OUTCOMES);
    const limiter = metrics.meterAttemptLimiter(
      new InMemoryAttemptLimiter(new FixedClock(), 2, 60),
      'client',
    );
    const waits = [];
    for (let attempt = 0; attempt < 5; attempt += 1) waits.push(await limiter.consume('10.0.0.1'));
    expect(waits).to.deep.equal([0, 0, 60, 60, 60]);
    expect(await sample(metrics, 'gatehouse_rate_limit_refusals_total{limit="client"}')).to.equal(
      3,
    );
    await limiter.reset('10.0.0.1');
    expect(await limiter.consume('10.0.0.1')).to.equal(0);
    expect(await sample(metrics, 'gatehouse_rate_limit_refusals_total{limit="client"}')).to.equal(
      3,
    );
  });

  it('times each hash and verification, failed ones included, and passes results through', async () => {
    const metrics = new PrometheusMetrics(LOGIN_OUTCOMES);
    const failing: PasswordHasher = {
      hash: () => Promise.reject(new Error('no memory')),
      verify: () => Promise.reject(new Error('no memory')),
      needsRehash: () => false,
    };
    const hasher = metrics.meterPasswordHasher(new FakePasswordHasher());
    expect(await hasher.hash('pw')).to.equal('hashed:pw');
    expect(await hasher.verify('pw', 'hashed:pw')).to.equal(true);
    expect(await hasher.verify('other', 'hashed:pw')).to.equal(false);
    expect(hasher.needsRehash('hashed:pw')).to.equal(false);
    await expect(metrics.meterPasswordHasher(failing).verify('pw', 'x')).to.be.rejectedWith(
      'no memory',
    );
    const count = (operation: string) =>
      sample(metrics, `gatehouse_password_hash_duration_seconds_count{operation="${operation}"}`);
    expect([await count('hash'), await count('verify')]).to.deep.equal([1, 3]);
  });

  it('keeps one series per method, route template and status', async () => {
    const metrics = new PrometheusMetrics(LOGIN_OUTCOMES);
    metrics.observeRequest('GET', '/api/v1/widgets/:name', 200, 0.002);
    metrics.observeRequest('GET', '/api/v1/widgets/:name', 200, 0.004);
    metrics.observeRequest('GET', '/api/v1/widgets/:name', 404, 0.001);
    const series = (status: number) =>
      `http_request_duration_seconds_count{method="GET",route="/api/v1/widgets/:name",status="${status}"}`;
    expect(await sample(metrics, series(200))).to.equal(2);
    expect(await sample(metrics, series(404))).to.equal(1);
    expect(
      await sample(
        metrics,
        'http_request_duration_seconds_sum{method="GET",route="/api/v1/widgets/:name",status="200"}',
      ),
    ).to.be.closeTo(0.006, 1e-9);
  });

  it('starts every login outcome at 0, so rates exist before the first event', async () => {
    const metrics = new PrometheusMetrics(LOGIN_OUTCOMES);
    metrics.countLogin('failure');
    const outcomes = ['success', 'failure', 'rate_limited', 'invalid', 'error'];
    const values = await Promise.all(
      outcomes.map((outcome) => sample(metrics, `gatehouse_logins_total{outcome="${outcome}"}`)),
    );
    expect(values).to.deep.equal([0, 1, 0, 0, 0]);
  });
});
