import Type from 'typebox';

/**
 * JSON Schemas of request bodies and parameters, written with TypeBox so that each is one object
 * with its TypeScript type derived (`Static<>`): Ajv checks shape and types with it, the domain
 * rules do the rest (lengths included, so each field has its contract message), and the OpenAPI
 * document publishes the very same object. `examples` is JSON Schema's own annotation keyword,
 * so Ajv and OpenAPI 3.1 both take it as it is.
 */

export const credentialsSchema = Type.Object({
  email: Type.String({ examples: ['user@example.com'] }),
  password: Type.String({ examples: ['correct horse battery'] }),
});

export const passwordChangeSchema = Type.Object({
  current_password: Type.String({ examples: ['correct horse battery'] }),
  new_password: Type.String({ examples: ['battery staple horse'] }),
});

/**
 * `POST /api/v1/auth/refresh`: only the type is checked here; a string that is no refresh token
 * is refused like an unknown one (401), so the 400 says nothing about what tokens look like.
 */
export const refreshRequestSchema = Type.Object({
  refresh_token: Type.String({ examples: ['Xq3v0b7yJ8kQm2Zt5nWc9LrA1sD4fG6hK8pE0uY2iO4'] }),
});

export const widgetSchema = Type.Object({
  name: Type.String({ examples: ['my-widget'] }),
  info_url: Type.String({ examples: ['https://www.example.com'] }),
  deadline: Type.String({ examples: ['2031-05-13'] }),
});

/** PUT names the widget in its path: the body is the widget without `name`. */
export const widgetUpdateSchema = Type.Omit(widgetSchema, ['name']);

/** The query of every paginated listing (widgets, users): both optional, strings as sent. */
export const pageQuerySchema = Type.Object({
  page: Type.Optional(Type.String({ examples: ['1'] })),
  per_page: Type.Optional(Type.String({ examples: ['10'] })),
});

/** Deleting one's own account: the current password. */
export const passwordConfirmationSchema = Type.Object({
  password: Type.String({ examples: ['correct horse battery'] }),
});

/** An administrator's change to a user: `admin`, a boolean (`true`/`false` in a form). */
export const adminRightsSchema = Type.Object({
  admin: Type.Boolean({ examples: [true] }),
});
