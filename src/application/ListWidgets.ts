import {
  assertValid,
  pageProblem,
  perPageProblem,
  type Widget,
  type WidgetRepository,
} from '../domain/index.js';

export interface ListWidgetsInput {
  readonly page: number;
  readonly perPage: number;
}

export interface WidgetListing {
  readonly items: Widget[];
  readonly total: number;
  readonly page: number;
  readonly perPage: number;
}

/** One page of widgets, oldest first; a page past the end is simply empty. */
export class ListWidgets {
  constructor(private readonly widgets: WidgetRepository) {}

  async execute({ page, perPage }: ListWidgetsInput): Promise<WidgetListing> {
    assertValid({ page: pageProblem(String(page)), per_page: perPageProblem(String(perPage)) });
    const { items, total } = await this.widgets.list({
      offset: (page - 1) * perPage,
      limit: perPage,
    });
    return { items, total, page, perPage };
  }
}
