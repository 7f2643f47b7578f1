import { expect } from './chai.js';

/** What a failure check needs of an answer: its status and its parsed JSON body. */
interface Answer {
  status: number;
  json: unknown;
}

interface FailureDetails {
  /** The field messages of a validation failure (400). */
  errors?: Record<string, string>;
  /** Says which case failed, where one test checks several. */
  what?: string;
}

/**
 * Asserts the contract's failure answer: exactly `status`, and exactly the body
 * `{ status: 'fail', message }`, with `errors` where given.
 */
export function expectFail(
  answer: Answer,
  status: number,
  message: string,
  { errors, what }: FailureDetails = {},
): void {
  const label =
    what === undefined ? JSON.stringify(answer.json) : `${what}: ${JSON.stringify(answer.json)}`;
  expect(answer.status, label).to.equal(status);
  expect(answer.json, what).to.deep.equal({
    status: 'fail',
    message,
    ...(errors === undefined ? {} : { errors }),
  });
}

/**
 * Asserts a token answer of the tutorial's shape (refresh tokens off): exactly `status`, its keys
 * in the contract's order, a bearer token of 15 minutes, and never cached.
 */
export function expectTokenAnswer(
  answer: Answer & { headers: Headers },
  status: number,
  message: string,
): void {
  expect(answer.status, JSON.stringify(answer.json)).to.equal(status);
  const body = answer.json as Record<string, unknown>;
  expect(Object.keys(body)).to.deep.equal([
    'status',
    'message',
    'access_token',
    'token_type',
    'expires_in',
  ]);
  expect(body).to.deep.include({
    status: 'success',
    message,
    token_type: 'bearer',
    expires_in: 900,
  });
  expect(body.access_token).to.be.a('string');
  expect(answer.headers.get('cache-control')).to.equal('no-store');
  expect(answer.headers.get('pragma')).to.equal('no-cache');
}
