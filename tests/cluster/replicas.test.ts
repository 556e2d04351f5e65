// `--replicas 3` on a 3-server NATS cluster from start-up (real nats-servers and node processes, --storage nats): every
// stream, KV bucket and the object store EddyDB made has 3 replicas; with one nats-server killed (its datanode holds
// one of the table's regions, and the streams whose leader it was elect another), writes through a node on a
// surviving server keep being acknowledged (each write reaches every region) and every acknowledged row reads back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstreamManager } from '@nats-io/jetstream';
import { Buckets, Streams, regionIdOf } from '../../core/index.ts';
import { tempDir } from '../harness/index.ts';
import { LogLines, Writer, rows, sql, untilRoutes, startTestCluster, stopTestCluster, type TestCluster } from './helpers.ts';

const HOSTS = ['alpha', 'kilo', 'zulu'];

describe('--replicas 3 on a 3-server NATS cluster', () => {
  const dir = tempDir('eddy-r3-');
  const log = new LogLines();
  let tc: TestCluster | undefined;
  const url = (i: number) => `http://127.0.0.1:${tc!.base + i}`;

  beforeAll(async () => {
    tc = await startTestCluster(dir.path, log, ['--storage', 'nats', '--replicas', '3', '--wal-streams', 'region']);
  }, 180_000);

  afterAll(async () => {
    await stopTestCluster(tc);
    dir.cleanup();
  }, 120_000);

  it('starts, replicates every asset three times, and keeps writing with one nats-server down', async () => {
    const { routes, nc, cluster } = tc!;
    const jsm = await jetstreamManager(nc);
    const replicas = new Map<string, number>();
    for await (const s of jsm.streams.list()) replicas.set(s.config.name, s.config.num_replicas);
    // A cluster's regions each have their own WAL stream (made when the region opens; checked below), no EDDY_WAL.
    expect(replicas.has(Streams.wal)).toBe(false);
    const expected = [Streams.ingest, `KV_${Buckets.catalog}`, `KV_${Buckets.nodes}`, `KV_${Buckets.routes}`, `KV_${Buckets.procedures}`, `OBJ_${Buckets.segments}`];
    for (const name of expected) expect(replicas.get(name), `${name} in ${JSON.stringify([...replicas])}`).toBe(3);
    expect([...replicas].filter(([, r]) => r !== 3), 'streams with another replica count').toEqual([]);

    expect((await sql(url(0), "CREATE TABLE r3 (host STRING, usage DOUBLE, ts TIMESTAMP TIME INDEX, PRIMARY KEY (host)) PARTITION ON COLUMNS (host) (host < 'h', host >= 'h' AND host < 'p', host >= 'p')")).status).toBe(200);
    const [[tid]] = (await rows(url(0), "SELECT table_id FROM information_schema.tables WHERE table_name = 'r3'")) as [[number]];
    await untilRoutes(routes, () => [0, 1, 2].every((n) => routes.get(regionIdOf(tid, n))), "r3's routes");
    // One region per datanode (a table's regions spread): eddy-2's is the one whose datanode loses its nats-server.
    expect([0, 1, 2].map((n) => routes.get(regionIdOf(tid, n))!.node).sort()).toEqual(['eddy-0', 'eddy-1', 'eddy-2']);
    const w = new Writer(url(0), 'r3', HOSTS, 1_700_000_000_000).start();
    await w.acked(5);
    // Every write reached every region, so each region's own WAL stream is made, with 3 replicas and no placement tag.
    for (const n of [0, 1, 2]) {
      const info = await jsm.streams.info(Streams.walOf(regionIdOf(tid, n)));
      expect(info.config.num_replicas).toBe(3);
      expect(info.config.placement?.tags ?? []).toEqual([]);
    }
    // nats-2 goes (eddy-2's server): the streams keep a quorum of two; node 0 writes through nats-0.
    await cluster.signalNode('nats-2', 'SIGKILL');
    log.push('[test] nats-2 killed'); // in the cluster log (EDDY_CLUSTER_LOG=1 prints it, timed)
    const at = w.batches;
    await w.acked(at + 5, 60_000);
    await w.stop();
    expect(w.failures).toEqual([]);
    expect(await rows(url(0), 'SELECT count(*) FROM r3')).toEqual([[w.rows]]);
  }, 240_000);
});
