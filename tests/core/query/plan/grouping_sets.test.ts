// Differential property of GROUP BY ROLLUP / CUBE / GROUPING SETS: each must answer as the UNION ALL of one plain
// GROUP BY per grouping set (keys outside the set NULL), on random data with NULL keys and values.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { executeSql } from '../../../../core/query/index.ts';
import { MemoryCatalog } from '../../../sql/memory_context.ts';

const small = fc.option(fc.integer({ min: 0, max: 2 }), { nil: null, freq: 4 });
const rowsArb = fc.array(fc.record({ a: small, b: small, v: small }), { maxLength: 15 });
const lit = (v: number | null): string => (v === null ? 'NULL' : String(v));

const per = (keys: string, group: string): string =>
  `SELECT ${keys}, sum(v), count(*) FROM t${group ? ` GROUP BY ${group}` : ''}`;

/** (grouping-sets query, the same as a UNION ALL of plain GROUP BYs); rows compared sorted. */
const CASES: [string, string][] = [
  ['SELECT a, b, sum(v), count(*) FROM t GROUP BY ROLLUP (a, b)',
    [per('a, b', 'a, b'), per('a, NULL', 'a'), per('NULL, NULL', '')].join(' UNION ALL ')],
  ['SELECT a, b, sum(v), count(*) FROM t GROUP BY CUBE (a, b)',
    [per('a, b', 'a, b'), per('a, NULL', 'a'), per('NULL, b', 'b'), per('NULL, NULL', '')].join(' UNION ALL ')],
  ['SELECT a, b, sum(v), count(*) FROM t GROUP BY GROUPING SETS ((b), (a, b))',
    [per('NULL, b', 'b'), per('a, b', 'a, b')].join(' UNION ALL ')],
  ['SELECT a, b, sum(v), count(*) FROM t GROUP BY a, ROLLUP (b)',
    [per('a, b', 'a, b'), per('a, NULL', 'a')].join(' UNION ALL ')],
];

async function sortedRows(ctx: ReturnType<MemoryCatalog['context']>, sql: string): Promise<string[]> {
  const [out] = await executeSql(ctx, sql);
  if (out?.kind !== 'records') throw new Error(`expected records from ${sql}`);
  return out.rows.map((r) => JSON.stringify(r.map((x) => (typeof x === 'bigint' ? Number(x) : x)))).sort();
}

describe('grouping sets vs one GROUP BY per set', () => {
  it('answer as the UNION ALL of plain GROUP BYs on random data', async () => {
    await fc.assert(
      fc.asyncProperty(rowsArb, fc.integer({ min: 0, max: CASES.length - 1 }), async (rows, c) => {
        const cat = new MemoryCatalog();
        const ctx = cat.context();
        await executeSql(ctx, 'CREATE TABLE t (a INT, b INT, v INT, ts TIMESTAMP TIME INDEX)');
        if (rows.length) await executeSql(ctx, `INSERT INTO t VALUES ${rows.map((r, n) => `(${lit(r.a)}, ${lit(r.b)}, ${lit(r.v)}, ${n})`).join(', ')}`);
        const [sets, union] = CASES[c]!;
        expect(await sortedRows(ctx, sets)).toEqual(await sortedRows(ctx, union));
      }),
      { numRuns: 200 },
    );
  });
});
