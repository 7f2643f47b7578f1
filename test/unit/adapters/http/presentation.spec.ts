import { expect } from 'chai';
import {
  formatIso8601,
  formatRfc822,
  formatTimeRemaining,
  formatTimestamp,
  formatTokenExpiresIn,
  pageLinkHeader,
  presentAccount,
  presentPage,
  presentUser,
  presentWidget,
  presentWidgetPage,
  widgetPageLinkHeader,
} from '../../../../src/adapters/http/presentation.js';
import { pageOf, type User, type Widget } from '../../../../src/domain/index.js';

const OWNER = { publicId: '6f1c3a4e-0000-4000-8000-000000000001', email: 'admin@example.com' };
const DAY = 86_400;

function widget(name: string, overrides: Partial<Widget> = {}): Widget {
  return {
    name,
    infoUrl: 'https://www.example.com/info',
    createdAt: new Date('2020-02-29T21:03:29.123Z'),
    deadline: new Date('2026-03-05T23:59:59.999Z'),
    owner: OWNER,
    ...overrides,
  };
}

const pageUrl = (page: number, perPage = 10) => `/api/v1/widgets?page=${page}&per_page=${perPage}`;

describe('HTTP presentation', () => {
  describe('timestamps, always in UTC', () => {
    const timestamps: [iso: string, expected: string][] = [
      ['2020-02-29T21:03:29.999Z', '02/29/20 09:03:29 PM UTC'],
      ['2026-01-05T00:00:00.000Z', '01/05/26 12:00:00 AM UTC'],
      ['2026-01-05T11:59:59.000Z', '01/05/26 11:59:59 AM UTC'],
      ['2026-01-05T12:00:00.000Z', '01/05/26 12:00:00 PM UTC'],
      ['2009-12-31T23:59:59.999Z', '12/31/09 11:59:59 PM UTC'],
    ];
    for (const [iso, expected] of timestamps) {
      it(`writes ${iso} as ${expected}`, () => {
        expect(formatTimestamp(new Date(iso))).to.equal(expected);
      });
    }

    it('writes ISO 8601 in whole seconds with a Z', () => {
      expect(formatIso8601(new Date('2020-02-29T21:03:29.999Z'))).to.equal('2020-02-29T21:03:29Z');
    });

    it('writes RFC 822 as Python formatdate does, day zero-padded, zone -0000', () => {
      expect(formatRfc822(new Date('2020-02-29T21:03:29.999Z'))).to.equal(
        'Sat, 29 Feb 2020 21:03:29 -0000',
      );
      expect(formatRfc822(new Date('2026-03-01T04:05:06Z'))).to.equal(
        'Sun, 01 Mar 2026 04:05:06 -0000',
      );
    });
  });

  describe('token_expires_in', () => {
    const durations: [seconds: number, expected: string][] = [
      [0, '00:00:00'],
      [-5, '00:00:00'],
      [59, '00:00:59'],
      [899.7, '00:14:59'],
      [900, '00:15:00'],
      [3600, '01:00:00'],
      [DAY - 1, '23:59:59'],
      [DAY, '1 day, 00:00:00'],
      [DAY + 5, '1 day, 00:00:05'],
      [2 * DAY + 3 * 3600, '2 days, 03:00:00'],
      [12 * DAY + 61, '12 days, 00:01:01'],
    ];
    for (const [seconds, expected] of durations) {
      it(`writes ${seconds} s as ${JSON.stringify(expected)}, even with 0 seconds`, () => {
        expect(formatTokenExpiresIn(seconds)).to.equal(expected);
      });
    }
  });

  describe('time_remaining', () => {
    const remaining: [seconds: number, expected: string][] = [
      [3 * DAY + 4 * 3600 + 5 * 60 + 6.999, '3 days 4 hours 5 minutes 6 seconds'],
      [DAY, '1 day 0 hours 0 minutes 0 seconds'],
      [DAY + 3600 + 60 + 1, '1 day 1 hours 1 minutes 1 seconds'],
      [3600.5, '1 hours 0 minutes 0 seconds'],
      [5 * 3600 + 59 * 60 + 59.999, '5 hours 59 minutes 59 seconds'],
      [61.999, '1 minutes 1 seconds'],
      [60, '1 minutes 0 seconds'],
      [42.999, '42 seconds 999 milliseconds'],
      [1, '1 seconds 0 milliseconds'],
      [0.999, '999000 microseconds'],
      [0, '0 microseconds'],
      [-0.001, 'No time remaining'],
      [-DAY, 'No time remaining'],
    ];
    for (const [seconds, expected] of remaining) {
      it(`writes ${seconds} s as ${JSON.stringify(expected)}`, () => {
        expect(formatTimeRemaining(seconds)).to.equal(expected);
      });
    }
  });

  describe('widget object', () => {
    it('has every field, keys in the contract order', () => {
      const now = new Date('2026-03-02T10:20:30.000Z');
      const presented = presentWidget(widget('gadget'), now);
      expect(Object.keys(presented)).to.deep.equal([
        'name',
        'info_url',
        'created_at',
        'created_at_iso8601',
        'created_at_rfc822',
        'deadline',
        'deadline_passed',
        'time_remaining',
        'owner',
        'link',
      ]);
      expect(presented).to.deep.equal({
        name: 'gadget',
        info_url: 'https://www.example.com/info',
        created_at: '02/29/20 09:03:29 PM UTC',
        created_at_iso8601: '2020-02-29T21:03:29Z',
        created_at_rfc822: 'Sat, 29 Feb 2020 21:03:29 -0000',
        deadline: '03/05/26 11:59:59 PM UTC',
        deadline_passed: false,
        time_remaining: '3 days 13 hours 39 minutes 29 seconds',
        owner: { email: 'admin@example.com', public_id: OWNER.publicId },
        link: '/api/v1/widgets/gadget',
      });
      expect(Object.keys(presented.owner)).to.deep.equal(['email', 'public_id']);
    });

    it('has not passed at the last millisecond of the deadline day', () => {
      const presented = presentWidget(widget('gadget'), new Date('2026-03-05T23:59:59.999Z'));
      expect(presented.deadline_passed).to.equal(false);
      expect(presented.time_remaining).to.equal('0 microseconds');
    });

    it('has passed from midnight UTC after the deadline day', () => {
      const presented = presentWidget(widget('gadget'), new Date('2026-03-06T00:00:00.000Z'));
      expect(presented.deadline_passed).to.equal(true);
      expect(presented.time_remaining).to.equal('No time remaining');
    });
  });

  describe('page object', () => {
    const now = new Date('2026-03-02T10:20:30.000Z');
    const widgets = (count: number) =>
      Array.from({ length: count }, (_, i) => widget(`widget-${i + 1}`));

    it('keeps its keys and links in the contract order', () => {
      const page = presentWidgetPage(
        pageOf({ page: 2, perPage: 10 }, { items: widgets(10), total: 23 }),
        now,
      );
      expect(Object.keys(page)).to.deep.equal([
        'links',
        'has_prev',
        'has_next',
        'page',
        'total_pages',
        'items_per_page',
        'total_items',
        'items',
      ]);
      expect(Object.keys(page.links)).to.deep.equal(['self', 'first', 'prev', 'next', 'last']);
    });

    it('for no widgets: 0 pages, and last points at page 1, never page 0', () => {
      expect(
        presentWidgetPage(pageOf({ page: 1, perPage: 10 }, { items: [], total: 0 }), now),
      ).to.deep.equal({
        links: { self: pageUrl(1), first: pageUrl(1), last: pageUrl(1) },
        has_prev: false,
        has_next: false,
        page: 1,
        total_pages: 0,
        items_per_page: 10,
        total_items: 0,
        items: [],
      });
    });

    it('for 20 widgets at 10 a page: 2 pages, page 1 links next', () => {
      const page = presentWidgetPage(
        pageOf({ page: 1, perPage: 10 }, { items: widgets(10), total: 20 }),
        now,
      );
      expect(page.links).to.deep.equal({
        self: pageUrl(1),
        first: pageUrl(1),
        next: pageUrl(2),
        last: pageUrl(2),
      });
      expect([page.has_prev, page.has_next, page.total_pages]).to.deep.equal([false, true, 2]);
    });

    it('for 20 widgets at 10 a page: page 2 is the last, links prev', () => {
      const page = presentWidgetPage(
        pageOf({ page: 2, perPage: 10 }, { items: widgets(10), total: 20 }),
        now,
      );
      expect(page.links).to.deep.equal({
        self: pageUrl(2),
        first: pageUrl(1),
        prev: pageUrl(1),
        last: pageUrl(2),
      });
      expect([page.has_prev, page.has_next, page.total_pages]).to.deep.equal([true, false, 2]);
      expect(page.items).to.have.length(10);
    });

    it('for 23 widgets at 10 a page: 3 pages, page 2 links both ways', () => {
      const page = presentWidgetPage(
        pageOf({ page: 2, perPage: 10 }, { items: widgets(10), total: 23 }),
        now,
      );
      expect(page.links).to.deep.equal({
        self: pageUrl(2),
        first: pageUrl(1),
        prev: pageUrl(1),
        next: pageUrl(3),
        last: pageUrl(3),
      });
      expect([page.has_prev, page.has_next, page.total_pages, page.total_items]).to.deep.equal([
        true,
        true,
        3,
        23,
      ]);
    });

    it('for 23 widgets at 10 a page: page 3 holds the last 3', () => {
      const page = presentWidgetPage(
        pageOf({ page: 3, perPage: 10 }, { items: widgets(3), total: 23 }),
        now,
      );
      expect(page.links).to.deep.equal({
        self: pageUrl(3),
        first: pageUrl(1),
        prev: pageUrl(2),
        last: pageUrl(3),
      });
      expect([page.has_prev, page.has_next]).to.deep.equal([true, false]);
      expect(page.items).to.have.length(3);
    });

    it('past the end: no items, has_prev with prev = page - 1 (as flask-sqlalchemy), no next', () => {
      const page = presentWidgetPage(
        pageOf({ page: 5, perPage: 10 }, { items: [], total: 23 }),
        now,
      );
      expect(page).to.deep.equal({
        links: { self: pageUrl(5), first: pageUrl(1), prev: pageUrl(4), last: pageUrl(3) },
        has_prev: true,
        has_next: false,
        page: 5,
        total_pages: 3,
        items_per_page: 10,
        total_items: 23,
        items: [],
      });
    });

    it('past the end of no widgets: prev is page 1, last is page 1', () => {
      const page = presentWidgetPage(pageOf({ page: 2, perPage: 5 }, { items: [], total: 0 }), now);
      expect(page.links).to.deep.equal({
        self: pageUrl(2, 5),
        first: pageUrl(1, 5),
        prev: pageUrl(1, 5),
        last: pageUrl(1, 5),
      });
      expect([page.has_prev, page.has_next, page.total_pages]).to.deep.equal([true, false, 0]);
    });
  });

  describe('Link header', () => {
    it('lists self, first, prev, next and last under the given base', () => {
      const base = 'https://api.example.com';
      expect(
        widgetPageLinkHeader(pageOf({ page: 2, perPage: 10 }, { items: [], total: 23 }), base),
      ).to.equal(
        `<${base}${pageUrl(2)}>; rel="self", <${base}${pageUrl(1)}>; rel="first", ` +
          `<${base}${pageUrl(1)}>; rel="prev", <${base}${pageUrl(3)}>; rel="next", ` +
          `<${base}${pageUrl(3)}>; rel="last"`,
      );
    });

    it('is relative with an empty base, and omits prev and next when there are none', () => {
      expect(
        widgetPageLinkHeader(pageOf({ page: 1, perPage: 25 }, { items: [], total: 0 }), ''),
      ).to.equal(
        `<${pageUrl(1, 25)}>; rel="self", <${pageUrl(1, 25)}>; rel="first", ` +
          `<${pageUrl(1, 25)}>; rel="last"`,
      );
    });
  });

  describe('user object', () => {
    it('has the contract keys in order, registered_on in UTC and the token time left', () => {
      const user: User = {
        publicId: OWNER.publicId,
        email: 'user@example.com',
        passwordHash: 'hash',
        admin: false,
        registeredOn: new Date('2020-02-29T21:03:29.500Z'),
        tokenGeneration: 0,
      };
      const presented = presentUser(user, DAY + 5);
      expect(Object.keys(presented)).to.deep.equal([
        'email',
        'public_id',
        'admin',
        'registered_on',
        'token_expires_in',
      ]);
      expect(presented).to.deep.equal({
        email: 'user@example.com',
        public_id: OWNER.publicId,
        admin: false,
        registered_on: '02/29/20 09:03:29 PM UTC',
        token_expires_in: '1 day, 00:00:05',
      });
    });
  });

  describe('the user listing (the same page object at its own path)', () => {
    const alice: User = {
      publicId: OWNER.publicId,
      email: 'alice@example.com',
      passwordHash: '$2b$04$never-shown',
      tokenGeneration: 0,
      admin: true,
      registeredOn: new Date('2020-02-29T21:03:29.500Z'),
    };

    it('presents a user without the password hash, keys in the contract order', () => {
      const presented = presentAccount(alice);
      expect(Object.keys(presented)).to.deep.equal([
        'email',
        'public_id',
        'admin',
        'registered_on',
      ]);
      expect(presented).to.deep.equal({
        email: 'alice@example.com',
        public_id: OWNER.publicId,
        admin: true,
        registered_on: '02/29/20 09:03:29 PM UTC',
      });
    });

    it('links pages of /api/v1/users, in the body and in the Link header', () => {
      const input = pageOf({ page: 2, perPage: 10 }, { items: [alice], total: 11 });
      const users = (page: number) => `/api/v1/users?page=${page}&per_page=10`;
      expect(presentPage('/api/v1/users', input, presentAccount)).to.deep.equal({
        links: { self: users(2), first: users(1), prev: users(1), last: users(2) },
        has_prev: true,
        has_next: false,
        page: 2,
        total_pages: 2,
        items_per_page: 10,
        total_items: 11,
        items: [presentAccount(alice)],
      });
      expect(pageLinkHeader('/api/v1/users', input, 'http://h')).to.equal(
        `<http://h${users(2)}>; rel="self", <http://h${users(1)}>; rel="first", ` +
          `<http://h${users(1)}>; rel="prev", <http://h${users(2)}>; rel="last"`,
      );
    });
  });
});
