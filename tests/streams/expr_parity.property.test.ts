// A flow and a SELECT give the same answer for the same expression over the same rows: random expressions
// (arithmetic, comparisons, three-valued logic with NULLs, CASE, casts, string and math functions) through the flow
// path (row expressions over a WriteBatch, then last_value's output) and through executeSql on the memory context.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Column, WriteBatch } from '../../core/index.ts';
import { executeSql } from '../../core/query/index.ts';
import { compileFlowSql, createFlow } from '../../streams/index.ts';
import type { FlowValue } from '../../streams/index.ts';
import { MemoryCatalog } from '../sql/memory_context.ts';

interface Row { host: string; ts: number; a: number | null; b: number | null; s: string | null; flag: boolean | null }

const rowArb = (i: number): fc.Arbitrary<Row> => fc.record({
  host: fc.constantFrom('h1', 'h2', 'H3'),
  ts: fc.constant(1_700_000_000_000 + i * 1000),
  a: fc.option(fc.constantFrom(-2.5, -1, 0, 0.5, 1, 3, 10.25), { nil: null }),
  b: fc.option(fc.integer({ min: -20, max: 20 }), { nil: null }),
  s: fc.option(fc.constantFrom('', 'x', 'Abc', 'hello', '42'), { nil: null }),
  flag: fc.option(fc.boolean(), { nil: null }),
});
const rowsArb = fc.integer({ min: 1, max: 8 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => rowArb(i))));

const lit = fc.constantFrom('0', '1', '2', '-3', '1.5', '0.25', 'NULL');
const numArb: fc.Memo<string> = fc.memo((d) => (d <= 1
  ? fc.oneof(fc.constantFrom('a', 'b'), lit)
  : fc.oneof(
    fc.constantFrom('a', 'b', '(CAST(ts AS BIGINT) - 1700000000000)'),
    lit,
    fc.tuple(numArb(d - 1), fc.constantFrom('+', '-', '*'), numArb(d - 1)).map(([x, op, y]) => `(${x} ${op} ${y})`),
    numArb(d - 1).map((x) => `(${x} / 4)`),
    numArb(d - 1).map((x) => `abs(${x})`),
    numArb(d - 1).map((x) => `round(${x})`),
    numArb(d - 1).map((x) => `CAST(${x} AS DOUBLE)`),
    fc.tuple(numArb(d - 1), numArb(d - 1)).map(([x, y]) => `coalesce(${x}, ${y})`),
    strArb(d - 1).map((x) => `length(${x})`),
    fc.tuple(boolArb(d - 1), numArb(d - 1), numArb(d - 1)).map(([c, x, y]) => `CASE WHEN ${c} THEN ${x} ELSE ${y} END`),
  )));
const strArb: fc.Memo<string> = fc.memo((d) => (d <= 1
  ? fc.constantFrom('s', 'host', "'lit'", "'X'")
  : fc.oneof(
    fc.constantFrom('s', 'host', "'lit'"),
    strArb(d - 1).map((x) => `lower(${x})`),
    strArb(d - 1).map((x) => `upper(${x})`),
    fc.constant('CAST(b AS STRING)'),
    fc.tuple(strArb(d - 1), strArb(d - 1)).map(([x, y]) => `concat(${x}, ${y})`),
    fc.tuple(boolArb(d - 1), strArb(d - 1), strArb(d - 1)).map(([c, x, y]) => `CASE WHEN ${c} THEN ${x} ELSE ${y} END`),
  )));
const boolArb: fc.Memo<string> = fc.memo((d) => (d <= 1
  ? fc.oneof(fc.constantFrom('flag', 'TRUE', 'FALSE', 'NULL', 'a > 0', 'b IS NULL', "s = 'x'"))
  : fc.oneof(
    fc.constantFrom('flag', 'a IS NULL', "(ts >= '2023-11-14 22:13:22')", "(ts < TIMESTAMP '2023-11-14 22:13:23')"),
    fc.tuple(numArb(d - 1), fc.constantFrom('=', '<>', '<', '<=', '>', '>='), numArb(d - 1)).map(([x, op, y]) => `(${x} ${op} ${y})`),
    fc.tuple(strArb(d - 1), fc.constantFrom('=', '<>', '<'), strArb(d - 1)).map(([x, op, y]) => `(${x} ${op} ${y})`),
    fc.tuple(boolArb(d - 1), fc.constantFrom('AND', 'OR'), boolArb(d - 1)).map(([x, op, y]) => `(${x} ${op} ${y})`),
    boolArb(d - 1).map((x) => `(NOT ${x})`),
    numArb(d - 1).map((x) => `(${x} IS NOT NULL)`),
    numArb(d - 1).map((x) => `(${x} IN (1, 2, NULL))`),
    numArb(d - 1).map((x) => `(${x} BETWEEN -1 AND 2)`),
    strArb(d - 1).map((x) => `(${x} LIKE '%l%')`),
  )));
const exprArb = fc.oneof(numArb(4), strArb(3), boolArb(4));

function batchOf(rows: Row[]): WriteBatch {
  const n = rows.length;
  const valid = (f: (r: Row) => unknown) => Uint8Array.from(rows, (r) => (f(r) === null ? 0 : 1));
  const columns: Column[] = [
    { name: 'host', type: 'string', semantic: 'tag', values: rows.map((r) => r.host), valid: null },
    { name: 'ts', type: 'timestamp', semantic: 'timestamp', values: BigInt64Array.from(rows, (r) => BigInt(r.ts) * 1_000_000n), valid: null },
    { name: 'a', type: 'float64', semantic: 'field', values: Float64Array.from(rows, (r) => r.a ?? 0), valid: valid((r) => r.a) },
    { name: 'b', type: 'int64', semantic: 'field', values: BigInt64Array.from(rows, (r) => BigInt(r.b ?? 0)), valid: valid((r) => r.b) },
    { name: 's', type: 'string', semantic: 'field', values: rows.map((r) => r.s), valid: valid((r) => r.s) },
    { name: 'flag', type: 'boolean', semantic: 'field', values: Uint8Array.from(rows, (r) => (r.flag ? 1 : 0)), valid: valid((r) => r.flag) },
  ];
  return { table: 't', rows: n, columns };
}

const sqlLit = (v: unknown): string => (v === null ? 'NULL' : typeof v === 'string' ? `'${v}'` : String(v));

/** The expression per row through SELECT, or null when SELECT refuses it (then the flow is not asked). */
async function viaSelect(rows: Row[], expr: string): Promise<Map<string, unknown> | null> {
  const cat = new MemoryCatalog();
  const ctx = cat.context();
  await executeSql(ctx, 'CREATE TABLE t (host STRING, ts TIMESTAMP(3) TIME INDEX, a DOUBLE, b BIGINT, s STRING, flag BOOLEAN, PRIMARY KEY (host))');
  await executeSql(ctx, `INSERT INTO t (host, ts, a, b, s, flag) VALUES ${rows.map((r) => `(${[r.host, r.ts, r.a, r.b, r.s, r.flag].map(sqlLit).join(', ')})`).join(', ')}`);
  let out;
  try {
    out = await executeSql(ctx, `SELECT host, ts, ${expr} AS x FROM t`);
  } catch {
    return null;
  }
  const rec = out[0]!;
  if (rec.kind !== 'records') return null;
  return new Map(rec.rows.map((r) => [`${String(r[0])}|${String(r[1])}`, r[2]]));
}

/** The expression per row through a flow keyed by the source rows (its value is last_value(expr) per row). */
function viaFlow(rows: Row[], expr: string): { values: Map<string, FlowValue>; errors: number } {
  const plan = compileFlowSql(`CREATE FLOW f SINK TO o AS SELECT host, ts, ${expr} AS x FROM t`, { rowKey: { tags: ['host'], time: 'ts' } });
  let errors = 0;
  const flow = createFlow(plan, { onError: () => { errors++; } });
  const values = new Map<string, FlowValue>();
  flow.output$.subscribe((e) => {
    for (const r of e.rows) if (!r.deleted) values.set(`${String(r.values['host'])}|${Number((r.values['ts'] as bigint) / 1_000_000n)}`, r.values['x'] ?? null);
  });
  flow.push(batchOf(rows));
  flow.flush();
  flow.close();
  return { values, errors };
}

function same(x: unknown, y: unknown): boolean {
  if (x === null || x === undefined) return y === null || y === undefined;
  if (typeof x === 'number' && typeof y === 'number') return x === y || Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x));
  return x === y;
}

describe('flow expressions = SELECT expressions', () => {
  it('random expressions over random rows give the same values through a flow and through SELECT', async () => {
    await fc.assert(fc.asyncProperty(rowsArb, exprArb, async (rows0, expr) => {
      // One row per (host, ts): the flow keys rows by them, as the table does.
      const rows = rows0.filter((r, i) => rows0.findIndex((q) => q.host === r.host && q.ts === r.ts) === i);
      const want = await viaSelect(rows, expr);
      fc.pre(want !== null);
      const got = viaFlow(rows, expr);
      expect(got.errors, expr).toBe(0);
      expect(got.values.size, expr).toBe(want!.size);
      for (const [k, v] of want!) {
        expect(same(v, got.values.get(k) ?? null), `${expr} at ${k}: SELECT ${JSON.stringify(v)}, flow ${JSON.stringify(got.values.get(k))}`).toBe(true);
      }
    }), { numRuns: 200 });
  });

  it('the flow path reports a row the expression fails on, and keeps the others', () => {
    const rows: Row[] = [
      { host: 'h1', ts: 1_700_000_000_000, a: 1, b: 1, s: '5', flag: true },
      { host: 'h2', ts: 1_700_000_000_000, a: 1, b: 1, s: 'nope', flag: true },
    ];
    const got = viaFlow(rows, 'CAST(s AS BIGINT) + 1');
    expect(got.errors).toBe(1);
    expect(got.values.get('h1|1700000000000')).toBe(6);
  });
});
