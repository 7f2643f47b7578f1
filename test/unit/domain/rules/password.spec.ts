import { PASSWORD_MESSAGE, passwordProblem } from '../../../../src/domain/index.js';
import { expect } from '../../../support/chai.js';

describe('password rule', () => {
  const cases: Array<[string, string, boolean]> = [
    ['empty', '', false],
    ['7 characters', 'abcdefg', false],
    ['8 characters', 'abcdefgh', true],
    ['72 ASCII bytes', 'a'.repeat(72), true],
    ['73 ASCII bytes', 'a'.repeat(73), false],
    ['36 two-byte characters (72 bytes)', 'é'.repeat(36), true],
    ['37 two-byte characters (74 bytes)', 'é'.repeat(37), false],
    ['8 emoji counted as 8 characters', '😀'.repeat(8), true],
    ['7 emoji', '😀'.repeat(7), false],
  ];
  for (const [label, password, ok] of cases) {
    it(`${ok ? 'accepts' : 'refuses'} ${label}`, () => {
      expect(passwordProblem(password)).to.equal(ok ? null : PASSWORD_MESSAGE);
    });
  }

  it('states the rule in the contract’s words', () => {
    expect(PASSWORD_MESSAGE).to.equal(
      'Password must be at least 8 characters and at most 72 bytes',
    );
  });
});
