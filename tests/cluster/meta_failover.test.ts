// The meta leader killed with kill -9 while it runs a region migration (real nats-servers and node processes, 3 nodes,
// --storage nats): the standby meta node takes the lease, resumes or rolls back the migration from its persisted
// step, and fails over the dead node's regions; writes through a surviving frontend go on; nothing acknowledged is
// lost and every region is served by one node.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NatsConnection } from '@nats-io/transport-node';
import type { KV } from '@nats-io/kv';
import { Buckets, KvKeys, regionIdOf } from '../../core/index.ts';
import { type RouteTable, peerIdOf } from '../../actors/meta/index.ts';
import type { LocalCluster } from '../../actors/tools/cluster.ts';
import { tempDir } from '../harness/index.ts';
import { Writer, migrateRegion, responders, rows, sql, untilProcedure, untilRoutes, startTestCluster, stopTestCluster, type TestCluster } from './helpers.ts';

const HOSTS = ['alpha', 'bravo', 'charlie', 'kilo', 'lima', 'mike', 'papa', 'romeo', 'zulu'];
const PARTITIONED = "PARTITION ON COLUMNS (host) (host < 'h', host >= 'h' AND host < 'p', host >= 'p')";

describe('the meta leader killed during a migration', () => {
  const dir = tempDir('eddy-metafail-');
  const log: string[] = [];
  let tc: TestCluster | undefined;
  let cluster: LocalCluster;
  let base = 0;
  let nc: NatsConnection;
  let routes: RouteTable;
  let nodesKv: KV;
  let procKv: KV;
  const url = (i: number) => `http://127.0.0.1:${base + i}`;
  const holder = async () => {
    const e = await nodesKv.get(KvKeys.metaLease);
    return e && e.operation === 'PUT' && e.value.length ? (JSON.parse(new TextDecoder().decode(e.value)) as { holder: string }).holder : null;
  };

  beforeAll(async () => {
    tc = await startTestCluster(dir.path, log, ['--storage', 'nats', '--rebalance', 'off']);
    ({ cluster, base, nc, routes } = tc);
    const kvm = tc.kvm;
    nodesKv = await kvm.open(Buckets.nodes);
    procKv = await kvm.open(Buckets.procedures);
  }, 120_000);

  afterAll(async () => {
    await stopTestCluster(tc);
    dir.cleanup();
  }, 120_000);

  it('the standby takes the lease, the migration ends (resumed or rolled back), the dead node\'s regions serve elsewhere, nothing acknowledged lost', async () => {
    expect((await sql(url(2), `CREATE TABLE t (host STRING, usage DOUBLE, ts TIMESTAMP TIME INDEX, PRIMARY KEY (host)) ${PARTITIONED}`)).status).toBe(200);
    const [[tid]] = (await rows(url(2), "SELECT table_id FROM information_schema.tables WHERE table_name = 't'")) as [[number]];
    const ids = [0, 1, 2].map((n) => regionIdOf(tid, n));
    await untilRoutes(routes, () => ids.every((id) => routes.get(id)), "t's routes");
    const leader = (await holder())!;
    expect(['eddy-0', 'eddy-1']).toContain(leader);
    const standby = leader === 'eddy-0' ? 'eddy-1' : 'eddy-0';
    // eddy-2 (no meta role) is the frontend written through; the moved region goes from a node that stays to the standby.
    const w = new Writer(url(2), 't', HOSTS, 1_700_000_000_000).start();
    await w.acked(3);
    const id = ids.find((r) => routes.get(r)!.node !== leader && routes.get(r)!.node !== standby) ?? ids.find((r) => routes.get(r)!.node !== leader)!;
    const from = routes.get(id)!.node;
    const to = from === standby ? 'eddy-2' : standby;
    const pid = await migrateRegion(url(2), id, from, to);
    await untilProcedure(procKv, pid, (p) => p.steps.some((s) => s.state === 'open_candidate'), 30_000);
    const onLeader = ids.filter((r2) => routes.get(r2)!.node === leader);
    await cluster.signalNode(leader, 'SIGKILL');

    const rec = await untilProcedure(procKv, pid, undefined, 60_000).catch((e: Error) => {
      throw new Error(`${e.message}\n${log.slice(-50).join('\n')}`);
    });
    expect(['Done', 'Failed']).toContain(rec.status);
    await untilRoutes(routes, () => ids.every((r2) => { const x = routes.get(r2); return x !== undefined && x.node !== leader; }), `t's regions to leave ${leader}`, 40_000);
    expect(await holder()).toBe(standby);
    expect(routes.get(id)!.node).toBe(rec.status === 'Done' ? to : from);
    const at = w.batches;
    await w.acked(at + 5);
    await w.stop();
    expect(w.failures).toEqual([]);
    expect(await rows(url(2), 'SELECT count(*) FROM t')).toEqual([[w.rows]]);
    for (const r2 of ids) expect(await responders(nc, r2), `servers of region ${r2}`).toBe(1);
    const failover = await rows(url(2), `SELECT region_id FROM information_schema.region_events WHERE reason = 'failover' AND from_peer = ${peerIdOf(leader)}`);
    expect(failover.map((e) => String(e[0])).sort()).toEqual(expect.arrayContaining(onLeader));
    // Which meta node ended it: the standby when the kill came mid-step (resumed from the persisted step), else the old leader.
    const ended = log.find((l) => l.includes(`migration ${pid}`) && /Done|Failed|rolled back/.test(l)) ?? '(not logged)';
    console.log(`meta leader ${leader} killed during migration ${pid} (${from} -> ${to}): ${rec.status}, ended by: ${ended}; ${w.batches} writes acknowledged, slowest ${Math.round(w.maxLatencyMs)} ms`);
  }, 150_000);
});
