// Segment encodings: decimal floats, int64 delta / delta-of-delta, zigzag and byte-split streams round-trip exactly.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { byteJoin, byteSplit, decimalPlan, decimalScale, decodeDecimal, decodeInt64, encodeDecimal, encodeDecimalBytes, encodeInt64, widthOf } from '../../../storage/segment/encoding.ts';
import { words } from '../../../storage/int64.ts';

function roundTripInt(values: bigint[], order: 1 | 2, groupRows: number): bigint[] {
  const n = values.length;
  const src = BigInt64Array.from(values);
  const starts = Array.from({ length: Math.ceil(n / groupRows) || 1 }, (_, k) => k * groupRows);
  const zz = new Int32Array(2 * n);
  const width = encodeInt64(words(src), null, n, order, starts, zz);
  const out = new BigInt64Array(n);
  for (let k = 0; k < starts.length; k++) {
    const a = starts[k]!, b = Math.min(n, a + groupRows), m = b - a;
    const bytes = new Uint8Array(m * width);
    byteSplit(zz, a, m, width, bytes);
    const back = new Int32Array(2 * m);
    byteJoin(bytes, m, width, back);
    decodeInt64(back, m, order, words(out), a);
  }
  return [...out];
}

describe('encodings', () => {
  it('int64 delta and delta-of-delta round-trip any values, including extremes', () => {
    const big = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
    fc.assert(fc.property(fc.array(big, { maxLength: 50 }), fc.constantFrom(1, 2) as fc.Arbitrary<1 | 2>, fc.integer({ min: 1, max: 20 }), (vals, order, g) => {
      expect(roundTripInt(vals, order, g)).toEqual(vals);
    }));
    const ts = Array.from({ length: 1000 }, (_, i) => 1_700_000_000_000_000_000n + BigInt(i) * 10_000_000_000n);
    expect(roundTripInt(ts, 2, 1000)).toEqual(ts);
  });

  it('finds the decimal scale and round-trips decimal floats exactly', () => {
    expect(decimalScale(Float64Array.of(1, 2.5, 0.29, 99.99), null, 4)).toBe(2);
    expect(decimalScale(Float64Array.of(Math.PI), null, 1)).toBe(-1);
    expect(decimalScale(Float64Array.of(NaN), null, 1)).toBe(-1);
    expect(decimalScale(Float64Array.of(-0), null, 1)).toBe(-1);
    expect(decimalScale(Float64Array.of(1e300), null, 1)).toBe(-1);
    expect(decimalScale(Float64Array.of(NaN, 1.5), Uint8Array.of(0, 1), 2)).toBe(1);
    fc.assert(fc.property(fc.array(fc.integer({ min: -1e9, max: 1e9 }), { minLength: 1, maxLength: 60 }), fc.integer({ min: 0, max: 6 }), (ints, s) => {
      const v = Float64Array.from(ints, (x) => x / 10 ** s);
      const scale = decimalScale(v, null, v.length);
      expect(scale).toBeGreaterThanOrEqual(0);
      const zz = new Int32Array(2 * v.length), max = new Float64Array(1);
      expect(encodeDecimal(v, null, v.length, scale, [0], zz, max)).toBe(true);
      const w = widthOf(max[0]!);
      const bytes = new Uint8Array(v.length * w);
      byteSplit(zz, 0, v.length, w, bytes);
      const back = new Int32Array(2 * v.length);
      byteJoin(bytes, v.length, w, back);
      const out = new Float64Array(v.length);
      decodeDecimal(back, v.length, scale, out, 0);
      expect([...out]).toEqual([...v]);
    }));
  });

  it('the fused decimal byte encoder matches encodeDecimal + byteSplit (nulls repeat the previous value)', () => {
    fc.assert(fc.property(fc.array(fc.option(fc.integer({ min: -2e6, max: 2e6 })), { minLength: 1, maxLength: 60 }), (ints) => {
      const n = ints.length;
      const v = Float64Array.from(ints, (x) => (x ?? 0) / 100);
      const valid = Uint8Array.from(ints, (x) => (x === null ? 0 : 1));
      const plan = decimalPlan(v, valid, n)!;
      if (plan.width > 4) return;
      const zz = new Int32Array(2 * n), max = new Float64Array(1);
      encodeDecimal(v, valid, n, plan.scale, [0], zz, max);
      const a = new Uint8Array(n * plan.width), b = new Uint8Array(n * plan.width);
      byteSplit(zz, 0, n, plan.width, a);
      encodeDecimalBytes(v, valid, n, plan.scale, plan.width, b);
      expect([...b]).toEqual([...a]);
      expect(widthOf(max[0]!)).toBeLessThanOrEqual(plan.width);
    }));
  });
});
