// SQL over HTTP against a real node: DML that must survive a crash (deletes replayed from the WAL) and a flush.
import { describe, expect, it } from 'vitest';
import { startNodeProcess, tempDir, type NodeProcess } from '../harness/index.ts';

type SqlOut = { output?: { records?: { rows: unknown[][] }; affectedrows?: number }[]; error?: string; code?: number };
const sql = (node: NodeProcess, q: string): Promise<{ status: number; body: SqlOut }> =>
  fetch(`${node.url}/v1/sql`, { method: 'POST', body: new URLSearchParams({ sql: q }) }).then(async (r) => ({ status: r.status, body: (await r.json()) as SqlOut }));

describe('SQL on a real node', () => {
  it('DELETE hides rows, across a flush and a kill -9 restart (WAL replay of deletes)', async () => {
    const dir = tempDir();
    let node = await startNodeProcess({ data: dir.path });
    await sql(node, `CREATE TABLE d (host STRING, v DOUBLE, ts TIMESTAMP TIME INDEX, PRIMARY KEY (host))`);
    const ins = await sql(node, `INSERT INTO d VALUES ('a', 1, 1000), ('b', 2, 1000), ('c', 3, 2000), ('a', 4, 3000)`);
    expect(ins.body.output![0]!.affectedrows).toBe(4);
    await fetch(`${node.url}/v1/admin/flush?db=public&table=d`, { method: 'POST' });
    const del = await sql(node, `DELETE FROM d WHERE host = 'a'`);
    expect(del.body.output![0]!.affectedrows).toBe(2);
    const del2 = await sql(node, `DELETE FROM d WHERE ts = 2000`);
    expect(del2.body.output![0]!.affectedrows).toBe(1);
    const before = await sql(node, `SELECT host, v FROM d ORDER BY host`);
    expect(before.body.output![0]!.records!.rows).toEqual([['b', 2]]);
    node.child.kill('SIGKILL');
    await node.exited;
    node = await startNodeProcess({ data: dir.path });
    const after = await sql(node, `SELECT host, v FROM d ORDER BY host`);
    expect(after.body.output![0]!.records!.rows).toEqual([['b', 2]]);
    await node.stop();
    dir.cleanup();
  });

  it('a user mistake is a 400 naming the line and column; unknown tables are named', async () => {
    const dir = tempDir();
    const node = await startNodeProcess({ data: dir.path });
    const bad = await sql(node, `SELECT *\nFORM t`);
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/line 2, column 1/);
    const missing = await sql(node, `SELECT * FROM nope`);
    expect(missing.status).toBeGreaterThanOrEqual(400);
    expect(missing.status).toBeLessThan(500);
    expect(missing.body.error).toMatch(/nope/);
    await node.stop();
    dir.cleanup();
  });
});
