import { KnexRevokedTokens } from '../../../src/adapters/persistence/knex/KnexRevokedTokens.js';
import { revokedTokensContract } from '../../support/contracts/revokedTokensContract.js';
import { describeEachDatabase } from '../../support/databases.js';
import { InMemoryRevokedTokens } from '../../support/fakes/InMemoryRevokedTokens.js';

describe('InMemoryRevokedTokens', function () {
  revokedTokensContract(() => new InMemoryRevokedTokens());
});

describeEachDatabase('KnexRevokedTokens', function (db) {
  revokedTokensContract(() => new KnexRevokedTokens(db.knex()));
});
