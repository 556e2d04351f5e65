// GreptimeDB's admin functions in a plain SELECT on a real node and nats-server: `SELECT flush_table('t')` flushes the
// memtable into a segment, `SELECT compact_table('t')` merges segments and `SELECT flush_flow('f')` makes a flow write
// its windows, as ADMIN does; the answer is one row headed
// by each call; a missing table is a 4xx and an admin name beside a FROM is no function.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNats, startNode, tempDir } from '../../harness/index.ts';
import { exec, rows, sql, type Node } from '../index/sql_client.ts';

const segments = async (node: Node) => (await rows(node, `SELECT sst_num FROM information_schema.region_statistics WHERE table_id = (SELECT table_id FROM information_schema.tables WHERE table_name = 't')`))[0]![0];

describe('admin functions in SELECT', () => {
  let nats: Awaited<ReturnType<typeof startNats>>;
  const dir = tempDir();
  beforeAll(async () => { nats = await startNats(); });
  afterAll(async () => { await nats.cleanup(); dir.cleanup(); });

  it('flush_table, compact_table and flush_flow do what ADMIN does; errors are 4xx', async () => {
    const node = await startNode({ data: dir.path, nats: nats.url });
    try {
      await exec(node, `CREATE TABLE t (h STRING PRIMARY KEY, v DOUBLE, ts TIMESTAMP TIME INDEX)`);
      await exec(node, `INSERT INTO t VALUES ('a', 1, 1), ('b', 2, 2)`);
      expect(await segments(node)).toBe(0);
      const r = await sql(node, `SELECT flush_table('t')`);
      expect(r.status).toBe(200);
      expect(r.body.output![0]!.records!.rows).toEqual([[0]]);
      expect(JSON.stringify(r.body)).toContain('flush_table(Utf8(\\"t\\"))');
      expect(await segments(node)).toBe(1);
      await exec(node, `INSERT INTO t VALUES ('c', 3, 3)`);
      expect(await rows(node, `SELECT FLUSH_TABLE('public.t') AS f`)).toEqual([[0]]);
      expect(await segments(node)).toBe(2);
      expect(await rows(node, `SELECT compact_table('t')`)).toEqual([[0]]);
      expect(await segments(node)).toBe(1);
      expect(await rows(node, `SELECT h, v FROM t ORDER BY h`)).toEqual([['a', 1], ['b', 2], ['c', 3]]);

      // flush_flow: the flow writes its windows to the sink now
      await exec(node, `CREATE FLOW per_host SINK TO per_host_out AS SELECT h, count(v) AS c, date_bin(INTERVAL '1 minute', ts) AS w FROM t GROUP BY h, w`);
      await exec(node, `INSERT INTO t VALUES ('a', 4, 60000), ('b', 5, 60001)`);
      expect(await rows(node, `SELECT flush_flow('per_host')`)).toHaveLength(1);
      expect(await rows(node, `SELECT h, c, w FROM per_host_out ORDER BY h, w`)).toEqual([['a', 1, 60000], ['b', 1, 60000]]);
      const noFlow = await sql(node, `SELECT flush_flow('no_such_flow')`);
      expect(noFlow.status).toBe(400);
      expect(noFlow.body.error).toMatch(/no_such_flow/);

      const missing = await sql(node, `SELECT flush_table('nope')`);
      expect(missing.status).toBe(400);
      expect(missing.body.error).toMatch(/Table not found: public\.nope/);
      const notName = await sql(node, `SELECT flush_table(1)`);
      expect(notName.status).toBe(400);
      expect(notName.body.error).toMatch(/flush_table expects a table name at line 1, column 8/);
      const withFrom = await sql(node, `SELECT flush_table('t') FROM t`);
      expect(withFrom.status).toBe(400);
      expect(withFrom.body.error).toMatch(/Invalid function 'flush_table'/);
    } finally {
      await node.stop();
    }
  });
});
