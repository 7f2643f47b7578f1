import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { AttemptLimit, AttemptLimiter, Clock } from '../../domain/index.js';
import { inRedis } from './createRedis.js';

/**
 * Counts one attempt: a hash {s: window start (ms), n: attempts}. A key's first attempt, or one
 * after its window has passed, opens a new window that Redis forgets when it ends (PEXPIRE: the
 * window's length, so Redis's own clock and the service's may differ). Returns {n, s}.
 * One script, so concurrent attempts are counted one after another: none reads a stale count.
 */
const CONSUME = `
local start = redis.call('HGET', KEYS[1], 's')
if start == false or tonumber(start) + tonumber(ARGV[2]) <= tonumber(ARGV[1]) then
  redis.call('HSET', KEYS[1], 's', ARGV[1], 'n', 1)
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return {1, tonumber(ARGV[1])}
end
return {redis.call('HINCRBY', KEYS[1], 'n', 1), tonumber(start)}
`;

/** Deletes those of KEYS whose window has passed by ARGV[1]; returns how many. */
const PURGE = `
local purged = 0
for _, key in ipairs(KEYS) do
  local start = redis.call('HGET', key, 's')
  if start ~= false and tonumber(start) + tonumber(ARGV[2]) <= tonumber(ARGV[1]) then
    purged = purged + redis.call('DEL', key)
  end
end
return purged
`;

/** Keys past this length are stored as their SHA-256, as the database adapter does. */
const MAX_KEY_LENGTH = 320;
const SCAN_BATCH = 500;
export const DEFAULT_REDIS_KEY_PREFIX = 'gatehouse:';

const sha1 = (script: string) => createHash('sha1').update(script).digest('hex');
const SCRIPTS = {
  consume: { lua: CONSUME, sha: sha1(CONSUME) },
  purge: { lua: PURGE, sha: sha1(PURGE) },
};

/**
 * The same fixed windows as the database adapter (KnexAttemptLimiter), kept in Redis so login and
 * register counters leave the database. Every instance on the same Redis counts together. Time
 * is the injected clock's, as in the database; Redis's expiry only does the housekeeping, so
 * `purgeExpired` usually finds nothing left to delete.
 *
 * Every failure to reach Redis is a RedisUnavailableError (a 503): the limiter fails closed,
 * never letting an attempt through uncounted.
 */
export class RedisAttemptLimiter implements AttemptLimiter {
  private readonly prefix: string;

  constructor(
    private readonly redis: Redis,
    private readonly clock: Clock,
    private readonly limit: AttemptLimit,
    keyPrefix = DEFAULT_REDIS_KEY_PREFIX,
  ) {
    this.prefix = `${keyPrefix}attempts:${limit.scope}:`;
  }

  async consume(key: string): Promise<number> {
    if (this.limit.max === 0) return 0;
    const now = this.clock.now().getTime();
    const windowMs = this.limit.windowSeconds * 1000;
    const reply = await this.run('consume', [this.keyOf(key)], [now, windowMs]);
    const [attempts, started] = Array.isArray(reply) ? reply.map(Number) : [];
    if (attempts === undefined || started === undefined || Number.isNaN(attempts + started)) {
      throw new Error('the attempt counter returned no count');
    }
    if (attempts <= this.limit.max) return 0;
    return Math.max(1, Math.ceil((started + windowMs - now) / 1000));
  }

  async reset(key: string): Promise<void> {
    await inRedis(() => this.redis.del(this.keyOf(key)));
  }

  /** Deletes this scope's counters whose window has passed (a SCAN, in batches); returns how many. */
  async purgeExpired(): Promise<number> {
    const now = this.clock.now().getTime();
    const windowMs = this.limit.windowSeconds * 1000;
    const match = `${globEscape(this.prefix)}*`;
    let purged = 0;
    let cursor = '0';
    do {
      const [next, keys] = await inRedis(() =>
        this.redis.scan(cursor, 'MATCH', match, 'COUNT', SCAN_BATCH),
      );
      cursor = next;
      if (keys.length > 0) purged += Number(await this.run('purge', keys, [now, windowMs]));
    } while (cursor !== '0');
    return purged;
  }

  /** EVALSHA, and EVAL the first time a server has not seen the script. */
  private run(
    name: keyof typeof SCRIPTS,
    keys: string[],
    args: (string | number)[],
  ): Promise<unknown> {
    const { lua, sha } = SCRIPTS[name];
    return inRedis(() =>
      this.redis.evalsha(sha, keys.length, ...keys, ...args).catch((error: unknown) => {
        if (error instanceof Error && error.message.startsWith('NOSCRIPT')) {
          return this.redis.eval(lua, keys.length, ...keys, ...args);
        }
        throw error;
      }),
    );
  }

  private keyOf(key: string): string {
    if (key.length <= MAX_KEY_LENGTH) return `${this.prefix}${key}`;
    return `${this.prefix}sha256:${createHash('sha256').update(key).digest('hex')}`;
  }
}

/** A literal for SCAN's MATCH pattern. */
function globEscape(text: string): string {
  return text.replace(/[\\*?[\]]/g, '\\$&');
}
