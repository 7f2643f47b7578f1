import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AggregatorRegistry, type Registry } from 'prom-client';

/** What a scrape reads: one registry, or the sum over a cluster's workers. */
export interface ScrapeSource {
  readonly contentType: string;
  metrics(): Promise<string>;
}

/**
 * The metrics of every worker of a node:cluster primary, summed (prom-client asks each worker
 * over the cluster's IPC channel at every scrape). Each worker must call `shareWithPrimary`.
 */
export function clusterScrapeSource(): ScrapeSource {
  const aggregator = new AggregatorRegistry();
  return { contentType: aggregator.contentType, metrics: () => aggregator.clusterMetrics() };
}

/** In a worker: hands `registry` to the primary's aggregation instead of listening itself. */
export function shareWithPrimary(registry: Registry): void {
  AggregatorRegistry.setRegistries([registry]);
  // prom-client starts answering the primary's requests when an AggregatorRegistry is made.
  new AggregatorRegistry();
}

export interface MetricsListener {
  /** `http://host:port`, the bound port when 0 was asked for. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * `GET /metrics` in Prometheus's text format on a port of its own, so the API's port never
 * exposes it and a firewall can keep it internal. Anything else there is a bare 404 (405 for
 * another method on /metrics): this listener is for a scraper, not for people.
 */
export async function listenForScrapes(
  registry: ScrapeSource,
  host: string,
  port: number,
): Promise<MetricsListener> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    if (path !== '/metrics') {
      response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not Found\n');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    registry.metrics().then(
      (text) => {
        response.writeHead(200, { 'Content-Type': registry.contentType });
        response.end(request.method === 'HEAD' ? undefined : text);
      },
      () => response.writeHead(500).end(),
    );
  });
  server.listen(port, host);
  await once(server, 'listening');
  const bound = (server.address() as AddressInfo).port;
  const shown = host.includes(':') ? `[${host}]` : host;
  const url = `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : shown}:${bound}`;
  return {
    url,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
