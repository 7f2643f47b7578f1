import { loadConfig } from '../../src/adapters/config/config.js';
import { startServer, type RunningServer } from '../../src/main/server.js';
import { describeEachDatabase, type TestDatabase } from './databases.js';

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
}

export interface TestApi {
  db: TestDatabase;
  running(): RunningServer;
  request(method: string, path: string, options?: RequestOptions): Promise<Reply>;
}

/** Starts the real container and Koa app on port 0 against `databaseUrl`. */
export function startTestServer(
  databaseUrl: string,
  env: Record<string, string> = {},
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
  return startServer(config);
}

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
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
  const text = await response.text();
  let parsed: unknown = text === '' ? null : text;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
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
