/** The bench's results: a table on stdout, latest.json and latest.md (pasted into BENCHMARKS.md). */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { ROOT } from './build.js';
import type { LoadResult } from './load.js';

export interface BenchResults {
  date: string;
  machine: {
    cpus: number;
    cpuModel: string;
    memoryMB: number;
    node: string;
    platform: string;
    loadAverage: { before: number; after: number };
  };
  settings: Record<string, string | number | boolean>;
  bcrypt: { perCoreBefore: number; perCoreAfter: number; allCores: number; limit: number };
  storm: { logins: LoadResult; live: LoadResult; user: LoadResult };
  throughput: { bare: LoadResult; user: LoadResult };
  widgets: {
    count: number;
    seedSeconds: number;
    first: LoadResult;
    lastPage: number;
    last: LoadResult;
  }[];
  /** Bytes. */
  memory: {
    idleFreshRss: number;
    idleRss: number;
    loadRss: number;
    peakRss: number;
    /** Highest RSS sample in each phase under load. */
    byPhase: Record<string, number>;
  };
  startup: { coldMs: number; warmMs: number[] };
}

interface Target {
  figure: string;
  measured: string;
  target: string;
  met: boolean;
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;
const fixed = (n: number, digits = 2) => n.toFixed(digits);

function targets(r: BenchResults): Target[] {
  const loginRatio = r.storm.logins.okPerSecond / r.bcrypt.limit;
  const authRatio = r.throughput.user.requestsPerSecond / r.throughput.bare.requestsPerSecond;
  const smallest = r.widgets[0];
  const largest = r.widgets[r.widgets.length - 1];
  const warm = [...r.startup.warmMs].sort((a, b) => a - b);
  const warmMedian = warm[Math.floor(warm.length / 2)] ?? NaN;
  const rows: Target[] = [
    {
      figure: 'logins/s during the storm ÷ bcrypt limit',
      measured: `${fixed(loginRatio)} (${fixed(r.storm.logins.okPerSecond, 1)} of ${fixed(r.bcrypt.limit, 1)}/s)`,
      target: '≥ 0.95',
      met: loginRatio >= 0.95,
    },
    {
      figure: '`GET /health/live` p99 during the storm',
      measured: `${fixed(r.storm.live.p99Ms, 1)} ms`,
      target: '≤ 10 ms',
      met: r.storm.live.p99Ms <= 10,
    },
    {
      figure: '`GET /auth/user` p99 during the storm',
      measured: `${fixed(r.storm.user.p99Ms, 1)} ms`,
      target: '≤ 25 ms',
      met: r.storm.user.p99Ms <= 25,
    },
    {
      figure: '`GET /auth/user` req/s ÷ bare Koa route req/s',
      measured: `${fixed(authRatio)} (${r.throughput.user.requestsPerSecond} / ${r.throughput.bare.requestsPerSecond})`,
      target: '≥ 0.5',
      met: authRatio >= 0.5,
    },
  ];
  if (smallest !== undefined && largest !== undefined && largest !== smallest) {
    for (const which of ['first', 'last'] as const) {
      const ratio = largest[which].meanMs / smallest[which].meanMs;
      rows.push({
        figure: `${which} page mean latency, ${largest.count} ÷ ${smallest.count} widgets`,
        measured: `${fixed(ratio)} (${fixed(largest[which].meanMs)} / ${fixed(smallest[which].meanMs)} ms)`,
        target: '≤ 1.5',
        met: ratio <= 1.5,
      });
    }
  }
  rows.push(
    {
      figure: 'RSS under load (highest sample)',
      measured: `${mb(r.memory.loadRss)} (idle ${mb(r.memory.idleFreshRss)})`,
      target: '≤ 120 MB',
      met: r.memory.loadRss <= 120e6,
    },
    {
      figure: 'process start → `/health/ready` 200 (median warm)',
      measured: `${warmMedian.toFixed(0)} ms (cold, migrating: ${r.startup.coldMs.toFixed(0)} ms)`,
      target: '≤ 1000 ms',
      met: warmMedian <= 1000,
    },
  );
  return rows;
}

function scenarioRows(r: BenchResults): string[][] {
  const row = (name: string, l: LoadResult, perSecond = String(l.requestsPerSecond)) => [
    name,
    l.rate === undefined ? String(l.connections) : `1 @ ${l.rate}/s`,
    perSecond,
    fixed(l.meanMs),
    fixed(l.p50Ms),
    fixed(l.p99Ms),
    l.non2xx + l.errors === 0 ? '' : `${l.non2xx} non-2xx, ${l.errors} errors`,
  ];
  const rows = [
    row(
      `storm: \`POST /auth/login\` (cost ${r.settings.bcryptCost})`,
      r.storm.logins,
      fixed(r.storm.logins.okPerSecond, 1),
    ),
    row('storm: `GET /health/live`', r.storm.live),
    row('storm: `GET /auth/user`', r.storm.user),
    row('bare Koa route, same process', r.throughput.bare),
    row('`GET /auth/user`, valid token', r.throughput.user),
  ];
  for (const w of r.widgets) {
    rows.push(row(`\`GET /widgets?per_page=100\` page 1, ${w.count} widgets`, w.first));
    rows.push(row(`… last page (${w.lastPage}), ${w.count} widgets`, w.last));
  }
  return rows;
}

function markdownTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function gitCommit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT }).toString();
    const dirty = execFileSync('git', ['status', '--porcelain'], { cwd: ROOT }).toString();
    return `${head.trim()}${dirty.trim() === '' ? '' : ' (uncommitted changes)'}`;
  } catch {
    return 'unknown';
  }
}

const DOC_START = '<!-- bench:latest:start -->';
const DOC_END = '<!-- bench:latest:end -->';

/** Replaces the table between BENCHMARKS.md's markers with this run's. */
async function updateBenchmarksDoc(markdown: string): Promise<void> {
  const path = join(ROOT, 'BENCHMARKS.md');
  const doc = readFileSync(path, 'utf8');
  const start = doc.indexOf(DOC_START);
  const end = doc.indexOf(DOC_END);
  if (start < 0 || end < start) throw new Error(`BENCHMARKS.md lacks ${DOC_START} … ${DOC_END}`);
  const block = `${DOC_START}\n\n${markdown}\n`;
  writeFileSync(path, await pretty(path, doc.slice(0, start) + block + doc.slice(end)));
}

/** Written files pass `npm run lint` as they are. */
async function pretty(path: string, text: string): Promise<string> {
  return format(text, { ...(await resolveConfig(path)), filepath: path });
}

export async function report(r: BenchResults, outDir: string, updateDoc: boolean): Promise<void> {
  const commit = gitCommit();
  const m = r.machine;
  const seeding = r.widgets.map((w) => `${w.count} in ${w.seedSeconds} s`).join(', ');
  const markdown = [
    `Run ${r.date} at ${commit}: ${m.cpus} × ${m.cpuModel}, ${m.memoryMB} MB, Node ${m.node}, ` +
      `${m.platform}; ${r.settings.database}, NODE_ENV=production, bcrypt cost ${r.settings.bcryptCost}, ` +
      `node ${String(r.settings.nodeFlags)}, UV_THREADPOOL_SIZE ${r.settings.uvThreadpoolSize}; load average ${fixed(m.loadAverage.before)} before, ` +
      `${fixed(m.loadAverage.after)} after.`,
    '',
    markdownTable(
      ['figure', 'measured', 'target', 'met'],
      targets(r).map((t) => [t.figure, t.measured, t.target, t.met ? 'yes' : '**no**']),
    ),
    '',
    markdownTable(
      ['scenario', 'connections', 'req/s', 'mean ms', 'p50 ms', 'p99 ms', 'failures'],
      scenarioRows(r),
    ),
    '',
    `bcrypt limit: ${m.cpus} cores × ${fixed(r.bcrypt.perCoreBefore)} (before) / ` +
      `${fixed(r.bcrypt.perCoreAfter)} (after) verifications/s per core; all cores at once: ` +
      `${fixed(r.bcrypt.allCores)}/s. Memory: ${mb(r.memory.idleFreshRss)} idle after start, ` +
      `${mb(r.memory.idleRss)} idle with the bench preload, ${mb(r.memory.loadRss)} highest ` +
      `sample under load (${Object.entries(r.memory.byPhase)
        .map(([phase, rss]) => `${phase} ${mb(rss)}`)
        .join(', ')}), ${mb(r.memory.peakRss)} peak (VmHWM). Warm starts: ` +
      `${r.startup.warmMs.map((ms) => ms.toFixed(0)).join(', ')} ms. Seeding: ${seeding}.`,
    '',
  ].join('\n');
  mkdirSync(outDir, { recursive: true });
  const json = join(outDir, 'latest.json');
  writeFileSync(json, await pretty(json, JSON.stringify({ commit, ...r })));
  const md = join(outDir, 'latest.md');
  writeFileSync(md, await pretty(md, markdown));
  if (updateDoc) await updateBenchmarksDoc(markdown);
  console.log(markdown);
  console.log(
    `written: ${join(outDir, 'latest.json')} and latest.md${updateDoc ? ', BENCHMARKS.md' : ''}`,
  );
}
