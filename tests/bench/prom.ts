// Prometheus benchmark: remote-write ingest of a node-exporter-like workload and PromQL
// latency, EddyDB vs VictoriaMetrics vs Prometheus (issue 11, "Numbers").
//
//   npm run bench -- prom [--hosts 200] [--metrics 100] [--scrapes 30] [--runs 5] [--warmup 1]
//                         [--inflight 4] [--batch 2000] [--systems eddy,victoria,prometheus]
//                         [--keep-data] [--out .bench/prom.json]
//
// The payloads (snappy + protobuf WriteRequests, one scrape of a group of hosts each) are
// built once and sent unchanged to every system, one system at a time, `inflight` requests
// outstanding. Until acked: first request sent -> last 2xx. Until queryable: -> the system's
// own PromQL API counts every sample (sum(count_over_time(<name>[span])) per metric name, added up).
// Then each system is settled (EddyDB flush, VictoriaMetrics force_flush + force_merge;
// Prometheus has no flush) and its data dir measured. All three stay up for the queries:
// run i of a query on every system before run i + 1, so load from others hits them alike.
// Each answer is reduced to (series, points, sum of values); series and points must agree
// across systems (a warning names the query otherwise), and the sums of EddyDB and
// Prometheus (same rate extrapolation) must agree within 1e-6 relative.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { cpuSplit, fmtMiB, fmtNum, median, table, tempDir, treeCpuByProcess, treeMemory, waitFor, type BenchOptions } from './util.ts';
import { loadavg } from 'node:os';
import { buildWorkload, HIST, RATE_METRIC, SCRAPE_MS, TOPK_METRIC, type PromWorkload } from './prom/workload.ts';
import {
  countSamples,
  promQuery,
  remoteWrite,
  startPromSystem,
  PROM_SYSTEM_NAMES,
  type PromAnswer,
  type PromSystem,
  type PromSystemKey,
} from './prom/systems.ts';

const HELP = `npm run bench -- prom [flags]   (each flag also as env BENCH_<FLAG>)
  --hosts N      hosts (default 200)           --metrics N   series per host (default 100; >= 14)
  --scrapes N    scrapes 15 s apart (default 30; the issue's 6 h = 1440)
  --batch N      samples per remote-write request (default 2000)
  --inflight K   requests in flight (default 4)
  --runs N       timed runs per query (default 5)   --warmup N   untimed runs first (default 1)
  --systems LIST eddy,victoria,prometheus (default all; base: the EddyDB checkout in env BENCH_EDDY_BASE)
  --skip-queries ingest figures only
  --timeout S    seconds to wait until queryable (default 300)
  --keep-data    keep temp data dirs               --out FILE    JSON (default .bench/prom.json)`;

interface IngestFigures {
  ackedSeconds?: number;
  ackedSamplesPerSec?: number;
  queryableSeconds?: number;
  queryableSamplesPerSec?: number;
  samplesCounted?: number;
  diskBytes?: number;
  bytesPerSample?: number;
  diskIncludes?: string;
  /** VmHWM after ingest + flush, and at the end (after the queries too). */
  peakRssIngestBytes?: number;
  peakRssBytes?: number;
  /** Server CPU time (process tree: EddyDB's node and its nats-server) per 1M samples, until acked and until queryable. */
  cpuMsPerMAcked?: number;
  cpuMsPerMQueryable?: number;
  /** The same split by process ("node 3.1 s, nats-server 0.8 s"), until queryable. */
  cpuSplit?: string;
  error?: string;
}

interface QueryDef {
  name: string;
  kind: 'query' | 'query_range';
  params: Record<string, string>;
  /** Systems whose values must match EddyDB's (same function semantics). */
  sameValues: PromSystemKey[];
}

export async function run(opts: BenchOptions): Promise<unknown> {
  if (opts.bool('help')) {
    console.log(HELP);
    return undefined;
  }
  const hosts = opts.num('hosts', 200);
  const metrics = opts.num('metrics', 100);
  const scrapes = opts.num('scrapes', 30);
  const batch = opts.num('batch', 2000);
  const inflight = opts.num('inflight', 4);
  const runs = Math.max(1, opts.num('runs', 5));
  const warmup = Math.max(0, opts.num('warmup', 1));
  const timeoutMs = opts.num('timeout', 300) * 1000;
  const keepData = opts.bool('keep-data');
  const db = opts.str('db', 'public');
  const keys = opts.str('systems', 'eddy,victoria,prometheus').split(',').filter(Boolean) as PromSystemKey[];
  for (const k of keys) if (!(k in PROM_SYSTEM_NAMES)) throw new Error(`--systems: unknown system "${k}"`);
  const out = resolve(opts.str('out', '.bench/prom.json'));
  const logDir = tempDir('prom-logs');

  const tg0 = performance.now();
  const w = buildWorkload(hosts, metrics, scrapes, batch);
  console.log(
    `workload: ${fmtNum(w.hosts)} hosts x ${fmtNum(w.metrics)} metrics = ${fmtNum(w.series)} series, ${w.scrapes} scrapes 15 s apart = ` +
      `${fmtNum(w.samples)} samples, ${new Date(w.startMs).toISOString()} .. ${new Date(w.endMs).toISOString()}; ` +
      `${w.payloads.length} requests, ${fmtMiB(w.payloadBytes)} snappy (${(w.payloadBytes / w.samples).toFixed(2)} B/sample), built in ${((performance.now() - tg0) / 1000).toFixed(1)} s`,
  );
  console.log(`logs: ${logDir}`);

  const ingest: Partial<Record<PromSystemKey, IngestFigures>> = {};
  const versions: Partial<Record<PromSystemKey, string>> = {};
  const started: PromSystem[] = [];
  const queries = makeQueries(w);
  const lat: Record<string, Partial<Record<PromSystemKey, { medianMs?: number; answer?: PromAnswer; error?: string }>>> = {};
  const warnings: string[] = [];
  try {
    // Ingest: one system at a time, the others idle.
    for (const key of keys) {
      const name = PROM_SYSTEM_NAMES[key];
      process.stdout.write(`\n${name}: starting ... `);
      const f: IngestFigures = {};
      ingest[key] = f;
      let sys: PromSystem;
      try {
        sys = await startPromSystem(key, logDir, keepData, db);
      } catch (e) {
        f.error = (e as Error).message;
        console.log(`FAILED: ${f.error}`);
        continue;
      }
      started.push(sys);
      versions[key] = sys.version;
      try {
        process.stdout.write(`${sys.version}; writing ... `);
        const cpu0 = treeCpuByProcess(sys.proc.pid);
        const cpuOf = (m: Map<number, { ms: number }>): number => [...m.values()].reduce((a, p) => a + p.ms, 0);
        const t0 = performance.now();
        f.ackedSeconds = await remoteWrite(sys.writeUrl, w, inflight);
        f.ackedSamplesPerSec = w.samples / f.ackedSeconds;
        f.cpuMsPerMAcked = ((cpuOf(treeCpuByProcess(sys.proc.pid)) - cpuOf(cpu0)) / w.samples) * 1e6;
        let seen = 0;
        await waitFor(
          `${name} to answer with every sample`,
          async () => {
            seen = await countSamples(sys, w);
            return seen >= w.samples ? seen : undefined;
          },
          timeoutMs,
          100,
        ).catch((e: Error) => {
          throw new Error(`${e.message}; last count ${seen} of ${w.samples}`);
        });
        f.queryableSeconds = (performance.now() - t0) / 1000;
        const cpu1 = treeCpuByProcess(sys.proc.pid);
        f.cpuMsPerMQueryable = ((cpuOf(cpu1) - cpuOf(cpu0)) / w.samples) * 1e6;
        f.cpuSplit = cpuSplit(cpu0, cpu1);
        f.queryableSamplesPerSec = w.samples / f.queryableSeconds;
        f.samplesCounted = seen;
        if (seen !== w.samples) warnings.push(`${name} counts ${seen} samples, ${w.samples} were written`);
        const settled = await sys.settle();
        f.diskBytes = settled.diskBytes;
        f.bytesPerSample = settled.diskBytes / w.samples;
        f.diskIncludes = settled.includes;
        f.peakRssIngestBytes = peakRss(sys.proc.pid);
        const after = await countSamples(sys, w);
        if (after !== w.samples) warnings.push(`${name} counts ${after} samples after flush/merge, ${w.samples} were written`);
        console.log(
          `acked ${fmtNum(f.ackedSamplesPerSec)} samples/s, queryable ${fmtNum(f.queryableSamplesPerSec)} samples/s, ` +
            `${f.bytesPerSample.toFixed(3)} B/sample (${settled.includes}); server CPU until queryable ${f.cpuSplit} ` +
            `(counting polls included), load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`,
        );
      } catch (e) {
        f.error = (e as Error).message;
        console.log(`FAILED: ${f.error}`);
      }
    }

    // Queries: every loaded system, run i everywhere before run i + 1.
    const live = opts.bool('skip-queries') ? [] : started.filter((s) => !ingest[s.key]?.error);
    console.log('');
    for (const q of queries) {
      lat[q.name] = {};
      const times = new Map<PromSystemKey, number[]>(live.map((s) => [s.key, []]));
      for (let i = 0; i < warmup + runs; i++) {
        for (const sys of live) {
          const cell = (lat[q.name][sys.key] ??= {});
          if (cell.error) continue;
          const t0 = performance.now();
          try {
            const ans = await promQuery(sys.apiUrl, q.kind, q.params);
            const ms = performance.now() - t0;
            if (i >= warmup) times.get(sys.key)!.push(ms);
            cell.answer ??= ans;
          } catch (e) {
            cell.error = (e as Error).message;
          }
        }
      }
      for (const sys of live) {
        const cell = lat[q.name][sys.key]!;
        const ts = times.get(sys.key)!;
        if (ts.length) cell.medianMs = median(ts);
        const a = cell.answer;
        console.log(
          `  ${sys.name.padEnd(16)} ${q.name.padEnd(20)} ${cell.medianMs !== undefined ? `${fmtMs(cell.medianMs).padStart(9)} ms median` : '   FAILED'}` +
            `${a ? `, ${fmtNum(a.series)} series, ${fmtNum(a.points)} points` : ''}${cell.error ? ` (error: ${cell.error.slice(0, 200)})` : ''}`,
        );
      }
      warnings.push(...checkAnswers(q, lat[q.name]));
    }
  } finally {
    for (const s of started) {
      const m = s.proc.exited ? undefined : peakRss(s.proc.pid);
      if (ingest[s.key] && m !== undefined) ingest[s.key]!.peakRssBytes = m;
      await s.stop();
    }
  }

  printTables(keys, ingest, queries, lat);
  for (const wmsg of warnings) console.warn(`WARNING: ${wmsg}`);
  const result = {
    bench: 'prom',
    at: new Date().toISOString(),
    workload: { hosts, metrics, scrapes, series: w.series, samples: w.samples, requests: w.payloads.length, payloadBytes: w.payloadBytes, startMs: w.startMs, endMs: w.endMs, inflight, batch },
    versions,
    ingest,
    queries: queries.map((q) => ({
      name: q.name,
      kind: q.kind,
      params: q.params,
      results: lat[q.name],
      ratios: { victoria: ratio(lat[q.name]?.eddy?.medianMs, lat[q.name]?.victoria?.medianMs), prometheus: ratio(lat[q.name]?.eddy?.medianMs, lat[q.name]?.prometheus?.medianMs) },
    })),
    warnings,
    logDir,
  };
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(result, null, 2));
  console.log(`\nJSON: ${out}`);
  return result;
}

function makeQueries(w: PromWorkload): QueryDef[] {
  const time = String(w.endMs / 1000);
  // 1,000 series (or all gauges if fewer): enough gauge names to cover 1,000 hosts' series.
  const names = w.gauges.slice(0, Math.min(w.gauges.length, Math.ceil(1000 / w.hosts)));
  const perName = Math.min(w.hosts, Math.ceil(1000 / names.length));
  const hostRe = Array.from({ length: perName }, (_, i) => `host-${i}:9100`).join('|');
  const spanS = (w.endMs - w.startMs) / 1000;
  const step = Math.max(15, Math.ceil(spanS / 720 / 15) * 15);
  return [
    { name: 'sum-rate-by-region', kind: 'query', params: { query: `sum by (region) (rate(${RATE_METRIC}[5m]))`, time }, sameValues: ['prometheus'] },
    { name: 'topk-5-rate', kind: 'query', params: { query: `topk(5, rate(${TOPK_METRIC}[5m]))`, time }, sameValues: ['prometheus'] },
    { name: 'histogram-quantile', kind: 'query', params: { query: `histogram_quantile(0.9, sum by (le) (rate(${HIST}[5m])))`, time }, sameValues: ['prometheus'] },
    {
      name: `range-${fmtNum(names.length * perName)}-series`,
      kind: 'query_range',
      params: { query: `{__name__=~"${names.join('|')}",instance=~"${hostRe}"}`, start: String(w.startMs / 1000), end: time, step: String(step) },
      sameValues: ['prometheus', 'victoria'],
    },
  ];
}

function checkAnswers(q: QueryDef, cells: Partial<Record<PromSystemKey, { answer?: PromAnswer; error?: string }>>): string[] {
  const out: string[] = [];
  const entries = Object.entries(cells) as Array<[PromSystemKey, { answer?: PromAnswer; error?: string }]>;
  for (const [k, c] of entries) if (c.error) out.push(`${PROM_SYSTEM_NAMES[k]} ${q.name}: ${c.error.slice(0, 300)}`);
  const ref = cells.prometheus?.answer ?? cells.victoria?.answer;
  const refName = cells.prometheus?.answer ? 'Prometheus' : 'VictoriaMetrics';
  for (const [k, c] of entries) {
    const a = c.answer;
    if (!a || !ref || a === ref) continue;
    if (a.series !== ref.series || a.points !== ref.points) {
      out.push(`${q.name}: ${PROM_SYSTEM_NAMES[k]} answered ${a.series} series / ${a.points} points, ${refName} ${ref.series} / ${ref.points}`);
    }
  }
  const e = cells.eddy?.answer;
  for (const k of q.sameValues) {
    const p = cells[k]?.answer;
    if (!e || !p) continue;
    const rel = Math.abs(e.sum - p.sum) / Math.max(1e-12, Math.abs(p.sum));
    if (rel > 1e-6) out.push(`${q.name}: EddyDB's values sum to ${e.sum}, ${PROM_SYSTEM_NAMES[k]}'s to ${p.sum}`);
  }
  return out;
}

function printTables(
  keys: PromSystemKey[],
  ingest: Partial<Record<PromSystemKey, IngestFigures>>,
  queries: QueryDef[],
  lat: Record<string, Partial<Record<PromSystemKey, { medianMs?: number; error?: string }>>>,
): void {
  const sys = (['eddy', 'base', 'victoria', 'prometheus'] as PromSystemKey[]).filter((k) => keys.includes(k));
  const col = (k: PromSystemKey, f: (x: IngestFigures) => string): string => {
    const x = ingest[k];
    return x === undefined ? '-' : x.error ? 'ERROR' : f(x);
  };
  const vsRow = (label: string, get: (x: IngestFigures) => number | undefined, fmt: (n: number) => string): string[] => {
    const ok = (k: PromSystemKey): IngestFigures | undefined => (ingest[k]?.error ? undefined : ingest[k]);
    const e = ok('eddy') && get(ok('eddy')!);
    const r = (k: PromSystemKey): string => {
      const p = ok(k) && get(ok(k)!);
      return e !== undefined && p !== undefined && p > 0 ? fmtRatio(e / p) : '-';
    };
    return [label, ...sys.map((k) => col(k, (x) => { const v = get(x); return v === undefined ? '-' : fmt(v); })), r('base'), r('victoria'), r('prometheus')];
  };
  console.log(
    `\ningest (${sys.map((k) => PROM_SYSTEM_NAMES[k]).join(', ')}; Eddy/x: EddyDB's figure over the peer's)\n` +
      table(['figure', ...sys.map((k) => PROM_SYSTEM_NAMES[k]), 'Eddy/base', 'Eddy/VM', 'Eddy/Prom'], [
        vsRow('samples/s until acked', (x) => x.ackedSamplesPerSec, (n) => fmtNum(n)),
        vsRow('samples/s until queryable', (x) => x.queryableSamplesPerSec, (n) => fmtNum(n)),
        vsRow('bytes/sample on disk', (x) => x.bytesPerSample, (n) => n.toFixed(3)),
        vsRow('server CPU ms per 1M samples, until acked', (x) => x.cpuMsPerMAcked, (n) => fmtNum(n)),
        vsRow('server CPU ms per 1M samples, until queryable', (x) => x.cpuMsPerMQueryable, (n) => fmtNum(n)),
        vsRow('peak RSS, ingest (MiB)', (x) => x.peakRssIngestBytes, (n) => fmtMiB(n).replace(' MiB', '')),
        vsRow('peak RSS, + queries (MiB)', (x) => x.peakRssBytes, (n) => fmtMiB(n).replace(' MiB', '')),
      ]),
  );
  const cell = (c: { medianMs?: number; error?: string } | undefined): string => (c === undefined ? '-' : c.medianMs === undefined ? 'ERROR' : fmtMs(c.medianMs));
  console.log(
    `\nPromQL median latency, ms (ratio < 1: EddyDB faster)\n` +
      table(
        ['query', ...sys.map((k) => PROM_SYSTEM_NAMES[k]), 'Eddy/VM', 'Eddy/Prom'],
        queries.map((q) => {
          const r = lat[q.name] ?? {};
          return [q.name, ...sys.map((k) => cell(r[k])), fmtRatio(ratio(r.eddy?.medianMs, r.victoria?.medianMs)), fmtRatio(ratio(r.eddy?.medianMs, r.prometheus?.medianMs))];
        }),
      ),
  );
}

/** Peak RSS of the server's process tree (sum of VmHWM): EddyDB's includes its embedded nats-server. */
function peakRss(pid: number): number {
  return treeMemory(pid).peakBytes;
}

function ratio(a: number | undefined, b: number | undefined): number | undefined {
  return a !== undefined && b !== undefined && b > 0 ? a / b : undefined;
}
function fmtRatio(r: number | undefined): string {
  return r === undefined ? '-' : `${r < 10 ? r.toFixed(2) : r.toFixed(1)}x`;
}
function fmtMs(ms: number): string {
  return ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : fmtNum(ms);
}
