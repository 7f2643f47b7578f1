import { expect } from '../../support/chai.js';
import { sqliteUrl } from '../../support/databases.js';
import { describeEachServer, startTestServer, type TestApi } from '../../support/server.js';

/** `series{labels}` → value, for every sample of a Prometheus text exposition. */
function samples(text: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    found.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return found;
}

async function scrape(api: TestApi): Promise<{ type: string | null; text: string }> {
  const metricsUrl = api.running().metricsUrl;
  if (metricsUrl === null) throw new Error('the server has no metrics listener');
  const reply = await fetch(`${metricsUrl}/metrics`);
  expect(reply.status).to.equal(200);
  return { type: reply.headers.get('content-type'), text: await reply.text() };
}

const requests = (method: string, route: string, status: number) =>
  `http_request_duration_seconds_count{method="${method}",route="${route}",status="${status}"}`;

describeEachServer(
  'Prometheus metrics on METRICS_PORT',
  (api) => {
    const credentials = { email: 'metered@example.com', password: 'correct horse' };

    it('counts exactly the requests, logins, hashes and refusals that happened', async () => {
      const token = (await api.request('POST', '/api/v1/auth/register', { json: credentials })).json
        .access_token as string;
      // The server's first unknown-email login hashes the placeholder password once: do it
      // before counting, so the counted flow holds exactly one verification per checked login.
      await api.request('POST', '/api/v1/auth/login', {
        json: { email: 'warm-up@example.com', password: 'whatever' },
      });
      const before = samples((await scrape(api)).text);

      expect(
        (await api.request('POST', '/api/v1/auth/login', { json: credentials })).status,
      ).to.equal(200);
      const wrong = { email: 'nobody@example.com', password: 'wrong password' };
      expect((await api.request('POST', '/api/v1/auth/login', { json: wrong })).status).to.equal(
        401,
      );
      // LOGIN_MAX_FAILURES=1: that account's next attempt is refused before any verification.
      expect((await api.request('POST', '/api/v1/auth/login', { json: wrong })).status).to.equal(
        429,
      );
      const malformed = { email: 'not an address', password: 'whatever' };
      expect(
        (await api.request('POST', '/api/v1/auth/login', { json: malformed })).status,
      ).to.equal(400);
      expect((await api.request('GET', '/api/v1/nowhere')).status).to.equal(404);
      expect((await api.request('GET', '/api/v1/auth/user', { token })).status).to.equal(200);

      const after = samples((await scrape(api)).text);
      const moved = (series: string) => (after.get(series) ?? 0) - (before.get(series) ?? 0);
      expect({
        loginOk: moved(requests('POST', '/api/v1/auth/login', 200)),
        loginFailed: moved(requests('POST', '/api/v1/auth/login', 401)),
        loginRefused: moved(requests('POST', '/api/v1/auth/login', 429)),
        loginInvalid: moved(requests('POST', '/api/v1/auth/login', 400)),
        unmatched: moved(requests('GET', 'unmatched', 404)),
        user: moved(requests('GET', '/api/v1/auth/user', 200)),
        success: moved('gatehouse_logins_total{outcome="success"}'),
        failure: moved('gatehouse_logins_total{outcome="failure"}'),
        rateLimited: moved('gatehouse_logins_total{outcome="rate_limited"}'),
        invalid: moved('gatehouse_logins_total{outcome="invalid"}'),
        verifications: moved('gatehouse_password_hash_duration_seconds_count{operation="verify"}'),
        hashes: moved('gatehouse_password_hash_duration_seconds_count{operation="hash"}'),
        accountRefusals: moved('gatehouse_rate_limit_refusals_total{limit="account"}'),
        clientRefusals: moved('gatehouse_rate_limit_refusals_total{limit="client"}'),
      }).to.deep.equal({
        loginOk: 1,
        loginFailed: 1,
        loginRefused: 1,
        loginInvalid: 1,
        unmatched: 1,
        user: 1,
        success: 1,
        failure: 1,
        rateLimited: 1,
        invalid: 1,
        verifications: 2,
        hashes: 0,
        accountRefusals: 1,
        clientRefusals: 0,
      });
      // Every request of the flow, and nothing else (the scrapes are on their own port).
      const counted = [...after.keys()].filter((key) =>
        key.startsWith('http_request_duration_seconds_count'),
      );
      expect(counted.reduce((sum, key) => sum + moved(key), 0)).to.equal(6);
    });

    it('labels requests with the route template, never the raw path', async () => {
      const token = (await api.request('POST', '/api/v1/auth/register', { json: credentials })).json
        .access_token as string;
      expect(
        (await api.request('GET', '/api/v1/widgets/some-secret-name', { token })).status,
      ).to.equal(404);
      const { type, text } = await scrape(api);
      expect(type).to.equal('text/plain; version=0.0.4; charset=utf-8');
      expect(samples(text).get(requests('GET', '/api/v1/widgets/:name', 404))).to.be.at.least(1);
      expect(text).not.to.include('some-secret-name');
    });

    it("exposes Node's process metrics and the database pool's gauges", async () => {
      const found = samples((await scrape(api)).text);
      for (const series of [
        'nodejs_eventloop_lag_seconds',
        'process_cpu_user_seconds_total',
        'nodejs_heap_size_used_bytes',
        'gatehouse_db_pool_connections_in_use',
        'gatehouse_db_pool_connections_idle',
        'gatehouse_db_pool_acquires_waiting',
      ]) {
        expect(found.get(series), series).to.be.a('number').and.not.NaN;
      }
      // Scraped while no request runs: nothing lent out, nobody waiting.
      expect(found.get('gatehouse_db_pool_connections_in_use')).to.equal(0);
      expect(found.get('gatehouse_db_pool_acquires_waiting')).to.equal(0);
    });

    it('serves /metrics on its own port only: the API answers it with the JSON 404', async () => {
      const reply = await api.request('GET', '/metrics');
      expect(reply.status).to.equal(404);
      expect(reply.json.status).to.equal('fail');
      const metricsUrl = api.running().metricsUrl ?? '';
      expect(new URL(metricsUrl).hostname).to.equal('127.0.0.1'); // HOST
      expect(new URL(metricsUrl).port).not.to.equal(new URL(api.running().url).port);
      expect((await fetch(`${metricsUrl}/`)).status).to.equal(404);
      expect((await fetch(`${metricsUrl}/metrics`, { method: 'POST' })).status).to.equal(405);
    });
  },
  { METRICS_PORT: '0', LOGIN_MAX_FAILURES: '1' },
);

describe('without METRICS_PORT', () => {
  it('opens no metrics listener', async () => {
    const running = await startTestServer(sqliteUrl());
    try {
      expect(running.metricsUrl).to.equal(null);
    } finally {
      await running.close();
    }
  });
});
