// Some rows of a batch (BatchRows, a region's share of a split) encoded straight from the batch's columns: the same bytes,
// record and series hints, as the batch of those rows copied out (takeRows) would give (fast-check: fast path == plain path).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  decodeBatches, encodeBatches, encodeSeriesHints, seriesHintsSize, takeRows, valueAt, writeSeriesHints,
  type BatchPart, type Column, type WriteBatch,
} from '../../../core/index.ts';
import { columnArb, dictColumnArb } from './batch_arbs.ts';

/** An 8-byte column with a few distinct values, so that some picks are constant (written once, record version 2). */
const fewValuesArb = (rows: number): fc.Arbitrary<Column> =>
  fc.array(fc.constantFrom(1.5, -0, NaN), { minLength: rows, maxLength: rows })
    .map((a) => ({ name: 'f', type: 'float64', semantic: 'field', values: Float64Array.from(a), valid: null }) as Column);

/** A batch of every column kind, maybe with its producer's series numbers, and some of its rows (any order, repeats). */
const pickArb = fc.integer({ min: 1, max: 40 }).chain((rows) => fc.record({
  batch: fc.tuple(fc.array(columnArb(rows, 'c'), { maxLength: 3 }), dictColumnArb(rows), fewValuesArb(rows), fc.option(fc.array(fc.nat(7), { minLength: rows, maxLength: rows }), { nil: null }))
    .map(([cs, d, f, ids]) => {
      const b: WriteBatch = { table: 't', rows, columns: [...cs.map((c, i) => ({ ...c, name: `c${i}` })), d, f] };
      if (ids) b.series = { source: 42, ids: Int32Array.from(ids) };
      return b;
    }),
  rows: fc.array(fc.nat(rows - 1), { maxLength: 50 }).map((a) => Int32Array.from(a)),
  whole: fc.boolean(),
}));

/** A region write's body as it was built before parts: the copied-out batches' record, then their hints. */
function plainBody(bs: WriteBatch[]): Uint8Array {
  const rec = encodeBatches(bs), hints = encodeSeriesHints(bs);
  if (!hints) return rec;
  const out = new Uint8Array(rec.length + hints.length);
  out.set(rec);
  out.set(hints, rec.length);
  return out;
}

/** The same body from parts: the record with room left for the hints, written in place. */
function partsBody(ps: BatchPart[]): Uint8Array {
  const size = seriesHintsSize(ps);
  const rec = encodeBatches(ps, size);
  if (size === 0) return rec;
  const body = new Uint8Array(rec.buffer, rec.byteOffset, rec.length + size);
  writeSeriesHints(ps, body, rec.length);
  return body;
}

describe('walbatch codec, rows of a batch', () => {
  it('writes the bytes of the batch its rows would be copied into, record and hints (fast-check)', () => {
    fc.assert(fc.property(fc.array(pickArb, { minLength: 1, maxLength: 3 }), (picks) => {
      const parts: BatchPart[] = picks.map((p) => (p.whole ? p.batch : { of: p.batch, rows: p.rows }));
      const copied = picks.map((p) => (p.whole ? p.batch : takeRows(p.batch, p.rows)));
      expect(Buffer.from(partsBody(parts)).equals(Buffer.from(plainBody(copied)))).toBe(true);
      expect(Buffer.from(encodeBatches(parts)).equals(Buffer.from(encodeBatches(copied)))).toBe(true);
    }), { numRuns: 400 });
  });

  it('reads back as the picked rows, in the picked order', () => {
    const host: Column = { name: 'host', type: 'string', semantic: 'tag', values: Int32Array.from([0, 1, 2, 0, 1]), valid: Uint8Array.from([1, 1, 0, 1, 1]), dict: ['a', 'b', 'c'] };
    const v: Column = { name: 'v', type: 'float64', semantic: 'field', values: Float64Array.from([1, 2, 3, 4, 5]), valid: null };
    const ts: Column = { name: 'ts', type: 'timestamp', semantic: 'timestamp', values: BigInt64Array.from([10n, 20n, 30n, 40n, 50n]), valid: null };
    const b: WriteBatch = { table: 'cpu', rows: 5, columns: [host, v, ts] };
    const [got] = decodeBatches(encodeBatches([{ of: b, rows: Int32Array.from([4, 2, 1]) }]), { dictionary: true });
    expect(got!.rows).toBe(3);
    expect(got!.columns[0]!.dict).toEqual(['b']); // only the entries the rows use, in first-use order
    expect(got!.columns.map((c) => Array.from({ length: 3 }, (_, i) => valueAt(c, i)))).toEqual([['b', null, 'b'], [5, 3, 2], [50n, 30n, 20n]]);
  });
});
