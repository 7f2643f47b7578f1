import { KnexRevokedTokens } from '../../../src/adapters/persistence/knex/KnexRevokedTokens.js';
import { KnexSessionLookup } from '../../../src/adapters/persistence/knex/KnexSessionLookup.js';
import { KnexUserRepository } from '../../../src/adapters/persistence/knex/KnexUserRepository.js';
import { sessionLookupContract } from '../../support/contracts/sessionLookupContract.js';
import { describeEachDatabase } from '../../support/databases.js';
import { InMemoryRevokedTokens } from '../../support/fakes/InMemoryRevokedTokens.js';
import { InMemorySessionLookup } from '../../support/fakes/InMemorySessionLookup.js';
import { InMemoryUserRepository } from '../../support/fakes/InMemoryUserRepository.js';

describe('InMemorySessionLookup', function () {
  sessionLookupContract(() => {
    const users = new InMemoryUserRepository();
    const revoked = new InMemoryRevokedTokens();
    return { users, revoked, sessions: new InMemorySessionLookup(users, revoked) };
  });
});

describeEachDatabase('KnexSessionLookup', function (db) {
  sessionLookupContract(() => ({
    users: new KnexUserRepository(db.knex()),
    revoked: new KnexRevokedTokens(db.knex()),
    sessions: new KnexSessionLookup(db.knex()),
  }));
});
