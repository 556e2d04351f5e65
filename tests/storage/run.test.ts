// gatherColumn: one range of one run is a view of it, several ranges are copied; either way the values, validity and
// dictionary are those of the ranges, in order.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gatherColumn, Ranges } from '../../storage/run.ts';
import type { ColumnData } from '../../storage/types.ts';

describe('gatherColumn', () => {
  it('gives the rows of its ranges, whether it views or copies', () => {
    const col = fc.record({
      v: fc.array(fc.double(), { minLength: 1, maxLength: 30 }),
      nulls: fc.boolean(),
    }).map(({ v, nulls }): ColumnData => ({ type: 'float64', values: Float64Array.from(v), valid: nulls ? Uint8Array.from(v, (_, i) => i % 3 ? 1 : 0) : null }));
    const range = fc.tuple(fc.nat(), fc.nat(), fc.nat());
    fc.assert(fc.property(fc.array(col, { minLength: 1, maxLength: 3 }), fc.array(range, { minLength: 1, maxLength: 4 }), (cols, rs) => {
      const r = new Ranges();
      const want: number[] = [];
      const wantValid: number[] = [];
      for (const [src0, s0, l0] of rs) {
        const src = src0 % cols.length;
        const c = cols[src]!;
        const s = s0 % c.values.length;
        const len = l0 % (c.values.length - s + 1);
        r.push(src, s, len);
        for (let i = s; i < s + len; i++) { want.push(c.values[i] as number); wantValid.push(c.valid ? c.valid[i]! : 1); }
      }
      if (r.rows === 0) return;
      const out = gatherColumn(cols, r);
      expect(Array.from(out.values as Float64Array)).toEqual(want);
      expect(out.valid ? Array.from(out.valid) : wantValid.map(() => 1)).toEqual(wantValid);
    }), { numRuns: 1000 });
  });

  it('gives the strings of its ranges when the runs have their own dictionaries (only the used values kept)', () => {
    // per-run dictionaries, as text pages decode: codes of one run mean nothing in another
    const col = fc.array(fc.constantFrom('a', 'b', 'c', 'dd', 'é', ''), { minLength: 1, maxLength: 20 }).chain((vals) =>
      fc.shuffledSubarray([...new Set(vals)], { minLength: new Set(vals).size }).map((dict): ColumnData => ({
        type: 'string', values: Int32Array.from(vals, (v) => dict.indexOf(v)), valid: null, dict: [...dict, 'unused'],
      })));
    const range = fc.tuple(fc.nat(), fc.nat(), fc.nat());
    fc.assert(fc.property(fc.array(col, { minLength: 1, maxLength: 3 }), fc.array(range, { minLength: 1, maxLength: 4 }), (cols, rs) => {
      const r = new Ranges();
      const want: string[] = [];
      for (const [src0, s0, l0] of rs) {
        const src = src0 % cols.length, c = cols[src]!;
        const s = s0 % c.values.length, len = l0 % (c.values.length - s + 1);
        r.push(src, s, len);
        for (let i = s; i < s + len; i++) want.push(c.dict![(c.values as Int32Array)[i]!]!);
      }
      if (r.rows === 0) return;
      const out = gatherColumn(cols, r);
      expect(Array.from(out.values as Int32Array, (code) => out.dict![code])).toEqual(want);
      if (r.src.length > 1 && cols.some((c) => c.dict !== cols[0]!.dict)) expect(out.dict).toEqual([...new Set(want)].sort());
    }), { numRuns: 1000 });
  });

  it('keeps a string column its dictionary when it views one range', () => {
    const c: ColumnData = { type: 'string', values: Int32Array.of(0, 1, 1, 2), valid: null, dict: ['a', 'b', 'c'] };
    const r = new Ranges();
    r.push(0, 1, 2);
    const out = gatherColumn([c], r);
    expect([Array.from(out.values as Int32Array), out.dict]).toEqual([[1, 1], ['a', 'b', 'c']]);
  });
});
