import { createRequire } from 'node:module';
import type * as IoRedis from 'ioredis';
import type { Redis } from 'ioredis';

/**
 * ioredis is loaded by the first client made, not at startup: with RATE_LIMIT_STORE=database (the
 * default) a server never needs it, and its modules cost about 8 MB of every process's memory.
 * It is CommonJS, so a synchronous require fits the container's synchronous bindings.
 */
function ioredis(): typeof IoRedis {
  return createRequire(import.meta.url)('ioredis') as typeof IoRedis;
}

/** A dead Redis must cost a request this long at most, never a hang. */
const CONNECT_TIMEOUT_MS = 1000;
const COMMAND_TIMEOUT_MS = 1000;
/** Reconnection attempts back off to this interval, and go on for as long as the process runs. */
const MAX_RECONNECT_DELAY_MS = 2000;

/**
 * A Redis client that fails fast instead of waiting: no offline queue (a command while the
 * connection is down fails at once), a connect and a command timeout, no retry of a command on a
 * new connection. It reconnects in the background, so Redis coming back needs no restart.
 * `lazyConnect`: nothing is opened until `connect()` or the first command.
 */
export function createRedis(url: string): Redis {
  const { Redis } = ioredis();
  return new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    connectTimeout: CONNECT_TIMEOUT_MS,
    commandTimeout: COMMAND_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    retryStrategy: (attempt) => Math.min(attempt * 100, MAX_RECONNECT_DELAY_MS),
    // The server's INFO at connect time would be one more round trip that can hang.
    enableReadyCheck: false,
  });
}

/**
 * Redis could not be reached (refused, closed, timed out, or a server that is loading, read-only
 * or busy): the HTTP layer answers 503, as for a database that cannot be reached.
 */
export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';

  constructor(cause: unknown) {
    super(`Redis unavailable: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
  }
}

/** Server replies that mean "not now" rather than "wrong command". */
const UNAVAILABLE_REPLIES = /^(LOADING|READONLY|MASTERDOWN|BUSY|TRYAGAIN|CLUSTERDOWN|OOM)\b/;

/**
 * Runs a Redis command, turning every failure to reach Redis into RedisUnavailableError. A reply
 * error for the command itself (a script bug, a wrong type) stays what it is: a 500.
 */
export async function inRedis<T>(command: () => Promise<T>): Promise<T> {
  try {
    return await command();
  } catch (error) {
    const reply = error instanceof Error && error.name === 'ReplyError';
    if (reply && !UNAVAILABLE_REPLIES.test(error.message)) throw error;
    throw new RedisUnavailableError(error);
  }
}

export function isRedisUnavailable(error: unknown): boolean {
  return error instanceof RedisUnavailableError;
}
