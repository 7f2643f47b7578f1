import type { JSONSchemaType } from 'ajv';

/**
 * JSON Schemas of request bodies and parameters: Ajv checks their shape and types with them, and
 * the domain rules do the rest (lengths included, so each field has its contract message). The
 * OpenAPI document (openapi.ts) publishes these very objects. `examples` is JSON Schema's own
 * annotation keyword, so Ajv and OpenAPI 3.1 both take it as it is.
 */

export interface Credentials {
  email: string;
  password: string;
}

export const credentialsSchema: JSONSchemaType<Credentials> = {
  type: 'object',
  properties: {
    email: { type: 'string', examples: ['user@example.com'] },
    password: { type: 'string', examples: ['correct horse battery'] },
  },
  required: ['email', 'password'],
};

export interface PasswordChange {
  current_password: string;
  new_password: string;
}

export const passwordChangeSchema: JSONSchemaType<PasswordChange> = {
  type: 'object',
  properties: {
    current_password: { type: 'string', examples: ['correct horse battery'] },
    new_password: { type: 'string', examples: ['battery staple horse'] },
  },
  required: ['current_password', 'new_password'],
};

export interface RefreshRequest {
  refresh_token: string;
}

/**
 * `POST /api/v1/auth/refresh`: only the type is checked here; a string that is no refresh token
 * is refused like an unknown one (401), so the 400 says nothing about what tokens look like.
 */
export const refreshRequestSchema: JSONSchemaType<RefreshRequest> = {
  type: 'object',
  properties: {
    refresh_token: { type: 'string', examples: ['Xq3v0b7yJ8kQm2Zt5nWc9LrA1sD4fG6hK8pE0uY2iO4'] },
  },
  required: ['refresh_token'],
};

export interface WidgetBody {
  name: string;
  info_url: string;
  deadline: string;
}

const widgetFields = {
  info_url: { type: 'string', examples: ['https://www.example.com'] },
  deadline: { type: 'string', examples: ['2031-05-13'] },
} as const;

export const widgetSchema: JSONSchemaType<WidgetBody> = {
  type: 'object',
  properties: {
    name: { type: 'string', examples: ['my-widget'] },
    ...widgetFields,
  },
  required: ['name', 'info_url', 'deadline'],
};

/** The query of every paginated listing (widgets, users). */
export interface PageQueryParameters {
  page?: string;
  per_page?: string;
}

export const pageQuerySchema: JSONSchemaType<PageQueryParameters> = {
  type: 'object',
  properties: {
    page: { type: 'string', nullable: true, examples: ['1'] },
    per_page: { type: 'string', nullable: true, examples: ['10'] },
  },
  required: [],
};

export interface PasswordConfirmation {
  password: string;
}

/** Deleting one's own account: the current password. */
export const passwordConfirmationSchema: JSONSchemaType<PasswordConfirmation> = {
  type: 'object',
  properties: { password: { type: 'string', examples: ['correct horse battery'] } },
  required: ['password'],
};

export interface AdminRights {
  admin: boolean;
}

/** An administrator's change to a user: `admin`, a boolean (`true`/`false` in a form). */
export const adminRightsSchema: JSONSchemaType<AdminRights> = {
  type: 'object',
  properties: { admin: { type: 'boolean', examples: [true] } },
  required: ['admin'],
};
