// Compaction's merge gathered slice by slice (storage/merge_source.ts) equals the merge into a whole run it replaces
// (mergeToRun, TTL filter, tombstones dropped): same rows, values, validity and op column, whatever the slices' bounds
// and the inputs' row groups.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Memtable } from '../../storage/memtable/memtable.ts';
import { sortMemtable } from '../../storage/memtable/sort.ts';
import { composeRanges, mergedSource, type MergeInput } from '../../storage/merge_source.ts';
import { filterRun } from '../../storage/filter.ts';
import { Op, OP_COLUMN, withoutDeletes } from '../../storage/ops.ts';
import { gatherRun, Ranges, sliceColumn, stringAt } from '../../storage/run.ts';
import { mergeToRun } from '../../storage/scan.ts';
import type { ColumnData, Run } from '../../storage/types.ts';
import { batchOf, cpuSchema, type Row } from './fixtures.ts';

const schema = cpuSchema();
const names = schema.columns.map((c) => c.name);

/** A column's rows as plain values (strings through their dictionary, null where not valid). */
function plain(c: ColumnData, n: number): unknown[] {
  return Array.from({ length: n }, (_, i) => (c.valid && !c.valid[i] ? null : c.type === 'string' ? stringAt(c, i) : c.values[i]));
}

const row = fc.record({
  host: fc.constantFrom('a', 'b', 'c'),
  region: fc.constantFrom('x', 'y', null),
  usage_user: fc.option(fc.integer({ min: -5, max: 5 }), { nil: null }),
  usage_system: fc.double({ noNaN: true }),
  ts: fc.integer({ min: 0, max: 40 }),
  del: fc.boolean(),
});

describe('mergedSource', () => {
  it('gives the rows of the whole-run merge, slice by slice', () => {
    fc.assert(fc.property(
      fc.array(fc.array(row, { minLength: 1, maxLength: 40 }), { minLength: 1, maxLength: 4 }),
      fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }),
      fc.boolean(),
      fc.array(fc.integer({ min: 1, max: 17 }), { minLength: 1, maxLength: 5 }),
      fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 4 }),
      (writes, cutoffTs, older, cuts, groupRows) => {
        // each input is one flushed memtable: puts, and tombstones for the rows marked del
        const runs: Run[] = writes.map((rows, k) => {
          const m = new Memtable(schema.primaryKey);
          const strip = (r: (typeof rows)[number]): Row => ({ host: r.host, region: r.region, usage_user: r.usage_user, usage_system: r.usage_system, ts: r.ts });
          m.apply(batchOf(schema, rows.filter((r) => !r.del).map(strip)), 2 * k + 1, schema);
          const dels = rows.filter((r) => r.del).map((r) => ({ host: r.host, region: r.region, ts: r.ts }));
          if (dels.length) m.apply(batchOf(schema, dels), 2 * k + 2, schema, Op.Delete);
          return sortMemtable(m, schema);
        });
        const cutoff = cutoffTs === undefined ? undefined : BigInt(cutoffTs);
        let want = mergeToRun(runs, schema, names);
        const live = cutoff === undefined ? null : filterRun(want, schema.timeIndex, { cutoff });
        if (live) want = gatherRun([want], live, want.cols.keys());
        want = withoutDeletes(want, older);

        // each input read as a segment is: key, time and op columns whole, the fields a row group at a time (a group
        // without nulls has no validity)
        const inputs = runs.map((run, k): MergeInput => {
          const starts = [0];
          while (starts[starts.length - 1]! < run.rows) starts.push(Math.min(run.rows, starts[starts.length - 1]! + groupRows[k % groupRows.length]!));
          const whole: Run = { rows: run.rows, cols: new Map([...run.cols].filter(([n]) => !n.startsWith('usage_'))) };
          return {
            whole, starts,
            group(name, g) {
              const c = sliceColumn(run.cols.get(name)!, starts[g]!, starts[g + 1]!);
              return c.valid && c.valid.every((v) => v === 1) ? { ...c, valid: null } : c;
            },
          };
        });
        const got = mergedSource(inputs, schema, names, { cutoff, olderOverlap: () => older })!;
        expect(got.src.rows).toBe(want.rows);
        expect(got.src.names).toEqual([...want.cols.keys()]);
        const ops = want.cols.get(OP_COLUMN);
        expect(got.opRows).toBe(ops ? (ops.values as Uint8Array).filter((o) => o !== Op.Put).length : 0);
        // series: where the key's tuple changes along the rows; a key's dictionary: sorted, each entry used
        const tuples = Array.from({ length: want.rows }, (_, i) => JSON.stringify(schema.primaryKey.map((t) => plain(want.cols.get(t)!, want.rows)[i])));
        expect(got.src.series()).toBe(tuples.filter((t, i) => i === 0 || t !== tuples[i - 1]).length);
        for (const t of schema.primaryKey) {
          if (want.rows === 0) break;
          const dict = got.src.slice(t, 0, want.rows).dict!;
          expect(dict).toEqual([...new Set(plain(want.cols.get(t)!, want.rows).filter((v) => v !== null))].sort());
        }
        for (const name of got.src.names) {
          const parts: unknown[] = [];
          // slices of varying sizes, one after another (each may reuse the memory of the one before)
          for (let a = 0, k = 0; a < got.src.rows; k++) {
            const b = Math.min(got.src.rows, a + cuts[k % cuts.length]!);
            parts.push(...plain(got.src.slice(name, a, b), b - a));
            a = b;
          }
          expect(parts).toEqual(plain(want.cols.get(name)!, want.rows));
        }
      },
    ), { numRuns: 300 });
  });

  it('composes ranges: the rows an inner selection picks out of an outer one', () => {
    const outer = new Ranges();
    outer.push(0, 5, 3); // merged rows 0..2 = run 0 rows 5..7
    outer.push(1, 0, 4); // merged rows 3..6 = run 1 rows 0..3
    outer.push(0, 10, 2); // merged rows 7..8 = run 0 rows 10..11
    const inner = new Ranges();
    inner.push(0, 1, 4); // merged 1..4
    inner.push(0, 6, 3); // merged 6..8
    const r = composeRanges(outer, inner);
    expect([r.src, r.start, r.len, r.rows]).toEqual([[0, 1, 1, 0], [6, 0, 3, 10], [2, 2, 1, 2], 7]);
  });
});
