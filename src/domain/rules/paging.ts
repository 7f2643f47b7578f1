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

/** One slice of a listing and the size of the whole. */
export interface Page<T> {
  /** At most `limit` items, in the listing's order. */
  readonly items: T[];
  /** How many items exist in all. */
  readonly total: number;
}

/** A page as a client asked for it: 1-based `page` of `perPage` items. */
export interface Listing<T> extends Page<T> {
  readonly page: number;
  readonly perPage: number;
}

/**
 * The slice for a 1-based `page` of `perPage` items, after checking both against the rules above
 * (one VALIDATION error naming each failing parameter), whatever adapter asked.
 */
export function pageQuery(page: number, perPage: number): PageQuery {
  assertValid({ page: pageProblem(String(page)), per_page: perPageProblem(String(perPage)) });
  return { offset: (page - 1) * perPage, limit: perPage };
}
