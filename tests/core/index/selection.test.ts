// Row selections: the packed-key order of ranges equals a comparator sort, and normalize equals the union of the
// ranges row by row (fast-check).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { normalize, sortByStart, toMask } from '../../../core/index/index.ts';

const rangesArb = fc.array(fc.tuple(fc.nat({ max: 5000 }), fc.nat({ max: 40 })), { maxLength: 300 });

describe('row selections', () => {
  it('sorts ranges by start as a stable comparator sort does, whatever runs they come in', () => {
    const lists = fc.array(fc.array(fc.oneof(fc.nat({ max: 50 }), fc.constant(0xffffffff), fc.nat()), { maxLength: 40 }).map((l) => l.sort((a, b) => a - b)), { maxLength: 12 });
    fc.assert(fc.property(fc.oneof(lists.map((ls) => ls.flat()), fc.array(fc.nat({ max: 100 }), { maxLength: 300 })), fc.nat({ max: 5 }), (starts, cut) => {
      const start = Uint32Array.from(starts);
      const end = Uint32Array.from(starts, (x, i) => i); // the end carries the index: stability is visible
      const n = Math.max(0, start.length - cut);
      const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => start[a]! - start[b]! || a - b);
      const got = sortByStart(start, end, n);
      expect(Array.from(got.start)).toEqual(order.map((i) => start[i]!));
      expect(Array.from(got.end)).toEqual(order);
    }));
  });

  it('normalize selects exactly the rows some range covers, as sorted disjoint ranges', () => {
    fc.assert(fc.property(rangesArb, (rs) => {
      const start = Uint32Array.from(rs, ([s]) => s);
      const end = Uint32Array.from(rs, ([s, l]) => s + l);
      const sel = normalize(start, end);
      const rows = 5100;
      const want = new Uint8Array(rows);
      for (const [s, l] of rs) want.fill(1, s, s + l);
      expect(toMask(sel, rows)).toEqual(want);
      for (let i = 1; i < sel.start.length; i++) expect(sel.start[i]!).toBeGreaterThan(sel.end[i - 1]!);
    }));
  });
});
