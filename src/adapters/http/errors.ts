import type { Middleware } from 'koa';
import { DomainError, type DomainErrorCode } from '../../domain/index.js';
import { requestLog, type GatehouseContext, type GatehouseState } from './context.js';
import { HTTP_MESSAGES, HttpProblem, INTERNAL_ERROR_BODY, UNAVAILABLE_BODY } from './problems.js';

type Challenge = 'none' | 'realm' | 'invalid_token' | 'insufficient_scope';

/** What the adapters behind the use cases know of their own failures (see server.ts). */
export interface Failures {
  /**
   * The dependency a failure says cannot be reached (`database`, `redis`), answered 503 rather
   * than 500; null for any other failure.
   */
  unavailableDependency: (error: unknown) => string | null;
  /**
   * The part of a failure's message a log line may carry: a driver's message may hold the failed
   * statement and its values. `fromDriver`: `unavailableDependency` named the failure.
   */
  loggableMessage: (error: Error, fromDriver: boolean) => string;
}

const STATUS: Record<DomainErrorCode, { status: number; challenge: Challenge }> = {
  VALIDATION: { status: 400, challenge: 'none' },
  BAD_CREDENTIALS: { status: 401, challenge: 'none' },
  UNAUTHENTICATED: { status: 401, challenge: 'realm' },
  TOKEN_INVALID: { status: 401, challenge: 'invalid_token' },
  TOKEN_EXPIRED: { status: 401, challenge: 'invalid_token' },
  TOKEN_REVOKED: { status: 401, challenge: 'invalid_token' },
  FORBIDDEN: { status: 403, challenge: 'insufficient_scope' },
  NOT_FOUND: { status: 404, challenge: 'none' },
  CONFLICT: { status: 409, challenge: 'none' },
  RATE_LIMITED: { status: 429, challenge: 'none' },
};

function challenge(kind: Challenge, realm: string, message: string): string | null {
  if (kind === 'none') return null;
  const base = `Bearer realm="${realm}"`;
  return kind === 'realm' ? base : `${base}, error="${kind}", error_description="${message}"`;
}

/**
 * The one place where failures become responses: DomainError codes through the table above,
 * HttpProblems as they are, a dependency that cannot be reached (the database, Redis: as
 * `unavailableDependency`, supplied by the adapters, recognises it) a logged 503, and anything
 * else a logged 500 that leaks nothing.
 */
export function errorHandler(realm: string, failures: Failures): Middleware<GatehouseState> {
  const { unavailableDependency, loggableMessage } = failures;
  return async (ctx, next) => {
    try {
      await next();
      answerUnmatched(ctx);
    } catch (error) {
      if (error instanceof DomainError) {
        const { status, challenge: kind } = STATUS[error.code];
        ctx.status = status;
        ctx.body = {
          status: 'fail',
          message: error.message,
          ...(error.details.fields ? { errors: error.details.fields } : {}),
        };
        const header = challenge(kind, realm, error.message);
        if (header) ctx.set('WWW-Authenticate', header);
        if (error.details.retryAfterSeconds !== undefined) {
          ctx.set('Retry-After', String(error.details.retryAfterSeconds));
        }
      } else if (error instanceof HttpProblem) {
        ctx.status = error.status;
        ctx.body = { status: 'fail', message: error.message };
      } else {
        const dependency = unavailableDependency(error);
        if (dependency !== null) {
          requestLog(ctx).error(
            { err: loggable(error, loggableMessage, true) },
            `${dependency} unavailable`,
          );
          ctx.status = 503;
          ctx.body = UNAVAILABLE_BODY;
        } else {
          requestLog(ctx).error({ err: loggable(error, loggableMessage) }, 'unhandled error');
          ctx.status = 500;
          ctx.body = INTERNAL_ERROR_BODY;
        }
      }
    }
  };
}

/**
 * Turns what the router left unanswered into JSON 404/405: 405 when the path exists (the router
 * has set `Allow`), whatever the method, and 404 when it does not.
 */
function answerUnmatched(ctx: GatehouseContext): void {
  if (ctx.body !== undefined && ctx.body !== null) return;
  if ((ctx.status === 405 || ctx.status === 501) && ctx.response.get('Allow') !== '') {
    ctx.status = 405;
    ctx.body = { status: 'fail', message: HTTP_MESSAGES.methodNotAllowed };
  } else if (ctx.status === 404 || ctx.status === 501) {
    ctx.remove('Allow'); // the router's empty one, for a method it does not know
    ctx.body = { status: 'fail', message: HTTP_MESSAGES.notFound };
    ctx.status = 404; // assigning a body to an unset status would make it 200
  }
}

/**
 * What the log may keep of an unexpected error: its type, its code, the message as far as
 * `loggableMessage` allows (never a statement's values) and the frames.
 */
function loggable(
  error: unknown,
  loggableMessage: Failures['loggableMessage'],
  fromDriver = false,
): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const code: unknown = (error as { code?: unknown }).code;
  const message = loggableMessage(error, fromDriver);
  const frames = error.stack?.split('\n').filter((line) => line.trimStart().startsWith('at '));
  return { type: error.name, code, message, stack: frames?.join('\n') };
}
