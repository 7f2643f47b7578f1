import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { HTTP_MESSAGES } from './errors.js';

/** What Node's HTTP parser refuses before Koa sees a request, in Werkzeug's words. */
const ANSWERS: Readonly<Record<string, readonly [number, string]>> = {
  HPE_HEADER_OVERFLOW: [431, HTTP_MESSAGES.headersTooLarge],
  ERR_HTTP_REQUEST_TIMEOUT: [408, HTTP_MESSAGES.requestTimeout],
};

/**
 * A `clientError` listener: a request Node cannot parse (bad framing, headers over its limit, too
 * slow) gets the API's JSON error shape instead of Node's bodiless answer, then the connection
 * closes (the rest of the stream cannot be trusted to hold request boundaries).
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  // Nothing to answer on a connection the client dropped, or one already answered and closing.
  if (error.code === 'ECONNRESET' || !socket.writable) {
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
}
