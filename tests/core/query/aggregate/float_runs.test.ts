// sum / avg / min / max of floats, kept per run of one group in locals, equal a naive per-row reduction bit for bit:
// random group ids (long runs as scans give them, or scattered), NaN, infinities, -0, nulls (or none) and a FILTER mask
// (or none).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FunctionCall } from '../../../../core/sql/index.ts';
import { computeAggregate, type Groups } from '../../../../core/query/aggregate/aggregate.ts';
import type { NumVec } from '../../../../core/query/vector.ts';

const pos = { line: 1, column: 1 };
const call = (name: string): FunctionCall => ({ type: 'function', name: [{ value: name, pos }], args: [{ type: 'column', path: [{ value: 'x', pos }], pos }], pos }) as unknown as FunctionCall;

/** Naive answers: each group's values in row order, reduced one by one (NaN greatest, first of equals kept). */
function naive(name: string, v: number[], ok: boolean[], mask: boolean[] | null, ids: number[], count: number): (number | null)[] {
  return Array.from({ length: count }, (_, k) => {
    const xs = v.filter((_, i) => ids[i] === k && ok[i] && (!mask || mask[i]));
    if (xs.length === 0) return null;
    if (name === 'sum' || name === 'avg') { let s = 0; for (const x of xs) s += x; return name === 'avg' ? s / xs.length : s; }
    let b = xs[0]!;
    for (const x of xs.slice(1)) {
      const better = name === 'max' ? x > b || (Number.isNaN(x) && !Number.isNaN(b)) : x < b || (Number.isNaN(b) && !Number.isNaN(x));
      if (better) b = x;
    }
    return b;
  });
}

const value = fc.oneof({ weight: 4, arbitrary: fc.double() }, { weight: 3, arbitrary: fc.constantFrom(NaN, -0, 0, 1, Infinity, -Infinity) });
const idsArb = (n: number, count: number) => fc.oneof(
  fc.array(fc.integer({ min: 0, max: count - 1 }), { minLength: n, maxLength: n }),
  fc.array(fc.integer({ min: 0, max: count - 1 }), { minLength: n, maxLength: n }).map((xs) => xs.sort((a, b) => a - b)),
);
const caseArb = fc.record({ n: fc.integer({ min: 0, max: 40 }), count: fc.integer({ min: 1, max: 5 }) }).chain(({ n, count }) => fc.record({
  count: fc.constant(count),
  v: fc.array(value, { minLength: n, maxLength: n }),
  // every row valid half the time: the kernels' paths without a validity test
  ok: fc.oneof(fc.constant(Array<boolean>(n).fill(true)), fc.array(fc.boolean(), { minLength: n, maxLength: n })),
  mask: fc.option(fc.array(fc.boolean(), { minLength: n, maxLength: n }), { nil: null }),
  ids: idsArb(n, count),
  name: fc.constantFrom('sum', 'avg', 'min', 'max'),
}));

describe('float aggregates over runs of one group', () => {
  it('equal a naive per-row reduction', () => {
    fc.assert(
      fc.property(caseArb, ({ count, v, ok, mask, ids, name }) => {
        const n = v.length;
        const x: NumVec = { kind: 'num', dt: 'Float64', v: Float64Array.from(v), valid: ok.every(Boolean) ? null : Uint8Array.from(ok, (b) => (b ? 1 : 0)) };
        const g: Groups = { ids: Int32Array.from(ids), count, first: new Int32Array(count) };
        const out = computeAggregate({ name, call: call(name), args: [x], mask: mask ? Uint8Array.from(mask, (b) => (b ? 1 : 0)) : null, order: [] }, g) as NumVec;
        const got = Array.from({ length: count }, (_, k) => (out.valid && out.valid[k] === 0 ? null : out.v[k]!));
        // -0 and 0 told apart (toEqual does not): the first of equal values is the one kept
        const text = (xs: (number | null)[]) => xs.map((y) => (Object.is(y, -0) ? '-0' : String(y)));
        expect(text(got)).toEqual(text(naive(name, v, ok.slice(0, n), mask, ids, count)));
      }),
      { numRuns: 600 },
    );
  });
});
