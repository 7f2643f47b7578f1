export const PER_PAGE_CHOICES = [5, 10, 25, 50, 100] as const;
export const DEFAULT_PER_PAGE = 10;
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
