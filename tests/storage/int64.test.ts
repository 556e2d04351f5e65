// int64 helpers over 32-bit word views: minMaxIndex against the BigInt answer.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { minMaxIndex, words } from '../../storage/int64.ts';

describe('minMaxIndex', () => {
  it('finds the first smallest and the first largest element, as BigInt comparison does', () => {
    // few distinct values (ties), across the sign and the 32-bit word boundary
    const v = fc.constantFrom(-(2n ** 63n), -(2n ** 32n), -1n, 0n, 1n, 2n ** 31n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 63n - 1n);
    fc.assert(
      fc.property(fc.array(fc.oneof(v, fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })), { minLength: 1, maxLength: 30 }), (xs) => {
        let lo = 0, hi = 0;
        xs.forEach((x, i) => {
          if (x < xs[lo]!) lo = i;
          else if (x > xs[hi]!) hi = i;
        });
        expect(minMaxIndex(words(BigInt64Array.from(xs)), xs.length)).toEqual([lo, hi]);
      }),
      { numRuns: 3000 },
    );
  });
});
