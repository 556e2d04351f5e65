// Roles apart, in one process against one real nats-server: a frontend-only node (no regions of its own) creates,
// writes and queries a partitioned table whose regions a meta+datanode node hosts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNats, startNode, tempDir } from '../harness/index.ts';
import type { EddyNode } from '../../actors/node.ts';

type Node = EddyNode & { url: string };

describe('a frontend without the datanode role', () => {
  let nats: Awaited<ReturnType<typeof startNats>>;
  const dirs = [tempDir(), tempDir()];
  let data: Node;
  let front: Node;
  const sql = async (q: string) => {
    const r = await fetch(`${front.url}/v1/sql`, { method: 'POST', body: new URLSearchParams({ sql: q }) });
    return { status: r.status, body: (await r.json()) as { output?: { records?: { rows: unknown[][] } }[]; error?: string } };
  };

  beforeAll(async () => {
    nats = await startNats();
    data = await startNode({ data: dirs[0]!.path, nats: nats.url, overrides: { role: 'meta,datanode', nodeId: 'dn-0' } });
    front = await startNode({ data: dirs[1]!.path, nats: nats.url, overrides: { role: 'frontend', nodeId: 'fe-0' } });
    await data.meta!.whenLeader(20_000);
  }, 60_000);

  afterAll(async () => {
    await front?.stop();
    await data?.stop();
    await nats?.cleanup();
    for (const d of dirs) d.cleanup();
  });

  it('routes everything to the datanode: CREATE waits for routes, writes split by rule, queries merge', async () => {
    const c = await sql("CREATE TABLE t (host STRING, v DOUBLE, ts TIMESTAMP TIME INDEX, PRIMARY KEY (host)) PARTITION ON COLUMNS (host) (host < 'm', host >= 'm')");
    expect(c.status, JSON.stringify(c.body)).toBe(200);
    const w = await fetch(`${front.url}/v1/influxdb/write?db=public&precision=ms`, { method: 'POST', body: 't,host=zz v=1 1000\nt,host=aa v=2 1000\nt,host=mm v=3 2000' });
    expect(w.status).toBe(204);
    expect((await sql('SELECT host, v FROM t')).body.output![0]!.records!.rows).toEqual([['aa', 2], ['mm', 3], ['zz', 1]]);
    // The frontend hosts nothing; the datanode hosts both regions.
    expect(front.supervisor.all()).toEqual([]);
    expect(data.supervisor.all().length).toBe(2);
    const peers = (await sql("SELECT peer_id, status FROM information_schema.region_peers WHERE table_name = 't'")).body.output![0]!.records!.rows;
    expect(peers).toEqual([[0, 'ALIVE'], [0, 'ALIVE']]);
    const info = (await sql('SELECT peer_type, peer_addr FROM information_schema.cluster_info ORDER BY peer_type')).body.output![0]!.records!.rows;
    expect(info.map((r) => r[0])).toEqual(['DATANODE', 'FRONTEND', 'METASRV']);
    // Admin flush and stats reach the remote regions too.
    expect((await fetch(`${front.url}/v1/admin/flush?db=public&table=t`, { method: 'POST' })).status).toBeLessThan(300);
    const stats = (await (await fetch(`${front.url}/v1/stats?db=public&table=t&exact=true`)).json()) as { rows: number };
    expect(stats.rows).toBe(3);
  });
});
