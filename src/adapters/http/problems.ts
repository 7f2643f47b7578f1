/** A failure of the HTTP layer itself (routing, media type, size), before any use case runs. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

// Werkzeug's wording, as the original API sends for these.
export const HTTP_MESSAGES = {
  notFound:
    'The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.',
  methodNotAllowed: 'The method is not allowed for the requested URL.',
  unsupportedMediaType: 'The server does not support the media type transmitted in the request.',
  payloadTooLarge: 'The data value transmitted exceeds the capacity limit.',
  malformedJson: 'Malformed JSON body',
  // The API's own, for what Werkzeug has no words for.
  invalidUtf8: 'Request body is not valid UTF-8',
  invalidHost: 'Invalid Host header',
  invalidForwardedProto: 'Invalid X-Forwarded-Proto header',
  badRequest: 'The browser (or proxy) sent a request that this server could not understand.',
  headersTooLarge: 'One or more header fields exceeds the maximum size.',
  requestTimeout:
    "The server closed the network connection because the browser didn't finish the request within the specified time.",
} as const;

/**
 * The body issue 5 specifies for a database (and issue 12 for Redis) that cannot be reached:
 * `fail`, not the 500's `error` — the request was fine, and the same request may succeed once it
 * is back. No Retry-After: nothing here knows when that will be, and /health/ready says when it is.
 */
export const UNAVAILABLE_BODY = { status: 'fail', message: 'Service unavailable' } as const;

/** Any other failure: logged, and never detailed. */
export const INTERNAL_ERROR_BODY = { status: 'error', message: 'Internal server error' } as const;
