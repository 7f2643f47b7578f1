import type { PageQuery } from '../../../domain/index.js';

/**
 * How to read the slice `query` names out of `total` rows kept in an index: from the start
 * (OFFSET `offset` in listing order), from the end (OFFSET `offset` in reverse order, the rows
 * then put back in listing order), or not at all when the slice starts past the last row.
 */
export type SliceWalk =
  | { readonly from: 'start' | 'end'; readonly offset: number; readonly limit: number }
  | { readonly from: 'nowhere' };

/**
 * OFFSET walks past every skipped entry of the index, so a slice past the middle is walked back
 * from the end: the last page of a long listing then costs what the first does. Pure, so the
 * arithmetic is tested on its own, for every position, without a database.
 */
export function sliceWalk({ offset, limit }: PageQuery, total: number): SliceWalk {
  if (offset >= total) return { from: 'nowhere' };
  const rowsAfter = total - offset - limit;
  if (offset <= rowsAfter) return { from: 'start', offset, limit };
  return { from: 'end', offset: Math.max(0, rowsAfter), limit: Math.min(limit, total - offset) };
}
