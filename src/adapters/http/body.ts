import parse, { type Options } from 'co-body';
import type { Middleware } from 'koa';
import type { GatehouseContext, GatehouseState } from './context.js';
import { HTTP_MESSAGES, HttpProblem } from './errors.js';

export const BODY_LIMIT_BYTES = 64 * 1024;

const JSON_TYPE = 'application/json';
const FORM_TYPE = 'application/x-www-form-urlencoded';

// Keys such as `__proto__` are dropped, so they never reach a prototype and, like any unknown
// field, are ignored. Any JSON value parses; the validator then says what it should have been.
const jsonOptions: Options & { onProtoPoisoning: 'remove' } = {
  limit: BODY_LIMIT_BYTES,
  encoding: 'utf8',
  strict: false,
  onProtoPoisoning: 'remove',
};
// qs drops prototype keys by default (allowPrototypes: false); no dotted nesting.
const formOptions: Options = {
  limit: BODY_LIMIT_BYTES,
  encoding: 'utf8',
  queryString: { allowDots: false },
};

/**
 * For the routes that take a body: JSON or a form, at most 64 KiB, identity-encoded; otherwise
 * 415, 413 or 400. A request without a body gets `{}`.
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
  if (encoding !== '' && encoding !== 'identity') {
    throw new HttpProblem(415, HTTP_MESSAGES.unsupportedMediaType);
  }
  delete ctx.req.headers['content-encoding']; // identity, in any case: nothing to decode
  const type = ctx.is(JSON_TYPE, FORM_TYPE);
  if (type !== JSON_TYPE && type !== FORM_TYPE) {
    throw new HttpProblem(415, HTTP_MESSAGES.unsupportedMediaType);
  }
  if (Number(ctx.get('Content-Length') || 0) > BODY_LIMIT_BYTES) {
    throw new HttpProblem(413, HTTP_MESSAGES.payloadTooLarge);
  }
  try {
    return type === JSON_TYPE
      ? await parse.json(ctx, jsonOptions)
      : await parse.form(ctx, formOptions);
  } catch (error) {
    throw bodyProblem(error, type);
  }
}

function bodyProblem(error: unknown, type: string): Error {
  const status = (error as { status?: unknown }).status;
  if (status === 413) return new HttpProblem(413, HTTP_MESSAGES.payloadTooLarge);
  if (status === 415) return new HttpProblem(415, HTTP_MESSAGES.unsupportedMediaType);
  if (status === 400) {
    return new HttpProblem(
      400,
      type === JSON_TYPE ? HTTP_MESSAGES.malformedJson : HTTP_MESSAGES.malformedForm,
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}
