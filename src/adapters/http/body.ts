import { bodyParser } from '@koa/bodyparser';
import type { Middleware } from 'koa';
import type { GatehouseState } from './context.js';
import { HTTP_MESSAGES, HttpProblem } from './errors.js';

export const BODY_LIMIT_BYTES = 64 * 1024;

const parse = bodyParser({
  enableTypes: ['json', 'form'],
  jsonLimit: BODY_LIMIT_BYTES,
  formLimit: BODY_LIMIT_BYTES,
  encoding: 'utf-8',
});

function hasNonEmptyBody(ctx: { get(field: string): string }): boolean {
  return ctx.get('Transfer-Encoding') !== '' || Number(ctx.get('Content-Length') || 0) > 0;
}

/**
 * JSON or form bodies, at most 64 KiB, identity-encoded; 415/413/400 otherwise. Keys such as
 * `__proto__` are refused by the JSON parser and dropped by the form parser, never merged.
 */
export const requestBody: Middleware<GatehouseState> = async (ctx, next) => {
  if (!['POST', 'PUT', 'PATCH'].includes(ctx.method) || !hasNonEmptyBody(ctx)) {
    ctx.request.body = {};
    return next();
  }
  const encoding = ctx.get('Content-Encoding').trim().toLowerCase();
  if (
    (encoding !== '' && encoding !== 'identity') ||
    !ctx.is('application/json', 'application/x-www-form-urlencoded')
  ) {
    throw new HttpProblem(415, HTTP_MESSAGES.unsupportedMediaType);
  }
  const declaredLength = Number(ctx.get('Content-Length') || 0);
  if (declaredLength > BODY_LIMIT_BYTES) throw new HttpProblem(413, HTTP_MESSAGES.payloadTooLarge);
  try {
    await parse(ctx, async () => undefined);
  } catch (error) {
    throw bodyProblem(error);
  }
  return next();
};

function bodyProblem(error: unknown): Error {
  const status = (error as { status?: unknown }).status;
  if (status === 413) return new HttpProblem(413, HTTP_MESSAGES.payloadTooLarge);
  if (status === 415) return new HttpProblem(415, HTTP_MESSAGES.unsupportedMediaType);
  if (status === 400) return new HttpProblem(400, HTTP_MESSAGES.malformedJson);
  return error instanceof Error ? error : new Error(String(error));
}
