// A database's TTL on a real node: a table without its own TTL (made by SQL or by a write) expires rows by the database's, its regions drop
// them at compaction (so a longer TTL set later does not bring them back), and the options survive a restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNode, tempDir } from '../../harness/index.ts';

type Node = Awaited<ReturnType<typeof startNode>>;
let node: Node;
let dir: ReturnType<typeof tempDir>;

async function sql(q: string, db = 'public'): Promise<{ status: number; body: { output?: { records?: { rows: unknown[][] } }[]; error?: string } }> {
  const r = await fetch(`${node.url}/v1/sql?db=${db}`, { method: 'POST', body: new URLSearchParams({ sql: q }) });
  return { status: r.status, body: await r.json() as never };
}
const rows = async (q: string, db: string) => {
  const r = await sql(q, db);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.output![0]!.records!.rows;
};

beforeAll(async () => {
  dir = tempDir();
  node = await startNode({ data: dir.path });
}, 120_000);

afterAll(async () => {
  await node?.stop();
  dir?.cleanup();
});

describe('database TTL', () => {
  it('expires and compacts away rows of a table without its own TTL; the options survive a restart', async () => {
    expect((await sql("CREATE DATABASE keep1h WITH (ttl = '1 hour')")).status).toBe(200);
    expect((await sql('CREATE TABLE m (host STRING, v DOUBLE, ts TIMESTAMP TIME INDEX, PRIMARY KEY (host))', 'keep1h')).status).toBe(200);
    const now = Date.now();
    const ins = await sql(`INSERT INTO m VALUES ('old', 1, ${now - 2 * 3_600_000}), ('new', 2, ${now})`, 'keep1h');
    expect(ins.status, JSON.stringify(ins.body)).toBe(200);
    expect(await rows('SELECT host FROM m ORDER BY host', 'keep1h')).toEqual([['new']]);
    for (const op of ["ADMIN flush_table('m')", "ADMIN compact_table('m')"]) expect((await sql(op, 'keep1h')).status).toBe(200);
    // a longer TTL now would show the old row again had the region kept it
    expect((await sql("ALTER DATABASE keep1h SET ttl = '1 day'")).status).toBe(200);
    expect(await rows('SELECT host FROM m ORDER BY host', 'keep1h')).toEqual([['new']]);
    const more = await sql(`INSERT INTO m VALUES ('older', 3, ${now - 3 * 3_600_000})`, 'keep1h');
    expect(more.status).toBe(200);
    expect(await rows('SELECT host FROM m ORDER BY host', 'keep1h')).toEqual([['new'], ['older']]);

    // a table a write creates takes the database's TTL too
    const lp = await fetch(`${node.url}/v1/influxdb/write?db=keep1h&precision=ms`, { method: 'POST', body: `auto,host=a v=1 ${now - 3 * 86_400_000}\nauto,host=b v=2 ${now}` });
    expect(lp.status).toBe(204);
    expect(await rows('SELECT host FROM auto ORDER BY host', 'keep1h')).toEqual([['b']]);

    await node.stop();
    node = await startNode({ data: dir.path });
    const create = await rows('SHOW CREATE DATABASE keep1h', 'public');
    expect(create[0]![1]).toBe("CREATE DATABASE IF NOT EXISTS keep1h\nWITH(\n  ttl = '1day'\n)");
    expect(String((await rows('SHOW CREATE TABLE m', 'keep1h'))[0]![1])).toContain("ttl = '1day'");
    expect(await rows('SELECT host FROM m ORDER BY host', 'keep1h')).toEqual([['new'], ['older']]);
  }, 180_000);
});
