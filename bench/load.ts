/** autocannon runs, with latencies kept to the microsecond (autocannon's histogram keeps whole ms). */
import autocannon, { type Options, type Result } from 'autocannon';

export interface LoadResult {
  readonly requestsPerSecond: number;
  /** 2xx responses per second. */
  readonly okPerSecond: number;
  readonly ok: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly connections: number;
  /** Requests per second asked for, when the run was paced (probes). */
  readonly rate?: number;
  readonly seconds: number;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

const round = (ms: number) => Math.round(ms * 100) / 100;

export async function load(options: Options): Promise<LoadResult> {
  const latencies: number[] = [];
  const result = await new Promise<Result>((resolve, reject) => {
    const instance = autocannon(options, (error, finished) =>
      error ? reject(error as Error) : resolve(finished),
    );
    instance.on('response', (_client, status, _bytes, ms) => {
      if (status >= 200 && status < 300) latencies.push(ms);
    });
  });
  const sorted = Float64Array.from(latencies).sort();
  const mean = latencies.reduce((sum, ms) => sum + ms, 0) / latencies.length;
  return {
    requestsPerSecond: Math.round((result['2xx'] + result.non2xx) / result.duration),
    okPerSecond: Math.round((result['2xx'] / result.duration) * 100) / 100,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    meanMs: round(mean),
    p50Ms: round(percentile(sorted, 50)),
    p99Ms: round(percentile(sorted, 99)),
    maxMs: round(sorted[sorted.length - 1] ?? NaN),
    connections: result.connections,
    ...(options.overallRate === undefined ? {} : { rate: options.overallRate }),
    seconds: Math.round(result.duration * 10) / 10,
  };
}
