import { pageProblem, perPageProblem } from '../../../../src/domain/index.js';
import { expect } from '../../../support/chai.js';

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
