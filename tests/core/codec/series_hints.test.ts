// Series hints in bytes (core/codec/series_hints.ts): round trip beside the WAL record, and a section that does not fit its batches refused.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { attachSeriesHints, CorruptDataError, decodeBatches, encodeBatches, encodeSeriesHints, type WriteBatch } from '../../../core/index.ts';

function batch(rows: number, hint: { source: number; ids: number[] } | null): WriteBatch {
  const b: WriteBatch = {
    table: 't', rows,
    columns: [{ name: 'ts', type: 'timestamp', semantic: 'timestamp', values: BigInt64Array.from({ length: rows }, (_, i) => BigInt(i)), valid: null }],
  };
  if (hint) b.series = { source: hint.source, ids: Int32Array.from(hint.ids) };
  return b;
}

describe('series hints in bytes', () => {
  it('come back on the batches they were sent with (fast-check)', () => {
    const one = fc.integer({ min: 0, max: 6 }).chain((rows) => fc.tuple(fc.constant(rows), fc.option(fc.record({
      source: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
      ids: fc.array(fc.integer({ min: -1, max: 2 ** 31 - 1 }), { minLength: rows, maxLength: rows }),
    }), { nil: null })));
    fc.assert(fc.property(fc.array(one, { minLength: 1, maxLength: 4 }), (spec) => {
      const bs = spec.map(([rows, h]) => batch(rows, h));
      const bytes = encodeSeriesHints(bs);
      const back = decodeBatches(encodeBatches(bs));
      if (bytes === null) {
        expect(bs.every((b) => b.series === undefined)).toBe(true);
        return;
      }
      attachSeriesHints(back, bytes);
      for (let i = 0; i < bs.length; i++) {
        expect(back[i]!.series?.source).toBe(bs[i]!.series?.source);
        expect(back[i]!.series ? [...back[i]!.series!.ids] : undefined).toEqual(bs[i]!.series ? [...bs[i]!.series!.ids] : undefined);
      }
    }), { numRuns: 200 });
  });

  it('a section that does not fit its batches is corrupt, with the byte where it went wrong', () => {
    const bs = [batch(3, { source: 7, ids: [1, 2, 3] })];
    const bytes = encodeSeriesHints(bs)!;
    expect(() => attachSeriesHints([batch(4, null)], bytes)).toThrow(CorruptDataError);
    expect(() => attachSeriesHints([batch(3, null)], bytes.subarray(0, bytes.length - 1))).toThrow(/3 series numbers need 20 bytes, 19 left at byte 1/);
    expect(() => attachSeriesHints([batch(3, null)], Uint8Array.from([...bytes, 0]))).toThrow(/1 trailing bytes/);
    expect(() => attachSeriesHints([batch(3, null)], Uint8Array.of(2))).toThrow(/unknown flag 2 at byte 0/);
    expect(() => attachSeriesHints([batch(3, null), batch(1, null)], bytes)).toThrow(/no entry for batch of t/);
  });
});
