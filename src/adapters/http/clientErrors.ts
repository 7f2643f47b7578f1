import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { HTTP_MESSAGES } from './problems.js';

/** What Node's HTTP parser refuses before Koa sees a request, in Werkzeug's words. */
const ANSWERS: Readonly<Record<string, readonly [number, string]>> = {
  HPE_HEADER_OVERFLOW: [431, HTTP_MESSAGES.headersTooLarge],
  ERR_HTTP_REQUEST_TIMEOUT: [408, HTTP_MESSAGES.requestTimeout],
};

/** How long a client has to read the answer to a refused request before its connection goes. */
const CLOSE_GRACE_MS = 1000;

/**
 * A `clientError` listener: a request Node cannot parse (bad framing, headers over its limit, too
 * slow) gets the API's JSON error shape instead of Node's bodiless answer, then the connection
 * closes (the rest of the stream cannot be trusted to hold request boundaries).
 *
 * A request too slow to arrive may already be in the app's hands, its body still trickling in:
 * the 408 goes out unless the app has begun its own answer, and the connection is destroyed
 * shortly after, which ends the app's wait for the body.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  // Nothing to answer on a connection the client dropped, or one already answered and closing;
  // and never a second status line into a response already begun.
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent === true) {
    socket.destroy();
    return;
  }
  const [status, message] = ANSWERS[error.code ?? ''] ?? [400, HTTP_MESSAGES.badRequest];
  const body = JSON.stringify({ status: 'fail', message });
  socket.end(
    [
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`,
      'Content-Type: application/json; charset=utf-8',
      `Content-Length: ${Buffer.byteLength(body)}`,
      'X-Content-Type-Options: nosniff',
      'Connection: close',
      '',
      body,
    ].join('\r\n'),
  );
  // The client gets a moment to read the answer and close; then the connection is destroyed
  // whatever it does (closing at once, with its bytes still unread, could reset the answer away).
  setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
}
