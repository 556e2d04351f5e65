// Flush memory benchmark: how much memory a memtable's flush takes on top of the memtable itself.
//
//   npm run bench -- flush [--rows 2000000] [--hosts 1000] [--fields 1] [--flushes 2] [--row-group 65536] [--page-rows 8192]
//
// One RegionStore in a temp directory (no NATS, no node): TSBS-like cpu rows (10 tags, `--fields` float fields, one
// timestamp 10 s apart per host) are applied in 10k-row batches, then the memtable is flushed. Before each flush the
// process is garbage-collected and its peak RSS reset (/proc/self/clear_refs); after it, the peak RSS (VmHWM) above
// the RSS before the flush is the flush's working memory (the encoding runs synchronously, so a timer could not
// sample it). `--flushes N` fills and flushes N memtables (the first flush also allocates the sort's reusable scratch).
import { readFileSync, writeFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Column, TableSchema, WriteBatch } from '../../core/index.ts';
import { RegionStore } from '../../storage/index.ts';
import { CPU_TAGS, makeHosts } from './tsbs.ts';
import { fmtMiB, removeDir, table, tempDir, type BenchOptions } from './util.ts';

const HELP = `npm run bench -- flush [flags]   (each flag also as env BENCH_<FLAG>)
  --rows N        rows per memtable (default 2000000)
  --hosts N       series (default 1000)
  --fields N      float fields per row (default 1; TSBS cpu has 10)
  --flushes N     memtables filled and flushed one after the other (default 2)
  --row-group N   rows per row group (default: the store's, 65536)
  --page-rows N   rows per page inside a row group (default: the store's, 8192)`;

const MiB = 1024 * 1024;

function status(field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

function schemaOf(fields: number): TableSchema {
  return {
    db: 'public', name: 'cpu', id: 1024, version: 1, timeIndex: 'ts', primaryKey: [...CPU_TAGS], regions: 1, createdAt: 0, options: {},
    columns: [
      ...CPU_TAGS.map((name) => ({ name, type: 'string' as const, semantic: 'tag' as const, nullable: true })),
      ...Array.from({ length: fields }, (_, f) => ({ name: `usage_${f}`, type: 'float64' as const, semantic: 'field' as const, nullable: true })),
      { name: 'ts', type: 'timestamp', semantic: 'timestamp', nullable: false, unit: 'ns' },
    ],
  };
}

/** Rows [from, from + n) of the data set as one batch: tags in dictionary form, as the line protocol parser gives them. */
function batchAt(schema: TableSchema, hosts: ReturnType<typeof makeHosts>, from: number, n: number, epochNs: bigint): WriteBatch {
  const H = hosts.length;
  const columns: Column[] = [];
  const hostIdx = new Int32Array(n);
  for (let i = 0; i < n; i++) hostIdx[i] = (from + i) % H;
  CPU_TAGS.forEach((tag) => {
    const dict = hosts.map((h) => h.tags[tag]);
    columns.push({ name: tag, type: 'string', semantic: 'tag', values: Int32Array.from(hostIdx), valid: null, dict });
  });
  for (const c of schema.columns.filter((x) => x.semantic === 'field')) {
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = Math.round(Math.random() * 10000) / 100;
    columns.push({ name: c.name, type: 'float64', semantic: 'field', values: v, valid: null });
  }
  const ts = new BigInt64Array(n);
  for (let i = 0; i < n; i++) ts[i] = epochNs + BigInt(Math.floor((from + i) / H)) * 10_000_000_000n;
  columns.push({ name: 'ts', type: 'timestamp', semantic: 'timestamp', values: ts, valid: null });
  return { table: schema.name, rows: n, columns };
}

export async function run(opts: BenchOptions): Promise<unknown> {
  if (opts.bool('help')) { console.log(HELP); return null; }
  const rows = opts.num('rows', 2_000_000);
  const hostCount = opts.num('hosts', 1000);
  const fields = opts.num('fields', 1);
  const flushes = opts.num('flushes', 2);
  const rowGroup = opts.num('row-group', 0);
  const pageRows = opts.num('page-rows', 0);
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const schema = schemaOf(fields);
  const hosts = makeHosts(hostCount);
  const dir = tempDir('flush');
  const store = await RegionStore.open({ dir, regionId: '4398046511104', schema, ...(rowGroup > 0 ? { rowGroupRows: rowGroup } : {}), ...(pageRows > 0 ? { pageRows } : {}) });
  const out: string[][] = [];
  const results: unknown[] = [];
  let seq = 0;
  try {
    for (let f = 0; f < flushes; f++) {
      const epoch = 1_700_000_000_000_000_000n + BigInt(f) * 86_400_000_000_000n;
      for (let a = 0; a < rows; a += 10_000) store.apply(batchAt(schema, hosts, a, Math.min(10_000, rows - a), epoch), ++seq);
      gc();
      const before = process.memoryUsage();
      writeFileSync('/proc/self/clear_refs', '5');
      const rssBefore = status('VmRSS');
      const memBytes = store.memBytes;
      const t0 = performance.now(), c0 = process.cpuUsage();
      const res = await store.flush();
      const ms = performance.now() - t0, cpu = process.cpuUsage(c0);
      const peak = status('VmHWM');
      const after = process.memoryUsage();
      const r = {
        flush: f + 1, rows, memtableBytes: memBytes, segmentBytes: res?.segment.bytes ?? 0, ms: Math.round(ms), cpuMs: Math.round((cpu.user + cpu.system) / 1000),
        rssBeforeBytes: rssBefore, peakRssBytes: peak, peakAboveBytes: peak - rssBefore,
        arrayBuffersBefore: before.arrayBuffers, arrayBuffersAfter: after.arrayBuffers,
      };
      results.push(r);
      out.push([String(f + 1), fmtMiB(memBytes), fmtMiB(r.segmentBytes), `${r.ms} ms`, `${r.cpuMs} ms`, fmtMiB(rssBefore), fmtMiB(peak), fmtMiB(r.peakAboveBytes),
        (r.peakAboveBytes / memBytes).toFixed(2), fmtMiB(after.arrayBuffers - before.arrayBuffers)]);
    }
  } finally {
    await store.close();
    removeDir(dir);
  }
  console.log(`flush memory: ${rows} rows x ${hostCount} series, ${fields} float field(s), 10 tags (MiB = ${MiB} bytes)`);
  console.log(table(['flush', 'memtable', 'segment', 'time', 'CPU', 'RSS before', 'peak RSS', 'peak above', 'x memtable', 'arrayBuffers left after'], out));
  return results;
}
