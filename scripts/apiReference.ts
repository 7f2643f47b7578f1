/**
 * The routes part of docs/api.md, rendered from the OpenAPI document the server builds, so the
 * reference cannot list a route, a status or a message the API does not have (or miss one):
 * `npm run docs` rewrites it, and a test fails when the committed file differs.
 */
import { format, resolveConfig } from 'prettier';
import type {
  JsonSchema,
  OpenApiDocument,
  Operation,
  Parameter,
  Response,
} from '../src/adapters/http/openapiTypes.js';

export const BEGIN = '<!-- BEGIN GENERATED ROUTES: npm run docs rewrites this part -->';
export const END = '<!-- END GENERATED ROUTES -->';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** A Markdown table cell: one line, pipes escaped. */
function cell(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

function schemaAt(document: OpenApiDocument, schema: JsonSchema): JsonSchema {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  const name = ref.replace('#/components/schemas/', '');
  const found = document.components.schemas[name];
  if (found === undefined) throw new Error(`unresolved ${ref}`);
  return found;
}

function access(operation: Operation): string {
  if ((operation.security ?? []).length === 0) return 'public';
  return operation.responses['403'] === undefined ? 'token' : 'admin token';
}

function fields(document: OpenApiDocument, operation: Operation): string[] {
  const body = operation.requestBody;
  if (body === undefined) return [];
  const json = body.content['application/json'];
  if (json === undefined) return [];
  const schema = schemaAt(document, json.schema);
  const required = new Set(schema.required ?? []);
  const names = Object.entries(schema.properties ?? {}).map(
    ([name, property]) =>
      `${code(name)} (${String(property.type)}${required.has(name) ? '' : ', optional'})`,
  );
  const types = Object.keys(body.content).map(code).join(' or ');
  return [`Body (${types}): ${names.join(', ')}. ${body.description}`];
}

function parameters(operation: Operation): string[] {
  return (operation.parameters ?? []).map(
    (parameter: Parameter) =>
      `${parameter.in === 'path' ? 'Path' : 'Query'} parameter ${code(parameter.name)}` +
      `${parameter.required ? '' : ' (optional)'}: ${parameter.description}`,
  );
}

function sentence(text: string): string {
  return /[.!?)`]$/.test(text) ? text : `${text}.`;
}

function answer(response: Response): string {
  const headers = Object.entries(response.headers ?? {})
    .filter(([, header]) => header.required === true)
    .map(([name]) => code(name));
  const json = response.content?.['application/json'];
  const parts = [sentence(response.description)];
  if (headers.length > 0) parts.push(`Headers: ${headers.join(', ')}.`);
  if (json?.example !== undefined) parts.push(code(JSON.stringify(json.example)));
  else if (typeof json?.schema.$ref === 'string') {
    const name = json.schema.$ref.replace('#/components/schemas/', '');
    parts.push(`Body: a ${code(name)} object.`);
  } else if (response.content !== undefined && json === undefined) {
    parts.push(`(${Object.keys(response.content).map(code).join(', ')})`);
  }
  return cell(parts.join(' '));
}

/** Answers given word for word by several operations: described once, then named. */
function sharedAnswers(
  document: OpenApiDocument,
): Map<string, { status: string; response: Response }> {
  const seen = new Map<string, { status: string; response: Response; count: number }>();
  for (const { operation } of operationsOf(document)) {
    for (const [status, response] of Object.entries(operation.responses)) {
      const key = `${status} ${JSON.stringify(response)}`;
      const entry = seen.get(key) ?? { status, response, count: 0 };
      entry.count += 1;
      seen.set(key, entry);
    }
  }
  return new Map([...seen].filter(([, entry]) => entry.count >= 3));
}

function operationsOf(document: OpenApiDocument, tag?: string) {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.flatMap((method) => {
      const operation = (item as Partial<Record<string, Operation>>)[method];
      return operation !== undefined && (tag === undefined || operation.tags.includes(tag))
        ? [{ path, method, operation }]
        : [];
    }),
  );
}

function renderOperation(
  document: OpenApiDocument,
  shared: ReturnType<typeof sharedAnswers>,
  path: string,
  method: string,
  operation: Operation,
): string[] {
  const lines = [
    `#### ${code(`${method.toUpperCase()} ${path}`)}`,
    '',
    `${operation.summary}. Access: ${access(operation)}.` +
      (operation.description === undefined ? '' : ` ${operation.description}`),
    '',
  ];
  const details = [...parameters(operation), ...fields(document, operation)];
  if (details.length > 0) lines.push(...details.map((line) => `- ${line}`), '');
  lines.push('| status | answer |', '| --- | --- |');
  for (const [status, response] of Object.entries(operation.responses).sort()) {
    const common = shared.has(`${status} ${JSON.stringify(response)}`);
    const text = common
      ? `${cell(sentence(response.description))} (see [shared answers](#shared-answers))`
      : answer(response);
    lines.push(`| ${status} | ${text} |`);
  }
  lines.push('');
  return lines;
}

/** The Markdown between BEGIN and END (exclusive), grouped by the document's tags. */
export function renderRoutes(document: OpenApiDocument): string {
  const shared = sharedAnswers(document);
  const lines: string[] = [];
  for (const tag of document.tags) {
    const operations = operationsOf(document, tag.name);
    if (operations.length === 0) continue;
    lines.push(`### ${tag.description} (${code(tag.name)})`, '');
    for (const { path, method, operation } of operations) {
      lines.push(...renderOperation(document, shared, path, method, operation));
    }
  }
  const { NotFound, MethodNotAllowed } = document['x-unrouted-responses'];
  lines.push(
    '### Shared answers',
    '',
    'Answers several routes give word for word, and those of paths and methods that do not exist.',
    '',
    '| status | answer |',
    '| --- | --- |',
    ...[...shared.values()]
      .sort((a, b) => a.status.localeCompare(b.status))
      .map(({ status, response }) => `| ${status} | ${answer(response)} |`),
    `| 404 | ${answer(NotFound)} |`,
    `| 405 | ${answer(MethodNotAllowed)} |`,
    '',
  );
  return lines.join('\n');
}

/** `markdown` with its generated part replaced by `routes`. */
export function withRoutes(markdown: string, routes: string): string {
  const begin = markdown.indexOf(BEGIN);
  const end = markdown.indexOf(END);
  if (begin === -1 || end < begin) throw new Error(`the markers ${BEGIN} … ${END} are missing`);
  return `${markdown.slice(0, begin + BEGIN.length)}\n\n${routes}\n${markdown.slice(end)}`;
}

/** docs/api.md as `npm run docs` writes it: the routes of `document`, formatted by Prettier. */
export async function referenceWithRoutes(
  file: string,
  markdown: string,
  document: OpenApiDocument,
): Promise<string> {
  const options = (await resolveConfig(file)) ?? {};
  return format(withRoutes(markdown, renderRoutes(document)), { ...options, filepath: file });
}
