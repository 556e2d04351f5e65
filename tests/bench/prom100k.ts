// 100,000 metrics on one node (issue 11, "Numbers"): logical tables created through Prometheus remote write.
//
//   npm run bench -- prom100k [--metrics 100000] [--series 2] [--batch 2000] [--inflight 4] [--keep-data]
//
// Every request carries new metric names (`batch` samples: batch / series metrics, `series` hosts each, one sample),
// so each request creates its metrics' logical tables on greptime_physical_table. Printed: logical tables created per
// second until the last request is acked, then a second pass of the same series (tables known: the steady state),
// catalog bytes per logical table (the eddy_catalog KV stream's bytes over the table count), RSS of the node (and
// of its embedded nats-server), and the region count (information_schema.region_peers), which must stay that of
// the physical table.
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { Buckets } from '../../core/subjects.ts';
import { encodeWriteRequest, type EncodeSeries } from '../../core/proto/prometheus_remote.ts';
import { snappyEncode } from '../../core/codec/prometheus/snappy.ts';
import { startEddy } from './eddy.ts';
import { remoteWrite, promQuery } from './prom/systems.ts';
import { fmtMiB, fmtNum, httpRequest, table, tempDir, treeMemory, type BenchOptions } from './util.ts';
import { loadavg } from 'node:os';

const HELP = `npm run bench -- prom100k [flags]   (each flag also as env BENCH_<FLAG>)
  --metrics N    logical tables (metric names) to create (default 100000)
  --series N     series per metric (hosts; default 2)
  --batch N      samples per remote-write request (default 2000)
  --inflight K   requests in flight (default 4)      --keep-data   keep the data dir`;

export async function run(opts: BenchOptions): Promise<unknown> {
  if (opts.bool('help')) {
    console.log(HELP);
    return undefined;
  }
  const metrics = opts.num('metrics', 100_000);
  const series = Math.max(1, opts.num('series', 2));
  const batch = opts.num('batch', 2000);
  const inflight = opts.num('inflight', 4);
  const perReq = Math.max(1, Math.floor(batch / series));
  const t = Math.floor((Date.now() - 60_000) / 15_000) * 15_000;
  const build = (ts: number): Buffer[] => {
    const out: Buffer[] = [];
    for (let m0 = 0; m0 < metrics; m0 += perReq) {
      const s: EncodeSeries[] = [];
      for (let m = m0; m < Math.min(metrics, m0 + perReq); m++) {
        for (let h = 0; h < series; h++) s.push({ labels: [['__name__', `app_metric_${m}_total`], ['instance', `host-${h}:9100`], ['job', 'app']], t: [ts], v: new Float64Array([m + h]) });
      }
      out.push(Buffer.from(snappyEncode(encodeWriteRequest(s))));
    }
    return out;
  };
  const first = build(t), second = build(t + 15_000);
  const asWorkload = (p: Buffer[]) => ({ payloads: p, groupOf: Int32Array.from(p, (_, i) => i), groups: p.length });
  console.log(`${fmtNum(metrics)} metrics x ${series} series, ${first.length} requests of ~${fmtNum(perReq * series)} samples, ${inflight} in flight; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} (2 cores shared)`);

  const logDir = tempDir('prom100k-logs');
  const eddy = await startEddy({ logDir, keepData: opts.bool('keep-data'), name: 'eddy-prom100k', extraArgs: ['--postgres', 'off'] });
  const rssBefore = treeMemory(eddy.proc.pid).rssBytes;
  try {
    const url = `${eddy.httpUrl}/v1/prometheus/write?db=public`;
    const createS = await remoteWrite(url, asWorkload(first), inflight);
    const steadyS = await remoteWrite(url, asWorkload(second), inflight);
    const mem = treeMemory(eddy.proc.pid);
    const nc = await connect({ servers: eddy.natsUrl });
    let catalogBytes = 0, catalogKeys = 0;
    try {
      const jsm = await jetstreamManager(nc);
      const info = await jsm.streams.info(`KV_${Buckets.catalog}`);
      catalogBytes = info.state.bytes;
      catalogKeys = info.state.messages;
    } finally {
      await nc.close();
    }
    const sql = async (q: string): Promise<unknown[][]> => {
      const r = await httpRequest('GET', `${eddy.httpUrl}/v1/sql?db=public&sql=${encodeURIComponent(q)}`);
      if (r.status !== 200) throw new Error(`${q}: HTTP ${r.status} ${r.body.toString('utf8').slice(0, 200)}`);
      const j = JSON.parse(r.body.toString('utf8')) as { output: { records: { rows: unknown[][] } }[] };
      return j.output[0]!.records.rows;
    };
    const regions = Number((await sql('SELECT count(*) FROM information_schema.region_peers'))[0]![0]);
    const tables = Number((await sql(`SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND engine = 'metric'`))[0]![0]);
    const last = `app_metric_${metrics - 1}_total`;
    const ans = await promQuery(`${eddy.httpUrl}/v1/prometheus/api/v1`, 'query', { query: `count_over_time(${last}[1m])`, time: String((t + 15_000) / 1000) });
    const node = mem.procs.find((p) => p.pid === eddy.proc.pid);
    const nats = mem.procs.filter((p) => p.name.startsWith('nats-server')).reduce((a, p) => a + p.rssBytes, 0);
    const rows = [
      ['logical tables created / s (first pass, until acked)', fmtNum(metrics / createS)],
      ['samples / s, second pass (tables known)', fmtNum((metrics * series) / steadyS)],
      ['metric tables in information_schema.tables', fmtNum(tables)],
      ['regions (information_schema.region_peers)', fmtNum(regions)],
      ['catalog bytes per logical table (KV stream bytes / keys)', catalogKeys ? (catalogBytes / catalogKeys).toFixed(0) : '-'],
      ['RSS of the node after (MiB)', fmtMiB(node?.rssBytes).replace(' MiB', '')],
      ['RSS of its nats-server after (MiB)', fmtMiB(nats).replace(' MiB', '')],
      ['RSS of the tree before writing (MiB)', fmtMiB(rssBefore).replace(' MiB', '')],
      [`${last}: series, points answered`, `${ans.series}, ${ans.points}`],
    ];
    console.log(`\n${table(['figure', 'EddyDB'], rows)}`);
    if (tables < metrics) console.warn(`WARNING: ${tables} metric tables, ${metrics} metrics were written`);
    if (ans.series !== series) console.warn(`WARNING: ${last} answered ${ans.series} series, ${series} were written`);
    return { metrics, series, createSeconds: createS, steadySeconds: steadyS, tables, regions, catalogBytes, catalogKeys, rss: node?.rssBytes, natsRss: nats };
  } finally {
    await eddy.stop();
  }
}
