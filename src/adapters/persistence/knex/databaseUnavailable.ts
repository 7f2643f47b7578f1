import { driverMessage, errorProperty } from './driverErrors.js';

/**
 * Postgres SQLSTATEs meaning "no session to run this in", whatever the query: the connection
 * class (08…), a server shutting down or starting (57P01–57P03), no slot (53300), no such
 * database (3D000).
 */
const POSTGRES_CODES = new Set(['57P01', '57P02', '57P03', '53300', '3D000']);
const POSTGRES_CONNECTION_CLASS = '08';
/**
 * FATAL and PANIC end the session, so they are unavailability whatever their code: this covers
 * `database "…" is not currently accepting connections` (55000, a code other statements use too)
 * and a refused login (28P01).
 */
const SESSION_ENDING_SEVERITIES = new Set(['FATAL', 'PANIC']);
/** Socket failures reaching the server. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
/** pg's own errors (they carry no code) for a connection that died, closed or never opened. */
const PG_CONNECTION_MESSAGES =
  /^(Connection terminated|Client has encountered a connection error|Client was closed|timeout expired$|timeout exceeded when trying to connect)/;

/**
 * True when `error` means the database cannot be reached at all — refused or lost connections,
 * a database shutting down or refusing sessions, no pool slot within knex's acquire timeout —
 * rather than a failure of one statement. The HTTP layer answers these with 503. SQLite is left
 * out on purpose: its failures (a busy or unreadable file) stay errors of the request.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (
    let current = error, depth = 0;
    depth < 5;
    current = errorProperty(current, 'cause'), depth++
  ) {
    if (typeof current !== 'object' || current === null) return false;
    if (unavailable(current)) return true;
  }
  return false;
}

function unavailable(error: object): boolean {
  const name = errorProperty(error, 'name');
  if (name === 'KnexTimeoutError') return true; // no connection from the pool in time
  const code = errorProperty(error, 'code');
  if (typeof code === 'string') {
    if (SOCKET_CODES.has(code) || POSTGRES_CODES.has(code)) return true;
    if (code.length === 5 && code.startsWith(POSTGRES_CONNECTION_CLASS)) return true;
  }
  const severity = errorProperty(error, 'severity');
  if (typeof severity === 'string' && SESSION_ENDING_SEVERITIES.has(severity)) return true;
  const reason = driverMessage(error);
  return code === undefined && reason !== undefined && PG_CONNECTION_MESSAGES.test(reason);
}
