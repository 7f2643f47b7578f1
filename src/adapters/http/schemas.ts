import Type from './jsonSchema.js';
import {
  EMAIL_MAX_LENGTH,
  INFO_URL_MAX_LENGTH,
  MAX_PAGE,
  MAX_PER_PAGE,
  PASSWORD_MAX_BYTES,
  PASSWORD_MIN_CHARACTERS,
  PER_PAGE_CHOICES,
  REFRESH_TOKEN_LENGTH,
  REFRESH_TOKEN_PATTERN,
  WIDGET_NAME_MAX_LENGTH,
} from '../../domain/index.js';

/**
 * JSON Schemas of request bodies and parameters, written with TypeBox so that each is one object
 * with its TypeScript type derived (`Static<>`): Ajv checks shape and types with it, the domain
 * rules do the rest, and the OpenAPI document publishes the very same object. The limits here
 * (`maxLength`, `minLength`, `pattern`) are the domain's constants, stated for clients; the
 * validator reads them as annotations (validation.ts), so an over-long field still gets its
 * field's contract message from the domain rule, never Ajv's. `examples` is JSON Schema's own
 * annotation keyword, so Ajv and OpenAPI 3.1 both take it as it is.
 */

const email = Type.String({ maxLength: EMAIL_MAX_LENGTH, examples: ['user@example.com'] });

/** The register-time policy: JSON Schema counts characters, the domain rule bytes. */
const newPassword = (example: string) =>
  Type.String({
    minLength: PASSWORD_MIN_CHARACTERS,
    maxLength: PASSWORD_MAX_BYTES,
    description:
      `At least ${PASSWORD_MIN_CHARACTERS} characters and at most ${PASSWORD_MAX_BYTES} bytes ` +
      `in UTF-8: fewer than ${PASSWORD_MAX_BYTES} characters when some take several bytes`,
    examples: [example],
  });

/**
 * A password checked against the stored hash only: no length rule, so that a policy change locks
 * nobody out; the 64 KiB body bounds it (.spectral.yaml says so for the OWASP lint).
 */
const currentPassword = Type.String({ examples: ['correct horse battery'] });

/** `POST /api/v1/auth/register`: the email and password rules apply. */
export const registrationSchema = Type.Object({
  email,
  password: newPassword('correct horse battery'),
});

/** `POST /api/v1/auth/login`: the email's form is checked, the password only against the hash. */
export const credentialsSchema = Type.Object({ email, password: currentPassword });

export const passwordChangeSchema = Type.Object({
  current_password: currentPassword,
  new_password: newPassword('battery staple horse'),
});

/**
 * `POST /api/v1/auth/refresh`: only the type is checked here; a string that is no refresh token
 * is refused like an unknown one (401), so the 400 says nothing about what tokens look like.
 */
export const refreshRequestSchema = Type.Object({
  refresh_token: Type.String({
    maxLength: REFRESH_TOKEN_LENGTH,
    pattern: REFRESH_TOKEN_PATTERN.source,
    examples: ['Xq3v0b7yJ8kQm2Zt5nWc9LrA1sD4fG6hK8pE0uY2iO4'],
  }),
});

/** The deadline has no length rule: an ISO 8601 date-time may carry any fraction of a second. */
export const widgetSchema = Type.Object({
  name: Type.String({ maxLength: WIDGET_NAME_MAX_LENGTH, examples: ['my-widget'] }),
  info_url: Type.String({ maxLength: INFO_URL_MAX_LENGTH, examples: ['https://www.example.com'] }),
  deadline: Type.String({ examples: ['2031-05-13'] }),
});

/** The query of every paginated listing (widgets, users) as sent: both optional, strings. */
export const pageQuerySchema = Type.Object({
  page: Type.Optional(Type.String({ examples: ['1'] })),
  per_page: Type.Optional(Type.String({ examples: ['10'] })),
});

/**
 * The same query as the document states it, for clients to generate from: whole numbers within
 * the domain's limits. The server reads the text itself (pageQuerySchema, then the domain rules),
 * so `page=abc` still gets the contract's 400.
 */
export const pageParametersSchema = Type.Object({
  page: Type.Optional(
    Type.Integer({ format: 'int32', minimum: 1, maximum: MAX_PAGE, examples: [1] }),
  ),
  per_page: Type.Optional(
    Type.Unsafe<number>({
      type: 'integer',
      format: 'int32',
      enum: [...PER_PAGE_CHOICES],
      minimum: Math.min(...PER_PAGE_CHOICES),
      maximum: MAX_PER_PAGE,
      examples: [10],
    }),
  ),
});

/** Deleting one's own account: the current password. */
export const passwordConfirmationSchema = Type.Object({ password: currentPassword });

/** An administrator's change to a user: `admin`, a boolean (`true`/`false` in a form). */
export const adminRightsSchema = Type.Object({
  admin: Type.Boolean({ examples: [true] }),
});
