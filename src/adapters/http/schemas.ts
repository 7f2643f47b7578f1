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
