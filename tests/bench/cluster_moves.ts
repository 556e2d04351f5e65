// Cluster benchmark, part two: region unavailability during migrations under ingest (ADMIN migrate_region, back and
// forth), and how long the rebalancer takes to even out a table whose regions all sit on one datanode.
import { jetstream } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { Buckets, KvKeys, regionIdOf } from '../../core/index.ts';
import { peerIdOf, type ProcedureRecord, type RouteTable } from '../../actors/meta/index.ts';
import { httpRequest, waitFor } from './util.ts';

export interface MovesTarget {
  http(i: number): string;
  routes: RouteTable;
  ncs: NatsConnection[];
}

async function sql(url: string, q: string): Promise<unknown[][]> {
  const r = await httpRequest('POST', `${url}/v1/sql?db=public`, `sql=${encodeURIComponent(q)}`, { 'content-type': 'application/x-www-form-urlencoded' });
  if (r.status !== 200) throw new Error(`${q}: HTTP ${r.status} ${r.body.toString('utf8').slice(0, 300)}`);
  return (JSON.parse(r.body.toString('utf8')) as { output: { records: { rows: unknown[][] } }[] }).output[0]!.records.rows;
}

async function untilEnded(kv: KV, id: string): Promise<ProcedureRecord> {
  const w = await kv.watch({ key: KvKeys.procedure(id) });
  const timer = setTimeout(() => w.stop(), 120_000);
  try {
    for await (const e of w) {
      if (e.operation !== 'PUT' || !e.value.length) continue;
      const r = JSON.parse(new TextDecoder().decode(e.value)) as ProcedureRecord;
      if (r.status === 'Done' || r.status === 'Failed') return r;
    }
    throw new Error(`procedure ${id} did not end in 120 s`);
  } finally {
    clearTimeout(timer);
    w.stop();
  }
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? 0;
};

/** Sequential acknowledged writes (one row per region) through node `via`, with the time of every ack. */
function writer(t: MovesTarget, via: number) {
  const hosts = ['host_1', 'host_5', 'host_8'];
  let stop = false;
  let ts = Date.now() - 3_600_000;
  const acks: number[] = [];
  const loop = (async () => {
    while (!stop) {
      const t0 = ts++;
      const r = await httpRequest('POST', `${t.http(via)}/v1/influxdb/write?db=public&precision=ms`, hosts.map((h) => `cpu,hostname=${h} usage_user=1 ${t0}`).join('\n'), {}, 120_000);
      if (r.status !== 204) throw new Error(`write during a migration: HTTP ${r.status} ${r.body.toString('utf8').slice(0, 300)}`);
      acks.push(performance.now());
    }
  })();
  return { acks, stop: async () => { stop = true; await loop; } };
}

/** Longest gap between acks inside [from, to], counting from `from`. */
function longestGap(acks: number[], from: number, to: number): number {
  let gap = 0;
  let prev = from;
  for (const a of acks) {
    if (a < from) continue;
    gap = Math.max(gap, a - prev);
    prev = a;
    if (a > to) break;
  }
  return gap;
}

export async function migrations(t: MovesTarget, tableId: number, n: number): Promise<{ moves: number; p50: number; p99: number; max: number; procedureMs: { p50: number; max: number }; failed: number; ackedRowsPerSec: number }> {
  const kv = await new Kvm(jetstream(t.ncs[0]!)).open(Buckets.procedures);
  const ids = [0, 1, 2].map((k) => regionIdOf(tableId, k));
  const nodes = ['eddy-0', 'eddy-1', 'eddy-2'];
  const w = writer(t, 0);
  await waitFor('writes flowing', async () => (w.acks.length >= 20 ? true : undefined), 30_000, 10);
  const gaps: number[] = [];
  const durations: number[] = [];
  let failed = 0;
  const t0 = performance.now();
  const a0 = w.acks.length;
  for (let k = 0; k < n; k++) {
    const id = ids[k % ids.length]!;
    const from = t.routes.get(id)!.node;
    const to = nodes[(nodes.indexOf(from) + 1 + (k % 2)) % nodes.length]!;
    const start = performance.now();
    const [[pid]] = (await sql(t.http(1), `ADMIN migrate_region(${id}, ${peerIdOf(from)}, ${peerIdOf(to)})`)) as [[string]];
    const rec = await untilEnded(kv, pid);
    const end = performance.now();
    if (rec.status !== 'Done') failed++;
    durations.push(end - start);
    // the next ack after the procedure ended closes the window
    const after = w.acks.length;
    await waitFor('a write after the move', async () => (w.acks.length > after ? true : undefined), 60_000, 5);
    gaps.push(longestGap(w.acks, start, end));
  }
  const secs = (performance.now() - t0) / 1000;
  const rows = (w.acks.length - a0) * 3;
  await w.stop();
  return { moves: n, p50: pct(gaps, 50), p99: pct(gaps, 99), max: Math.max(...gaps), procedureMs: { p50: pct(durations, 50), max: Math.max(...durations) }, failed, ackedRowsPerSec: rows / secs };
}

/** Puts every region of the table on eddy-0 (migrations), then times ADMIN rebalance() rounds until each node holds one. */
export async function evenOut(t: MovesTarget, tableId: number): Promise<{ ms: number; rounds: number; moves: number; steadyRowsPerSec: number; rebalancingRowsPerSec: number }> {
  const kv = await new Kvm(jetstream(t.ncs[0]!)).open(Buckets.procedures);
  const ids = [0, 1, 2].map((k) => regionIdOf(tableId, k));
  for (const id of ids) {
    const from = t.routes.get(id)!.node;
    if (from === 'eddy-0') continue;
    const [[pid]] = (await sql(t.http(0), `ADMIN migrate_region(${id}, ${peerIdOf(from)}, 0)`)) as [[string]];
    const r = await untilEnded(kv, pid);
    if (r.status !== 'Done') throw new Error(`gathering region ${id} on eddy-0 failed: ${r.error}`);
  }
  const w = writer(t, 0);
  await waitFor('writes flowing', async () => (w.acks.length >= 20 ? true : undefined), 30_000, 10);
  // steady state: 3 s of ingest with everything on one node
  const s0 = performance.now(), sa = w.acks.length;
  await waitFor('3 s of steady ingest', async () => (performance.now() - s0 >= 3_000 ? true : undefined), 10_000, 50);
  const steady = ((w.acks.length - sa) * 3) / ((performance.now() - s0) / 1000);
  const t0 = performance.now(), a0 = w.acks.length;
  let rounds = 0;
  let moves = 0;
  const even = () => new Set(ids.map((id) => t.routes.get(id)?.node)).size === 3;
  while (!even()) {
    rounds++;
    const [[started]] = (await sql(t.http(0), 'ADMIN rebalance()')) as [[number]];
    moves += Number(started);
    // wait for the round's migrations to finish: the routes change as they do
    await waitFor('migrations of the round', async () => {
      const procs = await sql(t.http(0), "SELECT count(*) FROM information_schema.procedure_info WHERE status = 'Running' OR status = 'RollingBack'");
      return Number(procs[0]![0]) === 0 ? true : undefined;
    }, 120_000, 100);
    if (rounds > 20) throw new Error('the rebalancer did not even out the table in 20 rounds');
  }
  const ms = performance.now() - t0;
  const rebalancing = ((w.acks.length - a0) * 3) / (ms / 1000);
  await w.stop();
  return { ms, rounds, moves, steadyRowsPerSec: steady, rebalancingRowsPerSec: rebalancing };
}
