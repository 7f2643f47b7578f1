import { KnexUserRepository } from '../../../src/adapters/persistence/knex/KnexUserRepository.js';
import { KnexWidgetRepository } from '../../../src/adapters/persistence/knex/KnexWidgetRepository.js';
import { expect } from '../../support/chai.js';
import { aUser } from '../../support/contracts/userRepositoryContract.js';
import {
  addListingWidgets,
  addOwner,
  aWidget,
  ownerOf,
  widgetRepositoryContract,
} from '../../support/contracts/widgetRepositoryContract.js';
import { describeEachDatabase } from '../../support/databases.js';
import { InMemoryUserRepository } from '../../support/fakes/InMemoryUserRepository.js';
import { InMemoryWidgetRepository } from '../../support/fakes/InMemoryWidgetRepository.js';

describe('InMemoryWidgetRepository', function () {
  widgetRepositoryContract(() => ({
    widgets: new InMemoryWidgetRepository(),
    users: new InMemoryUserRepository(),
  }));
});

describeEachDatabase('KnexWidgetRepository', function (db) {
  // Its own block: the contract's beforeEach (which adds owners) must not run for the tests below.
  describe('the WidgetRepository contract', function () {
    widgetRepositoryContract(() => ({
      widgets: new KnexWidgetRepository(db.knex()),
      users: new KnexUserRepository(db.knex()),
    }));
  });

  it('lists a page of 10 of 23 widgets in exactly two queries, whatever the page size', async function () {
    const knex = db.knex();
    const widgets = new KnexWidgetRepository(knex);
    const users = new KnexUserRepository(knex);
    const expected = await addListingWidgets(widgets, [
      await addOwner(users, 'alice@example.com'),
      await addOwner(users, 'bob@example.com'),
    ]);

    const queries: string[] = [];
    const record = (query: { sql: string }): void => {
      queries.push(query.sql);
    };
    knex.on('query', record);
    try {
      expect(await widgets.list({ offset: 10, limit: 10 })).to.deep.equal({
        items: expected.slice(10, 20),
        total: 23,
      });
    } finally {
      knex.off('query', record);
    }
    expect(queries, queries.join('\n')).to.have.length(2);
  });

  it('refuses to delete a user who still owns widgets, keeping both', async function () {
    const knex = db.knex();
    const widgets = new KnexWidgetRepository(knex);
    const users = new KnexUserRepository(knex);
    const owner = aUser({ email: 'owner@example.com' });
    await users.add(owner);
    const widget = aWidget(ownerOf(owner));
    await widgets.add(widget);

    await expect(
      knex('users').where({ public_id: owner.publicId }).delete().then(),
    ).to.be.rejectedWith(/foreign key/i);
    expect(await users.findByPublicId(owner.publicId)).to.deep.equal(owner);
    expect(await widgets.findByName(widget.name)).to.deep.equal(widget);
  });

  it('deletes a user who owns no widgets (the foreign key refuses only owners)', async function () {
    const knex = db.knex();
    const users = new KnexUserRepository(knex);
    const widgets = new KnexWidgetRepository(knex);
    const owner = aUser({ email: 'owner@example.com' });
    const bystander = aUser({ email: 'bystander@example.com' });
    await users.add(owner);
    await users.add(bystander);
    await widgets.add(aWidget(ownerOf(owner)));

    expect(await knex('users').where({ public_id: bystander.publicId }).delete()).to.equal(1);
    expect(await users.findByPublicId(bystander.publicId)).to.equal(null);
  });

  it('refuses a widget whose owner does not exist', async function () {
    const widgets = new KnexWidgetRepository(db.knex());
    const stranger = aUser({ email: 'stranger@example.com' });
    await expect(widgets.add(aWidget(ownerOf(stranger)))).to.be.rejectedWith(/foreign key/i);
    expect(await widgets.findByName('widget-one')).to.equal(null);
  });
});
