import {
  assertAdmin,
  normalizeWidgetName,
  widgetNameProblem,
  widgetNotFound,
  type Actor,
  type WidgetRepository,
} from '../domain/index.js';

/** Admins only; the name in any case. */
export class DeleteWidget {
  constructor(private readonly widgets: WidgetRepository) {}

  async execute(actor: Actor, name: string): Promise<void> {
    assertAdmin(actor);
    // No widget can bear an invalid name: answer without asking the store (which might choke on it).
    if (widgetNameProblem(name) !== null) throw widgetNotFound(name);
    if (!(await this.widgets.remove(normalizeWidgetName(name)))) throw widgetNotFound(name);
  }
}
