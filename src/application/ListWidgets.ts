import {
  readPage,
  type Page,
  type PageRequest,
  type Widget,
  type WidgetRepository,
} from '../domain/index.js';

/** One page of widgets, oldest first; a page past the end is simply empty. */
export class ListWidgets {
  constructor(private readonly widgets: WidgetRepository) {}

  execute(request: PageRequest): Promise<Page<Widget>> {
    return readPage(request, (query) => this.widgets.list(query));
  }
}
