import {
  assertAdmin,
  widgetNameKey,
  widgetNotFound,
  type Actor,
  type WidgetRepository,
} from '../domain/index.js';

/** Admins only; the name in any case. */
export class DeleteWidget {
  constructor(private readonly widgets: WidgetRepository) {}

  async execute(actor: Actor, name: string): Promise<void> {
    assertAdmin(actor);
    const key = widgetNameKey(name);
    if (key === null || !(await this.widgets.remove(key))) throw widgetNotFound(name);
  }
}
