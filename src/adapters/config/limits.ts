import type { Variables } from './variables.js';

export type RateLimitStore = 'database' | 'redis';
const RATE_LIMIT_STORES: readonly RateLimitStore[] = ['database', 'redis'];

/** The brute-force limits, and where their counters live. */
export interface LimitSettings {
  /** Failed logins per account; 0 disables the limit. */
  readonly loginMaxFailures: number;
  /** Login and register requests per client address; 0 disables the limit. */
  readonly authMaxRequests: number;
  readonly store:
    | { readonly kind: 'database' }
    | {
        readonly kind: 'redis';
        /** `redis://…` or `rediss://…`. */
        readonly url: string;
        /** Starts every key Gatehouse writes in Redis, so deployments can share one. */
        readonly keyPrefix: string;
      };
}

const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
const DEFAULT_REDIS_KEY_PREFIX = 'gatehouse:';

/** REDIS_URL is checked with the database store too: a typo shows before a switch. */
export function limitSettings(vars: Variables): LimitSettings {
  const loginMaxFailures = vars.integer('LOGIN_MAX_FAILURES', 10, 0);
  const authMaxRequests = vars.integer('AUTH_MAX_REQUESTS', 300, 0);
  const kind = vars.choice('RATE_LIMIT_STORE', 'database', RATE_LIMIT_STORES, { anyCase: true });
  const url = vars.parsed(
    'REDIS_URL',
    DEFAULT_REDIS_URL,
    (raw) => (/^rediss?:\/\/.+/.test(raw) && URL.canParse(raw) ? raw : null),
    // Never echo the value: it may carry a password.
    'REDIS_URL must be redis://… or rediss://…',
  );
  const keyPrefix = vars.text('REDIS_KEY_PREFIX') ?? DEFAULT_REDIS_KEY_PREFIX;
  return {
    loginMaxFailures,
    authMaxRequests,
    store: kind === 'redis' ? { kind, url, keyPrefix } : { kind },
  };
}
