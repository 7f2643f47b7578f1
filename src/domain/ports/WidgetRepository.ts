import type { PageQuery, Slice } from '../rules/paging.js';
import type { Widget, WidgetChanges } from '../Widget.js';

/**
 * Widgets by name. Every `name` argument is in normalised (lower-case) form, so lookups are
 * case-insensitive. PutWidget stays atomic without a transaction port: `update`; when that finds
 * nothing, `add`; when `add` throws CONFLICT (another request created it meanwhile), `update`
 * again. Concurrent PUTs of one missing name thus give one create and the rest updates.
 */
export interface WidgetRepository {
  /**
   * Stores a new widget; a taken name (races included) throws `widgetNameTaken` (CONFLICT). An
   * owner whose account is gone (deleted while the request ran) throws `ownerGone`.
   */
  add(widget: Widget): Promise<void>;
  findByName(name: string): Promise<Widget | null>;
  /** At most `limit` widgets, oldest first (by `createdAt`, ties in insertion order), and the count. */
  list(query: PageQuery): Promise<Slice<Widget>>;
  /** Applies the changes and returns the updated widget, or `null` when no such widget exists. */
  update(name: string, changes: WidgetChanges): Promise<Widget | null>;
  /** Returns false when no such widget exists. */
  remove(name: string): Promise<boolean>;
}
