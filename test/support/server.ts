import type { Logger } from 'pino';
import { loadConfig } from '../../src/adapters/config/config.js';
import { startServer, type RunningServer } from '../../src/main/server.js';
import { describeEachDatabase, type TestDatabase } from './databases.js';
import { servedDriftChecker, type OpenApiDriftChecker } from './openapiDrift.js';

export const TEST_SECRET = 'test-secret-0123456789abcdef0123456789abcdef';

export interface Reply {
  status: number;
  headers: Headers;
  /** Parsed JSON, or the raw text when the body is not JSON (null when empty). */
  body: unknown;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read fields freely
  json: any;
}

export interface RequestOptions {
  json?: unknown;
  form?: Record<string, string>;
  token?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Aborts the request (e.g. `AbortSignal.timeout(ms)`), so a server that hangs fails the test. */
  signal?: AbortSignal;
}

export interface TestApi {
  db: TestDatabase;
  running(): RunningServer;
  request(method: string, path: string, options?: RequestOptions): Promise<Reply>;
}

/** The document each server started here serves, by URL: `request` holds answers to it. */
const driftCheckers = new Map<string, OpenApiDriftChecker>();

/** Starts the real container and Koa app on port 0 against `databaseUrl` (logging to `logger`). */
export async function startTestServer(
  databaseUrl: string,
  env: Record<string, string> = {},
  logger?: Logger,
): Promise<RunningServer> {
  const config = loadConfig(
    {
      NODE_ENV: 'test',
      DATABASE_URL: databaseUrl,
      JWT_SECRET: TEST_SECRET,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      // Suites share one server and one client address; the limits have a suite of their own.
      AUTH_MAX_REQUESTS: '0',
      LOGIN_MAX_FAILURES: '0',
      ...env,
    },
    { envFile: false },
  );
  const running = await startServer(config, logger);
  try {
    driftCheckers.set(running.url, await servedDriftChecker(running.url));
  } catch (error) {
    await running.close();
    throw error;
  }
  return {
    ...running,
    // Forgotten on close: a later server may get the same port and serve another document.
    close: () => {
      driftCheckers.delete(running.url);
      return running.close();
    },
  };
}

/**
 * Sends a request and returns the answer, after checking it against the OpenAPI document the
 * server serves (see openapiDrift.ts): an answer the document does not describe fails the test.
 */
export async function request(
  baseUrl: string,
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<Reply> {
  const headers = new Headers(options.headers);
  let body: string | Uint8Array | undefined = options.body;
  if (options.json !== undefined) {
    headers.set('Content-Type', 'application/json');
    body = JSON.stringify(options.json);
  } else if (options.form !== undefined) {
    headers.set('Content-Type', 'application/x-www-form-urlencoded');
    body = new URLSearchParams(options.form).toString();
  }
  if (options.token !== undefined) headers.set('Authorization', `Bearer ${options.token}`);
  const { signal } = options;
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body, signal });
  const text = await response.text();
  let parsed: unknown = text === '' ? null : text;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  // Servers not started here (child processes) are asked for their document every time.
  const checker = driftCheckers.get(baseUrl) ?? (await servedDriftChecker(baseUrl));
  const answered = new URL(response.url);
  checker.check({
    method,
    path: `${answered.pathname}${answered.search}`,
    status: response.status,
    headers: response.headers,
    body: parsed,
  });
  return { status: response.status, headers: response.headers, body: parsed, json: parsed };
}

/**
 * `<title> [sqlite]` and `<title> [postgres]`: the whole server over each database, with every
 * table emptied before each test.
 */
export function describeEachServer(
  title: string,
  body: (api: TestApi) => void,
  env: Record<string, string> = {},
): void {
  describeEachDatabase(title, (db) => {
    let running: RunningServer | undefined;
    const api: TestApi = {
      db,
      running: () => {
        if (!running) throw new Error('the server runs only inside hooks and tests');
        return running;
      },
      request: (method, path, options) => request(api.running().url, method, path, options),
    };
    before(async () => {
      running = await startTestServer(db.url(), env);
    });
    after(async () => {
      await running?.close();
      running = undefined;
    });
    body(api);
  });
}
