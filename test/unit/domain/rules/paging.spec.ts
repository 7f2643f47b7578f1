import {
  pageOf,
  pageProblem,
  perPageProblem,
  readPage,
  type PageQuery,
} from '../../../../src/domain/index.js';
import { expect } from '../../../support/chai.js';
import { expectDomainError } from '../../../support/expectDomainError.js';

describe('paging rules', () => {
  const PAGE = 'page must be a whole number from 1 to 999999999';
  const pages: Array<[string, boolean]> = [
    ['1', true],
    ['999999999', true],
    ['007', true],
    ['0000000001', true],
    ['00000000000', false],
    ['0', false],
    ['1000000000', false],
    ['-1', false],
    ['+1', false],
    ['1.0', false],
    ['1e3', false],
    [' 1', false],
    ['', false],
    ['١', false],
  ];
  for (const [raw, ok] of pages) {
    it(`${ok ? 'accepts' : 'refuses'} page ${JSON.stringify(raw)}`, () => {
      expect(pageProblem(raw)).to.equal(ok ? null : PAGE);
    });
  }

  const PER_PAGE = 'per_page must be one of 5, 10, 25, 50, 100';
  for (const raw of ['5', '10', '25', '50', '100', '05', '0100']) {
    it(`accepts per_page ${raw}`, () => expect(perPageProblem(raw)).to.equal(null));
  }
  for (const raw of ['0', '1', '7', '1000', 'ten', '', ' 5', '5.0', '-5']) {
    it(`refuses per_page ${JSON.stringify(raw)}`, () =>
      expect(perPageProblem(raw)).to.equal(PER_PAGE));
  }
});

describe('pageOf', () => {
  it('counts the pages and links a middle page both ways', () => {
    expect(pageOf({ page: 2, perPage: 10 }, { items: ['k'], total: 23 })).to.deep.equal({
      items: ['k'],
      total: 23,
      page: 2,
      perPage: 10,
      totalPages: 3,
      hasPrev: true,
      hasNext: true,
      links: { self: 2, first: 1, prev: 1, next: 3, last: 3 },
    });
  });

  it('has no previous page on the first page and no next page on the last', () => {
    expect(pageOf({ page: 1, perPage: 10 }, { items: [], total: 10 })).to.include({
      totalPages: 1,
      hasPrev: false,
      hasNext: false,
    });
    expect(pageOf({ page: 1, perPage: 10 }, { items: [], total: 10 }).links).to.deep.equal({
      self: 1,
      first: 1,
      prev: null,
      next: null,
      last: 1,
    });
  });

  it('links an empty listing to page 1 as its last page, never page 0', () => {
    const page = pageOf({ page: 1, perPage: 5 }, { items: [], total: 0 });
    expect(page.totalPages).to.equal(0);
    expect(page.links.last).to.equal(1);
  });

  it('points a page past the end back to the page before it, as the tutorial does', () => {
    const page = pageOf({ page: 9, perPage: 10 }, { items: [], total: 23 });
    expect(page).to.include({ totalPages: 3, hasPrev: true, hasNext: false });
    expect(page.links).to.include({ prev: 8, next: null, last: 3 });
  });
});

describe('readPage', () => {
  it('reads the slice the request names and answers its page', async () => {
    const asked: PageQuery[] = [];
    const page = await readPage({ page: 3, perPage: 25 }, (query) => {
      asked.push(query);
      return Promise.resolve({ items: ['x'], total: 51 });
    });
    expect(asked).to.deep.equal([{ offset: 50, limit: 25 }]);
    expect(page).to.include({ page: 3, perPage: 25, total: 51, totalPages: 3, hasNext: false });
  });

  it('refuses an invalid request before reading anything', async () => {
    let reads = 0;
    await expectDomainError(
      readPage({ page: 0, perPage: 10 }, () => {
        reads += 1;
        return Promise.resolve({ items: [], total: 0 });
      }),
      'VALIDATION',
      'Input payload validation failed',
    );
    expect(reads).to.equal(0);
  });
});
