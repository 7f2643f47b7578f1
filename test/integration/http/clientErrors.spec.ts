import { connect } from 'node:net';
import { HTTP_MESSAGES } from '../../../src/adapters/http/errors.js';
import type { OpenApiDocument } from '../../../src/adapters/http/openapi.js';
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
