import { once } from 'node:events';
import { request as httpRequest, type Agent, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';

/** An answer as it came off the wire: the connection closed after it. */
export interface WireReply {
  status: number;
  headers: Headers;
  /** Parsed JSON, or the raw text when it is not JSON (null when empty). */
  body: unknown;
}

/** A request the server has begun to read but cannot act on until `finish` is called. */
export interface StartedRequest {
  /** Sends the rest of the request; resolves with the answer once the server has closed. */
  finish(): Promise<WireReply>;
  /** Drops the connection (cleanup after a failed test). */
  destroy(): void;
}

/**
 * A GET whose request line and headers are on the wire, all but the blank line that ends them:
 * to the server a connection with a request in progress, which a shutdown does not cut as it
 * cuts idle ones. This is how a probe or a request that was already sent when the signal came
 * reaches a server whose port is closed. The server reads the bytes only when its event loop
 * comes round: `await` a full exchange on another connection to the same process before relying
 * on it (see `roundTrip`).
 */
export async function startRequest(baseUrl: string, path: string): Promise<StartedRequest> {
  const { hostname, port, host } = new URL(baseUrl);
  const socket = connect(Number(port), hostname);
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  const closed = new Promise<Buffer>((resolve, reject) => {
    socket.once('error', reject);
    socket.once('close', () => resolve(Buffer.concat(chunks)));
  });
  closed.catch(() => undefined); // reported by finish
  await once(socket, 'connect');
  socket.write(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nAccept: application/json\r\n`);
  return {
    finish: async () => {
      socket.write('\r\n');
      return parseReply(await closed);
    },
    destroy: () => socket.destroy(),
  };
}

function parseReply(raw: Buffer): WireReply {
  const text = raw.toString('utf8');
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) throw new Error(`no complete answer on the wire: ${JSON.stringify(text)}`);
  const [statusLine = '', ...fields] = text.slice(0, end).split('\r\n');
  const status = /^HTTP\/1\.1 (\d{3}) /.exec(statusLine)?.[1];
  if (status === undefined) throw new Error(`not an HTTP/1.1 status line: ${statusLine}`);
  const headers = new Headers();
  for (const field of fields) {
    const colon = field.indexOf(':');
    headers.append(field.slice(0, colon).trim(), field.slice(colon + 1).trim());
  }
  if (headers.has('transfer-encoding')) throw new Error('a chunked answer: not parsed here');
  const content = text.slice(end + 4);
  let body: unknown = content === '' ? null : content;
  try {
    body = content === '' ? null : JSON.parse(content);
  } catch {
    // not JSON: keep the text
  }
  return { status: Number(status), headers, body };
}

/**
 * A GET on a connection of its own (`Connection: close`, so nothing idles afterwards): resolves
 * with its status once the whole answer has come back.
 */
export function roundTrip(baseUrl: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const get = httpRequest(
      `${baseUrl}${path}`,
      { agent: false, headers: { Connection: 'close' } },
      (response) => {
        response.resume();
        response.once('end', () => resolve(response.statusCode ?? 0));
      },
    );
    get.once('error', reject);
    get.end();
  });
}

export interface HeldReply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/** A POST whose body is held back until `send`: in flight from the moment `accepted` resolves. */
export interface HeldRequest {
  /** Resolves once the server has taken the request in (it answered `100 Continue`). */
  accepted: Promise<void>;
  /** Sends the body; resolves with the whole answer. */
  send(): Promise<HeldReply>;
  destroy(): void;
}

/**
 * A JSON POST sent with `Expect: 100-continue` on a connection of its own: the server takes it in
 * (and counts it in flight) as soon as its headers arrive, and it stays in flight until the body
 * is sent, however long that takes.
 */
export function holdRequest(
  baseUrl: string,
  path: string,
  json: unknown,
  /** The client's agent (keep-alive, say); by default a connection of the request's own. */
  agent: Agent | false = false,
): HeldRequest {
  const body = JSON.stringify(json);
  const post = httpRequest(`${baseUrl}${path}`, {
    method: 'POST',
    agent,
    headers: {
      'Content-Type': 'application/json',
      'Content-Length': String(Buffer.byteLength(body)),
      Expect: '100-continue',
    },
  });
  const reply = new Promise<HeldReply>((resolve, reject) => {
    post.once('error', reject);
    post.once('response', (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.once('error', reject);
      response.once('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, text }),
      );
    });
  });
  reply.catch(() => undefined); // reported by send
  const accepted = new Promise<void>((resolve, reject) => {
    post.once('continue', resolve);
    post.once('error', reject);
  });
  accepted.catch(() => undefined);
  post.flushHeaders();
  return {
    accepted,
    send: () => {
      post.end(body);
      return reply;
    },
    destroy: () => post.destroy(),
  };
}

/** How a new TCP connection to `url` ends: its error code, or `connected`. */
export function connectionOutcome(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

/** A register held in flight and both probes on the wire, as a shutdown is about to begin. */
export interface InFlight {
  register: HeldRequest;
  ready: StartedRequest;
  live: StartedRequest;
}

/**
 * Holds a register of `email` in flight and puts `/health/ready` and `/health/live` on the wire
 * (read by the server, not yet answered), each added to `open` for the caller's cleanup.
 */
export async function holdInFlight(
  baseUrl: string,
  email: string,
  open: Array<HeldRequest | StartedRequest>,
): Promise<InFlight> {
  const register = holdRequest(baseUrl, '/api/v1/auth/register', { email, password: 'password1' });
  open.push(register);
  await register.accepted;
  const ready = await startRequest(baseUrl, '/health/ready');
  const live = await startRequest(baseUrl, '/health/live');
  open.push(ready, live);
  // A full exchange after the probes' bytes were sent: the server has read them by now.
  if ((await roundTrip(baseUrl, '/health/live')) !== 200) throw new Error('the server is not live');
  return { register, ready, live };
}

/** The readiness answer of a server shutting down: its database still up, itself going away. */
export const SHUTTING_DOWN = {
  status: 'fail',
  message: 'Service unavailable',
  checks: { database: 'up', server: 'down' },
} as const;
