// The short-float printer (the fast path of JSON and CSV number cells) spells every double exactly as String(x) does.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ByteWriter } from '../../../../core/query/output/byte_writer.ts';
import { writeShortFloat, floatJson, floatCsv } from '../../../../core/query/output/digits.ts';
import { cellWriter } from '../../../../core/query/output/cells.ts';
import type { Vec } from '../../../../core/query/index.ts';

const dec = new TextDecoder();

/** What writeShortFloat wrote for x, or null when it declined. */
function short(x: number): string | null {
  const w = new ByteWriter();
  w.ascii('>'); // a byte before, so a write that ignored pos would show
  if (!writeShortFloat(w, x)) {
    expect(w.pos).toBe(1);
    return null;
  }
  return dec.decode(w.result()).slice(1);
}

/** Decimals of at most `digits` significant digits and `scale` fractional ones: a measurement's values. */
const decimal = fc.tuple(fc.integer({ min: -999_999_999, max: 999_999_999 }), fc.integer({ min: 0, max: 12 })).map(([m, k]) => m / 10 ** k);
const edges = fc.constantFrom(
  1e-6, -1e-6, 1.0000000000000002e-6, 9.99999999999999e-7, 1e15, 999999999999999, 999999999999999.9, 99999999999999.98,
  0.1, 0.2, 0.30000000000000004, 1 / 3, 2 / 3, 1e14, 1e-5, 123456789012345, 1234567890123456, 0.000123, 9.5, 10, 100,
  5e-324, 1.7976931348623157e308, 2 ** 53, 2 ** 53 - 1, 4.35, 0.07, 1.005, 58.23, 12345.678,
);

describe('writeShortFloat', () => {
  it('property: whenever it writes, it writes String(x); short decimals in its range are always written', () => {
    fc.assert(fc.property(fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), decimal, edges), (x) => {
      if (x === 0) return;
      const s = short(x);
      if (s !== null) expect(s).toBe(String(x));
      const ax = Math.abs(x);
      // the fast path must take what it is for: a value whose String has at most 15 significant digits, in plain notation
      const sig = String(ax).replace('.', '').replace(/^0+/, '').length;
      if (ax >= 1e-6 && ax < 1e15 && !/e/.test(String(ax)) && sig <= 14) expect(s).not.toBeNull();
    }), { numRuns: 20_000 });
  });

  it('property: a float column writes JSON and CSV cells exactly as floatJson / floatCsv spell each value', () => {
    fc.assert(fc.property(fc.array(fc.oneof(fc.double(), decimal, edges), { maxLength: 40 }), (xs) => {
      const col: Vec = { kind: 'num', dt: 'Float64', v: Float64Array.from(xs), valid: null } as Vec;
      for (const [mode, fmt] of [['json', floatJson], ['csv', floatCsv]] as const) {
        const write = cellWriter(col, mode);
        const w = new ByteWriter();
        xs.forEach((_, i) => { if (i) w.byte(0x2c); write(w, i); });
        expect(dec.decode(w.result())).toBe(Float64Array.from(xs).reduce<string[]>((a, x) => (a.push(fmt(x)), a), []).join(','));
      }
    }));
  });
});
