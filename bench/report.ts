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
  /**
   * bcrypt.compare per second at the server's cost, with the server's binding: one at a time
   * (one core) before and after the storm, and one per core at once, before and after the storm
   * too (`allCores`, their mean: the limit).
   */
  bcrypt: {
    perCoreBefore: number;
    perCoreAfter: number;
    allCoresBefore: number;
    allCoresAfter: number;
    allCores: number;
    /** Cores × the mean one-core rate: what the cores would give if they added up. */
    coresTimesOne: number;
  };
  storm: Storm;
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
  /** The storm and throughput again with `serve --workers auto`; null when skipped (1 core). */
  cluster: {
    workers: number;
    /** Spawn to /health/ready 200 and every worker listening. */
    readyMs: number;
    storm: Storm;
    throughput: { bare: LoadResult; user: LoadResult };
    /** Bytes; sums over the primary and every worker, and each (the primary first). */
    memory: {
      idleRss: number;
      idleByProcess: number[];
      loadRss: number;
      loadByProcess: number[];
      byPhase: Record<string, number>;
    };
  } | null;
}

/** One storm round: logins and the paced probes, between two timings of the limit. */
export interface StormRound {
  /** bcrypt on all cores at once: the mean of the timings just before and just after. */
  limit: number;
  ratio: number;
  logins: LoadResult;
  live: LoadResult;
  user: LoadResult;
}

/**
 * Storm rounds and their medians: this VM's all-cores rate drifts by several per cent within
 * minutes, so each round is held to the limit timed around it, and a target to the median round.
 */
export interface Storm {
  rounds: StormRound[];
  ratio: number;
  liveP99Ms: number;
  userP99Ms: number;
  /** The round of the median ratio, for the scenario table. */
  logins: LoadResult;
  live: LoadResult;
  user: LoadResult;
}

interface Target {
  figure: string;
  target: string;
  /** One cell per configuration: 1 worker, then N workers (null: not measured there). */
  cells: ({ measured: string; met: boolean | null } | null)[];
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;
const fixed = (n: number, digits = 2) => n.toFixed(digits);

/** The figures each configuration (1 worker, N workers) is held to. */
interface Measured {
  storm: BenchResults['storm'];
  throughput: BenchResults['throughput'];
}

/** Each round's figure, in the order they ran: `0.94, 0.96, 0.95`. */
function roundFigures(storm: Storm, figure: (round: StormRound) => string): string {
  return storm.rounds.map(figure).join(', ');
}

function perConfiguration(r: BenchResults): Measured[] {
  return [r, ...(r.cluster === null ? [] : [r.cluster])];
}

function targets(r: BenchResults): Target[] {
  const configurations = perConfiguration(r);
  const each = (cell: (m: Measured) => { measured: string; met: boolean | null }) =>
    configurations.map(cell);
  const smallest = r.widgets[0];
  const largest = r.widgets[r.widgets.length - 1];
  const warm = [...r.startup.warmMs].sort((a, b) => a - b);
  const warmMedian = warm[Math.floor(warm.length / 2)] ?? NaN;
  const rows: Target[] = [
    {
      figure: 'logins/s during the storm ÷ bcrypt on all cores at once',
      target: '≥ 0.95',
      cells: each((m) => ({
        measured: `${fixed(m.storm.ratio)} (median of ${roundFigures(m.storm, (s) => fixed(s.ratio))})`,
        met: m.storm.ratio >= 0.95,
      })),
    },
    {
      figure: '`GET /health/live` p99 during the storm',
      target: '≤ 10 ms',
      cells: each((m) => ({
        measured: `${fixed(m.storm.liveP99Ms, 1)} ms (median of ${roundFigures(m.storm, (s) => fixed(s.live.p99Ms, 1))})`,
        met: m.storm.liveP99Ms <= 10,
      })),
    },
    {
      figure: '`GET /auth/user` p99 during the storm',
      target: '≤ 25 ms',
      cells: each((m) => ({
        measured: `${fixed(m.storm.userP99Ms, 1)} ms (median of ${roundFigures(m.storm, (s) => fixed(s.user.p99Ms, 1))})`,
        met: m.storm.userP99Ms <= 25,
      })),
    },
    {
      figure: '`GET /auth/user` req/s ÷ bare Koa route req/s',
      target: '≥ 0.3',
      cells: each((m) => {
        const { user, bare } = m.throughput;
        const ratio = user.requestsPerSecond / bare.requestsPerSecond;
        return {
          measured: `${fixed(ratio)} (${user.requestsPerSecond} / ${bare.requestsPerSecond})`,
          met: ratio >= 0.3,
        };
      }),
    },
  ];
  if (smallest !== undefined && largest !== undefined && largest !== smallest) {
    for (const which of ['first', 'last'] as const) {
      const ratio = largest[which].meanMs / smallest[which].meanMs;
      rows.push({
        figure: `${which} page mean latency, ${largest.count} ÷ ${smallest.count} widgets`,
        target: '≤ 1.5',
        cells: [
          {
            measured: `${fixed(ratio)} (${fixed(largest[which].meanMs)} / ${fixed(smallest[which].meanMs)} ms)`,
            met: ratio <= 1.5,
          },
        ],
      });
    }
  }
  const cluster = r.cluster;
  rows.push(
    {
      figure: 'RSS under load (highest sample; all processes)',
      target: '≤ 120 MB',
      cells: [
        {
          measured: `${mb(r.memory.loadRss)} (idle ${mb(r.memory.idleFreshRss)})`,
          met: r.memory.loadRss <= 120e6,
        },
        ...(cluster === null
          ? []
          : [
              {
                measured: `${mb(cluster.memory.loadRss)} (${cluster.memory.loadByProcess.map(mb).join(' + ')})`,
                met: null,
              },
            ]),
      ],
    },
    {
      figure: 'process start → `/health/ready` 200 (median warm)',
      target: '≤ 1000 ms',
      cells: [
        {
          measured: `${warmMedian.toFixed(0)} ms (cold, migrating: ${r.startup.coldMs.toFixed(0)} ms)`,
          met: warmMedian <= 1000,
        },
        ...(cluster === null
          ? []
          : [{ measured: `${cluster.readyMs.toFixed(0)} ms (every worker)`, met: null }]),
      ],
    },
  );
  return rows;
}

function targetCells(r: BenchResults, t: Target): string[] {
  const width = perConfiguration(r).length;
  return Array.from({ length: width }, (_, i) => {
    const cell = t.cells[i];
    if (cell === undefined || cell === null) return '—';
    if (cell.met === null) return cell.measured;
    return `${cell.measured}${cell.met ? '' : ' **no**'}`;
  });
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
  const rows: string[][] = [];
  for (const [label, m] of perConfiguration(r).map(
    (m, i) => [i === 0 ? '1 worker' : `${r.cluster?.workers} workers`, m] as const,
  )) {
    rows.push(
      row(
        `${label}, storm: \`POST /auth/login\` (cost ${r.settings.bcryptCost})`,
        m.storm.logins,
        fixed(m.storm.logins.okPerSecond, 1),
      ),
      row(`${label}, storm: \`GET /health/live\``, m.storm.live),
      row(`${label}, storm: \`GET /auth/user\``, m.storm.user),
      row(`${label}: bare Koa route, same process`, m.throughput.bare),
      row(`${label}: \`GET /auth/user\`, valid token`, m.throughput.user),
    );
  }
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
  const cluster = r.cluster;
  const columns = ['1 worker', ...(cluster === null ? [] : [`${cluster.workers} workers`])];
  const clusterMemory =
    cluster === null
      ? ''
      : ` With ${cluster.workers} workers (primary + workers): ${mb(cluster.memory.idleRss)} idle ` +
        `(${cluster.memory.idleByProcess.map(mb).join(' + ')}), ${mb(cluster.memory.loadRss)} ` +
        `highest sum under load (${Object.entries(cluster.memory.byPhase)
          .map(([phase, rss]) => `${phase} ${mb(rss)}`)
          .join(', ')}), each process at its highest ` +
        `${cluster.memory.loadByProcess.map(mb).join(' + ')}.`;
  const markdown = [
    `Run ${r.date} at ${commit}: ${m.cpus} × ${m.cpuModel}, ${m.memoryMB} MB, Node ${m.node}, ` +
      `${m.platform}; ${r.settings.database}, NODE_ENV=production, bcrypt cost ${r.settings.bcryptCost}, ` +
      `started as \`${String(r.settings.start)}\`${r.settings.nodeOptions === '' ? '' : ` with NODE_OPTIONS=${String(r.settings.nodeOptions)}`}, ` +
      `UV_THREADPOOL_SIZE ${r.settings.uvThreadpoolSize}; load average ${fixed(m.loadAverage.before)} before, ` +
      `${fixed(m.loadAverage.after)} after.`,
    '',
    markdownTable(
      ['figure', 'target', ...columns],
      targets(r).map((t) => [t.figure, t.target, ...targetCells(r, t)]),
    ),
    '',
    markdownTable(
      ['scenario', 'connections', 'req/s', 'mean ms', 'p50 ms', 'p99 ms', 'failures'],
      scenarioRows(r),
    ),
    '',
    `Storm rounds (logins/s of the limit timed around each): ${perConfiguration(r)
      .map(
        (c, i) =>
          `${columns[i]}: ${c.storm.rounds
            .map((s) => `${fixed(s.logins.okPerSecond, 1)} of ${fixed(s.limit, 1)}`)
            .join(', ')}`,
      )
      .join('; ')}. ` +
      `bcrypt: ${fixed(r.bcrypt.allCores)} verifications/s with all ${m.cpus} cores at once (the ` +
      `mean of ${fixed(r.bcrypt.allCoresBefore)} before the storms and ` +
      `${fixed(r.bcrypt.allCoresAfter)} after); one core ${fixed(r.bcrypt.perCoreBefore)} (before) / ${fixed(r.bcrypt.perCoreAfter)} ` +
      `(after), × ${m.cpus} = ${fixed(r.bcrypt.coresTimesOne)}/s. Memory, 1 worker: ` +
      `${mb(r.memory.idleFreshRss)} idle after start, ` +
      `${mb(r.memory.idleRss)} idle with the bench preload, ${mb(r.memory.loadRss)} highest ` +
      `sample under load (${Object.entries(r.memory.byPhase)
        .map(([phase, rss]) => `${phase} ${mb(rss)}`)
        .join(', ')}), ${mb(r.memory.peakRss)} peak (VmHWM).${clusterMemory} Warm starts: ` +
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
