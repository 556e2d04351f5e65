// ORDER BY over ranks (floats as they are, timestamps as exact offsets, dictionary strings as dictionary ranks) gives
// the permutation of the plain comparator over values, on random keys with nulls, NaN, -0, wide timestamp spans and
// dictionaries with repeated and null entries.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sortByValues, sortIndices, type SortKey } from '../../../core/query/plan/sort.ts';
import { dictStrVec, type Vec } from '../../../core/query/vector.ts';

const DICT = ['b', 'a', 'c', 'a', null, 'é', 'B'];

function vecArb(n: number): fc.Arbitrary<Vec> {
  const valid = fc.array(fc.boolean(), { minLength: n, maxLength: n }).map((b) => (b.some((x) => !x) && b.length ? Uint8Array.from(b, (x) => (x ? 1 : 0)) : null));
  const float = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom(-0, 0.5, Infinity, -Infinity), fc.double({ noNaN: true }));
  return fc.oneof(
    fc.tuple(fc.array(fc.oneof({ weight: 20, arbitrary: float }, { weight: 1, arbitrary: fc.constant(NaN) }), { minLength: n, maxLength: n }), valid)
      .map(([xs, v]): Vec => ({ kind: 'num', dt: 'Float64', v: Float64Array.from(xs), valid: v })),
    fc.tuple(fc.array(fc.oneof(fc.bigInt({ min: -5n, max: 5n }), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })), { minLength: n, maxLength: n }), valid)
      .map(([xs, v]): Vec => ({ kind: 'ts', dt: 'TimestampNanosecond', unit: 'ns', v: BigInt64Array.from(xs), valid: v })),
    fc.tuple(fc.array(fc.bigInt({ min: 1_700_000_000_000_000_000n, max: 1_700_000_100_000_000_000n }), { minLength: n, maxLength: n }), valid)
      .map(([xs, v]): Vec => ({ kind: 'ts', dt: 'TimestampNanosecond', unit: 'ns', v: BigInt64Array.from(xs), valid: v })),
    fc.array(fc.integer({ min: -1, max: DICT.length - 1 }), { minLength: n, maxLength: n })
      .map((codes): Vec => dictStrVec('String', Int32Array.from(codes), DICT)),
    fc.array(fc.option(fc.constantFrom('x', 'y', 'Z', ''), { nil: null }), { minLength: n, maxLength: n })
      .map((v): Vec => ({ kind: 'str', dt: 'String', v })),
  );
}

const keysArb = fc.integer({ min: 0, max: 30 }).chain((n) =>
  fc.tuple(fc.constant(n), fc.array(fc.record({ vec: vecArb(n), asc: fc.boolean(), nullsFirst: fc.boolean() }), { minLength: 1, maxLength: 3 })));

describe('sort by ranks', () => {
  it('equals the comparator over values', () => {
    fc.assert(
      fc.property(keysArb, ([n, keys]) => {
        expect(Array.from(sortIndices(keys as SortKey[], n))).toEqual(Array.from(sortByValues(keys as SortKey[], n)));
      }),
      { numRuns: 500 },
    );
  });

  it('rows already in order (the one-pass check) come back as the identity, as the comparator over values says', () => {
    const take = (v: Vec, perm: Int32Array): Vec => {
      if (v.kind === 'str') {
        const d = (v as { dictCodes?: { codes: Int32Array; dict: (string | null)[] } }).dictCodes;
        if (d) return dictStrVec('String', Int32Array.from(perm, (i) => d.codes[i]!), d.dict);
        return { ...v, v: Array.from(perm, (i) => v.v[i]!) };
      }
      if (v.kind !== 'num' && v.kind !== 'ts') return v;
      const valid = v.valid ? Uint8Array.from(perm, (i) => v.valid![i]!) : null;
      return { ...v, v: (v.v as Float64Array).constructor === Float64Array ? Float64Array.from(perm, (i) => (v.v as Float64Array)[i]!) : BigInt64Array.from(perm, (i) => (v.v as BigInt64Array)[i]!), valid } as Vec;
    };
    fc.assert(
      fc.property(keysArb, ([n, keys]) => {
        const perm = sortByValues(keys as SortKey[], n);
        const ordered = (keys as SortKey[]).map((k) => ({ ...k, vec: take(k.vec, perm) }));
        expect(Array.from(sortIndices(ordered, n))).toEqual(Array.from(sortByValues(ordered, n)));
      }),
      { numRuns: 500 },
    );
  });
});
