import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type {
  Header,
  HttpMethod,
  JsonSchema,
  OpenApiDocument,
  Operation,
  Response,
} from '../../src/adapters/http/openapiTypes.js';

export const OPENAPI_DOCUMENT_PATH = '/api/v1/openapi.json';

/** One request and the answer it got, as a client saw them. */
export interface Exchange {
  method: string;
  /** The path that answered (after redirects), with or without its query. */
  path: string;
  status: number;
  headers: Headers;
  /** The parsed JSON, the raw text when it is not JSON, or null when empty. */
  body: unknown;
}

export class OpenApiDriftError extends Error {
  override name = 'OpenApiDriftError';
}

/** `/api/v1/widgets/{name}` → a RegExp matching one non-empty segment per parameter. */
function templatePattern(template: string): RegExp {
  const literal = template
    .split(/\{\w+\}/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${literal.join('[^/]+')}$`);
}

/** `application/json; charset=utf-8` → `application/json`. */
function mediaTypeOf(headers: Headers): string | null {
  const type = headers.get('content-type');
  return type === null ? null : (type.split(';')[0] ?? '').trim().toLowerCase();
}

/**
 * Holds HTTP answers to an OpenAPI document: the operation of the method and path (templates
 * matched), the response of the status (an undocumented status is drift), its content type, its
 * JSON body against the schema (Ajv 2020, strict, formats checked) and its required headers
 * (present, and their values valid).
 */
export class OpenApiDriftChecker {
  private readonly bodies = new Ajv2020({ strict: true, allErrors: true });
  // Header values are strings on the wire: coerced, so `Total-Count: 3` meets `type: integer`.
  private readonly headerValues = new Ajv2020({ strict: true, allErrors: true, coerceTypes: true });
  private readonly compiled = new Map<Ajv2020, Map<object, ValidateFunction>>();
  private readonly templates: Array<{ template: string; pattern: RegExp }>;

  constructor(private readonly document: OpenApiDocument) {
    addFormats.default(this.bodies);
    addFormats.default(this.headerValues);
    // OpenAPI matches concrete paths before templated ones.
    this.templates = Object.keys(document.paths)
      .sort((a, b) => a.split('{').length - b.split('{').length)
      .map((template) => ({ template, pattern: templatePattern(template) }));
  }

  /** Throws an OpenApiDriftError naming every way the exchange departs from the document. */
  check(exchange: Exchange): void {
    const problems = this.problems(exchange);
    if (problems.length > 0) {
      const { method, path, status } = exchange;
      throw new OpenApiDriftError(
        `${method} ${path} answered ${status}, which the OpenAPI document does not describe:\n  ` +
          problems.join('\n  '),
      );
    }
  }

  /** Every way the exchange departs from the document; empty when it is described. */
  problems(exchange: Exchange): string[] {
    const method = exchange.method.toLowerCase();
    const path = exchange.path.split('?')[0] ?? '';
    const template = this.templates.find((candidate) => candidate.pattern.test(path))?.template;
    const { NotFound, MethodNotAllowed } = this.document['x-unrouted-responses'];
    const bodiless = method === 'head'; // HEAD answers carry the headers of a body, not the body
    // The answers no operation gives: an unknown path is the router's JSON 404 and a method the
    // path lacks its JSON 405, each described once under x-unrouted-responses.
    if (template === undefined) return this.answerProblems(exchange, NotFound, 404, bodiless);
    const item = this.document.paths[template] ?? {};
    if (method === 'options') {
      // Narrow exception: OPTIONS is answered ahead of every route, by the CORS middleware
      // (preflights, 204) or by the router (200 with Allow). It is HTTP plumbing, not an
      // operation of the API, and carries no body.
      return [
        ...([200, 204].includes(exchange.status) ? [] : [`OPTIONS answered ${exchange.status}`]),
        ...(exchange.body === null ? [] : ['OPTIONS answered with a body']),
      ];
    }
    const operation: Operation | undefined = Object.hasOwn(item, method)
      ? item[method as HttpMethod]
      : method === 'head'
        ? item.get
        : undefined;
    if (operation === undefined) {
      return [
        ...this.answerProblems(exchange, MethodNotAllowed, 405, bodiless),
        ...this.allowProblems(exchange, template),
      ];
    }
    const response = operation.responses[String(exchange.status)];
    if (response === undefined) {
      const documented = Object.keys(operation.responses).join(', ');
      return [
        `status ${exchange.status} is not documented for ${method.toUpperCase()} ${template} ` +
          `(documented: ${documented})`,
      ];
    }
    return this.answerProblems(exchange, response, exchange.status, bodiless);
  }

  private answerProblems(
    exchange: Exchange,
    response: Response,
    status: number,
    bodiless = false,
  ): string[] {
    const problems: string[] = [];
    if (exchange.status !== status) {
      problems.push(`the document says ${status} here (${response.description})`);
    }
    for (const [name, header] of Object.entries(response.headers ?? {})) {
      problems.push(...this.headerProblems(exchange.headers, name, header));
    }
    if (!bodiless) problems.push(...this.contentProblems(exchange, response));
    return problems;
  }

  private headerProblems(headers: Headers, name: string, header: Header): string[] {
    const value = headers.get(name);
    if (value === null) return header.required === true ? [`header ${name} is missing`] : [];
    const validate = this.validator(this.headerValues, header.schema, (schema) => ({
      type: 'object',
      properties: { value: schema },
    }));
    return validate({ value })
      ? []
      : [`header ${name}: ${JSON.stringify(value)} ${errors(validate)}`];
  }

  private contentProblems(exchange: Exchange, response: Response): string[] {
    const type = mediaTypeOf(exchange.headers);
    if (response.content === undefined) {
      return exchange.body === null ? [] : [`a body was sent where the document has none`];
    }
    const media = type === null ? undefined : response.content[type];
    if (media === undefined) {
      const documented = Object.keys(response.content).join(', ');
      return [`content type ${String(type)} is not documented (documented: ${documented})`];
    }
    // Other media types (the UI's page, scripts, styles and icons) are checked by type only.
    if (type !== 'application/json') return [];
    const validate = this.validator(this.bodies, media.schema, (schema) =>
      dereference(schema, this.document),
    );
    return validate(exchange.body) ? [] : [`body ${errors(validate)}`];
  }

  /** The Allow header of a 405 lists exactly the methods the document gives the path. */
  private allowProblems(exchange: Exchange, template: string): string[] {
    const documented = Object.keys(this.document.paths[template] ?? {}).map((method) =>
      method.toUpperCase(),
    );
    if (documented.includes('GET')) documented.push('HEAD');
    const allowed = (exchange.headers.get('allow') ?? '').split(/,\s*/).filter(Boolean);
    return [...allowed].sort().join() === [...documented].sort().join()
      ? []
      : [`Allow: ${allowed.join(', ')} but the document has ${documented.join(', ')}`];
  }

  private validator(
    ajv: Ajv2020,
    schema: JsonSchema,
    prepare: (schema: JsonSchema) => unknown,
  ): ValidateFunction {
    const cache = this.compiled.get(ajv) ?? new Map<object, ValidateFunction>();
    this.compiled.set(ajv, cache);
    let validate = cache.get(schema);
    if (validate === undefined) {
      validate = ajv.compile(prepare(schema) as object);
      cache.set(schema, validate);
    }
    return validate;
  }
}

/** `node` with each `#/components/schemas/<name>` reference replaced by that schema. */
export function dereference(node: unknown, document: OpenApiDocument): unknown {
  if (Array.isArray(node)) return node.map((item) => dereference(item, document));
  if (typeof node !== 'object' || node === null) return node;
  const { $ref, ...rest } = node as Record<string, unknown>;
  if (typeof $ref === 'string') {
    const name = $ref.replace(/^#\/components\/schemas\//, '');
    const target = document.components.schemas[name];
    if (target === undefined) throw new OpenApiDriftError(`${$ref} does not resolve`);
    return dereference(target, document);
  }
  return Object.fromEntries(
    Object.entries(rest).map(([key, value]) => [key, dereference(value, document)]),
  );
}

function errors(validate: ValidateFunction): string {
  return (validate.errors ?? [])
    .map((error) => `${error.instancePath || '(root)'} ${error.message ?? 'is invalid'}`)
    .join('; ');
}

// One checker per distinct document (servers differ only by the JWKS route), compiled once.
const checkers = new Map<string, OpenApiDriftChecker>();

/** The checker of the document a running server serves. */
export async function servedDriftChecker(baseUrl: string): Promise<OpenApiDriftChecker> {
  const response = await fetch(`${baseUrl}${OPENAPI_DOCUMENT_PATH}`);
  const text = await response.text();
  if (response.status !== 200) {
    throw new OpenApiDriftError(`${baseUrl}${OPENAPI_DOCUMENT_PATH} answered ${response.status}`);
  }
  let checker = checkers.get(text);
  if (checker === undefined) {
    checker = new OpenApiDriftChecker(JSON.parse(text) as OpenApiDocument);
    checkers.set(text, checker);
  }
  return checker;
}
