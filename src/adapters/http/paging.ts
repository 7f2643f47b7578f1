import {
  DEFAULT_PER_PAGE,
  pageProblem,
  perPageProblem,
  type Page,
  type PageRequest,
} from '../../domain/index.js';
import type { GatehouseContext } from './context.js';
import { pageLinkHeader, presentPage } from './presentation.js';
import { pageQuerySchema } from './schemas.js';
import { validator } from './validation.js';

// Every paginated listing (widgets, users) reads its query and answers its page the same way.

const pageParameters = validator(pageQuerySchema, {
  page: pageProblem,
  per_page: perPageProblem,
});

/** `page` and `per_page` of the query string (400 naming each invalid one), with defaults. */
export function requestedPage(query: unknown): PageRequest {
  const { page, per_page } = pageParameters(query);
  return {
    page: page === undefined ? 1 : Number(page),
    perPage: per_page === undefined ? DEFAULT_PER_PAGE : Number(per_page),
  };
}

/**
 * The page object of the listing at `path`, with its `Link` (absolute URLs) and `Total-Count`
 * headers. `base` is the caller's `baseUrl(ctx)`, checked before the listing was read.
 */
export function sendPage<T, R>(
  ctx: GatehouseContext,
  base: string,
  path: string,
  page: Page<T>,
  present: (item: T) => R,
): void {
  ctx.set('Link', pageLinkHeader(path, page, base));
  ctx.set('Total-Count', String(page.total));
  ctx.body = presentPage(path, page, present);
}
