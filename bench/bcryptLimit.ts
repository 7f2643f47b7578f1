/** The machine's bcrypt limit, timed with the binding the server uses (node_modules/bcrypt). */
import bcrypt from 'bcrypt';

export interface BcryptRate {
  /** Verifications per second with `parallel` running at once. */
  readonly perSecond: number;
  readonly parallel: number;
  readonly count: number;
}

/**
 * Runs `parallel` chains of `bcrypt.compare` (what a login costs) for at least `minSeconds` and
 * at least 4 verifications per chain. With parallel = 1 this is one core's rate.
 */
export async function bcryptRate(
  cost: number,
  parallel: number,
  minSeconds: number,
): Promise<BcryptRate> {
  const hash = await bcrypt.hash('bench password', cost);
  let count = 0;
  const started = performance.now();
  const chain = async () => {
    for (let i = 0; i < 4 || performance.now() - started < minSeconds * 1000; i += 1) {
      await bcrypt.compare('bench password', hash);
      count += 1;
    }
  };
  await Promise.all(Array.from({ length: parallel }, chain));
  return { perSecond: count / ((performance.now() - started) / 1000), parallel, count };
}
