import type { Knex } from 'knex';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AttemptLimiter, PasswordHasher } from '../../domain/index.js';

type Observer = { observe(value: number): void };
type Increment = { inc(value?: number): void };

/** Which brute-force limit refused an attempt: per account (failed logins) or per client address. */
export type LimitName = 'account' | 'client';

// Seconds. An authenticated GET takes about a millisecond, a login a bcrypt verification.
const REQUEST_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const HASH_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2];

/** The part of tarn's pool (Knex's) that the gauges read. */
interface PoolStats {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
}

function poolOf(knex: Knex): PoolStats | null {
  const pool: unknown = (knex.client as { pool?: unknown }).pool;
  if (typeof pool !== 'object' || pool === null) return null;
  const stats = pool as Partial<Record<keyof PoolStats, unknown>>;
  return typeof stats.numUsed === 'function' &&
    typeof stats.numFree === 'function' &&
    typeof stats.numPendingAcquires === 'function'
    ? (pool as PoolStats)
    : null;
}

/**
 * One process's Prometheus metrics, in a registry of its own (several servers in one process,
 * as in the tests, never share series): Node's default process metrics (event-loop lag, heap,
 * GC, CPU), request durations per route template, login outcomes, hashing time, the database
 * pool and rate-limit refusals. Per-request work is one histogram observation on a labelled child
 * made once per (route, method, status).
 */
export class PrometheusMetrics<LoginOutcome extends string = string> {
  readonly registry = new Registry();
  private readonly requests: Histogram<'method' | 'route' | 'status'>;
  private readonly requestSeries = new Map<string, Map<string, Map<number, Observer>>>();
  private readonly logins: ReadonlyMap<LoginOutcome, Increment>;
  private readonly hashing: Histogram<'operation'>;
  private readonly refusals: Counter<'limit'>;

  /**
   * `loginOutcomes`: every outcome the caller reports (the HTTP adapter's), each exported from 0
   * so a rate can be read before the first of its kind. Taken here rather than imported: the
   * composition root joins the two adapters, and the compiler checks the join there.
   */
  constructor(loginOutcomes: readonly LoginOutcome[]) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time from the first middleware to the answer, by method, route template and status',
      labelNames: ['method', 'route', 'status'],
      buckets: REQUEST_BUCKETS,
      registers,
    });
    const logins = new Counter({
      name: 'gatehouse_logins_total',
      help: `Login attempts by outcome (${loginOutcomes.join(', ')})`,
      labelNames: ['outcome'],
      registers,
    });
    this.logins = new Map(loginOutcomes.map((outcome) => [outcome, logins.labels(outcome)]));
    for (const series of this.logins.values()) series.inc(0); // every outcome exported from 0
    this.hashing = new Histogram({
      name: 'gatehouse_password_hash_duration_seconds',
      help: 'Time of one password hash or verification (bcrypt or argon2id), queueing excluded',
      labelNames: ['operation'],
      buckets: HASH_BUCKETS,
      registers,
    });
    this.refusals = new Counter({
      name: 'gatehouse_rate_limit_refusals_total',
      help: 'Attempts refused with 429 by a brute-force limit (account: failed logins; client: requests per address)',
      labelNames: ['limit'],
      registers,
    });
  }

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    let byMethod = this.requestSeries.get(route);
    if (byMethod === undefined) this.requestSeries.set(route, (byMethod = new Map()));
    let byStatus = byMethod.get(method);
    if (byStatus === undefined) byMethod.set(method, (byStatus = new Map()));
    let series = byStatus.get(status);
    if (series === undefined) {
      series = this.requests.labels(method, route, String(status));
      byStatus.set(status, series);
    }
    series.observe(seconds);
  }

  countLogin(outcome: LoginOutcome): void {
    this.logins.get(outcome)?.inc();
  }

  /** `hasher`, timing each hash and verification it does. */
  meterPasswordHasher(hasher: PasswordHasher): PasswordHasher {
    const hashing = this.hashing.labels('hash');
    const verifying = this.hashing.labels('verify');
    const timed = async <T>(series: Observer, work: Promise<T>): Promise<T> => {
      const started = performance.now();
      try {
        return await work;
      } finally {
        series.observe((performance.now() - started) / 1000);
      }
    };
    return {
      hash: (password) => timed(hashing, hasher.hash(password)),
      verify: (password, hash) => timed(verifying, hasher.verify(password, hash)),
      needsRehash: (hash) => hasher.needsRehash(hash),
    };
  }

  /** `limiter`, counting the attempts it refuses. */
  meterAttemptLimiter(limiter: AttemptLimiter, limit: LimitName): AttemptLimiter {
    const refused = this.refusals.labels(limit);
    refused.inc(0);
    return {
      consume: async (key) => {
        const wait = await limiter.consume(key);
        if (wait > 0) refused.inc();
        return wait;
      },
      reset: (key) => limiter.reset(key),
      purgeExpired: () => limiter.purgeExpired(),
    };
  }

  /** Gauges of Knex's connection pool, read when Prometheus scrapes. */
  watchPool(knex: Knex): void {
    const registers = [this.registry];
    const gauge = (name: string, help: string, read: (pool: PoolStats) => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          const pool = poolOf(knex);
          this.set(pool === null ? 0 : read(pool));
        },
      });
    gauge('gatehouse_db_pool_connections_in_use', 'Connections lent out', (p) => p.numUsed());
    gauge('gatehouse_db_pool_connections_idle', 'Connections open and free', (p) => p.numFree());
    gauge(
      'gatehouse_db_pool_acquires_waiting',
      'Queries waiting for a connection (the pool is saturated while this is above 0)',
      (p) => p.numPendingAcquires(),
    );
  }
}
