import { emailProblem, normalizeEmail } from '../../../../src/domain/index.js';
import { expect } from '../../../support/chai.js';

describe('email rule', () => {
  const valid = [
    'a@example.com',
    'first.last@sub.example.co.uk',
    "o'brien+tag@example.org",
    '  Mixed@Example.COM  ',
    `${'l'.repeat(64)}@example.com`,
    `a@${'d'.repeat(63)}.${'e'.repeat(63)}.${'f'.repeat(63)}.${'g'.repeat(60)}`,
  ];
  for (const email of valid) {
    it(`accepts ${JSON.stringify(email.slice(0, 40))}`, () => {
      expect(emailProblem(email)).to.equal(null);
    });
  }

  const invalid = [
    '',
    'plain',
    'no-at.example.com',
    'a@localhost',
    'a@@example.com',
    '.a@example.com',
    'a.@example.com',
    'a..b@example.com',
    'a@-example.com',
    'a@example-.com',
    'a b@example.com',
    'ü@example.com',
    'a@exämple.com',
    `${'l'.repeat(65)}@example.com`,
    `a@${'d'.repeat(63)}.${'e'.repeat(63)}.${'f'.repeat(63)}.${'g'.repeat(61)}`,
  ];
  for (const email of invalid) {
    it(`refuses ${JSON.stringify(email.slice(0, 40))}, naming the value as sent`, () => {
      expect(emailProblem(email)).to.equal(`${email} is not a valid email`);
    });
  }

  it('normalises by trimming and lower-casing', () => {
    expect(normalizeEmail('  Bob@Example.COM\t')).to.equal('bob@example.com');
  });
});
