import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Middleware } from 'koa';
import Type from './jsonSchema.js';
import type { GatehouseContext, GatehouseState } from './context.js';
import { errorResponse, header, jsonResponse } from './openapiAnswers.js';
import { HTTP_MESSAGES } from './problems.js';
import { route, type Route } from './route.js';

export const OPENAPI_PATH = '/api/v1/openapi.json';
export const UI_PATH = '/api/v1/ui';

const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';
const PNG = 'image/png';

/** swagger-ui-dist's files the page loads: only these are served, by name. */
const DIST_FILES: ReadonlyMap<string, string> = new Map([
  ['swagger-ui.css', CSS],
  ['index.css', CSS],
  ['swagger-ui-bundle.js', JS],
  ['swagger-ui-standalone-preset.js', JS],
  ['favicon-32x32.png', PNG],
  ['favicon-16x16.png', PNG],
]);

/** The page's own script, so that the page needs no inline one. */
const INIT_SCRIPT_NAME = 'gatehouse-init.js';

/** Every file under UI_PATH/: the OpenAPI document lists them too. */
export const UI_ASSET_NAMES: readonly string[] = [...DIST_FILES.keys(), INIT_SCRIPT_NAME];

// swagger-ui-dist changes only with an upgrade; the page, its script and the document with a
// deployment, so those are revalidated (they are small).
const DIST_CACHE_CONTROL = 'public, max-age=86400';
const REVALIDATE = 'no-cache';

// The one inline style Swagger UI renders: the <style> of the logo in the standalone preset's top
// bar. Allowed by its hash rather than by 'unsafe-inline' (an upgrade that changes it only loses
// the logo's colours).
const LOGO_STYLE = '.logo_small_svg__cls-2{fill:#fff}.logo_small_svg__cls-3{fill:#85ea2d}';
const LOGO_STYLE_HASH = `'sha256-${createHash('sha256').update(LOGO_STYLE).digest('base64')}'`;

const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  `style-src 'self' ${LOGO_STYLE_HASH}`,
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>Gatehouse API</title>
    <link rel="stylesheet" href="${UI_PATH}/swagger-ui.css">
    <link rel="stylesheet" href="${UI_PATH}/index.css">
    <link rel="icon" type="image/png" href="${UI_PATH}/favicon-32x32.png" sizes="32x32">
    <link rel="icon" type="image/png" href="${UI_PATH}/favicon-16x16.png" sizes="16x16">
  </head>
  <body>
    <div id="swagger-ui" data-openapi-url="${OPENAPI_PATH}"></div>
    <script src="${UI_PATH}/swagger-ui-bundle.js"></script>
    <script src="${UI_PATH}/swagger-ui-standalone-preset.js"></script>
    <script src="${UI_PATH}/${INIT_SCRIPT_NAME}"></script>
  </body>
</html>
`;

// persistAuthorization keeps the token across reloads (in localStorage); no online validator
// (it would send the document's URL to swagger.io).
const INIT_SCRIPT = `'use strict';
window.addEventListener('load', function () {
  var root = document.getElementById('swagger-ui');
  window.ui = SwaggerUIBundle({
    url: root.dataset.openapiUrl,
    domNode: root,
    deepLinking: true,
    persistAuthorization: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: 'StandaloneLayout',
  });
});
`;

/** The directory of swagger-ui-dist's files, from the package's own `absolutePath()`. */
function swaggerUiDirectory(): string {
  // Its index.js would load the whole browser bundle into Node: ask absolute-path.js alone.
  const absolutePath: unknown = createRequire(import.meta.url)('swagger-ui-dist/absolute-path.js');
  if (typeof absolutePath !== 'function') throw new Error('swagger-ui-dist has no absolutePath()');
  return String(absolutePath());
}

function send(ctx: GatehouseContext, type: string, cacheControl: string, body: string | Buffer) {
  ctx.set('Cache-Control', cacheControl);
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.type = type;
  ctx.body = body;
}

/**
 * `/api/v1/ui/` → 301 to `/api/v1/ui`, keeping the query. The page links its files by absolute
 * path, so it would work there too, but one URL is enough. Not a route: a path with a trailing
 * slash is no operation of the API (the router and the OpenAPI document list the same routes).
 */
export const uiSlashRedirect: Middleware<GatehouseState> = async (ctx, next) => {
  if (ctx.path !== `${UI_PATH}/` || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) {
    return next();
  }
  ctx.status = 301;
  ctx.redirect(`${UI_PATH}${ctx.search}`);
};

type Deps = { openApiJson: string };
const tags = ['documentation'];

/** Reads swagger-ui-dist's files on first use and keeps them; a failed read is retried. */
function fileCache(): (name: string) => Promise<Buffer> {
  const directory = swaggerUiDirectory();
  const files = new Map<string, Promise<Buffer>>();
  return (name) => {
    let content = files.get(name);
    if (content === undefined) {
      content = readFile(join(directory, name));
      files.set(name, content);
      content.catch(() => files.delete(name)); // retried on the next request
    }
    return content;
  };
}

/**
 * `GET /api/v1/openapi.json` (the document, serialised once), `GET /api/v1/ui` (Swagger UI on it)
 * and the page's files under `/api/v1/ui/`: an allow-list of names, read from swagger-ui-dist on
 * first use and kept. Any other name is the API's JSON 404.
 */
export const openApiRoutes: ReadonlyArray<Route<Deps>> = [
  route({
    method: 'get',
    path: OPENAPI_PATH,
    auth: 'public',
    operation: { tags, summary: 'This OpenAPI 3.1 document', operationId: 'openApiDocument' },
    responses: {
      '200': jsonResponse('The document', {
        type: 'object',
        properties: {
          openapi: { type: 'string', const: '3.1.0' },
          info: { type: 'object' },
          paths: { type: 'object' },
          components: { type: 'object' },
        },
        required: ['openapi', 'info', 'paths', 'components'],
      }),
    },
    handler:
      ({ openApiJson }) =>
      (ctx) => {
        send(ctx, 'application/json; charset=utf-8', REVALIDATE, openApiJson);
      },
  }),
  route({
    method: 'get',
    path: UI_PATH,
    auth: 'public',
    operation: {
      tags,
      summary: 'Swagger UI on this document',
      description: `\`${UI_PATH}/\` redirects here (301), keeping the query.`,
      operationId: 'swaggerUi',
    },
    responses: {
      '200': {
        description: 'The page',
        headers: { 'Content-Security-Policy': header('Scripts and styles from this origin only') },
        content: { 'text/html': { schema: { type: 'string' } } },
      },
    },
    handler: () => (ctx) => {
      ctx.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
      send(ctx, 'text/html; charset=utf-8', REVALIDATE, PAGE);
    },
  }),
  route({
    method: 'get',
    path: `${UI_PATH}/:file`,
    auth: 'public',
    operation: {
      tags,
      summary: "The page's scripts, styles and icons",
      operationId: 'swaggerUiAsset',
    },
    params: {
      file: {
        description: 'Only these files are served; anything else is a 404',
        schema: Type.Unsafe<string>({ type: 'string', enum: [...UI_ASSET_NAMES] }),
      },
    },
    responses: {
      '200': {
        description: 'The file',
        headers: { 'Cache-Control': header('How long the file may be cached') },
        content: {
          'text/javascript': { schema: { type: 'string' } },
          'text/css': { schema: { type: 'string' } },
          'image/png': { schema: { type: 'string', contentMediaType: 'image/png' } },
        },
      },
      '404': errorResponse('Not one of the files above', HTTP_MESSAGES.notFound),
    },
    handler: () => {
      const load = fileCache();
      return async (ctx) => {
        const name = ctx.params.file ?? '';
        if (name === INIT_SCRIPT_NAME) return send(ctx, JS, REVALIDATE, INIT_SCRIPT);
        const type = DIST_FILES.get(name);
        if (type === undefined) return; // left unanswered: the error middleware makes it a 404
        send(ctx, type, DIST_CACHE_CONTROL, await load(name));
      };
    },
  }),
];
