import {
  assertAdmin,
  normalizeWidgetName,
  widgetNotFound,
  type Actor,
  type WidgetRepository,
} from '../domain/index.js';

/** Admins only; the name in any case. */
export class DeleteWidget {
  constructor(private readonly widgets: WidgetRepository) {}

  async execute(actor: Actor, name: string): Promise<void> {
    assertAdmin(actor);
    if (!(await this.widgets.remove(normalizeWidgetName(name)))) throw widgetNotFound(name);
  }
}
