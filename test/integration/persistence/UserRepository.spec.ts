import { KnexUserRepository } from '../../../src/adapters/persistence/knex/KnexUserRepository.js';
import { userRepositoryContract } from '../../support/contracts/userRepositoryContract.js';
import { describeEachDatabase } from '../../support/databases.js';
import { InMemoryUserRepository } from '../../support/fakes/InMemoryUserRepository.js';

describe('InMemoryUserRepository', function () {
  userRepositoryContract(() => new InMemoryUserRepository());
});

describeEachDatabase('KnexUserRepository', function (db) {
  userRepositoryContract(() => new KnexUserRepository(db.knex()));
});
