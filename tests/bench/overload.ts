// Sustained ingest overload (issue 17, "Limits"): more writes offered than one node absorbs, for minutes, over HTTP,
// NATS request-reply and JetStream-buffered ingest at once; the node's RSS (and its nats-server's) printed at intervals.
//
//   npm run bench -- overload [--duration 600] [--interval 30] [--http 8] [--nats 8] [--buffered 4] [--batch 2000]
//
// Back-pressure is what keeps memory bounded: HTTP writes past --max-inflight-write-bytes answer 503 + Retry-After (the
// writer waits that long), NATS requests wait for room, the buffered consumer paces itself. Printed per interval:
// rows acknowledged per second by each path, 503s, NATS errors, RSS of the node and of nats-server; at the end the
// peak and last RSS, and the rows the table holds against the rows acknowledged.
import { loadavg } from 'node:os';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { Subjects } from '../../core/subjects.ts';
import { startEddy, eddyRowCount } from './eddy.ts';
import { fmtMiB, fmtNum, httpRequest, memOf, processTree, sleep, table, tempDir, type BenchOptions } from './util.ts';

const HELP = `npm run bench -- overload [flags]   (each flag also as env BENCH_<FLAG>)
  --duration S   seconds of overload (default 600: 10 minutes)
  --interval S   seconds between RSS lines (default 30)
  --http K       concurrent HTTP line-protocol writers (default 8)
  --nats K       concurrent NATS request-reply writers (default 8)
  --buffered K   concurrent JetStream publishers to the buffered ingest subject (default 4)
  --batch N      rows per write (default 2000)
  --max-inflight-write-bytes B   the node's limit (default: the node's own, 256 MiB)
  --drain S      seconds to wait after the overload for the buffered backlog to be applied (default 30)
  --keep-data    keep the data dir`;

const enc = new TextEncoder();
const dec = new TextDecoder();

type Path = 'http' | 'nats' | 'buffered';

export async function run(opts: BenchOptions): Promise<unknown> {
  if (opts.bool('help')) {
    console.log(HELP);
    return undefined;
  }
  const durationS = opts.num('duration', 600);
  const intervalS = opts.num('interval', 30);
  const writers: Record<Path, number> = { http: opts.num('http', 8), nats: opts.num('nats', 8), buffered: opts.num('buffered', 4) };
  const batch = opts.num('batch', 2000);
  const limit = opts.str('max-inflight-write-bytes', '');
  console.log(`overload for ${durationS} s: ${writers.http} HTTP + ${writers.nats} NATS + ${writers.buffered} buffered writers, ${fmtNum(batch)} rows a write; ` +
    `load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} (2 cores shared)`);

  const logDir = tempDir('overload-logs');
  const eddy = await startEddy({ logDir, keepData: opts.bool('keep-data'), name: 'eddy-overload', extraArgs: ['--postgres', 'off', ...(limit ? ['--max-inflight-write-bytes', limit] : [])] });
  const nodePid = eddy.proc.pid;
  const rss = () => {
    const procs = processTree(nodePid).map(memOf).filter((m) => m !== undefined);
    const node = procs.find((m) => m!.pid === nodePid)?.rssBytes ?? 0;
    const nats = procs.filter((m) => m!.name.startsWith('nats-server')).reduce((a, m) => a + m!.rssBytes, 0);
    return { node, nats };
  };
  const create = await httpRequest('POST', `${eddy.httpUrl}/v1/sql?db=public`, `sql=${encodeURIComponent("CREATE TABLE load (src STRING, w STRING, ts TIMESTAMP TIME INDEX, v DOUBLE, PRIMARY KEY (src, w)) WITH (append_mode = 'true')")}`);
  if (create.status !== 200) throw new Error(`CREATE TABLE: HTTP ${create.status} ${create.body.toString('utf8')}`);

  const nc: NatsConnection = await connect({ servers: eddy.natsUrl });
  const js = jetstream(nc);
  const acked: Record<Path, number> = { http: 0, nats: 0, buffered: 0 };
  let refused = 0, natsErrors = 0, seq = 0;
  let stop = false;
  const lines = (src: Path, w: number) => {
    const base = seq;
    seq += batch;
    const out: string[] = [];
    for (let i = 0; i < batch; i++) out.push(`load,src=${src},w=w${w} v=${base + i} ${1_700_000_000_000_000_000n + BigInt(base + i) * 1_000_000n}`);
    return out.join('\n');
  };
  const loops: Promise<void>[] = [];
  for (let w = 0; w < writers.http; w++) loops.push((async () => {
    while (!stop) {
      const r = await httpRequest('POST', `${eddy.httpUrl}/v1/influxdb/write?db=public`, lines('http', w));
      if (r.status === 204) acked.http += batch;
      else if (r.status === 503) {
        refused++;
        // a load generator that obeys the node: back off for as long as its Retry-After says
        await sleep(1000 * (Number(r.headers['retry-after']) || 1));

      } else throw new Error(`HTTP write: ${r.status} ${r.body.toString('utf8').slice(0, 200)}`);
    }
  })());
  for (let w = 0; w < writers.nats; w++) loops.push((async () => {
    while (!stop) {
      try {
        const m = await nc.request(Subjects.write('public'), enc.encode(lines('nats', w)), { timeout: 60_000 });
        const r = JSON.parse(dec.decode(m.data)) as { ok: boolean; rows?: number };
        if (r.ok) acked.nats += r.rows ?? batch;
        else natsErrors++;
      } catch {
        natsErrors++;
      }
    }
  })());
  for (let w = 0; w < writers.buffered; w++) loops.push((async () => {
    while (!stop) {
      try {
        await js.publish(Subjects.ingest('public'), enc.encode(lines('buffered', w)), { timeout: 60_000 });
        acked.buffered += batch;
      } catch {
        natsErrors++;
      }
    }
  })());

  // the node's own view of its memory (/metrics): where the RSS goes
  const gauges = async (): Promise<Record<string, number>> => {
    const r = await httpRequest('GET', `${eddy.httpUrl}/metrics`).catch(() => null);
    const out: Record<string, number> = {};
    for (const line of r?.body.toString('utf8').split('\n') ?? []) {
      const m = /^(eddy_[a-z_]+) ([0-9.e+-]+)$/.exec(line);
      if (m) out[m[1]!] = Number(m[2]);
    }
    return out;
  };
  const mib = (g: Record<string, number>, k: string) => (g[k] === undefined ? '-' : fmtMiB(g[k]!));
  const rows: string[][] = [];
  let peak = { node: 0, nats: 0 };
  const started = Date.now();
  let last = { t: started, acked: { ...acked } };
  while (Date.now() - started < durationS * 1000) {
    await sleep(Math.min(intervalS * 1000, durationS * 1000 - (Date.now() - started)));
    const now = Date.now();
    const m = rss();
    peak = { node: Math.max(peak.node, m.node), nats: Math.max(peak.nats, m.nats) };
    const per = (p: Path) => fmtNum((acked[p] - last.acked[p]) / ((now - last.t) / 1000));
    const g = await gauges();
    rows.push([String(Math.round((now - started) / 1000)), per('http'), per('nats'), per('buffered'), fmtNum(refused), fmtNum(natsErrors), fmtMiB(m.node),
      mib(g, 'eddy_heap_used_bytes'), mib(g, 'eddy_array_buffers_bytes'), mib(g, 'eddy_external_bytes'), mib(g, 'eddy_memtable_bytes'), mib(g, 'eddy_decoded_cache_bytes'), mib(g, 'eddy_write_inflight_bytes'),
      fmtMiB(m.nats), loadavg()[0]!.toFixed(1)]);
    console.log(rows[rows.length - 1]!.join('\t'));
    last = { t: now, acked: { ...acked } };
  }
  stop = true;
  await Promise.allSettled(loops);
  await nc.drain();
  const total = acked.http + acked.nats + acked.buffered;
  // buffered rows acknowledged by JetStream are applied after (a backlog the consumer works through at its own pace):
  // wait up to --drain seconds for the table to hold every acked row, then report what it holds
  let stored = 0;
  const drainS = opts.num('drain', 30);
  for (let i = 0; i < drainS && stored < total; i++) {
    stored = await eddyRowCount(eddy.httpUrl, 'public', 'load');
    if (stored < total) await sleep(1000);
  }
  const end = rss();
  await eddy.stop();
  console.log('\n' + table(['s', 'HTTP rows/s', 'NATS rows/s', 'buffered rows/s', '503s', 'NATS errors', 'node RSS', 'heap used', 'array buffers', 'external', 'memtables', 'decoded cache', 'writes in flight', 'nats-server RSS', 'load'], rows));
  console.log(`\npeak RSS: node ${fmtMiB(peak.node)}, nats-server ${fmtMiB(peak.nats)}; at the end: node ${fmtMiB(end.node)}`);
  console.log(`rows acknowledged ${fmtNum(total)} (HTTP ${fmtNum(acked.http)}, NATS ${fmtNum(acked.nats)}, buffered ${fmtNum(acked.buffered)}); in the table ${fmtNum(stored)}`);
  return { peak, end, acked, stored, refused, natsErrors };
}
