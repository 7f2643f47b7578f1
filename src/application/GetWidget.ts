import {
  normalizeWidgetName,
  widgetNotFound,
  type Widget,
  type WidgetRepository,
} from '../domain/index.js';

/** Any authenticated caller; the name in any case. */
export class GetWidget {
  constructor(private readonly widgets: WidgetRepository) {}

  async execute(name: string): Promise<Widget> {
    const widget = await this.widgets.findByName(normalizeWidgetName(name));
    if (!widget) throw widgetNotFound(name);
    return widget;
  }
}
