import {
  jsonSchema,
  type JsonSchema,
  type OpenApiDocument,
  type Operation,
  type Response,
} from './openapiTypes.js';
import {
  componentRef,
  REFRESH_TOKEN_EXAMPLE,
  REFRESH_TTL_EXAMPLE,
  refreshFieldsSchema,
} from './representations.js';
import { REFRESH_PATH } from './authRoutes.js';

/**
 * What REFRESH_TOKENS=on changes in the rest of the OpenAPI document (the refresh route itself
 * is in the route table): the two refresh fields of every token answer, and its examples.
 */

const TOKEN_RESPONSE = 'TokenResponse';
const REFRESH_FIELDS_NOTE =
  '`refresh_token` and `refresh_expires_in` only with REFRESH_TOKENS=on (off: the body ends at ' +
  '`expires_in`).';

/** `document` with the refresh fields in every token answer; the document is left as it was. */
export function withRefreshTokens(document: OpenApiDocument): OpenApiDocument {
  const { schemas } = document.components;
  const tokenResponse = schemas[TOKEN_RESPONSE];
  if (tokenResponse === undefined) throw new Error(`the document has no ${TOKEN_RESPONSE}`);
  const paths = Object.fromEntries(
    Object.entries(document.paths).map(([path, item]) => [
      path,
      Object.fromEntries(
        Object.entries(item).map(([method, operation]) => [
          method,
          // The refresh route's own answers need no note: it exists with REFRESH_TOKENS=on only.
          withRefreshExample(operation, path !== REFRESH_PATH),
        ]),
      ),
    ]),
  );
  return {
    ...document,
    paths,
    components: {
      ...document.components,
      schemas: { ...schemas, [TOKEN_RESPONSE]: withRefreshFields(tokenResponse) },
    },
  };
}

/** Every token answer also carries the session's refresh token, after `expires_in`. */
function withRefreshFields(schema: JsonSchema): JsonSchema {
  return {
    ...schema,
    properties: { ...schema.properties, ...jsonSchema(refreshFieldsSchema).properties },
    required: [...(schema.required ?? []), ...refreshFieldsSchema.required],
  };
}

/**
 * Token answers: their examples must hold the fields the schema now requires, and their
 * descriptions say the fields are REFRESH_TOKENS=on's (the reference is generated from this
 * document, and read by people running with it off too).
 */
function withRefreshExample(operation: Operation, note: boolean): Operation {
  const tokenRef = jsonSchema(componentRef(TOKEN_RESPONSE)).$ref;
  const responses = Object.entries(operation.responses).map(
    ([status, response]): [string, Response] => {
      const json = response.content?.['application/json'];
      const example: unknown = json?.example;
      const answersToken = json?.schema.$ref === tokenRef;
      if (json === undefined || !answersToken || !isObject(example)) return [status, response];
      const refreshed = {
        ...example,
        refresh_token: REFRESH_TOKEN_EXAMPLE,
        refresh_expires_in: REFRESH_TTL_EXAMPLE,
      };
      return [
        status,
        {
          ...response,
          description: note
            ? `${response.description.replace(/\.$/, '')}. ${REFRESH_FIELDS_NOTE}`
            : response.description,
          content: { ...response.content, 'application/json': { ...json, example: refreshed } },
        },
      ];
    },
  );
  return { ...operation, responses: Object.fromEntries(responses) };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
