// The rebalancer on by default (no --rebalance flag): a datanode joining a cluster whose regions all sit on one node gets
// some of them by migration, while writes through a frontend go on without one failing (real nats-servers and node
// processes, --storage nats); the moves are recorded in information_schema.region_events with reason 'rebalance'.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { regionIdOf } from '../../core/index.ts';
import { peerIdOf } from '../../actors/meta/index.ts';
import { tempDir } from '../harness/index.ts';
import { LogLines, Writer, responders, rows, sql, untilRoutes, startTestCluster, stopTestCluster, type TestCluster } from './helpers.ts';

const HOSTS = ['alpha', 'bravo', 'charlie', 'kilo', 'lima', 'mike', 'papa', 'romeo', 'zulu'];
const PARTITIONED = "PARTITION ON COLUMNS (host) (host < 'h', host >= 'h' AND host < 'p', host >= 'p')";

describe('a datanode joins: the default rebalancer moves regions to it', () => {
  const dir = tempDir('eddy-join-');
  const log = new LogLines();
  let tc: TestCluster | undefined;
  const url = (i: number) => `http://127.0.0.1:${tc!.base + i}`;

  beforeAll(async () => {
    // One datanode to start with; two meta nodes; a frontend.
    tc = await startTestCluster(dir.path, log, ['--storage', 'nats'], { roles: ['meta,datanode,frontend', 'meta,frontend', 'frontend'], spare: 1 });
  }, 120_000);

  afterAll(async () => {
    await stopTestCluster(tc);
    dir.cleanup();
  }, 120_000);

  it('gets regions while writes go on, none failing, nothing acknowledged lost or doubled', async () => {
    const { routes, cluster, nc } = tc!;
    expect((await sql(url(2), `CREATE TABLE j (host STRING, usage DOUBLE, ts TIMESTAMP TIME INDEX, PRIMARY KEY (host)) ${PARTITIONED} WITH ('append_mode' = 'true')`)).status).toBe(200);
    const [[tid]] = (await rows(url(2), "SELECT table_id FROM information_schema.tables WHERE table_name = 'j'")) as [[number]];
    const ids = [0, 1, 2].map((n) => regionIdOf(tid, n));
    await untilRoutes(routes, () => ids.every((id) => routes.get(id)), "j's routes");
    expect(ids.map((id) => routes.get(id)!.node)).toEqual(['eddy-0', 'eddy-0', 'eddy-0']);
    const w = new Writer(url(2), 'j', HOSTS, 1_700_000_000_000).start();
    await w.acked(3);

    const joined = await cluster.addNode('datanode', 1);
    await untilRoutes(routes, () => ids.some((id) => routes.get(id)!.node === joined.id), `a region moved to ${joined.id}`, 90_000);
    const at = w.batches;
    await w.acked(at + 5, 60_000);
    await w.stop();
    expect(w.failures).toEqual([]);
    expect(await rows(url(2), 'SELECT count(*) FROM j')).toEqual([[w.rows]]);
    for (const id of ids) expect(await responders(nc, id), `servers of region ${id}`).toBe(1);
    const events = await rows(url(2), `SELECT region_id, reason FROM information_schema.region_events WHERE to_peer = ${peerIdOf(joined.id)}`);
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e[1] === 'rebalance'), JSON.stringify(events)).toBe(true);
    const moved = ids.filter((id) => routes.get(id)!.node === joined.id);
    console.log(`${joined.id} joined: regions ${moved.join(', ')} moved to it; ${w.batches} writer batches, slowest ${Math.round(w.maxLatencyMs)} ms`);
  }, 180_000);
});
