import {
  ownerGone,
  widgetNameTaken,
  type PageQuery,
  type Slice,
  type Widget,
  type WidgetChanges,
  type WidgetRepository,
} from '../../../src/domain/index.js';

interface StoredWidget {
  readonly widget: Widget;
  /** Insertion order, like the database's serial id: breaks ties between equal `createdAt`. */
  readonly sequence: number;
}

export class InMemoryWidgetRepository implements WidgetRepository {
  private readonly byName = new Map<string, StoredWidget>();
  private nextSequence = 1;

  /** `ownerExists` plays the database's foreign key from a widget to its owner. */
  constructor(private readonly ownerExists: (publicId: string) => boolean = () => true) {}

  async add(widget: Widget): Promise<void> {
    if (this.byName.has(widget.name)) throw widgetNameTaken(widget.name);
    if (!this.ownerExists(widget.owner.publicId)) throw ownerGone();
    this.byName.set(widget.name, { widget: copy(widget), sequence: this.nextSequence++ });
  }

  async findByName(name: string): Promise<Widget | null> {
    const stored = this.byName.get(name);
    return stored ? copy(stored.widget) : null;
  }

  async list({ offset, limit }: PageQuery): Promise<Slice<Widget>> {
    const ordered = [...this.byName.values()].sort(
      (a, b) =>
        a.widget.createdAt.getTime() - b.widget.createdAt.getTime() || a.sequence - b.sequence,
    );
    return {
      items: ordered.slice(offset, offset + limit).map((stored) => copy(stored.widget)),
      total: ordered.length,
    };
  }

  async update(name: string, changes: WidgetChanges): Promise<Widget | null> {
    const stored = this.byName.get(name);
    if (!stored) return null;
    const widget: Widget = {
      ...stored.widget,
      infoUrl: changes.infoUrl,
      deadline: new Date(changes.deadline.getTime()),
    };
    this.byName.set(name, { ...stored, widget });
    return copy(widget);
  }

  async remove(name: string): Promise<boolean> {
    return this.byName.delete(name);
  }

  /** How many widgets the user owns (what the database's foreign key protects). */
  countOwnedBy(publicId: string): number {
    return [...this.byName.values()].filter((s) => s.widget.owner.publicId === publicId).length;
  }
}

function copy(widget: Widget): Widget {
  return {
    ...widget,
    deadline: new Date(widget.deadline.getTime()),
    createdAt: new Date(widget.createdAt.getTime()),
    owner: { ...widget.owner },
  };
}
