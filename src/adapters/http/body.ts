import Bourne from '@hapi/bourne';
import type { Middleware } from 'koa';
import qs from 'qs';
import getRawBody from 'raw-body';
import type { GatehouseContext, GatehouseState } from './context.js';
import { HTTP_MESSAGES, HttpProblem } from './problems.js';

export const BODY_LIMIT_BYTES = 64 * 1024;

const JSON_TYPE = 'application/json';
const FORM_TYPE = 'application/x-www-form-urlencoded';
const UTF8_CHARSETS = new Set(['utf-8', 'utf8', 'us-ascii']);
// Fatal: bytes that are not UTF-8 are refused, never replaced (two different passwords would
// otherwise decode to one string).
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * For the routes that take a body: JSON or a form in UTF-8, at most 64 KiB, identity-encoded;
 * otherwise 415, 413 or 400. A request without a body (or an empty one) gets `{}`.
 */
export const requestBody: Middleware<GatehouseState> = async (ctx, next) => {
  ctx.request.body = hasBody(ctx) ? await parseBody(ctx) : {};
  return next();
};

function hasBody(ctx: GatehouseContext): boolean {
  return ctx.get('Transfer-Encoding') !== '' || Number(ctx.get('Content-Length') || 0) > 0;
}

async function parseBody(ctx: GatehouseContext): Promise<unknown> {
  const encoding = ctx.get('Content-Encoding').trim().toLowerCase();
  const type = ctx.is(JSON_TYPE, FORM_TYPE) || null;
  const charset = ctx.request.charset.toLowerCase();
  const declaredOther = type === null && ctx.get('Content-Type') !== '';
  if ((encoding !== '' && encoding !== 'identity') || declaredOther) throw unsupported();
  if (charset !== '' && !UTF8_CHARSETS.has(charset)) throw unsupported();

  const raw = await read(ctx);
  if (raw.length === 0) return {};
  if (type === null) throw unsupported(); // a body, and no content type to read it by

  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    throw new HttpProblem(400, HTTP_MESSAGES.invalidUtf8);
  }
  if (type === FORM_TYPE) return qs.parse(text, { allowDots: false, allowPrototypes: false });
  try {
    // Keys such as `__proto__` are removed: they never reach a prototype and, like any unknown
    // field, are ignored. Any JSON value parses; the validator says what it should have been.
    return Bourne.parse(text, { protoAction: 'remove' });
  } catch {
    throw new HttpProblem(400, HTTP_MESSAGES.malformedJson);
  }
}

async function read(ctx: GatehouseContext): Promise<Buffer> {
  const length = ctx.get('Content-Length');
  try {
    return await getRawBody(ctx.req, {
      limit: BODY_LIMIT_BYTES,
      ...(length === '' ? {} : { length: Number(length) }),
    });
  } catch (error) {
    // The rest of the body stays unread, so the connection cannot carry another request: say
    // so, or a keep-alive client sends its next request on it and gets a reset.
    ctx.set('Connection', 'close');
    const status = (error as { status?: unknown }).status;
    if (status === 413) throw new HttpProblem(413, HTTP_MESSAGES.payloadTooLarge);
    throw new HttpProblem(400, 'The request body could not be read');
  }
}

function unsupported(): HttpProblem {
  return new HttpProblem(415, HTTP_MESSAGES.unsupportedMediaType);
}
