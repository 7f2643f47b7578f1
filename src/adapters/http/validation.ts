import { Ajv, type ErrorObject } from 'ajv';
import type { Static, TObject } from 'typebox';
import { DomainError } from '../../domain/index.js';

/** flask-restx's wording for a missing field, which the original API's clients see. */
export const MISSING_FIELD =
  'Missing required parameter in the JSON body or the post body or the query string';

// Strict: an unknown keyword (a typo) is an error. The schemas' OpenAPI annotations are standard
// JSON Schema ones (`examples`), which Ajv knows.
const ajv = new Ajv({ allErrors: true, strict: true, coerceTypes: false });

// The schemas state the domain's limits for the document's readers, but each limit is the domain
// rule's to enforce, with its field's contract message (`errors.email: … is not a valid email`),
// not Ajv's `must NOT have more than 254 characters`: here they are annotations. A field with
// no rule (a refresh token's pattern) keeps the answer the route gives it (401, not 400).
const DOMAIN_LIMITS = ['maxLength', 'minLength', 'pattern'] as const;
for (const keyword of DOMAIN_LIMITS) {
  ajv.removeKeyword(keyword);
  ajv.addKeyword({ keyword, schemaType: keyword === 'pattern' ? 'string' : 'number' });
}

/** A domain rule for one string field: `null` when fine, else the message for `errors.<field>`. */
export type FieldRule = (value: string) => string | null;

/** The rules of some of `T`'s fields. */
export type FieldRules<T> = Partial<Record<keyof T & string, FieldRule>>;

function fieldOf(error: ErrorObject): string {
  if (error.keyword === 'required') return String(error.params.missingProperty);
  return error.instancePath.split('/')[1] ?? 'body';
}

function shapeMessage(error: ErrorObject, field: string): string {
  switch (error.keyword) {
    case 'required':
      return MISSING_FIELD;
    case 'type':
      return field === 'body'
        ? 'The request body must be an object'
        : `${field} must be a ${String(error.params.type)}`;
    default:
      return `${field} ${error.message ?? 'is invalid'}`;
  }
}

/**
 * Compiles a validator: Ajv checks shape and types against the JSON Schema (the same schema the
 * OpenAPI document publishes), then each domain rule runs on its well-typed field. Every failing
 * field is reported at once, as one VALIDATION error.
 */
export function validator<S extends TObject>(
  schema: S,
  rules: FieldRules<Static<S>> = {},
): (input: unknown) => Static<S> {
  const check = ajv.compile<Static<S>>(schema);
  return (input) => {
    const fields: Record<string, string> = {};
    if (!check(input)) {
      for (const error of check.errors ?? []) {
        const field = fieldOf(error);
        fields[field] ??= shapeMessage(error, field);
      }
    }
    const values = (typeof input === 'object' && input !== null ? input : {}) as Record<
      string,
      unknown
    >;
    for (const [field, rule] of Object.entries(rules) as Array<[string, FieldRule]>) {
      const value = Object.hasOwn(values, field) ? values[field] : undefined;
      if (fields[field] === undefined && typeof value === 'string') {
        const problem = rule(value);
        if (problem !== null) fields[field] = problem;
      }
    }
    if (Object.keys(fields).length > 0) throw DomainError.validation(fields);
    return input as Static<S>;
  };
}
