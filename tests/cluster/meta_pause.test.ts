// The meta leader paused (SIGSTOP) while it runs a region migration (real nats-servers and node processes, 3 nodes,
// --storage nats), under acknowledged ingest into a partitioned append-mode table: the standby takes the lease and the
// routes' term, ends the migration (resumed or rolled back) and fails over the paused node's regions. Resumed
// (SIGCONT), the old leader steps down: no route of its old term is written, the procedure record is not rewritten,
// its regions stay where they went; every acknowledged row is present exactly once and each region has one server.
import { describe, expect, it } from 'vitest';
import type { KV, KvEntry } from '@nats-io/kv';
import { Buckets, KvKeys, regionIdOf } from '../../core/index.ts';
import type { ProcedureRecord, RouteRecord } from '../../actors/meta/index.ts';
import { LogLines, Writer, migrateRegion, responders, rows, sql, untilKey, untilProcedure, untilRoutes, clusterPerFile } from './helpers.ts';

const HOSTS = ['alpha', 'bravo', 'charlie', 'kilo', 'lima', 'mike', 'papa', 'romeo', 'zulu'];
const PARTITIONED = "PARTITION ON COLUMNS (host) (host < 'h', host >= 'h' AND host < 'p', host >= 'p')";
const dec = new TextDecoder();

/** Every entry a KV watch sees from now on (no history), until stopped. */
async function record(kv: KV, key: string): Promise<{ seen: KvEntry[]; stop(): void }> {
  const seen: KvEntry[] = [];
  const w = await kv.watch({ key, include: 'updates' });
  void (async () => { for await (const e of w) seen.push(e); })().catch(() => undefined);
  return { seen, stop: () => w.stop() };
}

describe('the meta leader paused during a migration', () => {
  const log = new LogLines();
  const c = clusterPerFile('eddy-metapause-', log);
  const url = (i: number) => c.url(i);

  it('is replaced; woken, its old term writes nothing; the migration ends once; nothing acknowledged lost or doubled', async () => {
    const { routes, kvm, cluster, nc } = c.tc;
    const nodesKv = await kvm.open(Buckets.nodes);
    const routesKv = await kvm.open(Buckets.routes);
    const procKv = await kvm.open(Buckets.procedures);
    expect((await sql(url(2), `CREATE TABLE t (host STRING, usage DOUBLE, ts TIMESTAMP TIME INDEX, PRIMARY KEY (host)) ${PARTITIONED} WITH ('append_mode' = 'true')`)).status).toBe(200);
    const [[tid]] = (await rows(url(2), "SELECT table_id FROM information_schema.tables WHERE table_name = 't'")) as [[number]];
    const ids = [0, 1, 2].map((n) => regionIdOf(tid, n));
    await untilRoutes(routes, () => ids.every((id) => routes.get(id)), "t's routes");
    const leader = (await untilKey<{ holder: string }>(nodesKv, KvKeys.metaLease, () => true, 'a meta leader')).holder;
    expect(['eddy-0', 'eddy-1']).toContain(leader);
    const standby = leader === 'eddy-0' ? 'eddy-1' : 'eddy-0';
    const oldTerm = (await untilKey<{ epoch: number }>(routesKv, KvKeys.routesTerm, () => true, 'the routes term')).epoch;
    // eddy-2 (no meta role) is the frontend written through; the region moves between the two nodes that are not paused.
    const w = new Writer(url(2), 't', HOSTS, 1_700_000_000_000).start();
    await w.acked(3);
    const id = ids.find((r) => routes.get(r)!.node !== leader)!;
    const from = routes.get(id)!.node;
    const to = from === standby ? 'eddy-2' : standby;
    const pid = await migrateRegion(url(2), id, from, to);
    await untilProcedure(procKv, pid, (p) => p.steps.some((s) => s.state === 'open_candidate'), 30_000);
    const onLeader = ids.filter((r2) => routes.get(r2)!.node === leader);
    const leaderPid = cluster.manifest.nodes.find((n) => n.id === leader)!.pid;

    process.kill(leaderPid, 'SIGSTOP');
    const newTerm = (await untilKey<{ epoch: number }>(routesKv, KvKeys.routesTerm, (v) => v.epoch > oldTerm, 'the standby to claim the routes', 60_000)).epoch;
    expect((await untilKey<{ holder: string }>(nodesKv, KvKeys.metaLease, () => true, 'the lease')).holder).toBe(standby);
    const ended = await untilProcedure(procKv, pid, undefined, 60_000);
    expect(['Done', 'Failed']).toContain(ended.status);
    await untilRoutes(routes, () => ids.every((r2) => routes.get(r2)!.node !== leader), `${leader}'s regions to move while it is paused`, 60_000);
    const at = w.batches;
    await w.acked(at + 5);

    // Woken: whatever its old term still tries (a migration step, a placement round, a procedure write) is refused.
    const routeWrites = await record(routesKv, KvKeys.routeAll);
    const procWrites = await record(procKv, KvKeys.procedure(pid));
    process.kill(leaderPid, 'SIGCONT');
    await log.until(new RegExp(`\\[${leader}\\] meta: not leader`), 30_000);
    // The woken node's datanode side learns its regions' term ended (it closes them), as a paused datanode does.
    await w.acked(w.batches + 5);
    await w.stop();
    routeWrites.stop();
    procWrites.stop();
    expect(w.failures).toEqual([]);
    const stale = routeWrites.seen.filter((e) => e.operation === 'PUT' && e.value.length && (JSON.parse(dec.decode(e.value)) as RouteRecord).epoch < newTerm);
    expect(stale.map((e) => `${e.key} ${dec.decode(e.value)}`)).toEqual([]);
    expect(procWrites.seen.map((e) => (JSON.parse(dec.decode(e.value)) as ProcedureRecord).state)).toEqual([]);
    const now = (await procKv.get(KvKeys.procedure(pid)))!;
    expect((JSON.parse(dec.decode(now.value)) as ProcedureRecord).status).toBe(ended.status);
    expect(routes.get(id)!.node).toBe(ended.status === 'Done' ? to : from);
    for (const r2 of ids) expect(routes.get(r2)!.node, `route of ${r2}`).not.toBe(leader);
    expect(await rows(url(2), 'SELECT count(*) FROM t')).toEqual([[w.rows]]);
    for (const r2 of ids) expect(await responders(nc, r2), `servers of region ${r2}`).toBe(1);
    const refusals = log.lines.filter((l) => l.includes(`[${leader}]`) && /newer meta leader|not leader|refused/.test(l));
    console.log(`meta leader ${leader} paused during migration ${pid} (${from} -> ${to}, its own regions ${onLeader.join(', ') || 'none'}): ${ended.status} by ${standby} (term ${oldTerm} -> ${newTerm}); woken: ${refusals.length} refusals/step-downs logged; ${w.batches} batches, slowest ${Math.round(w.maxLatencyMs)} ms (slow: ${w.slow.join(", ")})`);
  }, 200_000);
});
