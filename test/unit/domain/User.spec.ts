import { normalizePublicId, pageQuery } from '../../../src/domain/index.js';
import { expect } from '../../support/chai.js';
import { expectDomainError } from '../../support/expectDomainError.js';

describe('normalizePublicId', () => {
  it('lower-cases a UUID in any case', () => {
    expect(normalizePublicId('6F1C3A4E-ABCD-4000-8000-00000000000A')).to.equal(
      '6f1c3a4e-abcd-4000-8000-00000000000a',
    );
  });

  it('is null for anything that is not a UUID', () => {
    for (const raw of [
      '',
      'nobody',
      '6f1c3a4e-abcd-4000-8000-00000000000',
      '6f1c3a4e-abcd-4000-8000-00000000000a ',
      `${'a'.repeat(8)}-${'g'.repeat(4)}-4000-8000-000000000000`,
    ]) {
      expect(normalizePublicId(raw), raw).to.equal(null);
    }
  });
});

describe('pageQuery', () => {
  it('turns a 1-based page of a size into an offset and a limit', () => {
    expect(pageQuery(1, 10)).to.deep.equal({ offset: 0, limit: 10 });
    expect(pageQuery(3, 25)).to.deep.equal({ offset: 50, limit: 25 });
  });

  it('refuses an invalid page and page size at once', async () => {
    const error = await expectDomainError(
      Promise.resolve().then(() => pageQuery(0, 7)),
      'VALIDATION',
      'Input payload validation failed',
    );
    expect(Object.keys(error.details.fields ?? {})).to.deep.equal(['page', 'per_page']);
  });
});
