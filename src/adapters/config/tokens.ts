import type { RefreshPolicy } from '../../domain/index.js';
import type { NodeEnv } from './config.js';
import { ON_OFF, type Variables } from './variables.js';

/** What goes into the access tokens, and how long they and the refresh tokens live. */
export interface TokenSettings {
  readonly ttlSeconds: number;
  readonly issuer: string;
  readonly audience: string;
  /**
   * REFRESH_TOKENS=on: how long refresh tokens live and the grace for racing refreshes; null
   * (off, the default): token answers are the tutorial's, with no refresh token.
   */
  readonly refresh: RefreshPolicy | null;
}

const DEFAULT_TTL_SECONDS: Record<NodeEnv, number> = {
  production: 3600,
  development: 900,
  test: 900,
};
/** An access token lives a year at the most: revocations must be storable until its `exp`. */
const MAX_TOKEN_TTL_SECONDS = 366 * 24 * 3600;
const DEFAULT_REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 3600;
/** As for access tokens: a refresh token is a row kept until it expires, a year at the most. */
const MAX_REFRESH_TOKEN_TTL_SECONDS = MAX_TOKEN_TTL_SECONDS;
const DEFAULT_REFRESH_REUSE_GRACE_SECONDS = 10;
/**
 * The grace covers one client's refreshes racing each other (seconds apart); every second of it
 * is a second in which a thief's replay of a spent token goes unpunished, so minutes at most.
 */
const MAX_REFRESH_REUSE_GRACE_SECONDS = 300;

export function tokenSettings(vars: Variables, env: NodeEnv): TokenSettings {
  return {
    ttlSeconds: vars.integer(
      'TOKEN_TTL_SECONDS',
      DEFAULT_TTL_SECONDS[env],
      1,
      MAX_TOKEN_TTL_SECONDS,
    ),
    issuer: vars.text('JWT_ISSUER') ?? 'gatehouse',
    audience: vars.text('JWT_AUDIENCE') ?? 'gatehouse',
    refresh: refreshPolicy(vars),
  };
}

/**
 * REFRESH_TOKENS switches refresh tokens on; their two numbers are checked even when it is off,
 * as REDIS_URL is with the database store, so a typo shows before the day it is switched on.
 */
function refreshPolicy(vars: Variables): RefreshPolicy | null {
  const ttlSeconds = vars.integer(
    'REFRESH_TOKEN_TTL_SECONDS',
    DEFAULT_REFRESH_TOKEN_TTL_SECONDS,
    1,
    MAX_REFRESH_TOKEN_TTL_SECONDS,
  );
  const reuseGraceSeconds = vars.integer(
    'REFRESH_REUSE_GRACE_SECONDS',
    DEFAULT_REFRESH_REUSE_GRACE_SECONDS,
    0,
    MAX_REFRESH_REUSE_GRACE_SECONDS,
  );
  // `on`/`off` as the contract spells it, and the spellings TRUST_PROXY takes, so that no
  // boolean of the configuration refuses what another one accepts.
  const on = vars.flag('REFRESH_TOKENS', false, ON_OFF);
  return on ? { ttlSeconds, reuseGraceSeconds } : null;
}
