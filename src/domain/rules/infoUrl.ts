export const INFO_URL_MAX_LENGTH = 255;

const ALLOWED_SCHEMES = new Set(['http', 'https']);

// Only what RFC 3986 allows in a URI, '%' only as a percent-encoding: no whitespace, control or
// non-ASCII character, and no backslash (WHATWG reads it as '/', other parsers as user info).
const URI_CHARACTERS = /^(?:[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$/;
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):(.*)$/s;
const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
// At least two labels, the last of two characters or more, an optional trailing dot.
const DOMAIN = new RegExp(`^(?:${LABEL}\\.)+[a-z0-9][a-z0-9-]{0,61}[a-z0-9]\\.?$`, 'i');
const DOTTED_QUAD = /^\d{1,3}(?:\.\d{1,3}){3}$/;
const LOCALHOST = /(?:^|\.)localhost\.?$/i;

type HostKind = 'ip' | 'localhost' | 'domain';

/**
 * `null` when `raw` is an absolute http(s) URL of at most 255 characters on a DNS host name, with
 * no user info and no port; else flask-restx's message for `URL(schemes=['http', 'https'])`:
 * `<raw> is not a valid URL`, followed after `. ` by the reason when there is one. The checks run
 * in flask-restx's order (IP before user info before localhost before port). The scheme is
 * case-insensitive (RFC 3986; Python's urlparse lower-cases it too). The value is never rewritten.
 */
export function infoUrlProblem(raw: string): string | null {
  if (raw.length > INFO_URL_MAX_LENGTH) {
    return invalid(raw, `URL must be at most ${INFO_URL_MAX_LENGTH} characters`);
  }
  if (!URI_CHARACTERS.test(raw)) return invalid(raw);

  const { scheme, netloc } = splitUrl(raw);
  if (scheme === '' || netloc === '') {
    // Suggest the http:// form only when it would itself be accepted. (This recursion ends: the
    // suggestion has a scheme, and a host unless `raw` starts with '/', '?' or '#', in which case
    // the next suggestion's host is "http:".)
    const suggestion = `http://${raw}`;
    return infoUrlProblem(suggestion) === null
      ? invalid(raw, `Did you mean: ${suggestion}`)
      : invalid(raw);
  }
  if (!ALLOWED_SCHEMES.has(scheme)) return invalid(raw, 'Protocol is not allowed');

  const at = netloc.lastIndexOf('@');
  const hasUserInfo = at >= 0;
  const hostAndPort = splitHostAndPort(netloc.slice(at + 1));
  const kind = hostAndPort === null ? null : hostKind(hostAndPort.host);
  if (hostAndPort === null || kind === null) return invalid(raw);

  if (kind === 'ip') return invalid(raw, 'IP is not allowed');
  if (hasUserInfo) return invalid(raw, 'Authentication is not allowed');
  if (kind === 'localhost') return invalid(raw, 'Localhost is not allowed');
  if (hostAndPort.port !== null) return invalid(raw, 'Custom port is not allowed');
  return parseUrl(raw) === null ? invalid(raw) : null;
}

function invalid(raw: string, reason?: string): string {
  const message = `${raw} is not a valid URL`;
  return reason === undefined ? message : `${message}. ${reason}`;
}

/** Scheme (lower-cased) and authority, as Python's `urlsplit` finds them: no normalisation. */
function splitUrl(raw: string): { scheme: string; netloc: string } {
  const match = SCHEME.exec(raw);
  const scheme = match?.[1]?.toLowerCase() ?? '';
  const rest = match?.[2] ?? raw;
  if (!rest.startsWith('//')) return { scheme, netloc: '' };
  const authority = rest.slice(2);
  const end = authority.search(/[/?#]/);
  return { scheme, netloc: end < 0 ? authority : authority.slice(0, end) };
}

/** `null` when the authority has no well-formed host, or a port that is not decimal digits. */
function splitHostAndPort(hostPort: string): { host: string; port: string | null } | null {
  let host: string;
  let rest: string;
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    if (close < 0) return null;
    host = hostPort.slice(0, close + 1);
    rest = hostPort.slice(close + 1);
  } else {
    const colon = hostPort.indexOf(':');
    host = colon < 0 ? hostPort : hostPort.slice(0, colon);
    rest = colon < 0 ? '' : hostPort.slice(colon);
  }
  if (rest === '') return { host, port: null };
  return /^:\d+$/.test(rest) ? { host, port: rest.slice(1) } : null;
}

function hostKind(host: string): HostKind | null {
  if (DOTTED_QUAD.test(host)) return 'ip';
  // What a browser would connect to: WHATWG reads "0x7f.1", "127.1" or "2130706433" as IPv4.
  const parsed = parseUrl(`http://${host}/`);
  if (parsed === null) return null;
  if (host.startsWith('[') || /^\d+\.\d+\.\d+\.\d+$/.test(parsed.hostname)) return 'ip';
  if (LOCALHOST.test(host)) return 'localhost';
  return DOMAIN.test(host) ? 'domain' : null;
}

function parseUrl(value: string): URL | null {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}
