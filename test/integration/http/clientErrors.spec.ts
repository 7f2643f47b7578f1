import { connect } from 'node:net';
import { HTTP_MESSAGES } from '../../../src/adapters/http/problems.js';
import type { OpenApiDocument } from '../../../src/adapters/http/openapiTypes.js';
import type { RunningServer } from '../../../src/main/server.js';
import { expect } from '../../support/chai.js';
import { sqliteUrl } from '../../support/databases.js';
import { OPENAPI_DOCUMENT_PATH, OpenApiDriftChecker } from '../../support/openapiDrift.js';
import { request } from '../../support/server.js';
import { startTestServer } from '../../support/server.js';

/** Sends raw bytes and returns everything the server answers until it closes the connection. */
function exchange(url: string, bytes: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(bytes));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.setTimeout(5000, () => socket.destroy(new Error('no answer within 5 s')));
  });
}

function parse(answer: string): { statusLine: string; headers: string[]; body: unknown } {
  const [head = '', body = ''] = answer.split('\r\n\r\n');
  const [statusLine = '', ...headers] = head.split('\r\n');
  return { statusLine, headers: headers.map((line) => line.toLowerCase()), body: JSON.parse(body) };
}

describe('requests the HTTP parser refuses', () => {
  let server: RunningServer;

  before(async () => {
    server = await startTestServer(sqliteUrl());
  });
  after(async () => {
    await server.close();
  });

  it('answers unparsable bytes with a JSON 400, then closes the connection', async () => {
    const answer = parse(await exchange(server.url, 'NOT HTTP AT ALL\r\n\r\n'));
    expect(answer.statusLine).to.equal('HTTP/1.1 400 Bad Request');
    expect(answer.headers).to.include.members([
      'content-type: application/json; charset=utf-8',
      'connection: close',
    ]);
    expect(answer.body).to.deep.equal({ status: 'fail', message: HTTP_MESSAGES.badRequest });
  });

  it('answers headers over the limit with a JSON 431', async () => {
    const huge = `GET /health/live HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`;
    const answer = parse(await exchange(server.url, huge));
    expect(answer.statusLine).to.equal('HTTP/1.1 431 Request Header Fields Too Large');
    expect(answer.body).to.deep.equal({ status: 'fail', message: HTTP_MESSAGES.headersTooLarge });
    // Every operation documents this answer: the document describes it as sent.
    const document = (await request(server.url, 'GET', OPENAPI_DOCUMENT_PATH)).json;
    const headers = new Headers(
      answer.headers.map((line): [string, string] => {
        const [name = '', ...value] = line.split(': ');
        return [name, value.join(': ')];
      }),
    );
    new OpenApiDriftChecker(document as OpenApiDocument).check({
      method: 'GET',
      path: '/health/live',
      status: 431,
      headers,
      body: answer.body,
    });
  });

  it('answers a request smuggling both Content-Length and chunked framing with a JSON 400', async () => {
    const smuggled =
      'POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Length: 4\r\n' +
      'Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n';
    const answer = parse(await exchange(server.url, smuggled));
    expect(answer.statusLine).to.equal('HTTP/1.1 400 Bad Request');
    expect(answer.body).to.deep.equal({ status: 'fail', message: HTTP_MESSAGES.badRequest });
  });

  it('keeps serving well-formed requests afterwards', async () => {
    await exchange(server.url, 'NOT HTTP AT ALL\r\n\r\n');
    expect((await request(server.url, 'GET', '/health/live')).status).to.equal(200);
  });
});

/**
 * Writes `head` at once, then `trickle` one byte every `everyMs`, until the server answers and
 * closes: resolves with the answer and when the connection closed, counted from the first byte.
 */
function trickle(
  url: string,
  head: string,
  slow: string,
  everyMs: number,
): Promise<{ answer: string; closedAfterMs: number; bytesSent: number }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let sent = 0;
    const chunks: Buffer[] = [];
    const socket = connect(Number(port), hostname, () => socket.write(head));
    const timer = setInterval(() => {
      if (sent < slow.length && socket.writable) socket.write(slow.charAt(sent++));
    }, everyMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined); // a reset after the answer still ends in `close`
    socket.on('close', () => {
      clearInterval(timer);
      resolve({
        answer: Buffer.concat(chunks).toString('utf8'),
        closedAfterMs: Date.now() - started,
        bytesSent: sent,
      });
    });
    setTimeout(() => {
      clearInterval(timer);
      socket.destroy();
      reject(new Error('the connection was still open after 10 s'));
    }, 10_000);
  });
}

describe('slow clients', () => {
  const HEADERS_TIMEOUT_MS = 1000;
  const REQUEST_TIMEOUT_MS = 2000;
  let server: RunningServer;

  before(async () => {
    server = await startTestServer(sqliteUrl(), {
      HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
      REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    });
  });
  after(async () => {
    await server.close();
  });

  const expect408 = (answer: string) => {
    const parsed = parse(answer);
    expect(parsed.statusLine).to.equal('HTTP/1.1 408 Request Timeout');
    expect(parsed.headers).to.include.members([
      'content-type: application/json; charset=utf-8',
      'connection: close',
    ]);
    expect(parsed.body).to.deep.equal({ status: 'fail', message: HTTP_MESSAGES.requestTimeout });
  };

  it('cuts off a body sent a byte at a time at REQUEST_TIMEOUT_MS with a JSON 408, then closes', async function () {
    this.timeout(15_000);
    const body = JSON.stringify({ email: 'slow@example.com', password: 'slow password 1' });
    const head =
      'POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\n' +
      `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;

    const { answer, closedAfterMs, bytesSent } = await trickle(server.url, head, body, 200);

    expect408(answer);
    expect(bytesSent, 'the body was still arriving').to.be.below(body.length);
    // The deadline, plus at most one tick of Node's check and the close grace.
    expect(closedAfterMs).to.be.within(REQUEST_TIMEOUT_MS, REQUEST_TIMEOUT_MS + 2000);
  });

  it('cuts off headers sent a byte at a time at HEADERS_TIMEOUT_MS with a JSON 408', async function () {
    this.timeout(15_000);
    const headers = 'Host: localhost\r\nX-Slow: ' + 'a'.repeat(100) + '\r\n\r\n';

    const { answer, closedAfterMs } = await trickle(
      server.url,
      'GET /health/live HTTP/1.1\r\n',
      headers,
      100,
    );

    expect408(answer);
    expect(closedAfterMs).to.be.within(HEADERS_TIMEOUT_MS, HEADERS_TIMEOUT_MS + 2000);
  });

  it('closes an idle keep-alive connection after 5 s', async function () {
    this.timeout(15_000);
    const { hostname, port } = new URL(server.url);
    const closedAfterMs = await new Promise<number>((resolve, reject) => {
      let answered = 0;
      const socket = connect(Number(port), hostname, () =>
        socket.write('GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n'),
      );
      socket.on('data', () => (answered ||= Date.now()));
      socket.on('error', reject);
      socket.on('close', () => resolve(Date.now() - answered));
      setTimeout(() => socket.destroy(new Error('still open after 10 s')), 10_000);
    });
    expect(closedAfterMs).to.be.within(4900, 7000);
  });

  it('answers a request whose body arrives in time, however slowly', async function () {
    this.timeout(15_000);
    const body = '{}';
    const head =
      'POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n' +
      `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;

    const { answer } = await trickle(server.url, head, body, 300);

    expect(parse(answer).statusLine).to.equal('HTTP/1.1 400 Bad Request');
  });
});
