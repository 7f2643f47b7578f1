import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { createRedis } from '../../src/adapters/redis/createRedis.js';

/** The Redis these machines run; TEST_REDIS_URL names another. */
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

let available: Promise<string | null> | undefined;

/**
 * The Redis to test against, once per run: TEST_REDIS_URL or 127.0.0.1:6379 when it answers a
 * PING. Null (after one warning per run) when it does not, unless REQUIRE_REDIS=1, which rejects
 * instead — as the Postgres suites do with REQUIRE_POSTGRES.
 */
export function resolveRedisUrl(): Promise<string | null> {
  available ??= discoverRedis();
  return available;
}

async function discoverRedis(): Promise<string | null> {
  const url = process.env.TEST_REDIS_URL || DEFAULT_REDIS_URL;
  const client = createRedis(url);
  client.on('error', () => undefined); // the failure is reported below
  try {
    await client.connect();
    await client.ping();
    return url;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (process.env.REQUIRE_REDIS === '1') {
      throw new Error(
        `REQUIRE_REDIS=1 but Redis does not answer at ${redacted(url)} (${reason}).`,
        {
          cause: error,
        },
      );
    }
    warnRedisSkipped(redacted(url), reason);
    return null;
  } finally {
    client.disconnect();
  }
}

function redacted(url: string): string {
  const parsed = new URL(url);
  if (parsed.password !== '') parsed.password = '***';
  return parsed.href;
}

function warnRedisSkipped(url: string, reason: string): void {
  const rule = '='.repeat(78);
  console.warn(
    [
      '',
      rule,
      `  REDIS TESTS SKIPPED: no Redis answers at ${url} (${reason}).`,
      '  To run them: start one (redis-server --port 6379), or set TEST_REDIS_URL.',
      '  Set REQUIRE_REDIS=1 to make a missing Redis fail the run instead.',
      rule,
      '',
    ].join('\n'),
  );
}

/** What a suite defined with `describeWithRedis` gets, inside hooks and tests. */
export interface TestRedis {
  url(): string;
  client(): Redis;
  /** Unique to this suite and run: the machine's Redis is shared. Its keys go afterwards. */
  prefix(): string;
}

/**
 * `<title> [redis]`: skipped when no Redis answers (see resolveRedisUrl). Each test gets a key
 * prefix of its own; every key under the suite's prefix is deleted after each test.
 */
export function describeWithRedis(title: string, body: (redis: TestRedis) => void): void {
  describe(`${title} [redis]`, function () {
    let url: string | undefined;
    let client: Redis | undefined;
    const suitePrefix = `gatehouse-test:${randomUUID()}:`;
    let testPrefix: string | undefined;

    before(async function () {
      const resolved = await resolveRedisUrl();
      if (resolved === null) this.skip();
      url = resolved;
      client = createRedis(resolved);
      await client.connect();
    });

    beforeEach(function () {
      testPrefix = `${suitePrefix}${randomUUID()}:`;
    });

    afterEach(async function () {
      if (client !== undefined) await deleteKeys(client, suitePrefix);
    });

    after(function () {
      client?.disconnect();
      client = undefined;
    });

    body({
      url: () => url ?? notReady(title),
      client: () => client ?? notReady(title),
      prefix: () => testPrefix ?? notReady(title),
    });
  });
}

/** Deletes every key that starts with `prefix`. */
export async function deleteKeys(client: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await client.del(...keys);
  } while (cursor !== '0');
}

function notReady(title: string): never {
  throw new Error(`${title}: Redis is only available inside hooks and tests`);
}
