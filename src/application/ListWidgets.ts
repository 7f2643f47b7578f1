import { pageQuery, type Listing, type Widget, type WidgetRepository } from '../domain/index.js';

export interface ListWidgetsInput {
  readonly page: number;
  readonly perPage: number;
}

export type WidgetListing = Listing<Widget>;

/** One page of widgets, oldest first; a page past the end is simply empty. */
export class ListWidgets {
  constructor(private readonly widgets: WidgetRepository) {}

  async execute({ page, perPage }: ListWidgetsInput): Promise<WidgetListing> {
    const { items, total } = await this.widgets.list(pageQuery(page, perPage));
    return { items, total, page, perPage };
  }
}
