import {
  DEFAULT_PER_PAGE,
  MAX_PAGE,
  PER_PAGE_CHOICES,
  perPageProblem,
} from '../../domain/index.js';
import { BAD_HOST, HEADERS, jsonResponse, validationFailed } from './openapiAnswers.js';
import type { Response } from './openapiTypes.js';
import { componentRef } from './representations.js';
import { pageParametersSchema } from './schemas.js';

/** What every paginated listing (widgets, users) declares: its query and its answers. */

export const PAGE_QUERY = {
  schema: pageParametersSchema,
  descriptions: {
    page: `Decimal digits, 1 to ${MAX_PAGE}; default 1`,
    per_page: `One of ${PER_PAGE_CHOICES.join(', ')}; default ${DEFAULT_PER_PAGE}`,
  },
};

/** The answers of a listing whose page object is the component `page`. */
export function pageResponses(page: 'WidgetPage' | 'AccountPage'): Record<string, Response> {
  return {
    '200': jsonResponse('The page (a page past the last one has no items)', componentRef(page), {
      headers: { Link: HEADERS.link, 'Total-Count': HEADERS.totalCount },
    }),
    '400': validationFailed({ per_page: perPageProblem('0') ?? '' }, BAD_HOST),
  };
}
