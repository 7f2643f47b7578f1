import type { JSONSchemaType } from 'ajv';

/**
 * JSON Schemas of request bodies and parameters: Ajv validates requests with them and the OpenAPI
 * document publishes them, so the two cannot disagree.
 */

export interface Credentials {
  email: string;
  password: string;
}

export const credentialsSchema: JSONSchemaType<Credentials> = {
  type: 'object',
  properties: {
    email: { type: 'string', example: 'user@example.com' },
    password: { type: 'string', example: 'correct horse battery' },
  },
  required: ['email', 'password'],
};

export interface WidgetBody {
  name: string;
  info_url: string;
  deadline: string;
}

const widgetFields = {
  info_url: { type: 'string', maxLength: 255, example: 'https://www.example.com' },
  deadline: { type: 'string', example: '2031-05-13' },
} as const;

export const widgetSchema: JSONSchemaType<WidgetBody> = {
  type: 'object',
  properties: {
    name: { type: 'string', maxLength: 100, example: 'my-widget' },
    ...widgetFields,
  },
  required: ['name', 'info_url', 'deadline'],
};

export interface WidgetListQuery {
  page?: string;
  per_page?: string;
}

export const widgetListQuerySchema: JSONSchemaType<WidgetListQuery> = {
  type: 'object',
  properties: {
    page: { type: 'string', nullable: true, example: '1' },
    per_page: { type: 'string', nullable: true, example: '10' },
  },
  required: [],
};
