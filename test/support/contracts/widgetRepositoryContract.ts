import {
  DomainError,
  type User,
  type UserRepository,
  type Widget,
  type WidgetOwner,
  type WidgetRepository,
} from '../../../src/domain/index.js';
import { expect } from '../chai.js';
import { expectDomainError } from '../expectDomainError.js';
import { aUser } from './userRepositoryContract.js';

export interface WidgetRepositories {
  readonly widgets: WidgetRepository;
  /** Where the widgets' owners are added first (the database refuses a widget without one). */
  readonly users: UserRepository;
}

const CREATED_AT = new Date('2026-03-01T12:34:56.789Z');
const DEADLINE = new Date('2031-05-13T23:59:59.999Z');
const LISTING_SIZE = 23;

export function ownerOf(user: User): WidgetOwner {
  return { publicId: user.publicId, email: user.email };
}

export function aWidget(owner: WidgetOwner, overrides: Partial<Widget> = {}): Widget {
  return {
    name: 'widget-one',
    infoUrl: 'https://www.example.com/widgets/one',
    deadline: new Date(DEADLINE.getTime()),
    createdAt: new Date(CREATED_AT.getTime()),
    owner: { ...owner },
    ...overrides,
  };
}

/** Adds a user through the users repository and returns them as a widget owner. */
export async function addOwner(users: UserRepository, email: string): Promise<WidgetOwner> {
  const user = aUser({ email });
  await users.add(user);
  return ownerOf(user);
}

/**
 * Adds 23 widgets in an order unlike their creation order (odd positions first) and with names
 * unlike it too; returns them as a listing must: oldest first. The widgets at positions 11 and 12
 * share one creation time; the one at 11 is added first, and its name sorts last.
 */
export async function addListingWidgets(
  widgets: WidgetRepository,
  owners: readonly WidgetOwner[],
): Promise<Widget[]> {
  const expected = Array.from({ length: LISTING_SIZE }, (_, position) =>
    aWidget(owners[position % owners.length]!, {
      name: listingName(position),
      infoUrl: `https://www.example.com/widgets/${position}`,
      deadline: new Date(DEADLINE.getTime() + position * 86_400_000),
      createdAt: new Date(CREATED_AT.getTime() + (position === 12 ? 11 : position) * 1_001),
    }),
  );
  const odd = expected.filter((_, position) => position % 2 === 1);
  const even = expected.filter((_, position) => position % 2 === 0);
  for (const widget of [...odd, ...even]) await widgets.add(widget);
  return expected;
}

function listingName(position: number): string {
  if (position === 11) return 'tie-z-added-first';
  if (position === 12) return 'tie-a-added-second';
  return `w-${String((position * 7) % LISTING_SIZE).padStart(2, '0')}`;
}

function expectNameTaken(attempt: Promise<unknown>, name: string): Promise<DomainError> {
  return expectDomainError(
    attempt,
    'CONFLICT',
    `Widget name: ${name} already exists, must be unique.`,
  );
}

/** The behaviour every WidgetRepository shares; `make` runs before each test on an empty store. */
export function widgetRepositoryContract(
  make: () => WidgetRepositories | Promise<WidgetRepositories>,
): void {
  let widgets: WidgetRepository;
  let alice: WidgetOwner;
  let bob: WidgetOwner;

  beforeEach(async function () {
    const repositories = await make();
    widgets = repositories.widgets;
    alice = await addOwner(repositories.users, 'alice@example.com');
    bob = await addOwner(repositories.users, 'bob@example.com');
  });

  describe('add and findByName', function () {
    it('finds an added widget by name with every field intact, its owner included', async function () {
      const widget = aWidget(alice);
      await widgets.add(widget);
      expect(await widgets.findByName('widget-one')).to.deep.equal(widget);
    });

    it('keeps the deadline and the creation time as Dates to the millisecond', async function () {
      const widget = aWidget(bob, {
        deadline: new Date('2031-12-31T23:59:59.999Z'),
        createdAt: new Date('2026-07-04T01:02:03.004Z'),
      });
      await widgets.add(widget);
      const found = await widgets.findByName(widget.name);
      expect(found?.deadline).to.be.instanceOf(Date);
      expect(found?.createdAt).to.be.instanceOf(Date);
      expect(found?.deadline.getTime()).to.equal(widget.deadline.getTime());
      expect(found?.createdAt.getTime()).to.equal(widget.createdAt.getTime());
    });

    it('returns null for a name no widget has', async function () {
      await widgets.add(aWidget(alice, { name: 'widget-one' }));
      expect(await widgets.findByName('widget-two')).to.equal(null);
    });

    it('refuses a second widget with a taken name as CONFLICT naming it', async function () {
      await widgets.add(aWidget(alice, { name: 'taken' }));
      await expectNameTaken(widgets.add(aWidget(bob, { name: 'taken' })), 'taken');
    });

    it('keeps the first widget when a duplicate name is refused', async function () {
      const first = aWidget(alice, { name: 'taken' });
      await widgets.add(first);
      await widgets
        .add(aWidget(bob, { name: 'taken', infoUrl: 'https://other.example.com' }))
        .catch(() => undefined);
      expect(await widgets.findByName('taken')).to.deep.equal(first);
      expect(await widgets.list({ offset: 0, limit: 10 })).to.deep.equal({
        items: [first],
        total: 1,
      });
    });

    it('lets exactly one of 20 concurrent adds of one name succeed; the rest conflict', async function () {
      const attempts = Array.from({ length: 20 }, (_, index) =>
        widgets.add(
          aWidget(index % 2 === 0 ? alice : bob, {
            name: 'race',
            infoUrl: `https://www.example.com/${index}`,
          }),
        ),
      );
      const results = await Promise.allSettled(attempts);
      expect(results.filter((result) => result.status === 'fulfilled')).to.have.length(1);
      for (const result of results) {
        if (result.status === 'rejected') {
          expect(result.reason).to.be.instanceOf(DomainError).and.include({
            code: 'CONFLICT',
            message: 'Widget name: race already exists, must be unique.',
          });
        }
      }
      expect((await widgets.list({ offset: 0, limit: 100 })).total).to.equal(1);
    });
  });

  describe('list', function () {
    it('returns no items and a zero total when there are no widgets', async function () {
      expect(await widgets.list({ offset: 0, limit: 10 })).to.deep.equal({ items: [], total: 0 });
    });

    it('returns each window of 23 widgets oldest first, with the total', async function () {
      const expected = await addListingWidgets(widgets, [alice, bob]);
      const windows: [offset: number, limit: number][] = [
        [0, 10],
        [10, 10],
        [20, 10],
        [5, 5],
        [22, 1],
        [0, 23],
        [0, 100],
      ];
      for (const [offset, limit] of windows) {
        expect(
          await widgets.list({ offset, limit }),
          `offset ${offset}, limit ${limit}`,
        ).to.deep.equal({ items: expected.slice(offset, offset + limit), total: LISTING_SIZE });
      }
    });

    // Pages past the middle may be read from the other end (Knex): they must not differ. The sizes
    // put page boundaries on every position, including between the two widgets created at once.
    it('lists every page of 23 widgets, for page sizes 1 to 24 and 100, as one ordered listing', async function () {
      const expected = await addListingWidgets(widgets, [alice, bob]);
      for (const limit of [...Array.from({ length: 24 }, (_, index) => index + 1), 100]) {
        const pages: Widget[][] = [];
        const expectedPages: Widget[][] = [];
        for (let offset = 0; offset <= LISTING_SIZE; offset += limit) {
          const page = await widgets.list({ offset, limit });
          expect(page.total, `offset ${offset}, limit ${limit}`).to.equal(LISTING_SIZE);
          pages.push(page.items);
          expectedPages.push(expected.slice(offset, offset + limit));
        }
        const names = (listing: Widget[][]): string[][] =>
          listing.map((items) => items.map((widget) => widget.name));
        expect(names(pages), `limit ${limit}`).to.deep.equal(names(expectedPages));
        expect(pages, `limit ${limit}`).to.deep.equal(expectedPages);
      }
    });

    it('lists widgets created at the same instant in insertion order', async function () {
      await addListingWidgets(widgets, [alice, bob]);
      const page = await widgets.list({ offset: 11, limit: 2 });
      expect(page.items.map((widget) => widget.name)).to.deep.equal([
        'tie-z-added-first',
        'tie-a-added-second',
      ]);
    });

    it('returns no items but the full total for an offset past the end', async function () {
      await addListingWidgets(widgets, [alice, bob]);
      expect(await widgets.list({ offset: 23, limit: 10 })).to.deep.equal({
        items: [],
        total: LISTING_SIZE,
      });
      expect(await widgets.list({ offset: 1000, limit: 5 })).to.deep.equal({
        items: [],
        total: LISTING_SIZE,
      });
    });

    it('lists each widget with its own owner', async function () {
      await widgets.add(aWidget(alice, { name: 'of-alice', createdAt: new Date(1_000) }));
      await widgets.add(aWidget(bob, { name: 'of-bob', createdAt: new Date(2_000) }));
      const page = await widgets.list({ offset: 0, limit: 10 });
      expect(page.items.map((widget) => [widget.name, widget.owner])).to.deep.equal([
        ['of-alice', alice],
        ['of-bob', bob],
      ]);
    });
  });

  describe('update', function () {
    it('returns the updated widget, keeping its name, creation time and owner', async function () {
      const widget = aWidget(alice);
      await widgets.add(widget);
      const changes = {
        infoUrl: 'https://changed.example.com/info',
        deadline: new Date('2032-01-02T23:59:59.999Z'),
      };
      expect(await widgets.update(widget.name, changes)).to.deep.equal({ ...widget, ...changes });
    });

    it('persists the changes for that widget only', async function () {
      const widget = aWidget(alice, { name: 'changed' });
      const bystander = aWidget(bob, { name: 'bystander' });
      await widgets.add(widget);
      await widgets.add(bystander);
      const changes = {
        infoUrl: 'https://changed.example.com/info',
        deadline: new Date('2032-01-02T23:59:59.999Z'),
      };
      await widgets.update('changed', changes);
      expect(await widgets.findByName('changed')).to.deep.equal({ ...widget, ...changes });
      expect(await widgets.findByName('bystander')).to.deep.equal(bystander);
    });

    it('returns null for a name no widget has, creating nothing', async function () {
      const changes = { infoUrl: 'https://www.example.com', deadline: DEADLINE };
      expect(await widgets.update('absent', changes)).to.equal(null);
      expect(await widgets.findByName('absent')).to.equal(null);
      expect((await widgets.list({ offset: 0, limit: 10 })).total).to.equal(0);
    });
  });

  describe('remove', function () {
    it('removes a widget, reporting true and then false once it is gone', async function () {
      await widgets.add(aWidget(alice, { name: 'doomed' }));
      expect(await widgets.remove('doomed')).to.equal(true);
      expect(await widgets.findByName('doomed')).to.equal(null);
      expect(await widgets.remove('doomed')).to.equal(false);
    });

    it('removes that widget only', async function () {
      const survivor = aWidget(bob, { name: 'survivor' });
      await widgets.add(aWidget(alice, { name: 'doomed' }));
      await widgets.add(survivor);
      await widgets.remove('doomed');
      expect(await widgets.list({ offset: 0, limit: 10 })).to.deep.equal({
        items: [survivor],
        total: 1,
      });
    });

    it('reports false for a name no widget has', async function () {
      expect(await widgets.remove('absent')).to.equal(false);
    });
  });

  it('keeps copies: changing a widget added or found changes nothing stored', async function () {
    const added = aWidget(alice);
    const original = aWidget(alice);
    await widgets.add(added);
    added.deadline.setTime(0);
    added.createdAt.setTime(0);
    const found = await widgets.findByName(original.name);
    expect(found).to.deep.equal(original);
    found?.deadline.setTime(0);
    found?.createdAt.setTime(0);
    expect(await widgets.findByName(original.name)).to.deep.equal(original);
  });
}
