// format=arrow keeps decimals and intervals in their own Arrow types: Decimal128(p, s) with every digit of the
// unscaled integer (wide ones too) and Interval(MonthDayNano) with its three parts.
import { describe, expect, it } from 'vitest';
import { Type, tableFromIPC } from 'apache-arrow';
import { executeSql } from '../../../../core/query/index.ts';
import { relToArrow } from '../../../../core/query/output/arrow.ts';
import { MemoryCatalog } from '../../../sql/memory_context.ts';

/** The signed 128-bit integer of four little-endian 32-bit words. */
function i128(w: Uint32Array): bigint {
  let u = 0n;
  for (let k = 3; k >= 0; k--) u = (u << 32n) | BigInt(w[k]!);
  return BigInt.asIntN(128, u);
}

describe('Arrow output types', () => {
  it('Decimal128 and Interval(MonthDayNano) columns keep their types and exact values', async () => {
    const ctx = new MemoryCatalog().context('public');
    const [out] = await executeSql(ctx, "SELECT * FROM (VALUES ('12345678901234567890.0123456789'::DECIMAL(38, 10), '-1.25'::DECIMAL(5, 2), INTERVAL '14 months 3 days 4 hours 0.000000001 seconds'), (NULL, '0.05'::DECIMAL(5, 2), -INTERVAL '1 day 1 second')) AS t(a, b, c)");
    if (out!.kind !== 'records') throw new Error('no records');
    const t = tableFromIPC(relToArrow(out!.rel));
    const a = t.getChild('a')!, b = t.getChild('b')!, c = t.getChild('c')!;
    expect(a.type.typeId).toBe(Type.Decimal);
    expect([(a.type as unknown as { precision: number }).precision, (a.type as unknown as { scale: number }).scale]).toEqual([38, 10]);
    expect(i128(a.data[0]!.values.subarray(0, 4) as Uint32Array)).toBe(123456789012345678900123456789n);
    expect(a.isValid(1)).toBe(false);
    expect(i128(b.data[0]!.values.subarray(0, 4) as Uint32Array)).toBe(-125n);
    expect(i128(b.data[0]!.values.subarray(4, 8) as Uint32Array)).toBe(5n);
    expect(c.type.typeId).toBe(Type.Interval);
    const iv = c.data[0]!.values as Int32Array;
    const nanos = (k: number) => (BigInt(iv[4 * k + 3]!) << 32n) | BigInt(iv[4 * k + 2]! >>> 0);
    expect([iv[0], iv[1], nanos(0)]).toEqual([14, 3, 4n * 3_600_000_000_000n + 1n]);
    expect([iv[4], iv[5], nanos(1)]).toEqual([0, -1, -1_000_000_000n]);
  });
});
