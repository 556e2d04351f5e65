// GROUP BY's row-length temporaries (group ids, date_bin's bucket offsets) come from memory reused across queries
// (plan/group.ts's scratch pool), which holds the previous query's values: grouping over reused memory numbers groups
// as over fresh memory, and aggregates after a larger query leave nothing of it in a smaller one's answer.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ScratchPool } from '../../../../core/index.ts';
import { groupRows } from '../../../../core/query/aggregate/grouping.ts';
import { executeSql } from '../../../../core/query/index.ts';
import { dictStrVec, numVec, type Vec } from '../../../../core/query/vector.ts';
import { MemoryCatalog } from '../../../sql/memory_context.ts';

const DICT = ['a', 'b', null, 'a'];
const HOUR = 3_600_000;
const BASE = Date.UTC(2026, 11, 7);

const keyArb = (n: number): fc.Arbitrary<Vec> => fc.oneof(
  fc.array(fc.integer({ min: -1, max: DICT.length - 1 }), { minLength: n, maxLength: n }).map((c) => dictStrVec('String', Int32Array.from(c), DICT)),
  // few values (codes combined in a table) or many (three such keys: combined as doubles through a Map)
  fc.array(fc.oneof(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 100_000 })), { minLength: n, maxLength: n }).map((xs) => {
    const v = numVec('Float64', n);
    v.v.set(xs);
    return v as Vec;
  }),
);

/**
 * Three numeric keys over 20 distinct tuples, rows repeating them: a code space (20^3) past the table's bound, so the
 * codes are combined as doubles through a Map.
 */
const wideKeysArb = (n: number): fc.Arbitrary<Vec[]> => fc.tuple(
  fc.array(fc.integer({ min: 0, max: 19 }), { minLength: n, maxLength: n }),
  fc.array(fc.tuple(fc.integer(), fc.integer(), fc.integer()), { minLength: 20, maxLength: 20 }),
).map(([pick, tuples]) => [0, 1, 2].map((k) => {
  const v = numVec('Float64', n);
  // key k of prototype t: 1000 t + k plus a multiple of 1e6 fixed per prototype (20 distinct values per key)
  for (let i = 0; i < n; i++) v.v[i] = pick[i]! * 1000 + k + (tuples[pick[i]!]![k]! % 7) * 1e6;
  return v as Vec;
}));

describe('grouping over reused scratch memory', () => {
  it('groupRows with a dirty pool equals groupRows with fresh arrays', () => {
    const pool = new ScratchPool();
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 60 }).chain((n) => fc.tuple(fc.constant(n), fc.oneof(fc.array(keyArb(n), { maxLength: 3 }), wideKeysArb(n)))),
        fc.integer({ min: 1, max: 1 << 20 }),
        ([n, keys], junk) => {
          // the previous user's values left in the pool's buffers
          pool.reset();
          for (let k = 0; k < 5; k++) pool.f64(n + 8).forEach((_, i, a) => { a[i] = junk + i * 7919; });
          const fresh = groupRows(keys, n);
          const reused = groupRows(keys, n, pool.reset());
          expect(reused.count).toBe(fresh.count);
          expect(Array.from(reused.ids)).toEqual(Array.from(fresh.ids));
          expect(Array.from(reused.first)).toEqual(Array.from(fresh.first));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('GROUP BY tag, date_bin over nulls and a whole-table aggregate answer each table of a sequence alone', async () => {
    const rowsArb = fc.array(
      fc.record({ host: fc.constantFrom('h1', 'h2', 'h3'), ts: fc.integer({ min: BASE, max: BASE + 6 * HOUR }), v: fc.integer({ min: 0, max: 100 }) }),
      { maxLength: 300 },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(rowsArb, { minLength: 2, maxLength: 3 }), async (tables) => {
        for (const rows of tables) {
          const ctx = new MemoryCatalog().context();
          await executeSql(ctx, 'CREATE TABLE t (host STRING, ts TIMESTAMP TIME INDEX, v DOUBLE, PRIMARY KEY(host))');
          if (rows.length) await executeSql(ctx, `INSERT INTO t VALUES ${rows.map((r) => `('${r.host}', ${r.ts}, ${r.v})`).join(', ')}`);
          const [stored] = await executeSql(ctx, 'SELECT host, ts, v FROM t');
          const [grouped] = await executeSql(ctx, "SELECT host, date_bin(INTERVAL '1 hour', CASE WHEN v > 50 THEN ts END) AS b, count(*) AS n, sum(v) AS s FROM t GROUP BY host, b ORDER BY host, b");
          const [whole] = await executeSql(ctx, 'SELECT count(*) AS n, sum(v) AS s FROM t');
          if (stored?.kind !== 'records' || grouped?.kind !== 'records' || whole?.kind !== 'records') throw new Error('expected records');
          const want = new Map<string, [string, number | null, number, number]>();
          let total = 0;
          for (const [h, ts, v] of stored.rows as [string, number, number][]) {
            const b = v > 50 ? Math.floor(ts / HOUR) * HOUR : null;
            const g = want.get(`${h}|${b}`) ?? [h, b, 0, 0];
            g[2]++;
            g[3] += v;
            want.set(`${h}|${b}`, g);
            total += v;
          }
          const order = (a: [string, number | null, ...number[]], b: [string, number | null, ...number[]]) =>
            a[0] !== b[0] ? (a[0] < b[0] ? -1 : 1) : a[1] === b[1] ? 0 : a[1] === null ? 1 : b[1] === null ? -1 : a[1] - b[1];
          expect(grouped.rows).toEqual([...want.values()].sort(order));
          expect(whole.rows).toEqual([[stored.rows.length, stored.rows.length ? total : null]]);
        }
      }),
      { numRuns: 60 },
    );
  });
});
