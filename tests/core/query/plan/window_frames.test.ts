// Framed window aggregates: the fast paths (running accumulators, frames read in place, one aggregate for a frame that
// spans the partition) equal the per-frame aggregate on random tables and frames; the frame bounds (found per
// partition, RANGE offsets by binary search) equal the rule read row by row.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { executeSql } from '../../../../core/query/index.ts';
import { windowPaths } from '../../../../core/query/plan/window.ts';
import { frameBounds, rangeKey } from '../../../../core/query/plan/window_frame.ts';
import type { FunctionCall, WindowFrameBound } from '../../../../core/sql/index.ts';
import { fromValues } from '../../../../core/query/vector.ts';
import { MemoryCatalog } from '../../../sql/memory_context.ts';

type Row = { g: string | null; o: number | null; i: number | null; f: number | null };

const rowArb: fc.Arbitrary<Row> = fc.record({
  g: fc.option(fc.constantFrom('a', 'b', 'c'), { nil: null }),
  o: fc.option(fc.integer({ min: 0, max: 6 }), { nil: null }),
  i: fc.option(fc.oneof(fc.integer({ min: -50, max: 50 }), fc.constantFrom(2 ** 52, -(2 ** 52), 2 ** 53 - 1)), { nil: null }),
  f: fc.option(fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constantFrom(0.1, 0.2, 1e300, -1e300)), { nil: null }),
});

const boundArb = fc.oneof(
  fc.constant('UNBOUNDED PRECEDING'), fc.constant('CURRENT ROW'), fc.constant('UNBOUNDED FOLLOWING'),
  fc.integer({ min: 0, max: 3 }).map((n) => `${n} PRECEDING`), fc.integer({ min: 0, max: 3 }).map((n) => `${n} FOLLOWING`),
);
const RANK = ['UNBOUNDED PRECEDING', '3 PRECEDING', '2 PRECEDING', '1 PRECEDING', '0 PRECEDING', 'CURRENT ROW', '0 FOLLOWING', '1 FOLLOWING', '2 FOLLOWING', '3 FOLLOWING', 'UNBOUNDED FOLLOWING'];
// a start bound may not be UNBOUNDED FOLLOWING nor an end bound UNBOUNDED PRECEDING
const frameArb = fc.option(fc.tuple(fc.constantFrom('ROWS', 'RANGE', 'GROUPS'), boundArb, boundArb)
  .filter(([, s, e]) => s !== 'UNBOUNDED FOLLOWING' && e !== 'UNBOUNDED PRECEDING' && RANK.indexOf(s) <= RANK.indexOf(e))
  .map(([u, s, e]) => `${u} BETWEEN ${s} AND ${e}`), { nil: null });

const callArb = fc.constantFrom('count(*)', 'count(f)', 'sum(i)', 'sum(f)', 'avg(i)', 'avg(f)', 'min(i)', 'max(f)', 'min(f)', 'max(i)', 'first_value(f)', 'stddev(f)');

async function run(rows: Row[], sql: string[], fast: boolean): Promise<unknown[]> {
  const ctx = new MemoryCatalog().context();
  await executeSql(ctx, 'CREATE TABLE t (g STRING, o INT, i BIGINT, f DOUBLE, ts TIMESTAMP TIME INDEX)');
  const lit = (x: number | string | null) => (x === null ? 'NULL' : typeof x === 'string' ? `'${x}'` : String(x));
  if (rows.length) await executeSql(ctx, `INSERT INTO t VALUES ${rows.map((r, k) => `(${lit(r.g)}, ${lit(r.o)}, ${lit(r.i)}, ${lit(r.f)}, ${k})`).join(', ')}`);
  windowPaths.fast = fast;
  try {
    const out: unknown[] = [];
    for (const q of sql) {
      try {
        const [res] = await executeSql(ctx, q);
        out.push(res?.kind === 'records' ? res.rows : res);
      } catch (e) { out.push(`error: ${(e as Error).message}`); }
    }
    return out;
  } finally { windowPaths.fast = true; }
}

describe('framed window aggregates', () => {
  it('fast paths equal the per-frame aggregate', async () => {
    await fc.assert(fc.asyncProperty(fc.array(rowArb, { maxLength: 30 }), callArb, fc.boolean(), fc.boolean(), frameArb, fc.boolean(),
      async (rows, call, part, ordered, frame, desc) => {
        const over = [part ? 'PARTITION BY g' : '', ordered || frame?.startsWith('RANGE') || frame?.startsWith('GROUPS') ? `ORDER BY o${desc ? ' DESC' : ''}` : '', frame ?? ''].join(' ');
        const sql = [`SELECT ts, ${call} OVER (${over}) FROM t ORDER BY ts`];
        expect(await run(rows, sql, true)).toEqual(await run(rows, sql, false));
      }), { numRuns: 300 });
  });

  it('a running integer sum past 2^53 is left to the exact grouped sum', async () => {
    const rows: Row[] = [2 ** 53 - 1, 2 ** 53 - 1, 5].map((i) => ({ g: 'a', o: 1, i, f: null }));
    const sql = ['SELECT ts, sum(i) OVER (ORDER BY ts) FROM t ORDER BY ts'];
    expect(await run(rows, sql, true)).toEqual(await run(rows, sql, false));
  });

  it('frame bounds equal the rule read row by row', () => {
    const kinds = fc.oneof(
      fc.constant<WindowFrameBound>({ kind: 'unbounded_preceding' }), fc.constant<WindowFrameBound>({ kind: 'current_row' }),
      fc.constant<WindowFrameBound>({ kind: 'unbounded_following' }),
      fc.tuple(fc.constantFrom('preceding', 'following') as fc.Arbitrary<'preceding' | 'following'>, fc.integer({ min: 0, max: 4 }))
        .map(([kind, n]) => ({ kind, offset: { type: 'number', value: String(n) } }) as unknown as WindowFrameBound),
    );
    fc.assert(fc.property(fc.array(fc.option(fc.integer({ min: 0, max: 9 }), { nil: null }), { maxLength: 25 }), fc.constantFrom('ROWS', 'RANGE', 'GROUPS'), kinds, kinds, fc.boolean(), (keys, units, s, e, asc) => {
      // the partition is already in order: keys sorted with NULLs last (first when descending)
      const sorted = [...keys].sort((p, q) => (p === null ? (q === null ? 0 : asc ? 1 : -1) : q === null ? (asc ? -1 : 1) : asc ? p - q : q - p));
      const rows = sorted.map((_, k) => k);
      const vec = fromValues('Int64', sorted);
      const cmp = (p: number, q: number): number => {
        const x = sorted[p]!, y = sorted[q]!;
        if (x === null || y === null) return x === y ? 0 : (x === null) === asc ? 1 : -1;
        return asc ? x - y : y - x;
      };
      const frame = { units, start: s, end: e };
      const call = { pos: { line: 1, column: 1 } } as FunctionCall;
      const range = rangeKey(frame, [{ vec, asc }], call);
      const got = frameBounds(frame, rows, cmp, true, range);
      const m = rows.length;
      for (let k = 0; k < m; k++) {
        const peerFirst = rows.findIndex((r) => cmp(r, k) === 0), peerLast = m - 1 - [...rows].reverse().findIndex((r) => cmp(r, k) === 0);
        const group = (j: number) => new Set(rows.slice(0, j + 1).map((r) => sorted[r])).size - 1;
        const at = (b: WindowFrameBound, isStart: boolean): number => {
          if (b.kind === 'unbounded_preceding') return 0;
          if (b.kind === 'unbounded_following') return m - 1;
          if (b.kind === 'current_row') return units === 'ROWS' ? k : isStart ? peerFirst : peerLast;
          const n = Number((b.offset as { value: string }).value) * (b.kind === 'preceding' ? -1 : 1);
          if (units === 'ROWS') return k + n;
          if (units === 'GROUPS') {
            const want = group(k) + n;
            const members = rows.filter((j) => group(j) === want);
            return members.length ? (isStart ? members[0]! : members.at(-1)!) : want < 0 ? (isStart ? 0 : -1) : isStart ? m : m - 1;
          }
          const cur = sorted[k];
          if (cur === null) return isStart ? peerFirst : peerLast;
          const lim = (asc ? cur : -cur) + n;
          const inRange = rows.filter((j) => sorted[j] !== null && (isStart ? (asc ? sorted[j]! : -sorted[j]!) >= lim : (asc ? sorted[j]! : -sorted[j]!) <= lim));
          return isStart ? (inRange[0] ?? m) : (inRange.at(-1) ?? -1);
        };
        expect([got.start[k], got.end[k]]).toEqual([Math.max(0, at(s, true)), Math.min(m - 1, at(e, false))]);
      }
    }), { numRuns: 500 });
  });

  it('EXCLUDE takes out of each frame what PostgreSQL says, read row by row: the row, its peers, or its peers but it', async () => {
    await fc.assert(fc.asyncProperty(fc.array(rowArb, { minLength: 1, maxLength: 20 }), frameArb, fc.constantFrom('CURRENT ROW', 'GROUP', 'TIES'),
      async (rows, frame, ex) => {
        const f = frame ?? 'ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING';
        // each row's frame as the list of its rows' timestamps, with and without the exclusion
        const sql = [`SELECT CAST(ts AS BIGINT), o, array_agg(CAST(ts AS BIGINT)) OVER (ORDER BY o ${f}) AS whole, array_agg(CAST(ts AS BIGINT)) OVER (ORDER BY o ${f} EXCLUDE ${ex}) AS kept FROM t ORDER BY ts`];
        const [got] = await run(rows, sql, true) as [unknown[][]];
        // a list leaves as its text, [0, 1]: JSON once read
        const list = (x: unknown): number[] => (x === null ? [] : JSON.parse(String(x)) as number[]);
        for (const [ts, o, whole, kept] of got as [number, number | null, unknown, unknown][]) {
          const peer = (t: number) => rows[t]!.o === o;
          const want = list(whole).filter((t) => (ex === 'CURRENT ROW' ? t !== ts : ex === 'GROUP' ? !peer(t) : t === ts || !peer(t)));
          expect(list(kept)).toEqual(want);
        }
      }), { numRuns: 200 });
  });
});
