// Fault: kill -9 of the node at random points during mixed ingest (NATS sync writes, JetStream-buffered ingest, HTTP
// writes): after each restart every acknowledged row is there exactly once. EDDY_FAULT_KILLS sets the kill points (100 by
// default), spread over EDDY_FAULT_RUNS nodes killed side by side (4 by default), each with its own data and NATS.
// Odd runs flush every few thousand rows (FLUSH_OFTEN), so kills also land in flushes, WAL purges and replays that
// start past a flushed point; and about one round in four kills the node a second time as soon as it is ready, while
// it is still applying the buffered messages the first kill left (a crash during that catch-up).
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Streams, Subjects } from '../../core/index.ts';
import { natsClient, startNodeProcess, tempDir, until, writeLp, type NodeProcess } from '../harness/index.ts';
import { faultRandom, sqlRows } from './fault_util.ts';

const KILLS = Number(process.env.EDDY_FAULT_KILLS ?? 100);
const RUNS = Math.max(1, Math.min(KILLS, Number(process.env.EDDY_FAULT_RUNS ?? 4)));
const BATCH = 50;
/**
 * Rows of a large buffered message (69-72 KB, over the parse worker's 64 KiB threshold from the first row numbers on): about one buffered message in four
 * is one, so kills also land while a payload is in a parse worker and its presized buffer is handed back and reused.
 */
const LARGE = 1700;
const LARGE_SHARE = 0.25;
const SOURCES = ['sync', 'buf', 'http'] as const;
type Source = (typeof SOURCES)[number];
const enc = new TextEncoder();
/** A memtable this small (columns plus 20 bytes a row) is flushed every ~1,500 rows of this table. */
const FLUSH_OFTEN = ['--flush-bytes', '65536'];
const AGAIN_WHILE_DRAINING = 0.25;
/** Row seq -> its timestamp in ms; a source's rows never share one. */
const tsOf = (seq: number) => 1_700_000_000_000 + seq;

function lines(src: Source, from: number, n = BATCH): string {
  const out: string[] = [];
  for (let s = from; s < from + n; s++) out.push(`mixed,src=${src} v=${s} ${tsOf(s)}000000`);
  return out.join('\n');
}

/** The timestamps of the rows of `src` in the table, in no order (a row there twice appears twice). */
async function rowsOf(url: string, src: Source): Promise<number[]> {
  return ((await sqlRows(url, `SELECT ts FROM mixed WHERE src = '${src}'`)) as { ts: number }[]).map((r) => r.ts);
}

/** What each kill round must find right after the restart: every acknowledged sync and HTTP row, none twice. */
async function checkAfterRestart(url: string, acked: Record<Source, Set<number>>, round: number): Promise<void> {
  for (const src of ['sync', 'http'] as const) {
    const seen = await rowsOf(url, src);
    expect(new Set(seen).size, `round ${round}, ${src}: no row twice`).toBe(seen.length);
    const have = new Set(seen);
    const missing = [...acked[src]].filter((s) => !have.has(tsOf(s)));
    expect(missing, `round ${round}, ${src}: acknowledged rows missing after the restart`).toEqual([]);
  }
}

/** Segment files under a node's data directory (regions/<id>/segments/). */
function segmentFiles(data: string): number {
  return (readdirSync(data, { recursive: true }) as string[]).filter((f) => /(^|\/)segments\/[^/]+$/.test(f)).length;
}

async function killRun(run: number, kills: number): Promise<void> {
  const rnd = faultRandom(run);
  const dir = tempDir();
  const next: Record<Source, number> = { sync: 0, buf: 0, http: 0 };
  const acked: Record<Source, Set<number>> = { sync: new Set(), buf: new Set(), http: new Set() };
  const args = run % 2 === 1 ? FLUSH_OFTEN : [];
  let node: NodeProcess = await startNodeProcess({ data: dir.path, args });
  const create = await fetch(`${node.url}/v1/sql?db=public`, { method: 'POST', body: new URLSearchParams({ sql: "CREATE TABLE mixed (src STRING, ts TIMESTAMP TIME INDEX, v DOUBLE, PRIMARY KEY (src)) WITH (append_mode = 'true')" }) });
  expect(create.status).toBe(200);
  for (let round = 0; round < kills; round++) {
    const nc: NatsConnection = await natsClient(`nats://127.0.0.1:${node.natsPort}`);
    const js = jetstream(nc);
    const target = 300 + Math.floor(rnd() * 1500);
    let total = 0;
    let dead = false;
    // The kill waits until each kind of write has been acknowledged this round, so every kill lands in mixed traffic.
    const roundAcked: Record<Source, number> = { sync: 0, buf: 0, http: 0 };
    const n = node;
    const write: Record<Source, (from: number, rows: number) => Promise<boolean>> = {
      sync: async (from) => (await writeLp(nc, 'public', lines('sync', from))).ok,
      buf: async (from, rows) => { await js.publish(Subjects.ingest('public'), enc.encode(lines('buf', from, rows)), { timeout: 10_000 }); return true; },
      http: async (from) => (await fetch(`${n.url}/v1/influxdb/write?db=public`, { method: 'POST', body: lines('http', from) })).status === 204,
    };
    const writer = async (src: Source) => {
      while (!dead) {
        const from = next[src];
        const rows = src === 'buf' && rnd() < LARGE_SHARE ? LARGE : BATCH;
        next[src] += rows;
        let ok = false;
        try {
          ok = await write[src](from, rows);
        } catch (e) {
          if (process.env.EDDY_FAULT_DEBUG) console.log(src, from, String(e));
          return; // the node is gone: this batch is unacknowledged
        }
        if (!ok) {
          if (process.env.EDDY_FAULT_DEBUG) console.log(src, from, 'refused');
          continue;
        }
        for (let s = from; s < from + rows; s++) acked[src].add(s);
        total += rows;
        roundAcked[src] += rows;
        if (total >= target && SOURCES.every((x) => roundAcked[x] > 0) && !dead) {
          dead = true;
          n.child.kill('SIGKILL');
        }
      }
    };
    const writers = SOURCES.map((s) => writer(s));
    await n.exited;
    dead = true;
    if (process.env.EDDY_FAULT_DEBUG) for (const l of n.log) if (/error|warn|rejected|retry/i.test(l)) console.log(`round ${round}: ${l}`);
    await nc.close().catch(() => undefined);
    await Promise.all(writers);
    node = await startNodeProcess({ data: dir.path, args });
    if (rnd() < AGAIN_WHILE_DRAINING) {
      // Killed again as soon as it is ready: what the first kill left in the ingest stream is being applied now.
      const again = node;
      again.child.kill('SIGKILL');
      await again.exited;
      node = await startNodeProcess({ data: dir.path, args });
    }
    await checkAfterRestart(node.url, acked, round);
  }
  // Buffered rows acknowledged by JetStream are applied after the restart: wait for them, then check every source.
  const want = (src: Source) => acked[src].size;
  let rows: { src: string; ts: number }[] = [];
  await until(async () => {
    rows = (await sqlRows(node.url, 'SELECT src, ts FROM mixed')) as { src: string; ts: number }[];
    return SOURCES.every((src) => rows.filter((r) => r.src === src).length >= want(src));
  }, 'every acknowledged row to be readable', 60_000).catch(async (e: Error) => {
    // say which source fell short and which rows, so a lost row is told apart from a slow drain
    const report = SOURCES.map((src) => {
      const have = new Set(rows.filter((r) => r.src === src).map((r) => r.ts));
      const missing = [...acked[src]].filter((x) => !have.has(tsOf(x)));
      return `${src}: ${have.size} rows of ${want(src)} acknowledged, missing ${missing.length} (first ${missing.slice(0, 5).join(', ')})`;
    });
    // and whether the ingest stream still holds messages (applied late or stuck) or gave them up (lost)
    const nc = await natsClient(`nats://127.0.0.1:${node.natsPort}`);
    const jsm = await jetstreamManager(nc);
    const si = await jsm.streams.info(Streams.ingest).catch(() => null);
    const ci = (await jsm.consumers.list(Streams.ingest).next().catch(() => []))[0];
    await nc.close();
    report.push(`ingest stream: ${si?.state.messages ?? '?'} messages (seq ${si?.state.first_seq}..${si?.state.last_seq}); consumer: pending ${ci?.num_pending}, ack pending ${ci?.num_ack_pending}, redelivered ${ci?.num_redelivered}`);
    report.push(...node.log.filter((l) => /error|warn|rejected|retry/i.test(l)).slice(0, 20));
    throw new Error(`${e.message}\n${report.join('\n')}`);
  });
  for (const src of SOURCES) {
    const seen = rows.filter((r) => r.src === src).map((r) => r.ts);
    // A buffered message in the WAL but not yet acked when the node died is delivered again: its WAL append is
    // recognised as a duplicate (the message's stream sequence is its id) and not applied twice.
    expect(new Set(seen).size, `${src}: no row twice`).toBe(seen.length);
    const have = new Set(seen);
    const missing = [...acked[src]].filter((s) => !have.has(tsOf(s)));
    expect(missing, `${src}: acknowledged rows missing`).toEqual([]);
    expect(acked[src].size, `${src} wrote something`).toBeGreaterThan(0);
  }
  // The flushing runs did flush between the kills: the region holds segments no restart wrote (a restart replays, not flushes).
  if (args === FLUSH_OFTEN) expect(segmentFiles(dir.path), 'segments written by flushes during the run').toBeGreaterThan(0);
  await node.stop();
  dir.cleanup();
}

// Each run is its own node with its own data directory and nats-server; they run side by side so 100 kill points fit
// in the suite's time on two cores.
const perRun = (run: number) => Math.floor(KILLS / RUNS) + (run < KILLS % RUNS ? 1 : 0);
describe.concurrent(`kill -9 during mixed ingest (${KILLS} kill points over ${RUNS} nodes)`, () => {
  for (let run = 0; run < RUNS; run++) {
    it(`run ${run}: ${perRun(run)} kill points, every acknowledged row present exactly once after each restart`, async () => {
      await killRun(run, perRun(run));
    }, 120_000 + perRun(run) * 60_000);
  }
});
