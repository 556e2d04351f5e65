// Index benchmark: 1M log-like rows of 100k series in one region; needle queries (one series by tag, a tag regex,
// one trace id, one rare term, one small bounding box) with and without index files in the same run, cold (no
// decoded-column cache) and warm, wall and CPU time; index build time and size against the data. Storage level
// (RegionStore.scan with what the SQL pushdown sends, the box's points then tested as the executor does): the scan's
// own cost. Then the same queries as SQL over HTTP on a real node (index_sql.ts), and the smart index (index_smart.ts).
import { existsSync } from 'node:fs';
import { cp, readdir, rm } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { allocValues, likePrefix, type ColumnPredicate, type TableSchema, type WriteBatch } from '../../core/index.ts';
import { DecodedCache, RegionStore, type ScanRequest, type ScanStats } from '../../storage/index.ts';
import type { RecordBatch } from 'apache-arrow';
import { BOX, hostName, latencyOf, msgOf, podOf, pointOf, svcOf, traceOf, tsOf } from './index_data.ts';
import { runSmart } from './index_smart.ts';
import { runSql } from './index_sql.ts';
import { fmtNum, median, removeDir, table, tempDir, type BenchOptions } from './util.ts';

function schema(): TableSchema {
  return {
    db: 'public', name: 'logs', id: 1024, version: 1, timeIndex: 'ts', primaryKey: ['host', 'svc', 'pod'], regions: 1, createdAt: 0,
    options: { appendMode: true },
    columns: [
      { name: 'host', type: 'string', semantic: 'tag', nullable: true },
      { name: 'svc', type: 'string', semantic: 'tag', nullable: true },
      { name: 'pod', type: 'string', semantic: 'tag', nullable: true },
      { name: 'trace_id', type: 'string', semantic: 'field', nullable: true, indexes: { skipping: { granularity: '10240', type: 'BLOOM', false_positive_rate: '0.01' } } },
      { name: 'msg', type: 'string', semantic: 'field', nullable: true, indexes: { fulltext: { analyzer: 'English', case_sensitive: 'false', backend: 'bloom', granularity: '10240', false_positive_rate: '0.01' } } },
      { name: 'latency', type: 'float64', semantic: 'field', nullable: true },
      { name: 'lat', type: 'float64', semantic: 'field', nullable: true },
      { name: 'lng', type: 'float64', semantic: 'field', nullable: true },
      { name: 'ts', type: 'timestamp', semantic: 'timestamp', nullable: false, unit: 'ns' },
    ],
    spatialIndexes: [{ lat: 'lat', lng: 'lng' }],
  };
}

/** One round: a row for every series at one timestamp (columnar, dictionary-coded tags). */
function round(r: number, series: number): WriteBatch {
  const hosts = Array.from({ length: series }, (_, i) => hostName(i));
  const svcs = Array.from({ length: 20 }, (_, i) => `svc-${i}`);
  const pods = Array.from({ length: series }, (_, i) => podOf(i));
  const hostCodes = new Int32Array(series), svcCodes = new Int32Array(series);
  const trace = new Array<string>(series), msg = new Array<string>(series);
  const lat = allocValues('float64', series) as Float64Array, ts = allocValues('timestamp', series) as BigInt64Array;
  const gLat = allocValues('float64', series) as Float64Array, gLng = allocValues('float64', series) as Float64Array;
  for (let i = 0; i < series; i++) {
    hostCodes[i] = i; svcCodes[i] = svcOf(i);
    trace[i] = traceOf(r, i);
    msg[i] = msgOf(r, i, series);
    [gLat[i], gLng[i]] = pointOf(r, i, series);
    lat[i] = latencyOf(r, i);
    ts[i] = tsOf(r, i);
  }
  return {
    table: 'logs', rows: series, columns: [
      { name: 'host', type: 'string', semantic: 'tag', values: hostCodes, dict: hosts, valid: null },
      { name: 'svc', type: 'string', semantic: 'tag', values: svcCodes, dict: svcs, valid: null },
      { name: 'pod', type: 'string', semantic: 'tag', values: hostCodes, dict: pods, valid: null },
      { name: 'trace_id', type: 'string', semantic: 'field', values: trace, valid: null },
      { name: 'msg', type: 'string', semantic: 'field', values: msg, valid: null },
      { name: 'latency', type: 'float64', semantic: 'field', values: lat, valid: null },
      { name: 'lat', type: 'float64', semantic: 'field', values: gLat, valid: null },
      { name: 'lng', type: 'float64', semantic: 'field', values: gLng, valid: null },
      { name: 'ts', type: 'timestamp', semantic: 'timestamp', values: ts, valid: null },
    ],
  };
}

interface Query { name: string; req: ScanRequest; rows: number; /** Rows the executor keeps of the scan's output (spatial: the points in the box). */ keep?: (b: RecordBatch[]) => number }

/** Points of the batches in BOX, tested column-wise as the executor's filter would. */
function inBox(bs: RecordBatch[]): number {
  let n = 0;
  for (const b of bs) {
    const la = b.getChild('lat')!.toArray() as Float64Array, ln = b.getChild('lng')!.toArray() as Float64Array;
    for (let i = 0; i < la.length; i++) if (la[i]! >= BOX.minLat && la[i]! <= BOX.maxLat && ln[i]! >= BOX.minLng && ln[i]! <= BOX.maxLng) n++;
  }
  return n;
}

/**
 * Median wall time and median CPU time of this process (the thread pool's reads included) over `runs` scans, after
 * `warmup` unmeasured ones (the first opens files and index readers; the next let the JIT compile the path, as a
 * server's steady state has it).
 */
async function time(store: RegionStore, q: Query, runs: number, warmup: number): Promise<{ ms: number; cpu: number; rows: number; stats: ScanStats }> {
  const times: number[] = [], cpus: number[] = [];
  let rows = 0;
  let stats: ScanStats = { segments: 0, unindexed: 0, indexes: [] };
  for (let i = 0; i < runs + warmup; i++) {
    stats = { segments: 0, unindexed: 0, indexes: [] };
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const out = await store.scan(q.req, stats);
    rows = q.keep ? q.keep(out) : out.reduce((a, b) => a + b.numRows, 0);
    const ms = performance.now() - t0;
    const c = process.cpuUsage(c0);
    if (i >= warmup) { times.push(ms); cpus.push((c.user + c.system) / 1000); }
  }
  return { ms: median(times), cpu: median(cpus), rows, stats };
}

/** Writes the rows (flushes, one compaction), builds the index files, and copies the segment without them to `dirB`. */
async function build(sch: TableSchema, dirA: string, dirB: string, series: number, rounds: number): Promise<void> {
  const store = await RegionStore.open({ dir: dirA, regionId: 'bench', schema: sch, decodedCache: new DecodedCache(0) });
  let t0 = performance.now();
  for (let r = 0; r < rounds; r++) { store.apply(round(r, series), r + 1); await store.flush(); }
  await store.compact();
  const writeMs = performance.now() - t0;
  t0 = performance.now();
  await store.indexes.buildAll();
  const buildMs = performance.now() - t0;
  const seg = store.segments;
  const dataBytes = seg.reduce((a, s) => a + s.bytes, 0);
  const idxBytes = seg.reduce((a, s) => a + (s.index?.bytes ?? 0), 0);
  const status = store.indexes.status();
  await store.close();
  console.log(`write+flush+compact ${fmtNum(writeMs)} ms; ${seg.length} segment(s), ${fmtNum(seg.reduce((a, s) => a + (s.groups?.length ?? 1), 0))} row groups, ${fmtNum(dataBytes / 1048576, 1)} MiB`);
  console.log(`index build ${fmtNum(buildMs)} ms (${fmtNum((series * rounds) / (buildMs / 1000))} rows/s); index files ${fmtNum(idxBytes / 1048576, 2)} MiB = ${fmtNum((100 * idxBytes) / dataBytes, 1)}% of the data`);
  console.log(table(['index', 'bytes', '% of data'], status.map((s) => [`${s.kind}(${s.column})`, fmtNum(s.bytes), fmtNum((100 * s.bytes) / dataBytes, 1)])));
  // the same segment without its index file: the manifest record is dropped on open, as after a crash
  await cp(dirA, dirB, { recursive: true });
  for (const f of await readdir(join(dirB, 'segments'))) if (f.endsWith('.idx')) await rm(join(dirB, 'segments', f));
}

const HELP = `npm run bench -- index [flags]   (each flag also as env BENCH_<FLAG>)
  --series N          distinct series per round (default 100000)
  --rounds N          flushes of --series rows before one compaction (default 10)
  --runs N            timed runs per needle (default 9)   --warmup N   untimed runs before them (default 5)
  --cache LIST        cold, warm or cold,warm (default both)   --only TEXT  the needles whose name holds TEXT (default all)
  --data DIR          keep the built segments in DIR and reuse them on the next run
  --skip-storage      leave out the storage-level part    --skip-sql   leave out the SQL-over-HTTP part
  --sql-runs N        timed runs per SQL needle (default 20)
  --skip-smart        leave out the smart-index part
  --smart-rows N      rows of the smart-index table (default 500000)
  --smart-queries N   needle queries at most before the smart index must have made it fast (default 300)`;
export async function run(opts: BenchOptions): Promise<void> {
  if (opts.bool('help')) {
    console.log(HELP);
    return;
  }
  const series = opts.num('series', 100_000);
  const rounds = opts.num('rounds', 10);
  const runs = opts.num('runs', 9), warmup = opts.num('warmup', 5);
  // --data DIR keeps the built segment (DIR/index, DIR/noindex) and reuses it on the next run
  const keep = opts.str('data', '');
  const dirA = keep ? join(keep, 'index') : tempDir('eddy-bench-index-'), dirB = keep ? join(keep, 'noindex') : tempDir('eddy-bench-noindex-');
  const la = () => loadavg().map((x) => x.toFixed(2)).join(' ');
  console.log(`index bench: ${fmtNum(series * rounds)} rows, ${fmtNum(series)} series, ${rounds} flushes then one compaction; load average ${la()} (2 cores shared with other agents)`);
  try {
    const sch = schema();
    if (!opts.bool('skip-storage') && (!keep || !existsSync(join(dirB, 'manifest.json')))) await build(sch, dirA, dirB, series, rounds);
    const needle = hostName(Math.floor(series * 0.4242)), pod = podOf(Math.floor(series * 0.2424));
    // ten series: the needle's neighbours
    const re = `^${needle.slice(0, -1)}[0-9]$`;
    const trace = traceOf(7, Math.floor(series * 0.777));
    const pred = (p: ColumnPredicate) => [p];
    const SVC4 = ['svc-1', 'svc-5', 'svc-9', 'svc-13'];
    const cols = ['host', 'latency', 'ts'];
    const queries: Query[] = [
      { name: `host = '${needle}'`, req: { columns: cols, tagFilter: { host: [needle] }, predicates: pred({ column: 'host', op: 'in', values: [needle] }) }, rows: rounds },
      { name: `pod = '${pod}' (a tag after the sort key)`, req: { columns: cols, tagFilter: { pod: [pod] }, predicates: pred({ column: 'pod', op: 'in', values: [pod] }) }, rows: rounds },
      { name: `host ~ '${re}'`, req: { columns: cols, predicates: pred({ column: 'host', op: 'regex', pattern: re, flags: '', negated: false }) }, rows: 10 * rounds },
      // not needles: a tag value of every 20th series (5%) and four of them (20%), scattered over every page: the
      // index would keep a range per series in every page, so it should give way to the scan's dictionary filter
      { name: `svc = 'svc-3' (5%, scattered)`, req: { columns: cols, tagFilter: { svc: ['svc-3'] }, predicates: pred({ column: 'svc', op: 'in', values: ['svc-3'] }) }, rows: (series / 20) * rounds },
      ...[2, 4, 8].map((k): Query => {
        const vs = SVC4.concat(['svc-2', 'svc-6', 'svc-10', 'svc-14']).slice(0, k);
        return { name: `svc IN (${k} values) (${k * 5}%, scattered)`, req: { columns: cols, tagFilter: { svc: vs }, predicates: pred({ column: 'svc', op: 'in', values: vs }) }, rows: (series / 20) * k * rounds };
      }),
      { name: `host LIKE 'host-00042%'`, req: { columns: cols, predicates: pred({ column: 'host', op: 'like', pattern: 'host-00042%', caseInsensitive: false, negated: false, prefix: likePrefix('host-00042%') }) }, rows: 10 * rounds },
      { name: `trace_id = '${trace}'`, req: { columns: ['trace_id', 'host', 'ts'], predicates: pred({ column: 'trace_id', op: 'in', values: [trace] }) }, rows: 1 },
      { name: `trace_id IN (3 ids)`, req: { columns: ['trace_id', 'host', 'ts'], predicates: pred({ column: 'trace_id', op: 'in', values: [trace, traceOf(2, 17), traceOf(9, series - 1)] }) }, rows: 3 },
      { name: `matches_term(msg, 'zq9xw')`, req: { columns: ['msg', 'host', 'ts'], predicates: pred({ column: 'msg', op: 'fulltext', query: { kind: 'term', term: 'zq9xw' } }) }, rows: 1 },
      { name: `lat/lng in a 0.5 x 0.5 degree box`, req: { columns: ['lat', 'lng', 'ts'], predicates: pred({ column: 'lat', op: 'spatial', lng: 'lng', predicate: { op: 'bbox', ...BOX } }) }, rows: 1, keep: inBox },
    ];
    // --only TEXT: the queries whose name holds it; --cache cold|warm: one of the two
    const only = opts.str('only', ''), caches = opts.str('cache', 'cold,warm').split(',') as ('cold' | 'warm')[];
    const picked = queries.filter((q) => q.name.includes(only));
    const rowsOut: string[][] = [];
    for (const cache of opts.bool('skip-storage') ? [] : caches) {
      // Each side alone in the process: one store open at a time, its cache the only one (a warm no-index store holds
      // every decoded column, whose heap would otherwise slow the other side's scans with garbage collection).
      const measure = async (dir: string) => {
        const store = await RegionStore.open({ dir, regionId: 'bench', schema: sch, decodedCache: new DecodedCache(cache === 'cold' ? 0 : 1024 * 1024 * 1024) });
        const out: Awaited<ReturnType<typeof time>>[] = [];
        for (const q of picked) out.push(await time(store, q, runs, warmup));
        await store.close();
        return out;
      };
      const withIx = await measure(dirA), without = await measure(dirB);
      picked.forEach((q, k) => {
        const a = withIx[k]!, b = without[k]!;
        if (a.rows !== b.rows || a.rows < q.rows) throw new Error(`${q.name}: ${a.rows} rows with the index, ${b.rows} without, expected ${q.rows}`);
        const u = a.stats.indexes[0];
        rowsOut.push([cache, q.name, fmtNum(a.rows), b.ms.toFixed(2), a.ms.toFixed(2), `${(b.ms / a.ms).toFixed(1)}x`,
          b.cpu.toFixed(2), a.cpu.toFixed(2), `${(b.cpu / Math.max(a.cpu, 0.001)).toFixed(1)}x`,
          u ? `${u.kind}: groups ${u.groupsAfter}/${u.groupsBefore}, rows ${fmtNum(u.rowsAfter)}/${fmtNum(u.rowsBefore)}` : '-']);
      });
    }
    console.log(table(['cache', 'query', 'rows', 'no index ms', 'index ms', 'speedup', 'no index CPU ms', 'index CPU ms', 'CPU ratio', 'pruned by'], rowsOut));
    console.log(`load average after: ${la()}`);
    if (!opts.bool('skip-sql')) {
      await runSql(opts);
      console.log(`load average after the SQL run: ${la()}`);
    }
    if (!opts.bool('skip-smart')) {
      await runSmart(opts);
      console.log(`load average after the smart index: ${la()}`);
    }
  } finally {
    if (!keep) { removeDir(dirA); removeDir(dirB); }
  }
}
