// Issue 9 items 1 and 7 on a real node over HTTP: int64 and ns timestamps exact in SQL expressions, from the
// memtable and after a flush (segment scan); flat chains answer, deep nesting is a 400.
import { describe, expect, it } from 'vitest';
import { startNodeProcess, tempDir, type NodeProcess } from '../harness/index.ts';

type SqlOut = { output?: { records?: { rows: unknown[][] } }[]; error?: string };
const sql = (node: NodeProcess, q: string): Promise<{ status: number; body: SqlOut }> =>
  fetch(`${node.url}/v1/sql`, { method: 'POST', body: new URLSearchParams({ sql: q }) }).then(async (r) => ({ status: r.status, body: (await r.json()) as SqlOut }));
const rows = async (node: NodeProcess, q: string): Promise<unknown[][]> => {
  const r = await sql(node, q);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.output![0]!.records!.rows;
};

describe('exact SQL answers on a real node', () => {
  it('int64 max, ns timestamps and long chains', async () => {
    const dir = tempDir();
    const node = await startNodeProcess({ data: dir.path });
    const base = 1800000000000000000n;
    const lp = ['m v=9223372036854775807i 1000000000', ...Array.from({ length: 100 }, (_, i) => `t,h=a x=${i}i ${base + BigInt(i)}`)].join('\n');
    const w = await fetch(`${node.url}/v1/influxdb/write?db=public&precision=ns`, { method: 'POST', body: lp });
    expect(w.status).toBeLessThan(300);
    const check = async () => {
      expect(await rows(node, 'SELECT v = 9223372036854775806, (v - 1)::string FROM m')).toEqual([[false, '9223372036854775806']]);
      expect(await rows(node, 'SELECT count(*) FROM t WHERE ts::bigint = 1800000000000000050')).toEqual([[1]]);
      const strs = (await rows(node, 'SELECT (ts::bigint)::string FROM t ORDER BY ts')).map((r) => r[0]);
      expect(new Set(strs).size).toBe(100);
      expect(strs[42]).toBe('1800000000000000042');
    };
    await check();
    await fetch(`${node.url}/v1/admin/flush?db=public&table=m`, { method: 'POST' });
    await fetch(`${node.url}/v1/admin/flush?db=public&table=t`, { method: 'POST' });
    await check();
    const or = Array.from({ length: 1500 }, (_, i) => `x = ${i}`).join(' OR ');
    expect(await rows(node, `SELECT count(*) FROM t WHERE ${or}`)).toEqual([[100]]);
    const deep = await sql(node, `SELECT ${'('.repeat(3000)}1${')'.repeat(3000)}`);
    expect(deep.status).toBe(400);
    expect(deep.body.error).toMatch(/nesting.*line 1, column/);
    await node.stop();
    dir.cleanup();
  });
});
