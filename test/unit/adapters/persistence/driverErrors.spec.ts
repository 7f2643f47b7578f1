import { loggableMessage } from '../../../../src/adapters/persistence/knex/driverErrors.js';
import { expect } from '../../../support/chai.js';

const STATEMENT = 'insert into "users" ("email", "password_hash") values ($1, $2)';

describe('loggableMessage', () => {
  it("keeps only a coded driver error's reason, never the statement Knex put before it", () => {
    const error = Object.assign(new Error(`${STATEMENT} - duplicate key value`), { code: '23505' });
    expect(loggableMessage(error, false)).to.equal('duplicate key value');
  });

  it('cuts an error named unavailable the same way, code or none (pg has none of its own)', () => {
    const error = new Error(`${STATEMENT} - Connection terminated unexpectedly`);
    expect(loggableMessage(error, true)).to.equal('Connection terminated unexpectedly');
  });

  it('leaves any other error its whole message', () => {
    expect(loggableMessage(new Error('a - b'), false)).to.equal('a - b');
  });
});
