// int64 nanoseconds written through 32-bit words agree with BigInt arithmetic over the whole range.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { setNs, wordsOf } from '../../../core/pipeline/time_words.ts';

describe('setNs', () => {
  it('equals sec * 1e9 + nanos', () => {
    const arr = new BigInt64Array(4);
    const w = wordsOf(arr);
    fc.assert(fc.property(fc.integer({ min: -5e9, max: 9.2e9 }), fc.integer({ min: 0, max: 999_999_999 }), fc.integer({ min: 0, max: 3 }), (sec, nanos, i) => {
      setNs(w, arr, i, sec, nanos);
      expect(arr[i]).toBe(BigInt(sec) * 1_000_000_000n + BigInt(nanos));
    }), { numRuns: 2000 });
  });
});
