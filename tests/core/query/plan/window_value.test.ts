// lag / lead with IGNORE NULLS (one pass over the live positions) against the plain reading of the rule: for each row,
// walk away from it counting only non-NULL values.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lagLead } from '../../../../core/query/plan/window_value.ts';
import { fromValues } from '../../../../core/query/vector.ts';

function plain(vals: (number | null)[], step: number, def: number | null): (number | null)[] {
  return vals.map((_, k) => {
    if (step === 0) return vals[k]!;
    let left = Math.abs(step);
    for (let j = k + Math.sign(step); j >= 0 && j < vals.length; j += Math.sign(step)) {
      if (vals[j] !== null && --left === 0) return vals[j]!;
    }
    return def;
  });
}

describe('lagLead', () => {
  it('IGNORE NULLS equals walking the partition and counting non-NULL values', () => {
    fc.assert(fc.property(fc.array(fc.option(fc.integer({ min: -9, max: 9 }), { nil: null }), { maxLength: 20 }), fc.integer({ min: -4, max: 4 }), fc.constantFrom(1, -1) as fc.Arbitrary<1 | -1>, fc.option(fc.integer(), { nil: null }), (vals, off, sign, d) => {
      const n = vals.length;
      // the partition's k-th row sits at physical row n - 1 - k
      const rows = Array.from({ length: n }, (_, k) => n - 1 - k);
      const x = fromValues('Int64', [...vals].reverse());
      const def = d === null ? undefined : fromValues('Int64', new Array(n).fill(d));
      const out = new Array<unknown>(n).fill(null);
      lagLead(x, off, sign, def, true, rows, out);
      expect(out.reverse()).toEqual(plain(vals, sign * off, d));
    }), { numRuns: 1000 });
  });
});
