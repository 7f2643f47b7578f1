import {
  mappingViolations,
  violatedConstraint,
} from '../../../../src/adapters/persistence/knex/constraintViolation.js';
import { expect } from '../../../support/chai.js';

/** An error shaped as a driver's, with Knex's statement prefix where `sql` is given. */
function driverError(fields: Record<string, unknown>, message: string, sql?: string): Error {
  return Object.assign(new Error(sql === undefined ? message : `${sql} - ${message}`), fields);
}

const SQLITE_UNIQUE = driverError(
  { code: 'SQLITE_CONSTRAINT', errno: 19 },
  'SQLITE_CONSTRAINT: UNIQUE constraint failed: users.email',
  'insert into `users` (`email`) values (?)',
);
const SQLITE_FOREIGN_KEY = driverError(
  { code: 'SQLITE_CONSTRAINT', errno: 19 },
  'SQLITE_CONSTRAINT: FOREIGN KEY constraint failed',
);

describe('violatedConstraint', () => {
  it('reads Postgres SQLSTATEs', () => {
    expect(violatedConstraint(driverError({ code: '23505' }, 'duplicate key'))).to.equal('unique');
    expect(violatedConstraint(driverError({ code: '23503' }, 'violates fk'))).to.equal(
      'foreignKey',
    );
  });

  it("reads SQLite's constraint messages behind Knex's statement prefix", () => {
    expect(violatedConstraint(SQLITE_UNIQUE)).to.equal('unique');
    expect(violatedConstraint(SQLITE_FOREIGN_KEY)).to.equal('foreignKey');
  });

  it('is null for other failures, a NOT NULL or CHECK constraint included', () => {
    const notNull = driverError(
      { code: 'SQLITE_CONSTRAINT', errno: 19 },
      'SQLITE_CONSTRAINT: NOT NULL constraint failed: users.email',
    );
    expect(violatedConstraint(notNull)).to.equal(null);
    expect(violatedConstraint(driverError({ code: '23514' }, 'check'))).to.equal(null);
    expect(violatedConstraint(new Error('boom'))).to.equal(null);
    expect(violatedConstraint('not an error')).to.equal(null);
  });
});

describe('mappingViolations', () => {
  it('throws the error named for the violated constraint', async () => {
    const taken = new Error('taken');
    await expect(
      mappingViolations(Promise.reject(SQLITE_UNIQUE), { unique: () => taken }),
    ).to.be.rejectedWith(taken);
  });

  it('passes on a violation it names no error for, and any other failure, unchanged', async () => {
    const other = new Error('boom');
    await expect(
      mappingViolations(Promise.reject(SQLITE_FOREIGN_KEY), { unique: () => new Error('x') }),
    ).to.be.rejectedWith(SQLITE_FOREIGN_KEY);
    await expect(
      mappingViolations(Promise.reject(other), { unique: () => new Error('x') }),
    ).to.be.rejectedWith(other);
  });

  it('answers what the write answers when it succeeds', async () => {
    expect(await mappingViolations(Promise.resolve(3), {})).to.equal(3);
  });
});
