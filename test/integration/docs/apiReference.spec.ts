import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildOpenApiDocument } from '../../../src/adapters/http/openapi.js';
import type { OpenApiDocument } from '../../../src/adapters/http/openapiTypes.js';
import type { RunningServer } from '../../../src/main/server.js';
import { BEGIN, END, referenceWithRoutes } from '../../../scripts/apiReference.js';
import { expect } from '../../support/chai.js';
import { sqliteUrl } from '../../support/databases.js';
import { OPENAPI_DOCUMENT_PATH } from '../../support/openapiDrift.js';
import { request, startTestServer } from '../../support/server.js';

const FILE = fileURLToPath(new URL('../../../docs/api.md', import.meta.url));
const CONFIG_SOURCES = fileURLToPath(new URL('../../../src/adapters/config/', import.meta.url));

/** `METHOD /path` → its statuses, as the generated routes part of the reference lists them. */
function documentedRoutes(markdown: string): Map<string, string[]> {
  const generated = markdown.slice(markdown.indexOf(BEGIN), markdown.indexOf(END));
  const routes = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of generated.split('\n')) {
    const heading = /^#### `([A-Z]+ \S+)`$/.exec(line);
    if (heading?.[1] !== undefined) routes.set(heading[1], (current = []));
    else if (line.startsWith('### ')) current = undefined;
    const status = /^\| (\d{3}) +\|/.exec(line);
    if (status?.[1] !== undefined) current?.push(status[1]);
  }
  return routes;
}

function operationStatuses(document: OpenApiDocument): Map<string, string[]> {
  return new Map(
    Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]): [string, string[]] => [
        `${method.toUpperCase()} ${path}`,
        Object.keys(operation.responses).sort(),
      ]),
    ),
  );
}

describe('docs/api.md, the API reference', () => {
  const markdown = readFileSync(FILE, 'utf8');
  let running: RunningServer;
  let served: OpenApiDocument;

  before(async () => {
    running = await startTestServer(sqliteUrl());
    served = (await request(running.url, 'GET', OPENAPI_DOCUMENT_PATH)).json as OpenApiDocument;
  });
  after(async () => {
    await running.close();
  });

  it('holds exactly the routes part that `npm run docs` generates from the OpenAPI document', async () => {
    const wanted = await referenceWithRoutes(
      FILE,
      markdown,
      buildOpenApiDocument({ publishesJwks: true, refreshTokens: true }),
    );
    if (markdown !== wanted) {
      const have = markdown.split('\n');
      const want = wanted.split('\n');
      const line = want.findIndex((text, index) => have[index] !== text);
      expect.fail(
        `docs/api.md is out of date with the OpenAPI document: run \`npm run docs\`.\n` +
          `First difference, line ${line + 1}:\n  committed: ${have[line]}\n  generated: ${want[line]}`,
      );
    }
  });

  it('documents every operation of the served document with its statuses, and no other', () => {
    const documented = documentedRoutes(markdown);
    // The served document (HS256, refresh tokens off) lacks only the JWKS route, which
    // asymmetric keys add, and the refresh route, which REFRESH_TOKENS=on adds.
    const withKeys = operationStatuses(
      buildOpenApiDocument({ publishesJwks: true, refreshTokens: true }),
    );
    for (const [operation, statuses] of operationStatuses(served)) {
      expect(documented.get(operation), `${operation} in docs/api.md`).to.deep.equal(statuses);
    }
    expect([...documented.keys()].sort()).to.deep.equal([...withKeys.keys()].sort());
    expect(documented.get('GET /.well-known/jwks.json')).to.deep.equal(
      withKeys.get('GET /.well-known/jwks.json'),
    );
    expect(documented.get('POST /api/v1/auth/refresh')).to.deep.equal(
      withKeys.get('POST /api/v1/auth/refresh'),
    );
  });

  it('says that the refresh route and the refresh fields exist with REFRESH_TOKENS=on only', () => {
    const generated = markdown.slice(markdown.indexOf(BEGIN), markdown.indexOf(END));
    const refresh = generated.slice(generated.indexOf('#### `POST /api/v1/auth/refresh`'));
    expect(refresh).to.match(
      /^#### `POST \/api\/v1\/auth\/refresh`\n\n[^\n]*Served only with REFRESH_TOKENS=on; otherwise this path is a 404\./,
    );
    const register = generated.slice(generated.indexOf('#### `POST /api/v1/auth/register`'));
    expect(register).to.match(
      /\| 201 +\| Registered\. `refresh_token` and `refresh_expires_in` only with REFRESH_TOKENS=on/,
    );
  });

  it('describes every environment variable the configuration reads', () => {
    // Every section of the configuration reads its variables through `vars.<reader>('NAME', …)`.
    const source = readdirSync(CONFIG_SOURCES)
      .filter((name) => name.endsWith('.ts'))
      .map((name) => readFileSync(join(CONFIG_SOURCES, name), 'utf8'))
      .join('\n');
    const read = [
      ...new Set(
        [...source.matchAll(/\bvars\.\w+\(\s*'([A-Z][A-Z0-9_]+)'/g)].map((match) => match[1] ?? ''),
      ),
    ];
    expect(read).to.include.members(['PORT', 'JWT_SECRET', 'METRICS_PORT', 'AUTH_REALM']);
    const configuration = markdown.slice(
      markdown.indexOf('## Configuration'),
      markdown.indexOf('## Routes'),
    );
    const missing = read.filter((name) => !configuration.includes(`\`${name}\``));
    expect(
      missing,
      'variables missing from the Configuration section of docs/api.md',
    ).to.deep.equal([]);
  });

  it('links only to files inside the repository, as do the README and SECURITY.md', () => {
    const others = ['README.md', 'SECURITY.md'].map((name) =>
      fileURLToPath(new URL(`../../../${name}`, import.meta.url)),
    );
    for (const file of [FILE, ...others]) {
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.to.match(/\]\(\.\.\//);
      expect(text, file).not.to.include('shared/spec');
    }
  });
});
