// Aggregates over 64-bit integers and timestamps are exact beyond 2^53: sums wrap modulo 2^64 as DataFusion's do,
// min / max / first / last keep every digit and the type, grouping tells apart keys one double apart.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FunctionCall } from '../../../../core/sql/index.ts';
import { computeAggregate, groupRows, valueAt, type Groups } from '../../../../core/query/aggregate/aggregate.ts';
import type { Vec } from '../../../../core/query/vector.ts';
import { int64Vec, isNull } from '../../../../core/query/vector.ts';

const call = (name: string): FunctionCall => ({ type: 'function', name: [{ value: name, pos: { line: 1, column: 1 } }], args: [{ type: 'column', path: [{ value: 'x', pos: { line: 1, column: 1 } }], pos: { line: 1, column: 1 } }], pos: { line: 1, column: 1 } }) as unknown as FunctionCall;

function run(name: string, x: Vec, g: Groups, order: Vec | null = null): Vec {
  return computeAggregate({ name, call: call(name), args: [x], mask: null, order: order ? [{ vec: order, item: { expr: call('t').args[0]!, asc: true } as never }] : [] }, g);
}

const i64 = (vals: (bigint | null)[], dt = 'Int64'): Vec => {
  const a = dt === 'UInt64' ? new BigUint64Array(vals.length) : new BigInt64Array(vals.length);
  vals.forEach((v, i) => { if (v !== null) a[i] = v; });
  return int64Vec(dt, a, vals.includes(null) ? Uint8Array.from(vals, (v) => (v === null ? 0 : 1)) : null);
};
const exact = (v: Vec, i: number): bigint | null => (isNull(v, i) ? null : BigInt(valueAt(v, i) as number | bigint));
const MAX = 2n ** 63n - 1n, MIN = -(2n ** 63n);

describe('aggregates over int64 beyond 2^53', () => {
  it('sum is exact and wraps on overflow; min/max keep the digits and the type', () => {
    const x = i64([MAX, 1n, 2n ** 53n + 1n, 2n ** 53n, null]);
    const g = groupRows([i64([1n, 1n, 2n, 2n, 2n])], 5);
    const s = run('sum', x, g), lo = run('min', x, g), hi = run('max', x, g);
    expect(s.dt).toBe('Int64');
    expect([exact(s, 0), exact(s, 1)]).toEqual([MIN, 2n ** 54n + 1n]);
    expect([lo.dt, exact(lo, 0), exact(lo, 1)]).toEqual(['Int64', 1n, 2n ** 53n]);
    expect([hi.dt, exact(hi, 0), exact(hi, 1)]).toEqual(['Int64', MAX, 2n ** 53n + 1n]);
  });

  it('UInt64 sums wrap modulo 2^64 and stay unsigned', () => {
    const x = i64([2n ** 64n - 1n, 2n, 2n ** 63n], 'UInt64');
    const s = run('sum', x, groupRows([], 3));
    expect([s.dt, exact(s, 0)]).toEqual(['UInt64', 2n ** 63n + 1n]);
    const hi = run('max', x, groupRows([], 3));
    expect(exact(hi, 0)).toBe(2n ** 64n - 1n);
  });

  it('keys one double apart are different groups; count distinct tells them apart', () => {
    const k = i64([2n ** 53n, 2n ** 53n + 1n, 2n ** 53n, 2n ** 53n + 1n]);
    expect(groupRows([k], 4).count).toBe(2);
    expect(groupRows([k, i64([1n, 1n, 1n, 1n])], 4).count).toBe(2);
    expect(run('count_distinct', k, groupRows([], 4)).v[0]).toBe(2);
  });

  it('first_value / last_value by time return the exact value; min/max of timestamps keep every nanosecond', () => {
    const ts = { kind: 'ts', dt: 'TimestampNanosecond', unit: 'ns', v: BigInt64Array.from([1800000000000000003n, 1800000000000000001n, 1800000000000000002n]), valid: null } as Vec;
    const x = i64([MAX - 2n, MAX, MAX - 1n]);
    const g = groupRows([], 3);
    expect(exact(run('first_value', x, g, ts), 0)).toBe(MAX);
    expect(exact(run('last_value', x, g, ts), 0)).toBe(MAX - 2n);
    expect(run('min', ts, g).v[0]).toBe(1800000000000000001n);
    expect(run('max', ts, g).v[0]).toBe(1800000000000000003n);
  });

  it('avg rounds the exact sum once; bit_xor works on all 64 bits', () => {
    const g = groupRows([], 2);
    expect(run('avg', i64([MAX, MAX]), g).v[0]).toBe(Number(MAX));
    const b = run('bit_xor', i64([MAX, 2n ** 53n + 1n]), g);
    expect(exact(b, 0)).toBe(MAX ^ (2n ** 53n + 1n));
  });

  it('carries the low-word sums across more than 2^20 rows', () => {
    const n = (1 << 20) + 7;
    const x = int64Vec('Int64', new BigInt64Array(n).fill(2n ** 32n - 1n));
    expect(exact(run('sum', x, groupRows([], n)), 0)).toBe(BigInt(n) * (2n ** 32n - 1n));
  });

  it('property: sum / min / max / count per group equal the naive BigInt answers', () => {
    const val = fc.oneof(fc.bigInt({ min: MIN, max: MAX }), fc.bigInt({ min: -1000n, max: 1000n }), fc.constantFrom(MIN, MAX, 2n ** 53n + 1n));
    fc.assert(fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.option(val, { nil: null })), { minLength: 1, maxLength: 60 }), (rows) => {
      const x = i64(rows.map((r) => r[1]));
      const g = groupRows([i64(rows.map((r) => BigInt(r[0])))], rows.length);
      const got = { sum: run('sum', x, g), min: run('min', x, g), max: run('max', x, g), count: run('count', x, g) };
      for (let k = 0; k < g.count; k++) {
        const key = rows[g.first[k]!]![0];
        const vals = rows.filter((r) => r[0] === key && r[1] !== null).map((r) => r[1]!);
        const want = vals.length
          ? { sum: BigInt.asIntN(64, vals.reduce((a, b) => a + b, 0n)), min: vals.reduce((a, b) => (b < a ? b : a)), max: vals.reduce((a, b) => (b > a ? b : a)) }
          : { sum: null, min: null, max: null };
        expect({ sum: exact(got.sum, k), min: exact(got.min, k), max: exact(got.max, k), count: got.count.v[k] }).toEqual({ ...want, count: vals.length });
      }
    }), { numRuns: 300 });
  });
});
