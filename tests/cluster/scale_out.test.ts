// A 3-node local cluster (real nats-servers and node processes, --storage nats): partitioned tables across datanodes,
// a datanode stopped cleanly and the meta leader killed while writes go on, with nothing acknowledged lost.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NatsConnection } from '@nats-io/transport-node';
import type { KV } from '@nats-io/kv';
import { Buckets, KvKeys, regionIdOf } from '../../core/index.ts';
import { type RouteTable, peerIdOf } from '../../actors/meta/index.ts';
import type { LocalCluster } from '../../actors/tools/cluster.ts';
import { tempDir } from '../harness/index.ts';
import { Writer, rows, sql, untilRoutes, writeLines, startTestCluster, stopTestCluster, type TestCluster } from './helpers.ts';

const HOSTS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet', 'kilo', 'lima', 'mike',
  'november', 'oscar', 'papa', 'quebec', 'romeo', 'sierra', 'tango', 'uniform', 'victor', 'whiskey', 'xray', 'yankee', 'zulu'];
const PARTITIONED = "PARTITION ON COLUMNS (host) (host < 'h', host >= 'h' AND host < 'p', host >= 'p')";

describe('scale out: a 3-node cluster on loopback', () => {
  const dir = tempDir('eddy-scale-');
  const log: string[] = [];
  let tc: TestCluster | undefined;
  let cluster: LocalCluster;
  let base = 0;
  let nc: NatsConnection;
  let routes: RouteTable;
  let nodesKv: KV;
  const url = (i: number) => `http://127.0.0.1:${base + i}`;
  const regionsOf = async (table: string, via = 0) => {
    const [[id]] = (await rows(url(via), `SELECT table_id FROM information_schema.tables WHERE table_name = '${table}'`)) as [[number]];
    return [0, 1, 2].map((n) => regionIdOf(id, n));
  };
  const leaseHolder = async () => {
    const e = await nodesKv.get(KvKeys.metaLease);
    return e && e.operation === 'PUT' && e.value.length ? (JSON.parse(new TextDecoder().decode(e.value)) as { holder: string }).holder : null;
  };

  /** Resolves once the meta lease names `holder` (a KV watch on the lease key), or fails after the deadline. */
  const untilLease = async (holder: string, timeoutMs: number) => {
    const w = await nodesKv.watch({ key: KvKeys.metaLease });
    const timer = setTimeout(() => w.stop(), timeoutMs);
    try {
      for await (const e of w) {
        if (e.operation === 'PUT' && e.value.length && (JSON.parse(new TextDecoder().decode(e.value)) as { holder: string }).holder === holder) return;
      }
      throw new Error(`the meta lease did not pass to ${holder} within ${timeoutMs} ms (holder: ${await leaseHolder()})`);
    } finally {
      clearTimeout(timer);
      w.stop();
    }
  };

  beforeAll(async () => {
    tc = await startTestCluster(dir.path, log, ['--storage', 'nats']);
    ({ cluster, base, nc, routes } = tc);
    const kvm = tc.kvm;
    nodesKv = await kvm.open(Buckets.nodes);
  }, 120_000);

  afterAll(async () => {
    await stopTestCluster(tc);
    dir.cleanup();
  }, 120_000);

  it('partitioned table: regions on several datanodes, written through two frontends, read back whole and in key order from a third', async () => {
    const created = await sql(url(0), `CREATE TABLE cpu (host STRING, usage DOUBLE, ts TIMESTAMP TIME INDEX, PRIMARY KEY (host)) ${PARTITIONED}`);
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    // CREATE answered only once every region had a route (this test's own copy of the routes may lag a moment); a write right after it goes through.
    const ids = await regionsOf('cpu');
    await untilRoutes(routes, () => ids.every((id) => routes.get(id)), "cpu's routes", 5_000);
    const lines = (from: number, to: number) => HOSTS.flatMap((h) => Array.from({ length: to - from }, (_, k) => `cpu,host=${h} usage=${from + k} ${1_700_000_000_000 + from + k}`));
    expect((await writeLines(url(0), lines(0, 50))).status).toBe(204);
    expect((await writeLines(url(1), lines(50, 100))).status).toBe(204);

    expect(await rows(url(2), 'SELECT count(*) FROM cpu')).toEqual([[HOSTS.length * 100]]);
    // No ORDER BY: the regions' scans come back merged in (primary key, time) order.
    const all = await rows(url(2), 'SELECT host, usage FROM cpu');
    expect(all).toEqual(HOSTS.flatMap((h) => Array.from({ length: 100 }, (_, k) => [h, k])));
    expect(await rows(url(2), "SELECT host, max(usage) FROM cpu WHERE host >= 'o' GROUP BY host ORDER BY host LIMIT 2")).toEqual([['oscar', 99], ['papa', 99]]);

    // region_peers: the three regions, on at least two datanodes, all alive; cluster_info lists every node and role.
    const peers = await rows(url(2), "SELECT region_id, peer_id, peer_addr, is_leader, status FROM information_schema.region_peers WHERE table_name = 'cpu' ORDER BY region_id");
    expect(peers.map((p) => String(p[0]))).toEqual(ids);
    expect(peers.every((p) => p[3] === 'Yes' && p[4] === 'ALIVE')).toBe(true);
    expect(new Set(peers.map((p) => p[1])).size).toBeGreaterThanOrEqual(2);
    expect(peers.map((p) => p[1])).toEqual(ids.map((id) => peerIdOf(routes.get(id)!.node)));
    const info = await rows(url(1), 'SELECT peer_type, count(*) FROM information_schema.cluster_info GROUP BY peer_type ORDER BY peer_type');
    expect(info).toEqual([['DATANODE', 3], ['FLOWNODE', 1], ['FRONTEND', 3], ['METASRV', 2]]);

    // A row that no partition rule takes fails its whole batch, naming the row.
    expect((await sql(url(1), "CREATE TABLE part2 (host STRING, usage DOUBLE, ts TIMESTAMP TIME INDEX, PRIMARY KEY (host)) PARTITION ON COLUMNS (host) (host < 'h', host >= 'h' AND host < 'p')")).status).toBe(200);
    const bad = await writeLines(url(2), ['part2,host=alpha usage=1 1700000000000', 'part2,host=zulu usage=1 1700000000000']);
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/row 1 \(host = 'zulu'\) matches no partition rule of table part2/);
    expect(await rows(url(0), 'SELECT count(*) FROM part2')).toEqual([[0]]);
  }, 60_000);

  it('metric engine: a partitioned physical table spreads over datanodes; logical tables made through one frontend, written through another, read through a third', async () => {
    const phy = await sql(url(0), `CREATE TABLE mphy (ts TIMESTAMP TIME INDEX, val DOUBLE, host STRING, PRIMARY KEY (host)) ${PARTITIONED} ENGINE=metric WITH ('physical_metric_table' = '')`);
    expect(phy.status, JSON.stringify(phy.body)).toBe(200);
    const ids = await regionsOf('mphy');
    await untilRoutes(routes, () => ids.every((id) => routes.get(id)), "mphy's routes", 5_000);
    for (const t of ['m_cpu', 'm_mem']) {
      const r = await sql(url(0), `CREATE TABLE ${t} (ts TIMESTAMP TIME INDEX, val DOUBLE, host STRING PRIMARY KEY) ENGINE=metric WITH ('on_physical_table' = 'mphy')`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    }
    const values = (k: number) => HOSTS.map((h, i) => `('${h}', ${1_700_000_000_000 + i}, ${k})`).join(', ');
    expect((await sql(url(1), `INSERT INTO m_cpu (host, ts, val) VALUES ${values(1)}`)).status).toBe(200);
    expect((await sql(url(2), `INSERT INTO m_mem (host, ts, val) VALUES ${values(2)}`)).status).toBe(200);
    expect(await rows(url(2), 'SELECT count(*), sum(val) FROM m_cpu')).toEqual([[HOSTS.length, HOSTS.length]]);
    expect(await rows(url(0), "SELECT host, val FROM m_mem WHERE host = 'kilo'")).toEqual([['kilo', 2]]);
    // only the physical table has regions, on at least two datanodes
    const peers = await rows(url(1), "SELECT table_name, peer_id FROM information_schema.region_peers WHERE table_name IN ('mphy', 'm_cpu', 'm_mem')");
    expect(peers.map((p) => p[0])).toEqual(['mphy', 'mphy', 'mphy']);
    expect(new Set(peers.map((p) => p[1])).size).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it('DDL across nodes: a column added through one frontend is written through another and read through a third; DROP TABLE removes the regions and their routes', async () => {
    expect((await sql(url(0), `CREATE TABLE ddl (host STRING, a DOUBLE, ts TIMESTAMP TIME INDEX, PRIMARY KEY (host)) ${PARTITIONED}`)).status).toBe(200);
    expect((await writeLines(url(1), ['ddl,host=alpha a=1 1000', 'ddl,host=kilo a=2 1000', 'ddl,host=zulu a=3 1000'])).status).toBe(204);
    expect((await sql(url(2), 'ALTER TABLE ddl ADD COLUMN b DOUBLE')).status).toBe(200);
    expect((await writeLines(url(0), ['ddl,host=alpha a=4,b=40 2000', 'ddl,host=kilo a=5,b=50 2000', 'ddl,host=zulu a=6,b=60 2000'])).status).toBe(204);
    // A new field by line protocol (schema on write) on a frontend whose cache had the old schema.
    expect((await writeLines(url(1), ['ddl,host=zulu a=7,b=70,c=700 3000'])).status).toBe(204);
    expect(await rows(url(2), 'SELECT host, a, b, c FROM ddl ORDER BY host, ts')).toEqual([
      ['alpha', 1, null, null], ['alpha', 4, 40, null], ['kilo', 2, null, null], ['kilo', 5, 50, null], ['zulu', 3, null, null], ['zulu', 6, 60, null], ['zulu', 7, 70, 700],
    ]);
    const ids = await regionsOf('ddl');
    expect((await sql(url(1), 'DROP TABLE ddl')).status).toBe(200);
    await untilRoutes(routes, () => ids.every((id) => !routes.get(id)), "ddl's routes removed");
    const gone = await sql(url(2), 'SELECT count(*) FROM ddl');
    expect(gone.status).toBe(400);
    expect(gone.body.error).toMatch(/Table not found/);
    // The name is free again: a new table (new id, new regions) starts empty.
    expect((await sql(url(2), `CREATE TABLE ddl (host STRING, a DOUBLE, ts TIMESTAMP TIME INDEX, PRIMARY KEY (host)) ${PARTITIONED}`)).status).toBe(200);
    expect(await rows(url(0), 'SELECT count(*) FROM ddl')).toEqual([[0]]);
  }, 60_000);

  it('a datanode stopped cleanly: its regions reopen on the others while writes go on, nothing acknowledged lost', async () => {
    const ids = await regionsOf('cpu');
    const victim = 'eddy-2';
    expect(ids.filter((id) => routes.get(id)?.node === victim).length, 'regions on the victim').toBeGreaterThan(0);
    const before = HOSTS.length * 100;
    const w = new Writer(url(0), 'cpu', HOSTS, 1_700_000_100_000).start();
    await w.acked(5);
    await cluster.signalNode(victim, 'SIGTERM');
    await untilRoutes(routes, () => ids.every((id) => { const r = routes.get(id); return r !== undefined && r.node !== victim; }), `cpu's regions to leave ${victim}`);
    const at = w.batches;
    await w.acked(at + 5);
    await w.stop();
    expect(w.failures).toEqual([]);
    expect(await rows(url(1), 'SELECT count(*) FROM cpu')).toEqual([[before + w.rows]]);
    expect(await rows(url(0), 'SELECT count(*), min(host), max(host) FROM cpu WHERE ts >= 1700000100000')).toEqual([[w.rows, 'alpha', 'zulu']]);
  }, 60_000);

  it('the meta leader killed: the standby takes over, the dead node\'s regions reopen, writes go on, nothing acknowledged lost', async () => {
    const ids = await regionsOf('cpu');
    const leader = await leaseHolder();
    expect(['eddy-0', 'eddy-1']).toContain(leader);
    const survivor = leader === 'eddy-0' ? 1 : 0;
    const [[before]] = (await rows(url(survivor), 'SELECT count(*) FROM cpu')) as [[number]];
    const w = new Writer(url(survivor), 'cpu', HOSTS, 1_700_000_200_000).start();
    await w.acked(3);
    await cluster.signalNode(leader!, 'SIGKILL');
    // The standby holds the lease, and routes only name it.
    await untilRoutes(routes, () => ids.every((id) => routes.get(id)?.node === `eddy-${survivor}`), `cpu's regions on eddy-${survivor}`, 40_000);
    await untilLease(`eddy-${survivor}`, 20_000);
    const at = w.batches;
    await w.acked(at + 5);
    await w.stop();
    expect(w.failures).toEqual([]);
    expect(await rows(url(survivor), 'SELECT count(*) FROM cpu')).toEqual([[before + w.rows]]);
  }, 60_000);
});
