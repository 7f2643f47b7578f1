import { KnexUserRepository } from '../../../src/adapters/persistence/knex/KnexUserRepository.js';
import type { Knex } from 'knex';
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
import { describeEachDatabase, truncateAll } from '../../support/databases.js';
import { expectDomainError } from '../../support/expectDomainError.js';
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

  it("refuses a widget whose owner does not exist with the answer a deleted user's token gets", async function () {
    const widgets = new KnexWidgetRepository(db.knex());
    const stranger = aUser({ email: 'stranger@example.com' });
    await expectDomainError(
      widgets.add(aWidget(ownerOf(stranger))),
      'TOKEN_INVALID',
      'Invalid token. Please log in again.',
    );
    expect(await widgets.findByName('widget-one')).to.equal(null);
  });

  describe('the widget counter (widget_counts, kept by triggers)', function () {
    let knex: Knex;
    let widgets: KnexWidgetRepository;
    let owner: string;

    beforeEach(async function () {
      knex = db.knex();
      widgets = new KnexWidgetRepository(knex);
      const user = aUser({ email: 'owner@example.com' });
      await new KnexUserRepository(knex).add(user);
      owner = user.publicId;
    });

    const rowsNamed = (...names: string[]) =>
      names.map((name) => ({
        name,
        info_url: 'https://www.example.com/info',
        deadline: new Date('2031-05-13T23:59:59.999Z'),
        created_at: new Date('2026-03-01T12:00:00.000Z'),
        owner_id: owner,
      }));

    /** The counter table's rows, and the count it must equal. */
    async function counted(): Promise<{ counter: number[]; rows: number }> {
      const counter = await knex('widget_counts').pluck('total');
      const [row] = await knex('widgets').count({ rows: '*' });
      return { counter: counter.map(Number), rows: Number(row?.rows) };
    }

    it('follows inserts and deletes by the repository and by hand-written SQL', async function () {
      expect(await counted()).to.deep.equal({ counter: [0], rows: 0 });
      await widgets.add(aWidget({ publicId: owner, email: 'owner@example.com' }, { name: 'one' }));
      expect(await counted()).to.deep.equal({ counter: [1], rows: 1 });
      await knex('widgets').insert(rowsNamed('two', 'three', 'four', 'five'));
      expect(await counted()).to.deep.equal({ counter: [5], rows: 5 });
      await knex('widgets').whereIn('name', ['two', 'three', 'absent']).delete();
      expect(await counted()).to.deep.equal({ counter: [3], rows: 3 });
      expect(await widgets.remove('one')).to.equal(true);
      expect(await widgets.remove('one')).to.equal(false);
      expect(await counted()).to.deep.equal({ counter: [2], rows: 2 });
      expect((await widgets.list({ offset: 0, limit: 5 })).total).to.equal(2);
    });

    it('does not count an insert refused as a duplicate, alone or in a multi-row insert', async function () {
      await knex('widgets').insert(rowsNamed('taken'));
      await expect(
        widgets.add(aWidget({ publicId: owner, email: 'owner@example.com' }, { name: 'taken' })),
      ).to.be.rejectedWith('Widget name: taken already exists, must be unique.');
      await expect(knex('widgets').insert(rowsNamed('fresh', 'taken')).then()).to.be.rejected;
      expect(await counted()).to.deep.equal({ counter: [1], rows: 1 });
    });

    it('does not count the writes of a transaction rolled back', async function () {
      await knex
        .transaction(async (trx) => {
          await trx('widgets').insert(rowsNamed('a', 'b'));
          throw new Error('roll back');
        })
        .catch(() => undefined);
      expect(await counted()).to.deep.equal({ counter: [0], rows: 0 });
    });

    it('drops to zero on a DELETE without WHERE, and on TRUNCATE (Postgres)', async function () {
      await knex('widgets').insert(rowsNamed('a', 'b', 'c'));
      await knex('widgets').delete();
      expect(await counted()).to.deep.equal({ counter: [0], rows: 0 });
      if (knex.client.config.client !== 'pg') return;
      await knex('widgets').insert(rowsNamed('a', 'b', 'c'));
      await knex.raw('TRUNCATE TABLE widgets');
      expect(await counted()).to.deep.equal({ counter: [0], rows: 0 });
      await knex('widgets').insert(rowsNamed('d'));
      await knex.raw('TRUNCATE TABLE widgets, users CASCADE');
      expect(await counted()).to.deep.equal({ counter: [0], rows: 0 });
    });

    it('keeps its one row at zero when the test helper empties every table', async function () {
      await knex('widgets').insert(rowsNamed('a', 'b'));
      await truncateAll(knex);
      expect(await counted()).to.deep.equal({ counter: [0], rows: 0 });
    });

    it('refuses a second row', async function () {
      await expect(knex('widget_counts').insert({ total: 7 }).then()).to.be.rejected;
      await expect(knex('widget_counts').insert({ id: false, total: 7 }).then()).to.be.rejected;
      expect(await counted()).to.deep.equal({ counter: [0], rows: 0 });
    });

    it('stays exact under 30 concurrent adds and removes of distinct widgets', async function () {
      const ownerRef = { publicId: owner, email: 'owner@example.com' };
      await knex('widgets').insert(rowsNamed(...Array.from({ length: 10 }, (_, i) => `old-${i}`)));
      const writes = Array.from({ length: 30 }, (_, i) =>
        i % 3 === 0
          ? widgets.remove(`old-${i / 3}`)
          : widgets.add(aWidget(ownerRef, { name: `new-${i}` })),
      );
      await Promise.all(writes);
      expect(await counted()).to.deep.equal({ counter: [20], rows: 20 });
    });
  });
});
