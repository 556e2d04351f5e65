// Constant vectors: literals (integers beyond 2^53 kept exact) and n copies of one value.
import type { DType, Vec } from '../vector.ts';
import { FLOAT_TYPES, INT_TYPES, boolVec, constAnyVec, constStrVec, fromValues, int64Vec, nullVec, numVec, tsKindUnit, tsVec } from '../vector.ts';

const I64_MIN = -9223372036854775808n, I64_MAX = 9223372036854775807n, U64_MAX = 18446744073709551615n;

export function constVec(dt: DType, value: unknown, n: number): Vec {
  if (value === null || value === undefined) {
    if (dt === 'Null' || dt === 'IntervalMonthDayNano') return nullVec(n, dt);
    return fromValues(dt, new Array(n).fill(null));
  }
  if (INT_TYPES.has(dt) || FLOAT_TYPES.has(dt)) {
    if (typeof value === 'bigint' && (dt === 'Int64' || dt === 'UInt64') && (value > 9007199254740992n || value < -9007199254740992n)) {
      // one BigInt, n copies: fill() writes the words without boxing per row
      const big = dt === 'UInt64' ? new BigUint64Array(n).fill(value) : new BigInt64Array(n).fill(value);
      return int64Vec(dt, big);
    }
    const v = numVec(dt, n);
    v.v.fill(Number(value));
    return v;
  }
  const unit = tsKindUnit(dt);
  if (unit) {
    const v = tsVec(unit, n);
    v.dt = dt;
    v.v.fill(BigInt(value as bigint));
    return v;
  }
  if (dt === 'Boolean') {
    const v = boolVec(n);
    v.v.fill(value ? 1 : 0);
    return v;
  }
  if (dt === 'String') return constStrVec(dt, String(value), n);
  return constAnyVec(dt, value, n);
}

/** A numeric literal: Int64 when it fits, UInt64 above that, Float64 otherwise; integers parsed exactly. */
export function numberLiteral(text: string, neg: boolean, n: number): Vec {
  if (/^\d+$/.test(text)) {
    const abs = BigInt(text);
    const v = neg ? -abs : abs;
    if (v >= I64_MIN && v <= I64_MAX) return constVec('Int64', v, n);
    if (v > 0n && v <= U64_MAX) return constVec('UInt64', v, n);
    return constVec('Float64', Number(v), n);
  }
  const f = Number(text);
  return constVec('Float64', neg ? -f : f, n);
}
