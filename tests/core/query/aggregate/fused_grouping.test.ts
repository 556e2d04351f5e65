// GROUP BY two keys that are dictionary codes or date_bin buckets (one table indexed by the pair, no code array per
// key) numbers the groups as the per-key path does, on random dictionaries (repeated and null entries, null codes)
// and random bucket offsets with nulls.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { groupRows } from '../../../../core/query/aggregate/grouping.ts';
import { dictStrVec, offsetsTsVec, type Vec } from '../../../../core/query/vector.ts';

const DICT = ['a', 'b', 'a', null, 'c', 'b'];
const STEP = 3_600_000_000_000;
const BASE = 1_796_645_710_000_000_000n;

function keyArb(n: number): fc.Arbitrary<{ fast: Vec; plain: Vec }> {
  const dict = fc.array(fc.integer({ min: -1, max: DICT.length - 1 }), { minLength: n, maxLength: n }).map((codes) => {
    const fast = dictStrVec('String', Int32Array.from(codes), DICT);
    return { fast, plain: { kind: 'str', dt: 'String', v: Array.from(codes, (c) => (c < 0 ? null : DICT[c]!)) } as Vec };
  });
  const buckets = fc.tuple(
    fc.array(fc.integer({ min: -3, max: 5 }), { minLength: n, maxLength: n }),
    fc.array(fc.boolean(), { minLength: n, maxLength: n }),
  ).map(([slots, ok]) => {
    const valid = ok.every(Boolean) ? null : Uint8Array.from(ok, (x) => (x ? 1 : 0));
    const off = Float64Array.from(slots, (s) => s * STEP);
    const live = slots.filter((_, i) => ok[i]);
    const step = live.length ? { size: STEP, min: Math.min(...live) * STEP, max: Math.max(...live) * STEP } : undefined;
    const fast = offsetsTsVec('TimestampNanosecond', 'ns', n, valid, { base: BASE, off, ...(step ? { step } : {}) });
    const v = BigInt64Array.from(slots, (s, i) => (ok[i] ? BASE + BigInt(s) * BigInt(STEP) : 0n));
    return { fast, plain: { kind: 'ts', dt: 'TimestampNanosecond', unit: 'ns', v, valid } as Vec };
  });
  return fc.oneof(dict, buckets);
}

describe('fused two-key grouping', () => {
  it('numbers groups as the per-key path does', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }).chain((n) => fc.tuple(fc.constant(n), keyArb(n), keyArb(n))), ([n, a, b]) => {
        const fast = groupRows([a.fast, b.fast], n);
        const plain = groupRows([a.plain, b.plain], n);
        expect(fast.count).toBe(plain.count);
        expect(Array.from(fast.ids)).toEqual(Array.from(plain.ids));
        expect(Array.from(fast.first)).toEqual(Array.from(plain.first));
      }),
      { numRuns: 400 },
    );
  });
});
