import { KnexUserRepository } from '../../../src/adapters/persistence/knex/KnexUserRepository.js';
import { KnexWidgetRepository } from '../../../src/adapters/persistence/knex/KnexWidgetRepository.js';
import { userRepositoryContract } from '../../support/contracts/userRepositoryContract.js';
import { describeEachDatabase } from '../../support/databases.js';
import { inMemoryStores } from '../../support/fakes/inMemoryStores.js';

describe('InMemoryUserRepository', function () {
  userRepositoryContract(inMemoryStores);
});

describeEachDatabase('KnexUserRepository', function (db) {
  userRepositoryContract(() => ({
    users: new KnexUserRepository(db.knex()),
    widgets: new KnexWidgetRepository(db.knex()),
  }));
});
