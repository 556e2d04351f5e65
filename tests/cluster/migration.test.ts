// Region migration on a 3-node local cluster (real nats-servers and node processes, --storage nats), under continuous
// acknowledged ingest into a partitioned append-mode table: migrations back and forth through ADMIN migrate_region, a
// target datanode killed during a migration (rolled back), and after each: every acknowledged row present exactly once,
// queries during the switches answered, the region served by one node only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { Buckets, KvKeys, Streams, regionIdOf } from '../../core/index.ts';
import { type RouteTable, peerIdOf } from '../../actors/meta/index.ts';
import type { LocalCluster } from '../../actors/tools/cluster.ts';
import { tempDir } from '../harness/index.ts';
import { serverTag } from '../../actors/runtime/wal_streams.ts';
import { Writer, migrateRegion, responders, rows, sql, untilProcedure, untilRoutes, startTestCluster, stopTestCluster, type TestCluster } from './helpers.ts';

const HOSTS = ['alpha', 'bravo', 'charlie', 'kilo', 'lima', 'mike', 'papa', 'romeo', 'zulu'];
const PARTITIONED = "PARTITION ON COLUMNS (host) (host < 'h', host >= 'h' AND host < 'p', host >= 'p')";

/** Keeps a query running through a frontend until stopped; every answer must be a 200. */
export class Reader {
  answered = 0;
  readonly failures: string[] = [];
  private stopped = false;
  private loop: Promise<void> | null = null;
  constructor(private readonly url: string, private readonly q: string) {}
  start(): this {
    this.loop = (async () => {
      while (!this.stopped) {
        const r = await sql(this.url, this.q).catch((e: Error) => ({ status: 0, body: { error: e.message } }));
        if (r.status === 200) this.answered++;
        else this.failures.push(`${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
      }
    })();
    return this;
  }
  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }
}

describe('region migration: a 3-node cluster under ingest', () => {
  const dir = tempDir('eddy-migrate-');
  const log: string[] = [];
  let tc: TestCluster | undefined;
  let cluster: LocalCluster;
  let base = 0;
  let nc: NatsConnection;
  let routes: RouteTable;
  let procKv: KV;
  let ids: string[] = [];
  let lwwIds: string[] = [];
  const url = (i: number) => `http://127.0.0.1:${base + i}`;

  beforeAll(async () => {
    tc = await startTestCluster(dir.path, log, ['--storage', 'nats', '--rebalance', 'off', '--wal-streams', 'region']);
    ({ cluster, base, nc, routes } = tc);
    const kvm = tc.kvm;
    procKv = await kvm.open(Buckets.procedures);
    const created = await sql(url(0), `CREATE TABLE cpu (host STRING, usage DOUBLE, ts TIMESTAMP TIME INDEX, PRIMARY KEY (host)) ${PARTITIONED} WITH ('append_mode' = 'true')`);
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const [[tid]] = (await rows(url(0), "SELECT table_id FROM information_schema.tables WHERE table_name = 'cpu'")) as [[number]];
    ids = [0, 1, 2].map((n) => regionIdOf(tid, n));
    // Last-write-wins twin for the tests that kill nodes: a write in flight to a killed node is retried there, which
    // append mode cannot do without risking a duplicate (it answers the client an error instead).
    expect((await sql(url(0), `CREATE TABLE lww (host STRING, usage DOUBLE, ts TIMESTAMP TIME INDEX, PRIMARY KEY (host)) ${PARTITIONED}`)).status).toBe(200);
    const [[lid]] = (await rows(url(0), "SELECT table_id FROM information_schema.tables WHERE table_name = 'lww'")) as [[number]];
    lwwIds = [0, 1, 2].map((n) => regionIdOf(lid, n));
  }, 120_000);

  afterAll(async () => {
    await stopTestCluster(tc);
    dir.cleanup();
  }, 120_000);

  const migrate = (id: string, to: string, via = 0, timeoutSecs?: number) => migrateRegion(url(via), id, routes.get(id)!.node, to, timeoutSecs);

  it('migrations back and forth under ingest and queries: each Done, nothing acknowledged lost or doubled, one server per region', async () => {
    const w = new Writer(url(2), 'cpu', HOSTS, 1_700_000_000_000).start();
    const reader = new Reader(url(1), 'SELECT count(*) FROM cpu').start();
    await w.acked(5);
    const id = ids[0]!;
    const home = routes.get(id)!.node;
    const away = ['eddy-0', 'eddy-1', 'eddy-2'].find((n) => n !== home)!;
    // node eddy-k is on nats-server eddy-nats-k; the region's stream was made there when it first opened
    const walServer = home.replace('eddy-', 'eddy-nats-');
    expect((await (await jetstreamManager(nc)).streams.info(Streams.walOf(id))).config.placement?.tags).toEqual([serverTag(walServer)]);
    for (const to of [away, home, away, home]) {
      const pid = await migrate(id, to);
      const rec = await untilProcedure(procKv, pid).catch((e: Error) => {
        throw new Error(`${e.message}\n${log.slice(-60).join('\n')}`);
      });
      expect(rec.status, `${rec.error}\n${log.slice(-30).join('\n')}`).toBe('Done');
      expect(rec.steps.map((s) => s.state)).toEqual(['start', 'open_candidate', 'downgrade_leader', 'catch_up', 'upgrade_candidate', 'switch_route', 'close_old']);
      expect(routes.get(id)!.node).toBe(to);
      // The region's own WAL stream stays where the region was first opened (its new leader reads and appends it
      // there: runtime/wal_streams.ts says why it is not moved).
      expect((await (await jetstreamManager(nc)).streams.info(Streams.walOf(id))).cluster?.leader).toBe(walServer);
      const st = await rows(url(1), `ADMIN procedure_state('${pid}')`);
      expect(JSON.parse(String(st[0]![0]))).toEqual({ status: 'Done' });
      const at = w.batches;
      await w.acked(at + 3);
    }
    await w.stop();
    await reader.stop();
    console.log(`migrations under ingest: ${w.batches} writes acknowledged, slowest ${Math.round(w.maxLatencyMs)} ms; ${reader.answered} queries answered`);
    expect(w.failures).toEqual([]);
    expect(reader.failures).toEqual([]);
    expect(reader.answered).toBeGreaterThan(0);
    // append mode: a row written twice would be counted twice
    expect(await rows(url(0), 'SELECT count(*) FROM cpu')).toEqual([[w.rows]]);
    for (const r of ids) expect(await responders(nc, r), `servers of region ${r}`).toBe(1);
    const info = await rows(url(0), "SELECT procedure_type, status, steps FROM information_schema.procedure_info WHERE status = 'Done'");
    expect(info.length).toBe(4);
    expect(String(info[0]![2])).toMatch(/^start \d+ms, open_candidate \d+ms, .*close_old \d+ms$/);
    const events = await rows(url(2), `SELECT region_id, from_peer, to_peer, reason, status FROM information_schema.region_events WHERE region_id = ${id} ORDER BY time`);
    expect(events.map((e) => [e[1], e[2], e[3], e[4]])).toEqual([[home, away, home, away].map(peerIdOf)].flatMap((fr) => fr.map((f, k) => [f, [away, home, away, home].map(peerIdOf)[k], 'admin', 'Done'])));
  }, 120_000);

  it('bad requests name the problem: an unknown region, a peer that does not hold it, a procedure that does not exist', async () => {
    const bad = await sql(url(0), 'ADMIN migrate_region(42, 0, 1)');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/region 42 not found/);
    const id = ids[1]!;
    const owner = routes.get(id)!.node;
    const other = ['eddy-0', 'eddy-1', 'eddy-2'].filter((n) => n !== owner);
    const wrong = await sql(url(0), `ADMIN migrate_region(${id}, ${peerIdOf(other[0]!)}, ${peerIdOf(other[1]!)})`);
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toMatch(/is on peer \d, not on peer \d|is not on peer/);
    const none = await sql(url(0), "ADMIN procedure_state('no-such-procedure')");
    expect(none.status).toBe(400);
    expect(none.body.error).toMatch(/procedure no-such-procedure not found/);
  }, 30_000);

  it('ADMIN rebalance() evens out regions gathered on one node; ADMIN drain_node() empties a datanode; both recorded in region_events', async () => {
    const all = [...ids, ...lwwIds];
    // gather the cpu regions on eddy-0 (operator moves do not start the rebalancer's cooldown)
    for (const id of ids) {
      if (routes.get(id)!.node === 'eddy-0') continue;
      const rec = await untilProcedure(procKv, await migrate(id, 'eddy-0'));
      expect(rec.status).toBe('Done');
    }
    const count = (n: string) => all.filter((id) => routes.get(id)?.node === n).length;
    const before = count('eddy-0');
    expect(before).toBeGreaterThanOrEqual(4);
    for (let round = 0; round < 6; round++) {
      const [[started]] = (await rows(url(1), 'ADMIN rebalance()')) as [[number]];
      const running = await rows(url(1), "SELECT procedure_id FROM information_schema.procedure_info WHERE status = 'Running'");
      for (const [pid] of running) expect((await untilProcedure(procKv, String(pid))).status).toBe('Done');
      if (Number(started) === 0) break;
    }
    expect(count('eddy-0')).toBeLessThan(before);
    expect(Math.max(...['eddy-0', 'eddy-1', 'eddy-2'].map(count))).toBeLessThanOrEqual(3);
    const rebalanced = await rows(url(2), "SELECT count(*) FROM information_schema.region_events WHERE reason = 'rebalance' AND status = 'Done'");
    expect(Number(rebalanced[0]![0])).toBeGreaterThan(0);

    const [[started]] = (await rows(url(0), 'ADMIN drain_node(2)')) as [[number]];
    expect(Number(started)).toBeGreaterThanOrEqual(0);
    for (let round = 0; round < 6 && count('eddy-2') > 0; round++) {
      const running = await rows(url(1), "SELECT procedure_id FROM information_schema.procedure_info WHERE status = 'Running'");
      for (const [pid] of running) await untilProcedure(procKv, String(pid));
      if (count('eddy-2') > 0) await rows(url(0), 'ADMIN rebalance()');
    }
    expect(count('eddy-2')).toBe(0);
    const drained = await rows(url(2), "SELECT count(*) FROM information_schema.region_events WHERE reason = 'drain' AND from_peer = 2 AND status = 'Done'");
    expect(Number(drained[0]![0])).toBeGreaterThan(0);
    for (const id of all) expect(await responders(nc, id), `servers of region ${id}`).toBe(1);
  }, 120_000);

  it('the target datanode killed during a migration: rolled back, the leader serves again, nothing acknowledged lost', async () => {
    const id = lwwIds[2]!;
    const from = routes.get(id)!.node;
    // eddy-0 and eddy-1 hold the meta role; the target is a node without it so the leader stays.
    const to = ['eddy-2', 'eddy-1', 'eddy-0'].find((n) => n !== from)!;
    const [[before]] = (await rows(url(from === 'eddy-0' ? 1 : 0), 'SELECT count(*) FROM lww')) as [[number]];
    const survivor = [0, 1, 2].find((i) => `eddy-${i}` !== to)!;
    const w = new Writer(url(survivor), 'lww', HOSTS, 1_700_000_500_000).start();
    await w.acked(3);
    const pid = await migrate(id, to, survivor, 10);
    await untilProcedure(procKv, pid, (r) => r.steps.some((s) => s.state === 'open_candidate'), 30_000).catch((e: Error) => {
      throw new Error(`${e.message}\n${log.slice(-40).join('\n')}`);
    });
    await cluster.signalNode(to, 'SIGKILL');
    const rec = await untilProcedure(procKv, pid);
    expect(rec.status).toBe('Failed');
    expect(routes.get(id)!.node).toBe(from);
    const at = w.batches;
    await w.acked(at + 5);
    await w.stop();
    expect(w.failures).toEqual([]);
    expect(await rows(url(survivor), `SELECT count(*) FROM lww WHERE ts >= 1700000500000`)).toEqual([[w.rows]]);
    expect(await rows(url(survivor), 'SELECT count(*) FROM lww')).toEqual([[before + w.rows]]);
    expect(await responders(nc, id)).toBe(1);
  }, 90_000);

  it('a datanode killed with kill -9: the failure detector sees it, its regions serve elsewhere, nothing acknowledged lost', async () => {
    const nodesKv = await new Kvm(jetstream(nc)).open(Buckets.nodes);
    const lease = await nodesKv.get(KvKeys.metaLease);
    const leader = (JSON.parse(new TextDecoder().decode(lease!.value)) as { holder: string }).holder;
    const alive = cluster.manifest.nodes.map((n) => n.id).filter((id) => routes.ownedBy(id).length > 0 || id === leader);
    // The earlier tests drained eddy-2 and killed it; the other meta node may hold no lww region (the drain and the
    // rollback may have left them all on the leader): give it one first, so there is a victim to kill.
    const standby = ['eddy-1', 'eddy-0'].find((n) => n !== leader)!;
    if (!lwwIds.some((id) => routes.get(id)?.node === standby)) {
      const rec = await untilProcedure(procKv, await migrate(lwwIds[0]!, standby, Number(leader.slice('eddy-'.length))));
      expect(rec.status, rec.error ?? '').toBe('Done');
      await untilRoutes(routes, () => routes.get(lwwIds[0]!)?.node === standby, `region ${lwwIds[0]} to reach ${standby}`, 30_000);
      alive.push(standby);
    }
    const victim = ['eddy-2', 'eddy-1', 'eddy-0'].find((n) => n !== leader && alive.includes(n) && lwwIds.some((id) => routes.get(id)?.node === n))!;
    expect(victim, 'a datanode holding a region that is not the meta leader').toBeDefined();
    const moved = lwwIds.filter((id) => routes.get(id)?.node === victim);
    const via = Number(leader.slice('eddy-'.length));
    const [[before]] = (await rows(url(via), 'SELECT count(*) FROM lww')) as [[number]];
    const w = new Writer(url(via), 'lww', HOSTS, 1_700_000_900_000).start();
    await w.acked(3);
    await cluster.signalNode(victim, 'SIGKILL');
    await untilRoutes(routes, () => moved.every((id) => { const r = routes.get(id); return r !== undefined && r.node !== victim; }), `regions to leave ${victim}`, 30_000);
    const at = w.batches;
    await w.acked(at + 5);
    await w.stop();
    expect(w.failures).toEqual([]);
    expect(await rows(url(via), 'SELECT count(*) FROM lww')).toEqual([[before + w.rows]]);
    for (const id of moved) expect(await responders(nc, id)).toBe(1);
    const events = await rows(url(via), `SELECT region_id, from_peer, reason FROM information_schema.region_events WHERE reason = 'failover' AND from_peer = ${peerIdOf(victim)}`);
    expect(events.map((e) => String(e[0])).sort()).toEqual(expect.arrayContaining(moved));
    expect(log.some((l) => l.includes(`liveness: ${victim} is down`)), 'the failure detector declared it').toBe(true);
  }, 90_000);
});
