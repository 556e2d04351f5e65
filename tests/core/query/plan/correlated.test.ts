// Differential property of the decorrelation: random outer and inner tables (NULLs, duplicate keys, no matches);
// each correlated query must answer as the join query written by hand for it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { executeSql } from '../../../../core/query/index.ts';
import { MemoryCatalog } from '../../../sql/memory_context.ts';

const small = fc.option(fc.integer({ min: 0, max: 3 }), { nil: null, freq: 4 });
const outerArb = fc.array(fc.record({ k: small, w: small, x: small }), { maxLength: 12 });
const innerArb = fc.array(fc.record({ k: small, v: small }), { maxLength: 14 });

const lit = (v: number | null): string => (v === null ? 'NULL' : String(v));

/** Pairs of (correlated query, the same question as a join), both ordered by o.id. */
const CASES: [string, string][] = [
  ['SELECT id FROM o WHERE EXISTS (SELECT 1 FROM i WHERE i.k = o.k) ORDER BY id',
    'SELECT DISTINCT o.id FROM o JOIN i ON i.k = o.k ORDER BY id'],
  ['SELECT id FROM o WHERE EXISTS (SELECT 1 FROM i WHERE i.k = o.k AND i.v > o.w) ORDER BY id',
    'SELECT DISTINCT o.id FROM o JOIN i ON i.k = o.k AND i.v > o.w ORDER BY id'],
  ['SELECT id FROM o WHERE NOT EXISTS (SELECT 1 FROM i WHERE i.k = o.k AND i.v > o.w) ORDER BY id',
    'SELECT o.id FROM o LEFT JOIN i ON i.k = o.k AND i.v > o.w GROUP BY o.id HAVING count(i.k) = 0 ORDER BY id'],
  ['SELECT id FROM o WHERE EXISTS (SELECT 1 FROM i WHERE i.v < o.w) ORDER BY id',
    'SELECT DISTINCT o.id FROM o JOIN i ON i.v < o.w ORDER BY id'],
  ['SELECT id, (SELECT max(v) FROM i WHERE i.k = o.k) FROM o ORDER BY id',
    'SELECT o.id, max(i.v) FROM o LEFT JOIN i ON i.k = o.k GROUP BY o.id ORDER BY o.id'],
  ['SELECT id, (SELECT count(*) FROM i WHERE i.k = o.k) FROM o ORDER BY id',
    'SELECT o.id, count(i.k) FROM o LEFT JOIN i ON i.k = o.k GROUP BY o.id ORDER BY o.id'],
  ['SELECT id, (SELECT sum(v) + 1 FROM i WHERE i.k = o.k AND i.v <> o.x) FROM o ORDER BY id',
    'SELECT o.id, sum(i.v) + 1 FROM o LEFT JOIN i ON i.k = o.k AND i.v <> o.x GROUP BY o.id ORDER BY o.id'],
  ['SELECT id FROM o WHERE o.w < (SELECT count(v) FROM i WHERE i.k = o.k) ORDER BY id',
    'SELECT o.id FROM o LEFT JOIN i ON i.k = o.k GROUP BY o.id, o.w HAVING o.w < count(i.v) ORDER BY o.id'],
  ['SELECT id, x IN (SELECT v FROM i WHERE i.k = o.k) FROM o ORDER BY id',
    `SELECT o.id, CASE WHEN sum(CASE WHEN i.v = o.x THEN 1 ELSE 0 END) > 0 THEN true WHEN count(i.k) = 0 THEN false
       WHEN o.x IS NULL OR count(i.k) > count(i.v) THEN NULL ELSE false END FROM o LEFT JOIN i ON i.k = o.k GROUP BY o.id, o.x ORDER BY o.id`],
  ['SELECT id, x NOT IN (SELECT v FROM i WHERE i.k = o.k) FROM o ORDER BY id',
    `SELECT o.id, CASE WHEN sum(CASE WHEN i.v = o.x THEN 1 ELSE 0 END) > 0 THEN false WHEN count(i.k) = 0 THEN true
       WHEN o.x IS NULL OR count(i.k) > count(i.v) THEN NULL ELSE true END FROM o LEFT JOIN i ON i.k = o.k GROUP BY o.id, o.x ORDER BY o.id`],
  // correlated two levels up (with and without a correlation one level up)
  ['SELECT id FROM o WHERE EXISTS (SELECT 1 FROM i WHERE i.k = o.k AND EXISTS (SELECT 1 FROM i i2 WHERE i2.v = i.v AND i2.k <> o.w)) ORDER BY id',
    'SELECT DISTINCT o.id FROM o JOIN i ON i.k = o.k JOIN i i2 ON i2.v = i.v AND i2.k <> o.w ORDER BY id'],
  ['SELECT id FROM o WHERE EXISTS (SELECT 1 FROM i WHERE i.v > 1 AND EXISTS (SELECT 1 FROM i i2 WHERE i2.k = i.k AND i2.v = o.x)) ORDER BY id',
    'SELECT DISTINCT o.id FROM o JOIN i ON i.v > 1 JOIN i i2 ON i2.k = i.k AND i2.v = o.x ORDER BY id'],
  // in an aggregate query: over its groups (naming a group key), and inside an aggregate's argument
  ['SELECT w, count(*), (SELECT count(*) FROM i WHERE i.k = o.w) FROM o GROUP BY w ORDER BY w',
    'SELECT g.w, g.n, count(i.k) FROM (SELECT w, count(*) AS n FROM o GROUP BY w) g LEFT JOIN i ON i.k = g.w GROUP BY g.w, g.n ORDER BY g.w'],
  ['SELECT x, sum((SELECT count(*) FROM i WHERE i.k = o.k)) FROM o GROUP BY x ORDER BY x',
    'SELECT x, sum(c) FROM (SELECT o.id, o.x, count(i.k) AS c FROM o LEFT JOIN i ON i.k = o.k GROUP BY o.id, o.x) GROUP BY x ORDER BY x'],
];

async function rows(ctx: ReturnType<MemoryCatalog['context']>, sql: string): Promise<unknown[][]> {
  const [out] = await executeSql(ctx, sql);
  if (out?.kind !== 'records') throw new Error(`expected records from ${sql}`);
  return out.rows;
}

describe('correlated subqueries vs hand-written joins', () => {
  it('answer as the equivalent join query on random data', async () => {
    await fc.assert(
      fc.asyncProperty(outerArb, innerArb, fc.integer({ min: 0, max: CASES.length - 1 }), async (outer, inner, c) => {
        const cat = new MemoryCatalog();
        const ctx = cat.context();
        await executeSql(ctx, 'CREATE TABLE o (id INT, k INT, w INT, x INT, ts TIMESTAMP TIME INDEX)');
        await executeSql(ctx, 'CREATE TABLE i (k INT, v INT, ts TIMESTAMP TIME INDEX)');
        if (outer.length) await executeSql(ctx, `INSERT INTO o VALUES ${outer.map((r, n) => `(${n}, ${lit(r.k)}, ${lit(r.w)}, ${lit(r.x)}, ${n})`).join(', ')}`);
        if (inner.length) await executeSql(ctx, `INSERT INTO i VALUES ${inner.map((r, n) => `(${lit(r.k)}, ${lit(r.v)}, ${n})`).join(', ')}`);
        const [correlated, join] = CASES[c]!;
        expect(await rows(ctx, correlated)).toEqual(await rows(ctx, join));
      }),
      { numRuns: 300 },
    );
  });
});
