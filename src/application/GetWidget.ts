import {
  normalizeWidgetName,
  widgetNameProblem,
  widgetNotFound,
  type Widget,
  type WidgetRepository,
} from '../domain/index.js';

/** Any authenticated caller; the name in any case. */
export class GetWidget {
  constructor(private readonly widgets: WidgetRepository) {}

  async execute(name: string): Promise<Widget> {
    // No widget can bear an invalid name: answer without asking the store (which might choke on it).
    if (widgetNameProblem(name) !== null) throw widgetNotFound(name);
    const widget = await this.widgets.findByName(normalizeWidgetName(name));
    if (!widget) throw widgetNotFound(name);
    return widget;
  }
}
