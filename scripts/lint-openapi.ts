/**
 * Lints the OpenAPI document the server serves — built by the same function, once for each
 * setting that changes it (JWT_ALG with or without a JWKS, REFRESH_TOKENS off or on) — with
 * Redocly CLI's recommended rules (redocly.yaml) and Spectral's OWASP ruleset (.spectral.yaml).
 * Either failing fails the script: Redocly on any warning, Spectral on any warning or error.
 * Offline: no telemetry, no update check, the rulesets read from node_modules.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildOpenApiDocument } from '../src/adapters/http/openapi.js';

const root = join(import.meta.dirname, '..');
const resolve = createRequire(import.meta.url).resolve;

function run(cli: string, args: string[]): number {
  const result = spawnSync(process.execPath, [cli, ...args], {
    stdio: 'inherit',
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
  });
  return result.status ?? 1;
}

const directory = mkdtempSync(join(tmpdir(), 'gatehouse-openapi-'));
try {
  const files = [false, true].flatMap((publishesJwks) =>
    [false, true].map((refreshTokens) => {
      // .spectral.yaml's overrides match these names (`*.json`).
      const name = `openapi-${publishesJwks ? 'jwks' : 'hs256'}-refresh-${refreshTokens ? 'on' : 'off'}.json`;
      const file = join(directory, name);
      const document = buildOpenApiDocument({ publishesJwks, refreshTokens });
      writeFileSync(file, JSON.stringify(document, null, 2));
      return file;
    }),
  );
  const redocly = run(resolve('@redocly/cli/bin/cli.js'), [
    'lint',
    '--config',
    join(root, 'redocly.yaml'),
    '--format',
    'summary',
    ...files,
  ]);
  const spectral = run(resolve('@stoplight/spectral-cli/dist/index.js'), [
    'lint',
    '--ruleset',
    join(root, '.spectral.yaml'),
    '--fail-severity',
    'warn',
    ...files,
  ]);
  process.exitCode = redocly === 0 && spectral === 0 ? 0 : 1;
} finally {
  rmSync(directory, { recursive: true, force: true });
}
