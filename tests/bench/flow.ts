// Flow benchmark: rows/s a flow sustains over many groups with 1-minute windows, and latency from publish to live output.
//
//   npm run bench -- flow [--rows 1000000] [--groups 10000] [--batch 5000] [--inflight 8] [--probes 200]
//                         [--emit-interval 100ms] [--lateness 1m|none] [--keep-data] [--out .bench/flow.json]
//
// A fresh standalone node. Source `metrics` (host tag, v field), flow
//   SELECT host, count(*), sum(v), max(v), date_bin(INTERVAL '1 minute', ts) AS w FROM metrics GROUP BY host, w
// Throughput: --rows rows over --groups hosts (10 points per host per minute), published as line protocol on
// eddy.write.public (request-reply, --inflight requests outstanding); rows/s = rows / (time until the flow has
// counted every row, information_schema.flows.rows_in). Latency: --probes single rows, one at a time, each for a new
// host in the newest window; publish -> the eddy.flow.public.<flow> message carrying that host's row.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { startEddy } from './eddy.ts';
import { fmtNum, table, tempDir, waitFor, type BenchOptions } from './util.ts';

const enc = new TextEncoder();
const T0 = 1_700_000_040n * 1_000_000_000n;

async function sql(url: string, q: string): Promise<{ output?: { records?: { rows: unknown[][] } }[]; error?: string }> {
  const r = await fetch(`${url}/v1/sql?db=public`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ sql: q }).toString() });
  const body = await r.json() as { output?: { records?: { rows: unknown[][] } }[]; error?: string };
  if (r.status >= 400) throw new Error(`${q}: ${body.error}`);
  return body;
}

async function write(nc: NatsConnection, lp: string): Promise<void> {
  const m = await nc.request('eddy.write.public', enc.encode(lp), { timeout: 120_000 });
  const r = m.json<{ ok: boolean; error?: { message: string } }>();
  if (!r.ok) throw new Error(`write failed: ${r.error?.message}`);
}

const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]!; };

const HELP = `npm run bench -- flow [flags]   (each flag also as env BENCH_<FLAG>)
  --rows N            rows published (default 1000000)
  --groups N          distinct group keys (default 10000)
  --batch N           rows per message (default 5000)
  --inflight K        writes in flight (default 8)
  --probes N          probe rows timed from publish to the live output (default 200)
  --emit-interval D   the flow's emission interval (default 100ms)
  --lateness D        allowed lateness, or none to keep every window open (default 1m)
  --keep-data         keep the temp data dir   --out FILE    JSON output (default .bench/flow.json)`;
export async function run(opts: BenchOptions): Promise<unknown> {
  if (opts.bool('help')) {
    console.log(HELP);
    return null;
  }
  const rows = opts.num('rows', 1_000_000);
  const groups = opts.num('groups', 10_000);
  const batch = opts.num('batch', 5000);
  const inflight = opts.num('inflight', 8);
  const probes = opts.num('probes', 200);
  const emit = opts.str('emit-interval', '100ms');
  // Windows close once event time passes them by this much (final rows, bounded state); 'none' keeps every window open.
  const lateness = opts.str('lateness', '1m');
  const logDir = tempDir('eddy-bench-flow-logs');
  const server = await startEddy({ logDir, name: 'eddy-flow', keepData: opts.bool('keep-data') });
  const nc = await connect({ servers: server.natsUrl });
  try {
    await write(nc, `metrics,host=seed v=0 ${T0}`);
    await sql(server.httpUrl, `CREATE FLOW bench SINK TO bench_out WITH (emit_interval = '${emit}', backfill = 'false'${lateness === 'none' ? '' : `, allowed_lateness = '${lateness}'`}) AS
      SELECT host, count(*) AS c, sum(v) AS s, max(v) AS mx, date_bin(INTERVAL '1 minute', ts) AS w FROM metrics GROUP BY host, w`);
    let outputs = 0;
    let probeWait: { host: string; resolve: (t: number) => void } | null = null;
    nc.subscribe('eddy.flow.public.bench', {
      callback: (_e, m) => {
        outputs++;
        const w = probeWait;
        if (w && m.string().includes(`"host":"${w.host}"`)) { probeWait = null; w.resolve(performance.now()); }
      },
    });

    // Throughput: points i = 0..rows-1, host i % groups, 6 s apart per host (10 per host per minute).
    console.log(`flow bench: ${fmtNum(rows)} rows over ${fmtNum(groups)} groups, 1-minute windows, batches of ${batch}, ${inflight} in flight`);
    const lines = (from: number, n: number) => {
      const out: string[] = [];
      for (let i = from; i < from + n; i++) out.push(`metrics,host=h${i % groups} v=${i % 1000} ${T0 + BigInt(Math.floor(i / groups)) * 6_000_000_000n}`);
      return out.join('\n');
    };
    const t0 = performance.now();
    let next = 0;
    let ackedAt = 0;
    const worker = async () => {
      while (next < rows) {
        const from = next;
        const n = Math.min(batch, rows - next);
        next += n;
        await write(nc, lines(from, n));
      }
      ackedAt = performance.now();
    };
    await Promise.all(Array.from({ length: inflight }, worker));
    const counted = await waitFor('the flow to count every row', async () => {
      const r = await sql(server.httpUrl, `SELECT rows_in, errors FROM information_schema.flows WHERE flow_name = 'bench'`);
      const [rowsIn, errors] = r.output![0]!.records!.rows[0] as [number, number];
      if (errors > 0) throw new Error(`the flow reports ${errors} errors`);
      return rowsIn >= rows ? performance.now() : undefined;
    }, 600_000, 100);
    const seconds = (counted - t0) / 1000;
    const writeSeconds = (ackedAt - t0) / 1000;

    // Latency: one probe at a time, in the newest window.
    const lastTs = T0 + BigInt(Math.floor((rows - 1) / groups)) * 6_000_000_000n;
    const lat: number[] = [];
    for (let p = 0; p < probes; p++) {
      const host = `probe${p}`;
      const got = new Promise<number>((resolve) => { probeWait = { host, resolve }; });
      const sent = performance.now();
      await write(nc, `metrics,host=${host} v=1 ${lastTs}`);
      lat.push((await Promise.race([got, new Promise<number>((_, rej) => setTimeout(() => rej(new Error(`probe ${p}: no live output within 30 s`)), 30_000))])) - sent);
    }
    const result = {
      rows, groups, batch, inflight, emitInterval: emit,
      rowsPerSec: Math.round(rows / seconds), seconds, writeAckedSeconds: writeSeconds, ingestRowsPerSec: Math.round(rows / writeSeconds),
      liveMessages: outputs,
      latencyMs: { p50: pct(lat, 0.5), p99: pct(lat, 0.99), max: Math.max(...lat) },
    };
    console.log(table(['metric', 'value'], [
      ['flow rows/s (publish -> counted by the flow)', fmtNum(result.rowsPerSec)],
      ['write path rows/s (acked)', fmtNum(result.ingestRowsPerSec)],
      ['live output messages', fmtNum(outputs)],
      ['latency publish -> live output p50 (ms)', result.latencyMs.p50.toFixed(1)],
      ['latency publish -> live output p99 (ms)', result.latencyMs.p99.toFixed(1)],
    ]));
    const out = resolve(opts.str('out', '.bench/flow.json'));
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, JSON.stringify(result, null, 2));
    return result;
  } finally {
    await nc.close();
    await server.stop();
  }
}
