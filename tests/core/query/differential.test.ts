// Differential property: random small tables, filters, GROUP BY and aggregates vs a naive row-at-a-time reference.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { executeSql } from '../../../core/query/index.ts';
import { MemoryCatalog } from '../../sql/memory_context.ts';

interface Row { host: string; ts: number; a: number | null; b: number | null }

const rowArb = fc.record({
  host: fc.constantFrom('h1', 'h2', 'h3'),
  a: fc.option(fc.integer({ min: -20, max: 20 }), { nil: null }),
  b: fc.option(fc.double({ min: -100, max: 100, noNaN: true, noDefaultInfinity: true }).map((x) => Math.round(x * 4) / 4), { nil: null }),
});
const filterArb = fc.record({
  col: fc.constantFrom('a', 'b'),
  op: fc.constantFrom('>', '<', '=', '>=', 'IS NULL', 'IS NOT NULL'),
  k: fc.integer({ min: -10, max: 10 }),
});
const AGGS = ['count(*)', 'count(a)', 'sum(a)', 'min(b)', 'max(b)', 'avg(b)', 'min(a)', 'max(a)'] as const;
const aggArb = fc.subarray([...AGGS], { minLength: 1 });

function reference(rows: Row[], f: { col: 'a' | 'b'; op: string; k: number } | null, group: boolean, aggs: readonly string[]): unknown[][] {
  const keep = rows.filter((r) => {
    if (!f) return true;
    const v = r[f.col];
    switch (f.op) {
      case 'IS NULL': return v === null;
      case 'IS NOT NULL': return v !== null;
      default:
        if (v === null) return false;
        return f.op === '>' ? v > f.k : f.op === '<' ? v < f.k : f.op === '=' ? v === f.k : v >= f.k;
    }
  });
  const groups = new Map<string, Row[]>();
  if (!group) groups.set('', keep);
  else for (const r of keep) groups.set(r.host, [...(groups.get(r.host) ?? []), r]);
  const out: unknown[][] = [];
  for (const [host, rs] of [...groups].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) {
    const row: unknown[] = group ? [host] : [];
    for (const a of aggs) {
      const col = a.includes('(a)') ? 'a' : 'b';
      const vals = rs.map((r) => r[col]).filter((v): v is number => v !== null);
      if (a === 'count(*)') row.push(rs.length);
      else if (a.startsWith('count')) row.push(vals.length);
      else if (!vals.length) row.push(null);
      else if (a.startsWith('sum')) row.push(vals.reduce((x, y) => x + y, 0));
      else if (a.startsWith('min')) row.push(Math.min(...vals));
      else if (a.startsWith('max')) row.push(Math.max(...vals));
      else row.push(vals.reduce((x, y) => x + y, 0) / vals.length);
    }
    out.push(row);
  }
  return out;
}

describe('executor vs reference', () => {
  it('filters, groups and aggregates like a naive evaluator', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(rowArb, { maxLength: 30 }), fc.option(filterArb, { nil: null }), fc.boolean(), aggArb, async (raw, f, group, aggs) => {
        const rows: Row[] = raw.map((r, i) => ({ ...r, ts: i * 1000 }));
        const cat = new MemoryCatalog();
        const ctx = cat.context();
        await executeSql(ctx, 'CREATE TABLE t (host STRING, ts TIMESTAMP TIME INDEX, a BIGINT, b DOUBLE, PRIMARY KEY(host))');
        if (rows.length) {
          const lit = (v: number | null) => (v === null ? 'NULL' : String(v));
          await executeSql(ctx, `INSERT INTO t VALUES ${rows.map((r) => `('${r.host}', ${r.ts}, ${lit(r.a)}, ${lit(r.b)})`).join(', ')}`);
        }
        const where = f ? ` WHERE ${f.col} ${f.op}${f.op.startsWith('IS') ? '' : ' ' + f.k}` : '';
        const sql = `SELECT ${group ? 'host, ' : ''}${aggs.join(', ')} FROM t${where}${group ? ' GROUP BY host ORDER BY host' : ''}`;
        const [out] = await executeSql(ctx, sql);
        if (out?.kind !== 'records') throw new Error('expected records');
        const want = reference(rows, f as never, group, aggs);
        expect(out.rows.length).toBe(want.length);
        out.rows.forEach((r, i) => r.forEach((v, j) => {
          const w = want[i]![j];
          if (typeof w === 'number' && typeof v === 'number') expect(v).toBeCloseTo(w, 6);
          else expect(v).toEqual(w);
        }));
        expect(out.columns.map((c) => c.name)).toEqual([...(group ? ['host'] : []), ...aggs.map((a) => (a === 'count(*)' ? a : a.replace('(', '(t.')))]);
      }),
      { numRuns: 150 },
    );
  });
});
