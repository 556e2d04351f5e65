// information_schema, SHOW PROCESSLIST, session time zones and new types over HTTP against a real node.
import { describe, expect, it } from 'vitest';
import { startNodeProcess, tempDir, type NodeProcess } from '../harness/index.ts';

type SqlOut = { output?: { records?: { rows: unknown[][]; schema: { column_schemas: { name: string; data_type: string }[] } }; affectedrows?: number }[]; error?: string; code?: number };
const sql = (node: NodeProcess, q: string, headers: Record<string, string> = {}): Promise<{ status: number; body: SqlOut }> =>
  fetch(`${node.url}/v1/sql`, { method: 'POST', body: new URLSearchParams({ sql: q }), headers }).then(async (r) => ({ status: r.status, body: (await r.json()) as SqlOut }));
const rows = async (node: NodeProcess, q: string, headers?: Record<string, string>) => {
  const r = await sql(node, q, headers);
  if (!r.body.output) throw new Error(`${q}: ${r.body.error}`);
  return r.body.output[0]!.records!.rows;
};

describe('catalog and sessions on a real node', () => {
  it('answers information_schema, the process list, x-greptime-timezone, Decimal128 and Float32', async () => {
    const dir = tempDir();
    const node = await startNodeProcess({ data: dir.path });
    try {
      await sql(node, 'CREATE TABLE m (ts TIMESTAMP TIME INDEX, host STRING PRIMARY KEY, price DECIMAL(6, 2), ratio FLOAT)');
      // the header's zone reads zone-less text: 08:00 in +08:00 is midnight UTC
      const ins = await sql(node, "INSERT INTO m VALUES ('2024-03-01 08:00:00', 'a', 12.345, 0.1)", { 'x-greptime-timezone': '+08:00' });
      expect(ins.body.output![0]!.affectedrows).toBe(1);
      expect(await rows(node, "SELECT ts, price, ratio, ratio * 3 FROM m")).toEqual([[Date.UTC(2024, 2, 1), '12.35', 0.1, 0.3]]);
      const bad = await sql(node, 'SELECT 1', { 'x-greptime-timezone': 'Nowhere/Land' });
      expect([bad.status, bad.body.error]).toEqual([400, 'Invalid timezone: Nowhere/Land']);
      expect(await rows(node, 'SELECT timezone()', { 'x-greptime-timezone': 'Europe/Berlin' })).toEqual([['Europe/Berlin']]);

      expect(await rows(node, "SELECT column_name, data_type, numeric_precision, numeric_scale FROM information_schema.columns WHERE table_name = 'm' ORDER BY ordinal_position"))
        .toEqual([['ts', 'timestamp(3)', null, null], ['host', 'string', null, null], ['price', 'decimal(6, 2)', 6, 2], ['ratio', 'float', 12, null]]);
      expect(await rows(node, "SELECT constraint_name, column_name FROM information_schema.key_column_usage WHERE table_name = 'm' ORDER BY column_name"))
        .toEqual([['PRIMARY', 'host'], ['TIME INDEX', 'ts']]);
      // the region of m, with its rows, as the node's regions report them
      const stats = await rows(node, 'SELECT region_rows, engine FROM information_schema.region_statistics');
      expect(stats).toEqual([[1, 'mito']]);

      // the statement that reads the process list is in it, with this client's address
      const [pl] = await rows(node, 'SHOW FULL PROCESSLIST');
      expect(pl![0]).toMatch(/^127\.0\.0\.1:\d+\/\d+$/);
      expect([pl![1], pl![2], pl![7]]).toEqual(['greptime', 'public', 'SHOW FULL PROCESSLIST']);
      expect(String(pl![3])).toMatch(/^(::ffff:)?127\.0\.0\.1:\d+\/http$/);
      const kill = await sql(node, `KILL '${pl![0]}'`);
      expect([kill.status, kill.body.error]).toEqual([400, `Process not found: ${pl![0]}`]);
    } finally {
      await node.stop();
      dir.cleanup();
    }
  });
});
