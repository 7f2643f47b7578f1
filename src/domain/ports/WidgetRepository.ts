import type { Widget, WidgetChanges } from '../Widget.js';

export interface WidgetPageQuery {
  readonly offset: number;
  readonly limit: number;
}

export interface WidgetPage {
  /** At most `limit` widgets, oldest first (by `createdAt`, ties in insertion order). */
  readonly items: Widget[];
  /** How many widgets exist in all. */
  readonly total: number;
}

/**
 * Widgets by name. Every `name` argument is in normalised (lower-case) form, so lookups are
 * case-insensitive. PutWidget stays atomic without a transaction port: `update`; when that finds
 * nothing, `add`; when `add` throws CONFLICT (another request created it meanwhile), `update`
 * again. Concurrent PUTs of one missing name thus give one create and the rest updates.
 */
export interface WidgetRepository {
  /** Stores a new widget; a taken name (races included) throws `widgetNameTaken` (CONFLICT). */
  add(widget: Widget): Promise<void>;
  findByName(name: string): Promise<Widget | null>;
  /** One page and the total count. */
  list(query: WidgetPageQuery): Promise<WidgetPage>;
  /** Applies the changes and returns the updated widget, or `null` when no such widget exists. */
  update(name: string, changes: WidgetChanges): Promise<Widget | null>;
  /** Returns false when no such widget exists. */
  remove(name: string): Promise<boolean>;
}
