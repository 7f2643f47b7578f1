import { assertValid } from '../DomainError.js';

export const PER_PAGE_CHOICES = [5, 10, 25, 50, 100] as const;
export const DEFAULT_PER_PAGE = 10;
/** The largest page size: what a caller reading every page asks for. */
export const MAX_PER_PAGE = Math.max(...PER_PAGE_CHOICES);
export const MAX_PAGE = 999_999_999;

/** The value of a string of decimal digits (leading zeros allowed, as `int()` reads them). */
function digits(raw: string): number | null {
  return /^[0-9]+$/.test(raw) ? Number(raw) : null;
}

/** `page`: decimal digits only, 1 to 999999999. */
export function pageProblem(raw: string): string | null {
  const page = digits(raw);
  const valid = page !== null && page >= 1 && page <= MAX_PAGE;
  return valid ? null : `page must be a whole number from 1 to ${MAX_PAGE}`;
}

/** `per_page`: decimal digits naming one of the listed page sizes. */
export function perPageProblem(raw: string): string | null {
  const perPage = digits(raw);
  const valid = (PER_PAGE_CHOICES as readonly number[]).some((n) => n === perPage);
  return valid ? null : `per_page must be one of ${PER_PAGE_CHOICES.join(', ')}`;
}

/** Which slice of a listing to read: `limit` items after the first `offset`. */
export interface PageQuery {
  readonly offset: number;
  readonly limit: number;
}

/** One slice of a listing and the size of the whole: what a repository reads. */
export interface Slice<T> {
  /** At most `limit` items, in the listing's order. */
  readonly items: T[];
  /** How many items exist in all. */
  readonly total: number;
}

/** Which page a client asked for: 1-based `page` of `perPage` items. */
export interface PageRequest {
  readonly page: number;
  readonly perPage: number;
}

/** The pages a client can go to from a page, by number; null where there is none. */
export interface PageNumbers {
  readonly self: number;
  readonly first: number;
  readonly prev: number | null;
  readonly next: number | null;
  readonly last: number;
}

/**
 * A page of a listing as every adapter presents it (widgets and users alike), its counts and
 * neighbours computed once by `pageOf`.
 */
export interface Page<T> extends PageRequest {
  readonly items: T[];
  readonly total: number;
  /** ceil(total / perPage): 0 for an empty listing. */
  readonly totalPages: number;
  readonly hasPrev: boolean;
  readonly hasNext: boolean;
  readonly links: PageNumbers;
}

/**
 * The slice for a 1-based `page` of `perPage` items, after checking both against the rules above
 * (one VALIDATION error naming each failing parameter), whatever adapter asked.
 */
export function pageQuery(page: number, perPage: number): PageQuery {
  assertValid({ page: pageProblem(String(page)), per_page: perPageProblem(String(perPage)) });
  return { offset: (page - 1) * perPage, limit: perPage };
}

/**
 * The page `request` names, holding `slice`. As flask-sqlalchemy's Pagination, whose answers the
 * tutorial's clients read: `has_prev` is page > 1 and `prev` is page - 1 even past the end;
 * `has_next` is page < total_pages; `last` is the last page, or 1 for an empty listing (a link
 * to page 0 would be refused).
 */
export function pageOf<T>(request: PageRequest, slice: Slice<T>): Page<T> {
  const { page, perPage } = request;
  const totalPages = Math.ceil(slice.total / perPage);
  const hasPrev = page > 1;
  const hasNext = page < totalPages;
  return {
    items: slice.items,
    total: slice.total,
    page,
    perPage,
    totalPages,
    hasPrev,
    hasNext,
    links: {
      self: page,
      first: 1,
      prev: hasPrev ? page - 1 : null,
      next: hasNext ? page + 1 : null,
      last: Math.max(totalPages, 1),
    },
  };
}

/** Checks `request`, reads its slice with `read`, and answers the page. */
export async function readPage<T>(
  request: PageRequest,
  read: (query: PageQuery) => Promise<Slice<T>>,
): Promise<Page<T>> {
  return pageOf(request, await read(pageQuery(request.page, request.perPage)));
}
