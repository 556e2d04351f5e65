// packBits: the all-set fast path (a native search for a zero) gives the bitmap and count of the bit-by-bit loop.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { packBits } from '../../core/bits.ts';

function plain(bytes: Uint8Array, n: number): { bitmap: Uint8Array; zeros: number } {
  const bitmap = new Uint8Array((n + 7) >> 3);
  let zeros = 0;
  for (let i = 0; i < n; i++) if (bytes[i]) bitmap[i >> 3]! |= 1 << (i & 7); else zeros++;
  return { bitmap, zeros };
}

describe('packBits', () => {
  it('equals the bit-by-bit loop, all-set inputs (and n past the input) included', () => {
    const flags = fc.oneof(fc.uint8Array({ maxLength: 70 }), fc.integer({ min: 0, max: 70 }).map((n) => new Uint8Array(n).fill(1)));
    fc.assert(fc.property(flags, fc.integer({ min: -3, max: 3 }), (bytes, d) => {
      const n = Math.max(0, bytes.length + d);
      expect(packBits(bytes, n)).toEqual(plain(bytes, n));
    }), { numRuns: 2000 });
  });
});
