import {
  widgetNameKey,
  widgetNotFound,
  type Widget,
  type WidgetRepository,
} from '../domain/index.js';

/** Any authenticated caller; the name in any case. */
export class GetWidget {
  constructor(private readonly widgets: WidgetRepository) {}

  async execute(name: string): Promise<Widget> {
    const key = widgetNameKey(name);
    const widget = key === null ? null : await this.widgets.findByName(key);
    if (!widget) throw widgetNotFound(name);
    return widget;
  }
}
