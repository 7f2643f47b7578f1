import type { Knex } from 'knex';
import {
  ownerGone,
  widgetNameTaken,
  type PageQuery,
  type Slice,
  type Widget,
  type WidgetChanges,
  type WidgetRepository,
} from '../../../domain/index.js';
import { toDate } from './columns.js';
import { sliceWalk } from './sliceWalk.js';
import { mappingViolations } from './constraintViolation.js';

/** A row of the `widgets` table as written. */
interface WidgetRow {
  name: string;
  info_url: string;
  deadline: Date;
  created_at: Date;
  owner_id: string;
}

/** A widget joined with its owner, as read. */
interface WidgetWithOwnerRow {
  name: string;
  info_url: string;
  deadline: Date | number;
  created_at: Date | number;
  owner_public_id: string;
  owner_email: string;
}

const WIDGET_WITH_OWNER_COLUMNS = [
  'widgets.name',
  'widgets.info_url',
  'widgets.deadline',
  'widgets.created_at',
  'users.public_id as owner_public_id',
  'users.email as owner_email',
];

/** Oldest first; the serial id keeps widgets created at the same instant in insertion order. */
const LISTING_ORDER = [
  { column: 'widgets.created_at', order: 'asc' },
  { column: 'widgets.id', order: 'asc' },
] as const;

export class KnexWidgetRepository implements WidgetRepository {
  constructor(private readonly knex: Knex) {}

  async add(widget: Widget): Promise<void> {
    const row: WidgetRow = {
      name: widget.name,
      info_url: widget.infoUrl,
      deadline: widget.deadline,
      created_at: widget.createdAt,
      owner_id: widget.owner.publicId,
    };
    await mappingViolations(this.knex<WidgetRow>('widgets').insert(row), {
      unique: () => widgetNameTaken(widget.name),
      // The owner's account was deleted after the request was authenticated (see
      // KnexUserRepository.remove): the only row the widget's foreign key points at.
      foreignKey: () => ownerGone(),
    });
  }

  async findByName(name: string): Promise<Widget | null> {
    return findWidget(this.knex, name);
  }

  /**
   * Two queries whatever the page size: the count (one row kept by triggers, see the
   * widget_counts migration), then the page, joined with the owners. Each is consistent on its
   * own; a write landing between them can make the total differ by that write, and shift a page
   * read from the end by one row, which a paginated listing tolerates (a delete shifts every later
   * page anyway). The first page needs no count to be read, so both run concurrently.
   */
  async list({ offset, limit }: PageQuery): Promise<Slice<Widget>> {
    if (offset === 0) {
      const [items, total] = await Promise.all([
        this.readPage(pickFromStart(this.knex, 0, limit)),
        countWidgets(this.knex),
      ]);
      return { items, total };
    }
    const total = await countWidgets(this.knex);
    const walk = sliceWalk({ offset, limit }, total);
    if (walk.from === 'nowhere') return { items: [], total };
    const pick = walk.from === 'start' ? pickFromStart : pickFromEnd;
    const ids = pick(this.knex, walk.offset, walk.limit);
    return { items: await this.readPage(ids), total };
  }

  /**
   * Only the page's rows are read and joined with their owners (a deferred join): joining first
   * made the last of 1 000 pages of 100 read and join all 100 000 rows.
   */
  private async readPage(ids: Knex.QueryBuilder): Promise<Widget[]> {
    const rows = await selectWidgetsWithOwners(this.knex)
      .join(ids.as('page'), 'page.id', 'widgets.id')
      .orderBy([...LISTING_ORDER]);
    return rows.map(toWidget);
  }

  /**
   * The update and the read-back share one transaction: the updated row stays locked (Postgres)
   * or the database stays write-locked (SQLite) until both are done, so the widget returned is
   * the one this call wrote, never one changed or deleted in between.
   */
  async update(name: string, changes: WidgetChanges): Promise<Widget | null> {
    return this.knex.transaction(async (trx) => {
      const updated = await trx<WidgetRow>('widgets')
        .where({ name })
        .update({ info_url: changes.infoUrl, deadline: changes.deadline });
      return updated === 0 ? null : findWidget(trx, name);
    });
  }

  async remove(name: string): Promise<boolean> {
    const deleted = await this.knex<WidgetRow>('widgets').where({ name }).delete();
    return deleted > 0;
  }
}

function selectWidgetsWithOwners(db: Knex): Knex.QueryBuilder<WidgetRow, WidgetWithOwnerRow[]> {
  return db<WidgetRow>('widgets')
    .join('users', 'users.public_id', 'widgets.owner_id')
    .select<WidgetWithOwnerRow[]>(WIDGET_WITH_OWNER_COLUMNS);
}

async function findWidget(db: Knex, name: string): Promise<Widget | null> {
  const rows = await selectWidgetsWithOwners(db).where('widgets.name', name).limit(1);
  const [row] = rows;
  return row === undefined ? null : toWidget(row);
}

/** The ids of the widgets at `offset`… in listing order; OFFSET walks the index alone. */
function pickFromStart(db: Knex, offset: number, limit: number): Knex.QueryBuilder {
  return db('widgets')
    .select('widgets.id')
    .orderBy([...LISTING_ORDER])
    .limit(limit)
    .offset(offset);
}

/** The same ids picked in reverse order, `offsetFromEnd` counted from the newest widget. */
function pickFromEnd(db: Knex, offsetFromEnd: number, limit: number): Knex.QueryBuilder {
  return db('widgets')
    .select('widgets.id')
    .orderBy(LISTING_ORDER.map(({ column }) => ({ column, order: 'desc' })))
    .limit(limit)
    .offset(offsetFromEnd);
}

/** The counter row's `total` is a bigint: a string on Postgres, a number on SQLite. */
async function countWidgets(db: Knex): Promise<number> {
  const row: { total: string | number } | undefined = await db('widget_counts')
    .first('total')
    // Through the primary key: a seq scan would read every dead version left by updates.
    .where('id', true);
  const total = Number(row?.total);
  if (row === undefined || !Number.isSafeInteger(total)) {
    throw new TypeError('Unexpected widget count');
  }
  return total;
}

function toWidget(row: WidgetWithOwnerRow): Widget {
  return {
    name: row.name,
    infoUrl: row.info_url,
    deadline: toDate(row.deadline),
    createdAt: toDate(row.created_at),
    owner: { publicId: row.owner_public_id, email: row.owner_email },
  };
}
