// PromQL dashboard queries, EddyDB vs VictoriaMetrics (and Prometheus with --systems): range queries as a Grafana
// dashboard sends them (rate, sum by, histogram_quantile, topk, count by, label_replace) over the same data.
//
//   npm run bench -- promql [--hosts 200] [--metrics 20] [--scrapes 240] [--step 30] [--runs 5] [--warmup 1]
//                           [--systems eddy,victoria] [--out .bench/promql.json]
//
// The node-exporter-like workload of the prom bench (tests/bench/prom/workload.ts: counters, gauges and a classic
// histogram of 11 `le` buckets per host) is remote-written into every system, then each query runs as a
// `query_range` over the whole span: run i of a query on every system before run i + 1, so load from others hits
// them alike. Answers are reduced to (series, points, sum); series and points must agree across systems, values
// where both compute the same function (VictoriaMetrics' rate does not extrapolate as Prometheus's does).
// Server profile: BENCH_EDDY_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" (tests/bench/eddy.ts).
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { cpuMs, fmtNum, median, table, tempDir, waitFor, type BenchOptions } from './util.ts';
import { buildWorkload, HIST, RATE_METRIC, REGIONS, TOPK_METRIC, type PromWorkload } from './prom/workload.ts';
import {
  countSamples, promQuery, remoteWrite, startPromSystem, PROM_SYSTEM_NAMES, type PromAnswer, type PromSystem, type PromSystemKey,
} from './prom/systems.ts';

const HELP = `npm run bench -- promql [flags]   (each flag also as env BENCH_<FLAG>)
  --hosts N      hosts (default 200)            --metrics N   series per host (default 20; >= 14)
  --scrapes N    scrapes 15 s apart (default 240 = 1 h)
  --step S       query_range step in seconds (default 30)
  --runs N       timed runs per query (default 5)   --warmup N   untimed runs first (default 1)
  --systems LIST eddy,victoria[,prometheus][,base] (default eddy,victoria); base: another EddyDB checkout
                 (env BENCH_EDDY_BASE=<dir>) measured in the same run, for before/after ratios
  --only LIST    query names to run (default all)
  --settle       flush every system before querying (EddyDB: segments with their indexes, not the memtable)
  --out FILE     JSON (default .bench/promql.json)`;

interface QueryDef {
  name: string;
  query: string;
  /** Systems that compute the same values as EddyDB (Prometheus's semantics). */
  sameValues: PromSystemKey[];
}

type Cell = { medianMs?: number; cpuMs?: number; answer?: PromAnswer; error?: string };

function makeQueries(w: PromWorkload): QueryDef[] {
  const g = w.gauges[0]!;
  const all: PromSystemKey[] = ['prometheus', 'victoria'];
  return [
    { name: 'rate', query: `rate(${RATE_METRIC}[5m])`, sameValues: ['prometheus'] },
    { name: 'sum-by-rate', query: `sum by (region) (rate(${RATE_METRIC}[5m]))`, sameValues: ['prometheus'] },
    { name: 'hq-by-instance', query: `histogram_quantile(0.99, rate(${HIST}[5m]))`, sameValues: ['prometheus'] },
    { name: 'hq-sum-by-le', query: `histogram_quantile(0.9, sum by (le, region) (rate(${HIST}[5m])))`, sameValues: ['prometheus'] },
    { name: 'topk-rate', query: `topk(5, rate(${TOPK_METRIC}[5m]))`, sameValues: ['prometheus'] },
    { name: 'count-by', query: `count by (region) (${g})`, sameValues: all },
    { name: 'avg-gauge-by', query: `avg by (region) (${g})`, sameValues: all },
    { name: 'label-replace', query: `label_replace(${g}, "host", "$1", "instance", "(.*):\\\\d+")`, sameValues: all },
    { name: 'max-over-time', query: `max by (job) (max_over_time(${g}[5m]))`, sameValues: all },
    // equality matchers on labels other than the metric name: what a dashboard's per-host and per-region panels send
    { name: 'eq-host-rate', query: `rate(${RATE_METRIC}{instance="host-7:9100"}[5m])`, sameValues: ['prometheus'] },
    { name: 'eq-host-hq', query: `histogram_quantile(0.99, rate(${HIST}{instance="host-7:9100"}[5m]))`, sameValues: ['prometheus'] },
    { name: 'eq-region-sum', query: `sum(${g}{region="${REGIONS[3]}"})`, sameValues: all },
  ];
}

export async function run(opts: BenchOptions): Promise<unknown> {
  if (opts.bool('help')) {
    console.log(HELP);
    return undefined;
  }
  const hosts = opts.num('hosts', 200);
  const metrics = opts.num('metrics', 20);
  const scrapes = opts.num('scrapes', 240);
  const stepS = opts.num('step', 30);
  const runs = Math.max(1, opts.num('runs', 5));
  const warmup = Math.max(0, opts.num('warmup', 1));
  const keys = opts.str('systems', 'eddy,victoria').split(',').filter(Boolean) as PromSystemKey[];
  for (const k of keys) if (!(k in PROM_SYSTEM_NAMES)) throw new Error(`--systems: unknown system "${k}"`);
  const only = opts.str('only', '').split(',').filter(Boolean);
  const settle = opts.bool('settle');
  const out = resolve(opts.str('out', '.bench/promql.json'));
  const logDir = tempDir('promql-logs');

  const w = buildWorkload(hosts, metrics, scrapes, 2000);
  const queries = makeQueries(w).filter((q) => only.length === 0 || only.includes(q.name));
  const params = (q: QueryDef): Record<string, string> => ({
    query: q.query, start: String(w.startMs / 1000), end: String(w.endMs / 1000), step: String(stepS),
  });
  const steps = Math.floor((w.endMs - w.startMs) / 1000 / stepS) + 1;
  console.log(
    `workload: ${fmtNum(w.hosts)} hosts x ${fmtNum(w.metrics)} metrics = ${fmtNum(w.series)} series, ${w.scrapes} scrapes = ` +
      `${fmtNum(w.samples)} samples; queries: query_range over ${((w.endMs - w.startMs) / 3_600_000).toFixed(2)} h, step ${stepS} s (${steps} steps)`,
  );
  const load: number[][] = [loadavg()];
  const started: PromSystem[] = [];
  const lat: Record<string, Partial<Record<PromSystemKey, Cell>>> = {};
  const warnings: string[] = [];
  try {
    // Every system is loaded at the same time, so each comes to the queries with the same history: loaded one after
    // another, the first ones sat idle while the others ingested, and V8's memory reducer shrank their heaps (a young
    // generation of ~1-2 MB instead of 16), which changes what the collector costs per query by 0.7-1.4x either way and
    // made one EddyDB build look slower than another with the same query code (same commit as eddy and base: 0.74x).
    const loaded = await Promise.all(keys.map(async (key) => {
      const sys = await startPromSystem(key, logDir, false, 'public');
      started.push(sys);
      const secs = await remoteWrite(sys.writeUrl, w, 4);
      let seen = 0;
      await waitFor(`${sys.name} to answer with every sample`, async () => {
        seen = await countSamples(sys, w);
        return seen >= w.samples ? seen : undefined;
      }, 300_000, 100);
      return { sys, secs, seen };
    }));
    if (settle) await Promise.all(loaded.map(({ sys }) => sys.settle()));
    started.sort((a, b) => keys.indexOf(a.key) - keys.indexOf(b.key));
    for (const { sys, secs, seen } of loaded) {
      console.log(`${sys.name}: ${sys.version}; ${fmtNum(w.samples / secs)} samples/s acked (all systems written at once), all ${fmtNum(seen)} queryable${settle ? ', flushed' : ''}`);
    }
    load.push(loadavg());
    for (const q of queries) {
      lat[q.name] = {};
      const times = new Map<PromSystemKey, number[]>(started.map((s) => [s.key, []]));
      for (let i = 0; i < warmup + runs; i++) {
        for (const sys of started) {
          const cell = (lat[q.name]![sys.key] ??= {});
          if (cell.error) continue;
          const t0 = performance.now();
          const c0 = cpuMs(sys.proc.pid);
          try {
            const ans = await promQuery(sys.apiUrl, 'query_range', params(q));
            if (i >= warmup) {
              times.get(sys.key)!.push(performance.now() - t0);
              cell.cpuMs = (cell.cpuMs ?? 0) + (cpuMs(sys.proc.pid) - c0) / runs;
            }
            cell.answer ??= ans;
          } catch (e) {
            cell.error = (e as Error).message;
          }
        }
      }
      for (const sys of started) {
        const cell = lat[q.name]![sys.key]!;
        const ts = times.get(sys.key)!;
        if (ts.length) cell.medianMs = median(ts);
      }
      warnings.push(...checkAnswers(q, lat[q.name]!));
      const e = lat[q.name]!.eddy;
      console.log(`  ${q.name.padEnd(16)} ${started.map((s) => `${s.name} ${fmtMs(lat[q.name]![s.key]?.medianMs)} ms (CPU ${fmtMs(lat[q.name]![s.key]?.cpuMs)} ms)`).join(', ')}` +
        `${e?.answer ? ` (${fmtNum(e.answer.series)} series, ${fmtNum(e.answer.points)} points)` : ''}`);
    }
    load.push(loadavg());
  } finally {
    for (const s of started) await s.stop();
  }
  const sys = (['eddy', 'base', 'victoria', 'prometheus'] as PromSystemKey[]).filter((k) => keys.includes(k));
  const peers = sys.filter((k) => k !== 'eddy');
  const short: Record<PromSystemKey, string> = { eddy: 'Eddy', base: 'base', victoria: 'VM', prometheus: 'Prom' };
  // Server CPU per query beside wall time: on a machine shared with other work, wall time mostly measures the share of
  // the cores each server gets; CPU time is what the query cost (the node's process; VictoriaMetrics' process).
  for (const [what, get] of [['median latency', (c?: Cell) => c?.medianMs], ['server CPU per query (mean)', (c?: Cell) => c?.cpuMs]] as const) {
    console.log(
      `\nPromQL query_range ${what}, ms (Eddy/x < 1: EddyDB cheaper); load average ${load.map((l) => l[0]!.toFixed(1)).join(' -> ')}\n` +
        table(
          ['query', ...sys.map((k) => PROM_SYSTEM_NAMES[k]), ...peers.map((k) => `Eddy/${short[k]}`), ...(keys.includes('base') ? peers.filter((k) => k !== 'base').map((k) => `base/${short[k]}`) : [])],
          queries.map((q) => {
            const r = lat[q.name] ?? {};
            return [
              q.name, ...sys.map((k) => (get(r[k]) === undefined ? 'ERROR' : fmtMs(get(r[k])))), ...peers.map((k) => fmtRatio(get(r.eddy), get(r[k]))),
              ...(keys.includes('base') ? peers.filter((k) => k !== 'base').map((k) => fmtRatio(get(r.base), get(r[k]))) : []),
            ];
          }),
        ),
    );
  }
  for (const m of warnings) console.warn(`WARNING: ${m}`);
  const result = {
    bench: 'promql', at: new Date().toISOString(), loadavg: load,
    workload: { hosts, metrics, scrapes, series: w.series, samples: w.samples, stepS, steps },
    versions: Object.fromEntries(started.map((s) => [s.key, s.version])),
    queries: queries.map((q) => ({ ...q, results: lat[q.name] })),
    warnings,
  };
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(result, null, 2));
  console.log(`\nJSON: ${out}`);
  return result;
}

function checkAnswers(q: QueryDef, cells: Partial<Record<PromSystemKey, Cell>>): string[] {
  const out: string[] = [];
  for (const [k, c] of Object.entries(cells) as Array<[PromSystemKey, Cell]>) {
    if (c.error) out.push(`${PROM_SYSTEM_NAMES[k]} ${q.name}: ${c.error.slice(0, 300)}`);
  }
  const e = cells.eddy?.answer;
  if (!e) return out;
  for (const [k, c] of Object.entries(cells) as Array<[PromSystemKey, Cell]>) {
    const a = c.answer;
    if (k === 'eddy' || !a) continue;
    if (a.series !== e.series || a.points !== e.points) {
      out.push(`${q.name}: EddyDB answered ${e.series} series / ${e.points} points, ${PROM_SYSTEM_NAMES[k]} ${a.series} / ${a.points}`);
    }
    // the base checkout is EddyDB too: its values must agree
    if ((q.sameValues.includes(k) || k === 'base') && Math.abs(e.sum - a.sum) > 1e-6 * Math.max(1e-12, Math.abs(a.sum))) {
      out.push(`${q.name}: EddyDB's values sum to ${e.sum}, ${PROM_SYSTEM_NAMES[k]}'s to ${a.sum}`);
    }
  }
  return out;
}

function fmtMs(ms: number | undefined): string {
  return ms === undefined ? '-' : ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : fmtNum(ms);
}
function fmtRatio(a: number | undefined, b: number | undefined): string {
  if (a === undefined || b === undefined || !(b > 0)) return '-';
  const r = a / b;
  return `${r < 10 ? r.toFixed(2) : r.toFixed(1)}x`;
}
