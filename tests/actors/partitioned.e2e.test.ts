// Partitioned tables on a standalone node: writes split by rule, scans of the regions merged into (primary key, time) order, DML across regions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNode, tempDir } from '../harness/index.ts';
import type { EddyNode } from '../../actors/node.ts';

type SqlOut = { output?: { records?: { rows: unknown[][] }; affectedrows?: number }[]; error?: string };

describe('partitioned tables (standalone)', () => {
  const dir = tempDir();
  let node: EddyNode & { url: string };
  const sql = async (q: string): Promise<{ status: number; body: SqlOut }> => {
    const r = await fetch(`${node.url}/v1/sql`, { method: 'POST', body: new URLSearchParams({ sql: q }) });
    return { status: r.status, body: (await r.json()) as SqlOut };
  };
  const rows = async (q: string) => {
    const r = await sql(q);
    if (r.status !== 200) throw new Error(`${q}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.output![0]!.records!.rows;
  };

  beforeAll(async () => {
    node = await startNode({ data: dir.path });
  });
  afterAll(async () => {
    await node.stop();
    dir.cleanup();
  });

  it('rows go to the region their rule picks; an unordered scan comes back in key order; DELETE and TRUNCATE reach every region', async () => {
    expect((await sql("CREATE TABLE p (host STRING, v DOUBLE, ts TIMESTAMP TIME INDEX, PRIMARY KEY (host)) PARTITION ON COLUMNS (host) (host < 'h', host >= 'h' AND host < 'p', host >= 'p')")).status).toBe(200);
    const hosts = ['zed', 'alpha', 'quux', 'kilo', 'bravo', 'papa', 'hotel'];
    const values = hosts.flatMap((h, i) => [0, 1, 2].map((k) => `('${h}', ${i * 10 + k}, ${1000 + (2 - k) * 1000})`));
    expect((await sql(`INSERT INTO p VALUES ${values.join(', ')}`)).body.output![0]!.affectedrows).toBe(21);
    // Each region holds its own hosts.
    const stats = (await (await fetch(`${node.url}/v1/stats?db=public&table=p&exact=true`)).json()) as { rows: number; regions: { memRows?: number }[] };
    expect(stats.rows).toBe(21);
    expect(stats.regions.map((r) => r.memRows)).toEqual([6, 6, 9]);
    const sorted = [...hosts].sort();
    expect(await rows('SELECT host, ts FROM p')).toEqual(sorted.flatMap((h) => [1000, 2000, 3000].map((t) => [h, t])));
    expect(await rows('SELECT count(*) FROM information_schema.region_peers WHERE table_name = \'p\'')).toEqual([[3]]);
    // Tag filters on the partition column scan only the regions that can hold those values.
    expect(await rows("SELECT host, count(*) FROM p WHERE host IN ('alpha', 'zed') GROUP BY host ORDER BY host")).toEqual([['alpha', 3], ['zed', 3]]);
    expect(await rows("SELECT host, ts FROM p WHERE host = 'kilo'")).toEqual([['kilo', 1000], ['kilo', 2000], ['kilo', 3000]]);
    expect((await sql("DELETE FROM p WHERE host IN ('kilo', 'zed') AND ts = 1000")).body.output![0]!.affectedrows).toBe(2);
    expect(await rows('SELECT count(*) FROM p')).toEqual([[19]]);
    expect((await sql('TRUNCATE TABLE p')).status).toBe(200);
    expect(await rows('SELECT count(*) FROM p')).toEqual([[0]]);
  });

  it('regions whose key ranges interleave are merged series by series', async () => {
    expect((await sql("CREATE TABLE i (host STRING, v DOUBLE, ts TIMESTAMP TIME INDEX, PRIMARY KEY (host)) PARTITION ON COLUMNS (host) (host < 'c' OR host >= 'm', host >= 'c' AND host < 'm')")).status).toBe(200);
    const hosts = ['a', 'b', 'c', 'd', 'l', 'm', 'n', 'z'];
    await sql(`INSERT INTO i VALUES ${[...hosts].reverse().flatMap((h) => [`('${h}', 1, 2000)`, `('${h}', 2, 1000)`]).join(', ')}`);
    expect(await rows('SELECT host, ts FROM i')).toEqual(hosts.flatMap((h) => [[h, 1000], [h, 2000]]));
  });

  it('partitioned on a field: one series spread over regions is merged by time', async () => {
    expect((await sql('CREATE TABLE f (host STRING, v BIGINT, ts TIMESTAMP TIME INDEX, PRIMARY KEY (host)) PARTITION ON COLUMNS (v) (v < 10, v >= 10)')).status).toBe(200);
    await sql('INSERT INTO f VALUES (\'a\', 15, 1000), (\'a\', 1, 2000), (\'b\', 2, 1000), (\'a\', 30, 3000), (\'b\', 20, 2000), (\'a\', 4, 4000)');
    expect(await rows('SELECT host, ts, v FROM f')).toEqual([['a', 1000, 15], ['a', 2000, 1], ['a', 3000, 30], ['a', 4000, 4], ['b', 1000, 2], ['b', 2000, 20]]);
    const bad = await sql('INSERT INTO f VALUES (\'c\', NULL, 5000)');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/row 0 \(v = NULL\) matches no partition rule of table f/);
  });
});
