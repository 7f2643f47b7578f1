import { performance } from 'node:perf_hooks';
import { expect } from '../../support/chai.js';
import { describeEachServer, type TestApi } from '../../support/server.js';
import { BAD_CREDENTIALS, registerAccount } from './attacks.js';
import { expectFail } from '../../support/answers.js';

const SAMPLES = 20;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? NaN)
    : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
}

/** Milliseconds for one failed login, which must fail with the one message. */
async function timedFailure(api: TestApi, email: string): Promise<number> {
  const started = performance.now();
  const reply = await api.request('POST', '/api/v1/auth/login', {
    json: { email, password: 'not-the-password' },
  });
  const elapsed = performance.now() - started;
  expectFail(reply, 401, BAD_CREDENTIALS);
  return elapsed;
}

describeEachServer(
  'attack battery: login timing',
  (api) => {
    it(`takes as long for an unknown email as for a wrong password (medians of ${SAMPLES}, ratio within 0.5–2)`, async function () {
      this.timeout(60_000);
      await registerAccount(api, 'known@example.com');
      // Warm-up: the dummy hash for unknown emails is made on first use, and pools fill.
      await timedFailure(api, 'unknown@example.com');
      await timedFailure(api, 'known@example.com');

      const unknown: number[] = [];
      const wrong: number[] = [];
      for (let i = 0; i < SAMPLES; i += 1) {
        // Interleaved, alternating which goes first, so drift in load hits both alike.
        const order = i % 2 === 0 ? ['unknown', 'wrong'] : ['wrong', 'unknown'];
        for (const kind of order) {
          if (kind === 'unknown') unknown.push(await timedFailure(api, `nobody${i}@example.com`));
          else wrong.push(await timedFailure(api, 'known@example.com'));
        }
      }
      const ratio = median(unknown) / median(wrong);
      console.log(
        `      login timing: unknown email ${median(unknown).toFixed(1)} ms, ` +
          `wrong password ${median(wrong).toFixed(1)} ms (medians of ${SAMPLES}), ` +
          `ratio ${ratio.toFixed(3)}`,
      );
      expect(ratio).to.be.within(0.5, 2);
      // At cost 10 bcrypt takes tens of milliseconds: both paths really hashed.
      expect(Math.min(median(unknown), median(wrong))).to.be.above(10);
    });
  },
  { BCRYPT_COST: '10' },
);
