import { DomainError, type DomainErrorCode } from '../../src/domain/index.js';
import { expect } from './chai.js';

/** Awaits `work` and asserts it failed with exactly this DomainError. */
export async function expectDomainError(
  work: Promise<unknown>,
  code: DomainErrorCode,
  message: string,
  fields?: Record<string, string>,
): Promise<DomainError> {
  const error: unknown = await work.then(
    () => expect.fail(`expected DomainError ${code}, but it succeeded`),
    (e: unknown) => e,
  );
  expect(error).to.be.instanceOf(DomainError);
  const domainError = error as DomainError;
  expect({ code: domainError.code, message: domainError.message }).to.deep.equal({ code, message });
  if (fields) expect(domainError.details.fields).to.deep.equal(fields);
  return domainError;
}
