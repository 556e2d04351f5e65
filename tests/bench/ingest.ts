// Ingest benchmark: TSBS-style cpu rows into EddyDB over NATS vs peers over HTTP.
//
//   npm run bench -- ingest [--rows 1000000] [--batch 5000] [--inflight 8] [--js-inflight 8]
//                           [--workers 2] [--runs 1] [--tags tsbs|anchors]
//                           [--skip-peers] [--skip-eddy] [--peers victoria,influx]
//                           [--only sync,buffered] [--keep-data] [--no-compact] [--out .bench/ingest.json]
//
// Every flag can also be given as an environment variable BENCH_<FLAG> (e.g. BENCH_ROWS).
//
// EddyDB (a fresh standalone node and data dir per path):
//   sync      request-reply on eddy.write.public, K requests in flight; each reply must be
//             {"ok":true,"rows":N}; acked = last reply. Queryable = /v1/stats shows all rows.
//   buffered  JetStream publish on eddy.ingest.public, K PubAcks outstanding; acked = last
//             PubAck; queryable = /v1/stats shows all rows applied.
// Then POST /v1/admin/flush (and /v1/admin/compact when offered) and measure bytes under <data>/regions per value, and peak
// RSS (VmHWM) of the eddy process plus its children (the embedded nats-server), and the CPU time (user + system) the
// server's process tree used from the first write until queryable (for every system: compare it when load skews rates).
// EddyDB is measured once its parse workers are ready (steady state; BENCH_EDDY_ARGS="--parse-workers 0" for none).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { loadavg } from 'node:os';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { ANCHOR_TAGS, CPU_TAGS, generateCpu, type CpuData } from './tsbs.ts';
import {
  diskUsage,
  fmtMiB,
  fmtNum,
  MemSampler,
  median,
  table,
  tempDir,
  cpuSplit,
  treeCpuByProcess,
  threadCpuMs,
  threadSplit,
  treeCpuMs,
  treeMemory,
  peakSplitNote,
  waitFor,
  type BenchOptions,
} from './util.ts';
import type { IngestResult } from './peers/common.ts';
import { Streams } from '../../core/index.ts';
import { runVictoria } from './peers/victoria.ts';
import { runInflux } from './peers/influx.ts';
import { eddyCompact, eddyFlush, eddyRowCount, eddyStorageDir, startEddy, type EddyServer } from './eddy.ts';

const HELP = `npm run bench -- ingest [flags]   (each flag also as env BENCH_<FLAG>)
  --rows N          total rows (default 1000000; 1000 hosts x rows/1000 points, 10 s apart)
  --batch N         rows per message / HTTP request (default 5000)
  --inflight K      EddyDB sync requests in flight (default 8)
  --js-inflight K   EddyDB JetStream publishes awaiting PubAck (default = --inflight)
  --workers N       HTTP client workers for the peers (default 2)
  --runs N          repeat each system N times, report the median run (default 1)
  --tags T          tsbs (all 10 TSBS tags, default) or anchors (hostname,region,datacenter,os,arch)
  --skip-peers      only EddyDB          --skip-eddy   only the peers
  --peers LIST      peers to run (default victoria,influx)
  --only LIST       EddyDB paths to run (default sync,buffered)
  --db NAME         EddyDB database (default public)
  --keep-data       keep temp data dirs   --out FILE    JSON output (default .bench/ingest.json)
  --timeout S       seconds to wait until queryable (default 300)
  --no-compact      EddyDB: measure bytes after flush only (default: flush, then /v1/admin/compact if offered)`;

const DB_DEFAULT = 'public';

interface EddyRunOptions {
  inflight: number;
  jsInflight: number;
  db: string;
  logDir: string;
  keepData: boolean;
  timeoutS: number;
  compact: boolean;
}

export async function run(opts: BenchOptions): Promise<IngestResult[]> {
  if (opts.bool('help')) {
    console.log(HELP);
    return [];
  }
  const rows = opts.num('rows', 1_000_000);
  const batch = opts.num('batch', 5_000);
  const inflight = opts.num('inflight', 8);
  const jsInflight = opts.num('js-inflight', inflight);
  const workers = opts.num('workers', 2);
  const runs = Math.max(1, opts.num('runs', 1));
  const tagSet = opts.str('tags', 'tsbs');
  const peers = opts.bool('skip-peers') ? [] : opts.str('peers', 'victoria,influx').split(',').filter(Boolean);
  const paths = opts.bool('skip-eddy') ? [] : opts.str('only', 'sync,buffered').split(',').filter(Boolean);
  const db = opts.str('db', DB_DEFAULT);
  const keepData = opts.bool('keep-data');
  const timeoutS = opts.num('timeout', 300);
  const out = resolve(opts.str('out', '.bench/ingest.json'));
  const logDir = tempDir('logs');

  const tg0 = performance.now();
  const data = generateCpu({ rows, batch, tags: tagSet === 'anchors' ? ANCHOR_TAGS : CPU_TAGS });
  console.log(
    `data: ${fmtNum(data.rows)} rows (${fmtNum(data.values)} values), ${data.hosts} hosts, ${data.batches.length} batches of ${batch}, ` +
      `${(data.bytes / 1048576).toFixed(1)} MiB line protocol (${(data.bytes / data.rows).toFixed(0)} B/row), ` +
      `${new Date(data.startMs).toISOString()} .. ${new Date(data.endMs).toISOString()}, generated in ${((performance.now() - tg0) / 1000).toFixed(1)} s`,
  );
  console.log(`logs: ${logDir}`);

  const results: IngestResult[] = [];
  const eddyOpts: EddyRunOptions = { inflight, jsInflight, db, logDir, keepData, timeoutS, compact: !opts.bool('no-compact') };
  const systems: Array<[string, () => Promise<IngestResult>]> = [];
  for (const p of paths) {
    if (p === 'sync') systems.push(['EddyDB sync', () => runEddySync(data, eddyOpts)]);
    else if (p === 'buffered') systems.push(['EddyDB buffered', () => runEddyBuffered(data, eddyOpts)]);
    else throw new Error(`--only: unknown EddyDB path "${p}" (sync, buffered)`);
  }
  for (const p of peers) {
    if (p === 'victoria') systems.push(['VictoriaMetrics', () => runVictoria(data, { workers, logDir, keepData, queryableTimeoutS: timeoutS })]);
    else if (p === 'influx') systems.push(['InfluxDB', () => runInflux(data, { workers, logDir, keepData, queryableTimeoutS: timeoutS })]);
    else throw new Error(`--peers: unknown peer "${p}" (victoria, influx)`);
  }

  for (const [name, fn] of systems) {
    const attempts: IngestResult[] = [];
    for (let i = 0; i < runs; i++) {
      process.stdout.write(`${name}${runs > 1 ? ` run ${i + 1}/${runs}` : ''} ... `);
      try {
        const r = await fn();
        attempts.push(r);
        console.log(
          `${fmtNum(r.ackedRowsPerSec)} rows/s acked, ${fmtNum(r.queryableRowsPerSec)} rows/s queryable, ` +
            `server CPU ${r.cpuSeconds?.toFixed(1) ?? '-'} s, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}` +
            (r.notes?.length ? `\n    ${r.notes.join('\n    ')}` : ''),
        );
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        console.log(`FAILED: ${msg}`);
        attempts.push({ system: name, rows: data.rows, values: data.values, ackedSeconds: NaN, ackedRowsPerSec: NaN, error: msg });
      }
      if (global.gc) global.gc();
    }
    const ok = attempts.filter((a) => !a.error);
    if (ok.length === 0) {
      results.push(attempts[attempts.length - 1]);
      continue;
    }
    const m = median(ok.map((a) => a.ackedRowsPerSec));
    const chosen = ok.reduce((best, a) => (Math.abs(a.ackedRowsPerSec - m) < Math.abs(best.ackedRowsPerSec - m) ? a : best));
    if (ok.length > 1) {
      chosen.notes = [...(chosen.notes ?? []), `median of ${ok.length} runs; acked rows/s: ${ok.map((a) => fmtNum(a.ackedRowsPerSec)).join(', ')}`];
    }
    results.push(chosen);
  }

  printTable(results);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    JSON.stringify(
      {
        benchmark: 'ingest',
        date: new Date().toISOString(),
        options: { rows, batch, inflight, jsInflight, workers, runs, tags: tagSet, db },
        data: {
          rows: data.rows,
          values: data.values,
          hosts: data.hosts,
          batches: data.batches.length,
          bytes: data.bytes,
          startMs: data.startMs,
          endMs: data.endMs,
        },
        results,
      },
      null,
      2,
    ) + '\n',
  );
  console.log(`\nresults written to ${out}`);
  if (results.some((r) => r.error)) process.exitCode = 1;
  return results;
}

function printTable(results: IngestResult[]): void {
  const vm = results.find((r) => r.system === 'VictoriaMetrics' && !r.error);
  const ratio = (a: number | undefined, b: number | undefined): string =>
    a !== undefined && b !== undefined && Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}x` : '-';
  const rows = results.map((r) =>
    r.error
      ? [r.system, 'FAILED', '-', '-', '-', '-', '-', '-', '-', '-', '-']
      : [
          r.system,
          fmtNum(r.ackedRowsPerSec),
          fmtNum(r.ackedRowsPerSec * 10),
          ratio(r.ackedRowsPerSec, vm?.ackedRowsPerSec),
          fmtNum(r.queryableRowsPerSec),
          ratio(r.queryableRowsPerSec, vm?.queryableRowsPerSec),
          r.cpuSeconds !== undefined ? r.cpuSeconds.toFixed(1) : '-',
          ratio(r.cpuSeconds, vm?.cpuSeconds),
          fmtMiB(r.peakRssBytes),
          fmtMiB(r.rssAfterBytes),
          r.diskBytesPerValue !== undefined ? r.diskBytesPerValue.toFixed(3) : '-',
        ],
  );
  console.log(
    '\n' +
      table(
        ['system', 'rows/s acked', 'values/s', 'vs VM', 'rows/s queryable', 'vs VM', 'server CPU s', 'vs VM', 'peak RSS', 'RSS after', 'bytes/value'],
        rows,
      ),
  );
  for (const r of results) if (r.error) console.log(`\n${r.system} failed: ${r.error}`);
}

// ---------------------------------------------------------------------------------------
// EddyDB

async function withEddy(
  name: string,
  data: CpuData,
  o: EddyRunOptions,
  ingest: (nc: NatsConnection, server: EddyServer, notes: string[]) => Promise<number>,
): Promise<IngestResult> {
  // --postgres off: the default port 4003 may be taken by another node on the machine.
  const server = await startEddy({ logDir: o.logDir, name, keepData: o.keepData, extraArgs: ['--postgres', 'off'] });
  const sampler = new MemSampler(server.proc.pid);
  const notes: string[] = [];
  let nc: NatsConnection | undefined;
  try {
    nc = await connect({ servers: server.natsUrl, name: `eddy-bench-${name}`, noEcho: true });
    const maxPayload = nc.info?.max_payload ?? 0;
    const biggest = Math.max(...data.batches.map((b) => b.length));
    if (maxPayload && biggest > maxPayload) {
      throw new Error(
        `largest batch is ${biggest} bytes but the NATS server's max_payload is ${maxPayload}; ` +
          `start the embedded nats-server with a larger max_payload (e.g. 8 MB) or run with a smaller --batch`,
      );
    }
    // Buffered messages that cannot be applied are reported here, never dropped silently.
    let errorCount = 0;
    let firstError = '';
    const errSub = nc.subscribe(`eddy.errors.${o.db}`, {
      callback: (_err, m) => {
        errorCount++;
        if (!firstError) firstError = m.string().slice(0, 300);
      },
    });

    const cpu0 = treeCpuMs(server.proc.pid);
    const split0 = treeCpuByProcess(server.proc.pid);
    const threads0 = threadCpuMs(server.proc.pid);
    const client0 = process.cpuUsage();
    const t0 = performance.now();
    const ackedSeconds = await ingest(nc, server, notes);
    const client = process.cpuUsage(client0);
    notes.push(`bench client CPU until acked: ${((client.user + client.system) / 1e6).toFixed(1)} s (this process: generating nothing, publishing and waiting)`);

    let seen = 0;
    await waitFor(
      `EddyDB to apply all ${data.rows} rows`,
      async () => {
        if (errorCount > 0) throw new Error(`eddy.errors.${o.db} reported ${errorCount} error(s), first: ${firstError}`);
        seen = await eddyRowCount(server.httpUrl, o.db, data.measurement);
        return seen >= data.rows ? seen : undefined;
      },
      o.timeoutS * 1000,
      50,
    ).catch((e: Error) => {
      throw new Error(`${e.message}; last count ${seen} of ${data.rows} rows`);
    });
    const queryableSeconds = (performance.now() - t0) / 1000;
    const cpuSeconds = (treeCpuMs(server.proc.pid) - cpu0) / 1000;
    notes.push(`server CPU until queryable: ${cpuSplit(split0, treeCpuByProcess(server.proc.pid))}`);
    notes.push(`node threads until queryable: ${threadSplit(server.proc.pid, threads0, threadCpuMs(server.proc.pid))}`);
    notes.push(await walShare(nc, data));
    if (seen !== data.rows) notes.push(`EddyDB counts ${seen} rows, expected ${data.rows}`);
    sampler.sample();
    const memAfterIngest = treeMemory(server.proc.pid);

    await eddyFlush(server.httpUrl, o.db, data.measurement);
    // Like VictoriaMetrics' force_merge: measure bytes after compaction when the node offers it.
    if (o.compact) notes.push((await eddyCompact(server.httpUrl, o.db, data.measurement)) ? 'flushed and compacted' : 'flushed (no /v1/admin/compact)');
    const { dir, exclude } = eddyStorageDir(server.dataDir);
    const disk = diskUsage(dir, exclude);
    notes.push(`storage ${dir}: ${disk.allocated} bytes allocated, ${disk.apparent} bytes apparent`);
    const mem = treeMemory(server.proc.pid);
    notes.push(peakSplitNote(memAfterIngest, mem, o.compact ? 'flush and compaction' : 'flush'));
    sampler.stop();
    notes.push(
      `processes: ${mem.procs.map((p) => `${p.name}[${p.pid}] HWM ${fmtMiB(p.hwmBytes)}`).join(', ')}; ` +
        `max sampled tree RSS ${fmtMiB(sampler.maxTreeRss)}`,
    );
    if (errorCount > 0) notes.push(`eddy.errors.${o.db}: ${errorCount} error(s), first: ${firstError}`);
    errSub.unsubscribe();

    return {
      system: name === 'eddy-sync' ? 'EddyDB sync' : 'EddyDB buffered',
      rows: data.rows,
      values: data.values,
      ackedSeconds,
      ackedRowsPerSec: data.rows / ackedSeconds,
      queryableSeconds,
      queryableRowsPerSec: data.rows / queryableSeconds,
      cpuSeconds,
      valuesVerified: seen * data.fields.length,
      peakRssBytes: mem.peakBytes,
      rssAfterBytes: memAfterIngest.rssBytes,
      diskBytes: disk.allocated,
      diskBytesPerValue: disk.allocated / data.values,
      notes,
    };
  } finally {
    sampler.stop();
    if (nc) await nc.close().catch(() => undefined);
    await server.stop();
  }
}

/**
 * What the region WAL holds once every row is queryable, against the line protocol sent: the bytes JetStream stored a
 * second time (a buffered payload is stored in EDDY_INGEST, then its rows again in EDDY_WAL). Read before the bench's
 * flush; a flush made by the node itself meanwhile has purged part of it (the note says so).
 */
async function walShare(nc: NatsConnection, data: CpuData): Promise<string> {
  const jsm = await jetstreamManager(nc);
  const wal = await jsm.streams.info(Streams.wal).catch(() => null);
  if (!wal) return `${Streams.wal}: no stream info`;
  const s = wal.state;
  const purged = s.first_seq > 1 ? `, seq ${s.first_seq}..${s.last_seq}: a flush purged the records before ${s.first_seq}` : '';
  return `${Streams.wal} at queryable: ${fmtNum(s.messages)} records, ${(s.bytes / 1048576).toFixed(1)} MiB (${(s.bytes / data.rows).toFixed(0)} B/row against ${(data.bytes / data.rows).toFixed(0)} B/row sent)${purged}`;
}

/** Request-reply on eddy.write.<db>, K requests in flight. Returns seconds until the last reply. */
export function runEddySync(data: CpuData, o: EddyRunOptions): Promise<IngestResult> {
  return withEddy('eddy-sync', data, o, async (nc) => {
    const subject = `eddy.write.${o.db}`;
    let next = 0;
    let ackedRows = 0;
    const t0 = performance.now();
    const lane = async (): Promise<void> => {
      for (;;) {
        const i = next++;
        if (i >= data.batches.length) return;
        const m = await nc.request(subject, data.batches[i], { timeout: 60_000 }).catch((e: Error) => {
          throw new Error(`request ${subject} batch ${i}: ${e.message}`);
        });
        let reply: { ok?: boolean; rows?: number; error?: { code?: string; message?: string } };
        try {
          reply = JSON.parse(m.string()) as typeof reply;
        } catch {
          throw new Error(`batch ${i}: reply is not JSON: ${m.string().slice(0, 200)}`);
        }
        if (!reply.ok) throw new Error(`batch ${i}: ${reply.error?.code ?? 'error'}: ${reply.error?.message ?? m.string().slice(0, 200)}`);
        if (reply.rows !== data.rowsPerBatch[i]) {
          throw new Error(`batch ${i}: reply says ${String(reply.rows)} rows, sent ${data.rowsPerBatch[i]}`);
        }
        ackedRows += reply.rows;
      }
    };
    await Promise.all(Array.from({ length: o.inflight }, lane));
    const s = (performance.now() - t0) / 1000;
    if (ackedRows !== data.rows) throw new Error(`replies acknowledged ${ackedRows} rows, sent ${data.rows}`);
    return s;
  });
}

/** JetStream publish on eddy.ingest.<db>, K PubAcks outstanding. Returns seconds until the last PubAck. */
export function runEddyBuffered(data: CpuData, o: EddyRunOptions): Promise<IngestResult> {
  return withEddy('eddy-buffered', data, o, async (nc, _server, notes) => {
    const subject = `eddy.ingest.${o.db}`;
    const js = jetstream(nc, { timeout: 60_000 });
    let next = 0;
    let stream = '';
    let firstSeq = 0;
    let lastSeq = 0;
    const t0 = performance.now();
    const lane = async (): Promise<void> => {
      for (;;) {
        const i = next++;
        if (i >= data.batches.length) return;
        const ack = await js.publish(subject, data.batches[i]).catch((e: Error) => {
          throw new Error(`JetStream publish ${subject} batch ${i}: ${e.message} (is stream EDDY_INGEST created at startup?)`);
        });
        stream = ack.stream;
        if (ack.duplicate) throw new Error(`batch ${i}: PubAck says duplicate`);
        if (!firstSeq || ack.seq < firstSeq) firstSeq = ack.seq;
        if (ack.seq > lastSeq) lastSeq = ack.seq;
      }
    };
    await Promise.all(Array.from({ length: o.jsInflight }, lane));
    const s = (performance.now() - t0) / 1000;
    notes.push(`JetStream stream ${stream} seq ${firstSeq}..${lastSeq}`);
    return s;
  });
}
