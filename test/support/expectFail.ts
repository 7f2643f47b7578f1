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
