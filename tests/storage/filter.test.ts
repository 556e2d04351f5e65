// Row filters: the binary search on the run's first sort column, with or without an index's row selection, gives the rows of the plain row-by-row scan (fast-check).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { filterRun } from '../../storage/filter.ts';
import type { Run } from '../../storage/types.ts';

const rowsOf = (r: ReturnType<typeof filterRun>, n: number): number[] => {
  if (r === null) return Array.from({ length: n }, (_, i) => i);
  const out: number[] = [];
  for (let j = 0; j < r.start.length; j++) for (let i = 0; i < r.len[j]!; i++) out.push(r.start[j]! + i);
  return out;
};

describe('filterRun', () => {
  it('answers a filter on the sorted first key by binary search, as the full scan does', () => {
    const ids = ['1024', '1025', '1030', '2000', '99'];
    fc.assert(fc.property(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.constantFrom('a', 'b', null), fc.integer({ min: 0, max: 50 })), { maxLength: 60 }),
      // values the dictionary lacks too: a sorted dictionary's binary search must find nothing for them
      fc.subarray([...ids, '0', '1026', 'zz']), fc.option(fc.subarray(['a', 'b', null] as (string | null)[]), { nil: undefined }),
      fc.option(fc.integer({ min: 0, max: 50 }), { nil: undefined }), fc.boolean(),
      fc.option(fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 8 }), { nil: undefined }),
      (raw, want, wantHost, start, unsortedDict, cuts) => {
        const dict = [...ids].sort();
        const rows = [...raw].sort((x, y) => x[0] - y[0] || (x[1] ?? '').localeCompare(y[1] ?? '') || x[2] - y[2]);
        const n = rows.length;
        const hostDict = ['a', 'b'];
        const run: Run = {
          rows: n,
          cols: new Map([
            ['__table_id', { type: 'string', values: Int32Array.from(rows, (r) => r[0]), valid: null, dict: unsortedDict ? [...dict].reverse() : dict }],
            ['host', { type: 'string', values: Int32Array.from(rows, (r) => (r[1] === null ? 0 : hostDict.indexOf(r[1]))), valid: Uint8Array.from(rows, (r) => (r[1] === null ? 0 : 1)), dict: hostDict }],
            ['ts', { type: 'timestamp', values: BigInt64Array.from(rows, (r) => BigInt(r[2])), valid: null }],
          ]),
        };
        const tags: Record<string, (string | null)[]> = { __table_id: want };
        if (wantHost) tags.host = wantHost;
        const f = { tags, start: start === undefined ? undefined : BigInt(start) };
        expect(rowsOf(filterRun(run, 'ts', f, undefined, '__table_id'), n)).toEqual(rowsOf(filterRun(run, 'ts', f), n));
        // With an index's selection too (sorted disjoint spans): the rows of both, and nothing outside the selection.
        if (cuts) {
          const edges = [...new Set(cuts.map((c) => Math.min(c, n)))].sort((x, y) => x - y);
          const start: number[] = [], end: number[] = [];
          for (let k = 0; k + 1 < edges.length; k += 2) { start.push(edges[k]!); end.push(edges[k + 1]!); }
          const within = { start: Uint32Array.from(start), end: Uint32Array.from(end) };
          const inSel = (i: number) => start.some((s0, k) => i >= s0 && i < end[k]!);
          const plain = rowsOf(filterRun(run, 'ts', f), n).filter(inSel);
          expect(rowsOf(filterRun(run, 'ts', f, within, '__table_id'), n)).toEqual(plain);
        }
      },
    ), { numRuns: 500 });
  });
});
