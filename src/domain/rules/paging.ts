export const PER_PAGE_CHOICES = [5, 10, 25, 50, 100] as const;
export const DEFAULT_PER_PAGE = 10;
export const MAX_PAGE = 999_999_999;

/** `page`: decimal digits only, 1 to 999999999. */
export function pageProblem(raw: string): string | null {
  const valid = /^[0-9]{1,9}$/.test(raw) && Number(raw) >= 1;
  return valid ? null : `page must be a whole number from 1 to ${MAX_PAGE}`;
}

/** `per_page`: one of the listed page sizes. */
export function perPageProblem(raw: string): string | null {
  const valid = (PER_PAGE_CHOICES as readonly number[]).some((n) => String(n) === raw);
  return valid ? null : `per_page must be one of ${PER_PAGE_CHOICES.join(', ')}`;
}
