/**
 * Lints the OpenAPI document the server serves — built by the same function, for an HS256 server
 * with the defaults and for one that publishes its JWKS and serves refresh tokens — with Redocly CLI's recommended rules (redocly.yaml).
 * Offline: no telemetry, no update check; the exit code is Redocly's.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildOpenApiDocument } from '../src/adapters/http/openapi.js';

const root = join(import.meta.dirname, '..');
const directory = mkdtempSync(join(tmpdir(), 'gatehouse-openapi-'));
try {
  const files = [false, true].map((everything) => {
    const file = join(directory, everything ? 'openapi-jwks-refresh.json' : 'openapi-hs256.json');
    const document = buildOpenApiDocument({
      publishesJwks: everything,
      refreshTokens: everything,
    });
    writeFileSync(file, JSON.stringify(document, null, 2));
    return file;
  });
  const cli = createRequire(import.meta.url).resolve('@redocly/cli/bin/cli.js');
  const result = spawnSync(
    process.execPath,
    [cli, 'lint', '--config', join(root, 'redocly.yaml'), '--format', 'summary', ...files],
    {
      stdio: 'inherit',
      env: {
        ...process.env,
        REDOCLY_TELEMETRY: 'off',
        REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
      },
    },
  );
  process.exitCode = result.status ?? 1;
} finally {
  rmSync(directory, { recursive: true, force: true });
}
