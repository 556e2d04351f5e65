// Arbitrary write batches for the codec properties (fast-check): every column type, nulls, dictionary columns.
import fc from 'fast-check';
import type { Column, WriteBatch } from '../../../core/index.ts';

export const TYPES = ['string', 'float64', 'int64', 'uint64', 'boolean', 'timestamp'] as const;
export const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });

export function columnArb(rows: number, name: string): fc.Arbitrary<Column> {
  return fc.record({
    type: fc.constantFrom(...TYPES),
    semantic: fc.constantFrom('tag', 'field', 'timestamp') as fc.Arbitrary<Column['semantic']>,
    nulls: fc.boolean(),
  }).chain(({ type, semantic, nulls }) => {
    const n = { minLength: rows, maxLength: rows };
    const values: fc.Arbitrary<Column['values']> =
      type === 'string' ? fc.array(fc.option(fc.string({ unit: 'grapheme', maxLength: 8 }), { nil: null }), n)
      : type === 'float64' ? fc.array(fc.double(), n).map((a) => Float64Array.from(a))
      : type === 'uint64' ? fc.array(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), n).map((a) => BigUint64Array.from(a))
      : type === 'boolean' ? fc.array(fc.boolean(), n).map((a) => Uint8Array.from(a, Number))
      : fc.array(fc.oneof(int64, fc.constantFrom(-(2n ** 63n), 2n ** 63n - 1n, 0n)), n).map((a) => BigInt64Array.from(a));
    const valid = nulls ? fc.array(fc.boolean(), n).map((a) => Uint8Array.from(a, Number)) : fc.constant(null);
    return fc.tuple(values, valid).map(([v, ok]) => ({ name, type, semantic, values: v, valid: ok }));
  });
}

export const batchArb: fc.Arbitrary<WriteBatch> = fc
  .record({ table: fc.string({ unit: 'grapheme', maxLength: 10 }), rows: fc.nat(40), names: fc.uniqueArray(fc.string({ maxLength: 6 }), { maxLength: 6 }) })
  .chain(({ table, rows, names }) => fc.tuple(...names.map((nm) => columnArb(rows, nm))).map((columns) => ({ table, rows, columns })));

/** A string column in dictionary form: codes into a dict, rows outside the dict only where valid says null. */
export const dictColumnArb = (rows: number): fc.Arbitrary<Column> =>
  fc.uniqueArray(fc.string({ unit: 'grapheme', maxLength: 6 }), { minLength: 1, maxLength: 300 }).chain((dict) =>
    fc.tuple(
      fc.array(fc.nat(dict.length - 1), { minLength: rows, maxLength: rows }),
      fc.option(fc.array(fc.boolean(), { minLength: rows, maxLength: rows }), { nil: null }),
    ).map(([codes, ok]) => {
      const valid = ok === null ? null : Uint8Array.from(ok, Number);
      // A null row may hold any code, even one past the dictionary.
      const values = Int32Array.from(codes, (c, i) => (valid && valid[i] === 0 ? 1_000_000 : c));
      return { name: 'd', type: 'string', semantic: 'tag', values, valid, dict } as Column;
    }));
