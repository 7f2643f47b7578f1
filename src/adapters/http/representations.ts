import type { Static, TSchema } from 'typebox';
import Type from './jsonSchema.js';
import { PER_PAGE_CHOICES, REFRESH_TOKEN_PATTERN } from '../../domain/index.js';

/**
 * The JSON Schemas of what the API answers, written once: the OpenAPI document publishes them
 * and presentation.ts builds values of their `Static<>` types, so a field added, renamed or
 * retyped here is a type error in the code that writes it.
 */

/** A string with an example (and a description): the document's usual leaf. */
const text = (example: string, description?: string) =>
  Type.String({ ...(description === undefined ? {} : { description }), examples: [example] });

/** A string from a closed list, typed as that union (JSON Schema's `enum` on a string). */
function oneOf<const T extends readonly string[]>(
  values: T,
  options: { description?: string } = {},
) {
  return Type.Unsafe<T[number]>({ type: 'string', ...options, enum: [...values] });
}

/** `#/components/schemas/<name>`, typed as `T`, the schema it names. */
export function componentRef<T extends TSchema>(name: string) {
  return Type.Unsafe<Static<T>>({ $ref: `#/components/schemas/${name}` });
}

const TIMESTAMP = 'UTC, `MM/DD/YY hh:mm:ss AM UTC`';
export const ACCESS_TOKEN_EXAMPLE = 'eyJhbGciOiJIUzI1NiIsInR5cCI6ImF0K2p3dCJ9…';
export const REFRESH_TOKEN_EXAMPLE = 'Xq3v0b7yJ8kQm2Zt5nWc9LrA1sD4fG6hK8pE0uY2iO4';
export const REFRESH_TTL_EXAMPLE = 2_592_000;

// Closed, so that a token answer carries refresh fields exactly when the document adds them.
export const tokenResponseSchema = Type.Object(
  {
    status: Type.Literal('success'),
    message: text('successfully registered'),
    access_token: text(ACCESS_TOKEN_EXAMPLE, 'A JWS; send it as Bearer'),
    token_type: Type.Literal('bearer'),
    expires_in: Type.Integer({ description: 'Lifetime in seconds', examples: [3600] }),
  },
  { additionalProperties: false },
);

/** What every token answer adds with REFRESH_TOKENS=on (openapiRefresh.ts publishes them). */
export const refreshFieldsSchema = Type.Object({
  refresh_token: Type.String({
    pattern: REFRESH_TOKEN_PATTERN.source,
    description:
      'Opaque: 256 random bits, base64url. Spent by its first use at /api/v1/auth/refresh; ' +
      'keep the one of the latest answer',
    examples: [REFRESH_TOKEN_EXAMPLE],
  }),
  refresh_expires_in: Type.Integer({
    minimum: 1,
    description: 'Lifetime of the refresh token in seconds (REFRESH_TOKEN_TTL_SECONDS)',
    examples: [REFRESH_TTL_EXAMPLE],
  }),
});
export type TokenRepresentation = Static<typeof tokenResponseSchema> &
  Partial<Static<typeof refreshFieldsSchema>>;

export const messageSchema = Type.Object({
  status: Type.Literal('success'),
  message: Type.String(),
});
export type MessageRepresentation = Static<typeof messageSchema>;

export const errorSchema = Type.Object({
  status: oneOf(['fail', 'error'], { description: '`error` for 500' }),
  message: Type.String(),
  errors: Type.Optional(
    Type.Unsafe<Record<string, string>>({
      type: 'object',
      description: 'Validation failures only: every failing field (or query parameter) at once',
      additionalProperties: { type: 'string' },
    }),
  ),
});

const accountProperties = {
  email: text('user@example.com'),
  public_id: Type.String({ format: 'uuid' }),
  admin: Type.Boolean(),
  registered_on: text('02/29/20 09:03:29 PM UTC', TIMESTAMP),
};

/** The user object of the admin routes (presentAccount). */
export const accountSchema = Type.Object(accountProperties);
export type AccountRepresentation = Static<typeof accountSchema>;

/** `GET /api/v1/auth/user` (presentUser): the user object and the presented token's time left. */
export const userSchema = Type.Object({
  ...accountProperties,
  token_expires_in: text('00:59:58', 'Time left on the presented token: `[N day(s), ]HH:MM:SS`'),
});
export type UserRepresentation = Static<typeof userSchema>;

export const widgetRepresentationSchema = Type.Object({
  name: text('my-widget'),
  info_url: Type.String({ format: 'uri', examples: ['https://www.example.com'] }),
  created_at: text('02/29/20 09:03:29 PM UTC', TIMESTAMP),
  created_at_iso8601: Type.String({ format: 'date-time', examples: ['2020-02-29T21:03:29Z'] }),
  created_at_rfc822: text('Sat, 29 Feb 2020 21:03:29 -0000'),
  deadline: text('05/13/31 11:59:59 PM UTC', TIMESTAMP),
  deadline_passed: Type.Boolean(),
  time_remaining: text('30 days 2 hours 56 minutes 30 seconds', 'or `No time remaining`'),
  owner: Type.Object({
    email: text('admin@example.com'),
    public_id: Type.String({ format: 'uuid' }),
  }),
  link: Type.String({ format: 'uri-reference', examples: ['/api/v1/widgets/my-widget'] }),
});
export type WidgetRepresentation = Static<typeof widgetRepresentationSchema>;

/** The page object of the listing at `path` (presentPage), its items of schema `item`. */
export function pageSchema<T extends TSchema>(path: string, item: T) {
  const pageLink = Type.String({
    format: 'uri-reference',
    examples: [`${path}?page=1&per_page=10`],
  });
  return Type.Object({
    links: Type.Object(
      {
        self: pageLink,
        first: pageLink,
        prev: Type.Optional(pageLink),
        next: Type.Optional(pageLink),
        last: pageLink,
      },
      { description: '`prev` and `next` only when there is such a page' },
    ),
    has_prev: Type.Boolean(),
    has_next: Type.Boolean(),
    page: Type.Integer({ minimum: 1 }),
    total_pages: Type.Integer({ minimum: 0 }),
    items_per_page: Type.Unsafe<number>({ type: 'integer', enum: [...PER_PAGE_CHOICES] }),
    total_items: Type.Integer({ minimum: 0 }),
    items: Type.Array(item, { description: 'Oldest first; empty past the last page' }),
  });
}
type PageObject = Static<ReturnType<typeof pageSchema<TSchema>>>;
export type PageLinks = PageObject['links'];
export type PageRepresentation<T> = Omit<PageObject, 'items'> & { items: T[] };

export const healthSchema = Type.Object({ status: Type.Literal('ok') });

export const notReadySchema = Type.Object({
  status: Type.Literal('fail'),
  message: Type.Literal('Service unavailable'),
  checks: Type.Object(
    {
      database: oneOf(['up', 'down']),
      redis: Type.Optional(oneOf(['up', 'down'])),
      server: Type.Optional(Type.Literal('down')),
    },
    {
      description:
        'Each dependency: `database` always, `redis` with RATE_LIMIT_STORE=redis; `down` when ' +
        'it does not answer. `server` (`down`) only while the process shuts down (SIGTERM/SIGINT): ' +
        'its requests in flight finish, it takes no new ones',
      additionalProperties: false,
    },
  ),
});

export const jwkSetSchema = Type.Object({
  keys: Type.Array(
    Type.Object({
      kty: oneOf(['OKP', 'EC']),
      crv: oneOf(['Ed25519', 'P-256']),
      x: Type.String(),
      y: Type.Optional(Type.String({ description: 'EC keys only' })),
      kid: Type.String(),
      alg: oneOf(['EdDSA', 'ES256']),
      use: Type.Literal('sig'),
    }),
    { description: 'Current key first, then the previous ones that still verify tokens' },
  ),
});
