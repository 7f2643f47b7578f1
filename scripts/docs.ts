/**
 * `npm run docs`: rewrites the routes part of docs/api.md from the OpenAPI document (the one a
 * server with asymmetric keys and refresh tokens serves: every route, the JWKS and refresh ones
 * included, each saying when it is served). `--check` changes
 * nothing and exits 1 when the file is out of date.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildOpenApiDocument } from '../src/adapters/http/openapi.js';
import { referenceWithRoutes } from './apiReference.js';

const file = fileURLToPath(new URL('../docs/api.md', import.meta.url));
const current = readFileSync(file, 'utf8');
const wanted = await referenceWithRoutes(
  file,
  current,
  buildOpenApiDocument({ publishesJwks: true, refreshTokens: true }),
);
if (current === wanted) {
  console.log('docs/api.md: up to date');
} else if (process.argv.includes('--check')) {
  console.error('docs/api.md is out of date with the OpenAPI document: run npm run docs');
  process.exitCode = 1;
} else {
  writeFileSync(file, wanted);
  console.log('docs/api.md: routes rewritten');
}
