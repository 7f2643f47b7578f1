import type { TSchema } from 'typebox';

/** The shapes of the OpenAPI 3.1 document the route table is mapped to (openapi.ts). */

/** A JSON Schema (2020-12, OpenAPI 3.1's dialect). */
export interface JsonSchema {
  [keyword: string]: unknown;
  properties?: Record<string, JsonSchema>;
  required?: readonly string[];
}

/**
 * A TypeBox schema as the document holds it. TypeBox builds plain JSON Schema objects, but its
 * types are interfaces without an index signature: this is the one place that says so.
 */
export function jsonSchema(schema: TSchema): JsonSchema {
  return schema as JsonSchema;
}

export interface Header {
  description: string;
  /** Sent on every response of that status (the drift tests hold the server to it). */
  required?: boolean;
  schema: JsonSchema;
}

export interface MediaType {
  schema: JsonSchema;
  example?: unknown;
}

export interface Response {
  description: string;
  headers?: Record<string, Header>;
  content?: Record<string, MediaType>;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  description: string;
  schema: JsonSchema;
}

export interface Operation {
  tags: string[];
  summary: string;
  description?: string;
  operationId: string;
  security?: Array<Record<string, string[]>>;
  parameters?: Parameter[];
  requestBody?: { required: boolean; description: string; content: Record<string, MediaType> };
  responses: Record<string, Response>;
}

export type HttpMethod = 'get' | 'put' | 'post' | 'patch' | 'delete';

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: {
    title: string;
    version: string;
    description: string;
    license: { name: string; identifier: string };
  };
  servers: Array<{ url: string }>;
  tags: Array<{ name: string; description: string }>;
  paths: Record<string, Partial<Record<HttpMethod, Operation>>>;
  components: {
    securitySchemes: Record<
      string,
      { type: string; scheme: string; bearerFormat: string; description: string }
    >;
    schemas: Record<string, JsonSchema>;
  };
  /** The answers of no operation: an unknown path (`NotFound`), a method the path lacks
   * (`MethodNotAllowed`). An extension, since components are for what operations reference. */
  'x-unrouted-responses': Record<'NotFound' | 'MethodNotAllowed', Response>;
}
