import type { NodeEnv } from './config.js';
import type { Variables } from './variables.js';

export interface HttpSettings {
  readonly host: string;
  readonly port: number;
  /** Where `GET /metrics` (Prometheus) listens, on `host`; null (METRICS_PORT unset): nowhere. */
  readonly metricsPort: number | null;
  readonly authRealm: string;
  readonly corsOrigins: string[];
  readonly trustProxy: boolean;
  /** Milliseconds a client has to send a request's headers. */
  readonly headersTimeoutMs: number;
  /** Milliseconds a client has to send a whole request, headers and body; never below the above. */
  readonly requestTimeoutMs: number;
}

const DEFAULT_HOST: Record<NodeEnv, string> = {
  production: '0.0.0.0',
  development: '127.0.0.1',
  test: '127.0.0.1',
};
const DEFAULT_HEADERS_TIMEOUT_MS = 10_000;
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export function httpSettings(vars: Variables, env: NodeEnv): HttpSettings {
  return {
    host: vars.text('HOST') ?? DEFAULT_HOST[env],
    port: vars.integer('PORT', 3000, 0, 65535),
    metricsPort:
      vars.text('METRICS_PORT') === undefined ? null : vars.integer('METRICS_PORT', 0, 0, 65535),
    authRealm: vars.parsed(
      'AUTH_REALM',
      'gatehouse',
      // It goes into a quoted-string of WWW-Authenticate.
      (raw) => (/^[\x20-\x7e]+$/.test(raw) && !/["\\]/.test(raw) ? raw : null),
      'AUTH_REALM must be printable ASCII without quotes or backslashes',
    ),
    corsOrigins: vars.parsed(
      'CORS_ORIGINS',
      [],
      origins,
      'CORS_ORIGINS must be a comma-separated list of http(s) origins',
    ),
    trustProxy: vars.flag('TRUST_PROXY', false),
    ...timeouts(vars),
  };
}

/** The whole request may not be due before its headers are. */
function timeouts(vars: Variables): Pick<HttpSettings, 'headersTimeoutMs' | 'requestTimeoutMs'> {
  const headersTimeoutMs = vars.integer('HEADERS_TIMEOUT_MS', DEFAULT_HEADERS_TIMEOUT_MS, 1);
  const requestTimeoutMs = vars.integer(
    'REQUEST_TIMEOUT_MS',
    Math.max(DEFAULT_REQUEST_TIMEOUT_MS, headersTimeoutMs),
    1,
  );
  if (
    requestTimeoutMs < headersTimeoutMs &&
    !vars.refusedAny('HEADERS_TIMEOUT_MS', 'REQUEST_TIMEOUT_MS')
  ) {
    vars.refuse('REQUEST_TIMEOUT_MS', 'REQUEST_TIMEOUT_MS must be at least HEADERS_TIMEOUT_MS');
  }
  return { headersTimeoutMs, requestTimeoutMs };
}

/** Each entry normalised to its origin; null when one of them is not an http(s) origin. */
function origins(raw: string): string[] | null {
  const entries = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map(toOrigin);
  return entries.every((entry) => entry !== null) ? entries : null;
}

/** `https://Example.com/` → `https://example.com`; null for anything with a path, query or user. */
function toOrigin(value: string): string | null {
  if (!URL.canParse(value)) return null;
  const url = new URL(value);
  const web = url.protocol === 'http:' || url.protocol === 'https:';
  return web && url.href === `${url.origin}/` ? url.origin : null;
}
