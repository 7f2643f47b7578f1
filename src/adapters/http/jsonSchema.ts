import type TypeBox from 'typebox';

/**
 * The part of TypeBox's `Type` builder the HTTP room uses, building the very same plain JSON
 * Schema objects and typed by TypeBox's own signatures (a type-only import), so `Static<>` reads
 * them as before. TypeBox itself is not loaded at run time: its module graph held 12.5 MB of
 * every process, for builders that run once, at startup.
 */
type Builders = Pick<
  typeof TypeBox,
  'Array' | 'Boolean' | 'Integer' | 'Literal' | 'Object' | 'Omit' | 'Optional' | 'String' | 'Unsafe'
>;

type Schema = Record<string, unknown>;

/** TypeBox's own mark of an optional property: not enumerable, so never in the JSON. */
const OPTIONAL = '~optional';

function isOptional(schema: Schema | undefined): boolean {
  return schema !== undefined && (schema as Record<string, unknown>)[OPTIONAL] === true;
}

function objectSchema(properties: Record<string, Schema>, required: string[], options: Schema) {
  return { type: 'object', ...(required.length > 0 ? { required } : {}), properties, ...options };
}

const leaf =
  (type: string) =>
  (options: Schema = {}) => ({ type, ...options });

const builders = {
  Array: (items: Schema, options: Schema = {}) => ({ type: 'array', items, ...options }),
  Boolean: leaf('boolean'),
  Integer: leaf('integer'),
  String: leaf('string'),
  Literal: (value: string | number | boolean, options: Schema = {}) => ({
    type: typeof value,
    const: value,
    ...options,
  }),
  Object: (properties: Record<string, Schema>, options: Schema = {}) =>
    objectSchema(
      properties,
      Object.keys(properties).filter((name) => !isOptional(properties[name])),
      options,
    ),
  // As TypeBox's: the named properties go, and so do the object's options.
  Omit: (schema: { properties: Record<string, Schema>; required?: string[] }, keys: string[]) =>
    objectSchema(
      Object.fromEntries(
        Object.entries(schema.properties).filter(([name]) => !keys.includes(name)),
      ),
      (schema.required ?? []).filter((name) => !keys.includes(name)),
      {},
    ),
  Optional: (schema: Schema) =>
    Object.defineProperty({ ...schema }, OPTIONAL, { value: true, enumerable: false }),
  Unsafe: (schema: Schema) => ({ ...schema }),
};

const Type = builders as unknown as Builders;
export default Type;
