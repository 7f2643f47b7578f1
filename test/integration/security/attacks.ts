// Shared by the attack battery's spec files: the contract's 401/403 answers, accounts to attack,
// forged tokens, and requests that fetch() will not send (raw bytes, any Host, any path).
import { createHmac, type KeyObject } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { SignJWT } from 'jose';
import { expect } from '../../support/chai.js';
import { TEST_SECRET, type Reply, type TestApi } from '../../support/server.js';

export const REALM = 'Bearer realm="gatehouse"';
export const INVALID = 'Invalid token. Please log in again.';
export const BLACKLISTED = 'Token blacklisted. Please log in again.';
export const NOT_ADMIN = 'You are not an administrator';
export const BAD_CREDENTIALS = 'email or password does not match';
export const VALIDATION = 'Input payload validation failed';
export const PASSWORD_RULE = 'Password must be at least 8 characters and at most 72 bytes';

export const challenge = (error: string, message: string): string =>
  `${REALM}, error="${error}", error_description="${message}"`;

/** The contract's answer to a token that does not verify: status, body and challenge. */
export function expectInvalidToken(reply: Pick<Reply, 'status' | 'json' | 'headers'>): void {
  expect(reply.status, JSON.stringify(reply.json)).to.equal(401);
  expect(reply.json).to.deep.equal({ status: 'fail', message: INVALID });
  expect(reply.headers.get('www-authenticate')).to.equal(challenge('invalid_token', INVALID));
}

/** The contract's answer when no token was presented at all. */
export function expectNoToken(reply: Pick<Reply, 'status' | 'json' | 'headers'>): void {
  expect(reply.status, JSON.stringify(reply.json)).to.equal(401);
  expect(reply.json).to.deep.equal({ status: 'fail', message: 'Unauthorized' });
  expect(reply.headers.get('www-authenticate')).to.equal(REALM);
}

export interface Account {
  email: string;
  password: string;
  token: string;
  publicId: string;
}

/** Registers an account over HTTP (admin rights set in the database, as the CLI does). */
export async function registerAccount(
  api: TestApi,
  email: string,
  options: { admin?: boolean; password?: string } = {},
): Promise<Account> {
  const password = options.password ?? 'password1';
  const reply = await api.request('POST', '/api/v1/auth/register', { json: { email, password } });
  expect(reply.status, JSON.stringify(reply.json)).to.equal(201);
  if (options.admin) await api.db.knex()('users').where({ email }).update({ admin: true });
  const row = (await api.db.knex()('users').where({ email }).first()) as { public_id: string };
  return { email, password, token: reply.json.access_token as string, publicId: row.public_id };
}

export const base64url = (value: object | string): string =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

export const decodeSegment = (token: string, index: 0 | 1): Record<string, unknown> =>
  JSON.parse(Buffer.from(token.split('.')[index] ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;

/** The claims Gatehouse itself issues for `subject` (iss/aud defaults), overridable. */
export function claimsFor(subject: string, overrides: Record<string, unknown> = {}) {
  const now = Math.floor(Date.now() / 1000);
  return {
    sub: subject,
    admin: false,
    iat: now,
    exp: now + 600,
    jti: `forged-${Math.random().toString(36).slice(2)}`,
    iss: 'gatehouse',
    aud: 'gatehouse',
    ...overrides,
  };
}

/** A JWS over `payload`, signed by jose with `key` (the server's secret by default). */
export function signWith(
  payload: Record<string, unknown>,
  header: { alg: string; [name: string]: unknown },
  key: KeyObject | Uint8Array = new TextEncoder().encode(TEST_SECRET),
): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ typ: 'at+jwt', ...header }).sign(key);
}

/** An HS256 signature over `header.payload` computed by hand, so any header and key will do. */
export function hmacToken(header: object, payload: object, secret: string | Buffer): string {
  const input = `${base64url(header)}.${base64url(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

export interface RawReply {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

/** The parsed body: null when empty, undefined when not JSON. */
function parseJson(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * A request written by node:http: header values go out as the bytes given (latin1 strings carry
 * UTF-8 bytes), and the path and method as they are.
 */
export function rawRequest(
  baseUrl: string,
  options: {
    method: string;
    path: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
  },
): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const headers = { ...options.headers };
    // Framed explicitly: node:http sends a GET's body without a length, and the server would
    // read it as the start of the next request.
    if (options.body !== undefined)
      headers['Content-Length'] = String(Buffer.byteLength(options.body));
    const req = httpRequest(`${baseUrl}${options.path}`, { method: options.method, headers });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const headers = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          if (value !== undefined)
            headers.set(name, Array.isArray(value) ? value.join(', ') : value);
        }
        resolve({ status: res.statusCode ?? 0, headers, text, json: parseJson(text) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** A date `days` ahead (UTC), for widget deadlines. */
export const futureDate = (days = 30): string =>
  new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

export async function countRows(api: TestApi, table: string): Promise<number> {
  const row = (await api.db.knex()(table).count({ n: '*' }).first()) as { n: number | string };
  return Number(row.n);
}
