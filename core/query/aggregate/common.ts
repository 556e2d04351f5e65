// What every aggregate implementation receives, and the argument checks and exact-value helpers they share.
import { PlanError } from '../../errors.ts';
import type { FunctionCall, OrderByItem } from '../../sql/index.ts';
import { compareValues } from '../plan/sort.ts';
import { uwords, words } from '../int64.ts';
import type { NumVec, Vec } from '../vector.ts';
import { getValue, isNull } from '../vector.ts';
import type { Groups } from './grouping.ts';

export interface AggInput {
  name: string;
  call: FunctionCall;
  args: Vec[];
  /** 1 for rows the aggregate sees (FILTER, DISTINCT); null for all. */
  mask: Uint8Array | null;
  /** Vectors of the ORDER BY / WITHIN GROUP keys. */
  order: { vec: Vec; item: OrderByItem }[];
}

/** One aggregate: its input rows grouped by `g`, one output value per group. */
export type AggImpl = (a: AggInput, g: Groups) => Vec;

/** The first argument, which the aggregate cannot do without. */
export function requireArg(a: AggInput, v: Vec | undefined = a.args[0]): Vec {
  if (!v) throw new PlanError(`${a.name} expects an argument`, a.call.pos);
  return v;
}

/** A numeric argument (booleans count as 0/1 Int64); other types are DataFusion's coercion error. */
export function numArg(a: AggInput, v: Vec | undefined): NumVec | Vec {
  v = requireArg(a, v);
  if (v.kind === 'num' || v.dt === 'Null') return v;
  if (v.kind === 'bool') return { kind: 'num', dt: 'Int64', v: Float64Array.from(v.v), valid: v.valid };
  throw new PlanError(`Execution error: User-defined coercion failed with Execution("${a.name} function does not support data type ${v.dt}")`, a.call.pos);
}

/**
 * Row i as a key to compare or group by, exact where a double is not: an int64 beyond 2^53 as its bigint, a wide
 * decimal as its unscaled integer (one scale per column, so equal and ordered as the decimals are).
 */
export function keyAt(c: Vec, i: number): unknown {
  if (c.kind === 'num' && c.dec && !isNull(c, i)) return c.dec[i];
  return valueAt(c, i);
}

/** Row i as a value, exact: a bigint for an int64 beyond 2^53 (the Float64 view would round it). */
export function valueAt(c: Vec, i: number): unknown {
  if (c.kind === 'num' && c.big && !isNull(c, i)) return c.big[i];
  return getValue(c, i);
}

/**
 * The 64-bit words of an exact int64 column (Int64, UInt64 with values beyond 2^53, or timestamps): the high word
 * signed for signed types, so (hi, lo) pairs compare as the numbers do without making a BigInt per row.
 */
export interface Words { hi: Int32Array | Uint32Array; lo: Uint32Array }
export function wordsOf(a: BigInt64Array | BigUint64Array): Words {
  const u = uwords(a);
  return { hi: a instanceof BigUint64Array ? u : words(a), lo: u };
}

/** Compares rows i and j of a words view: negative, zero or positive. */
export function cmpWords(w: Words, i: number, j: number): number {
  const hi = w.hi[2 * i + 1]! - w.hi[2 * j + 1]!;
  return hi !== 0 ? hi : w.lo[2 * i]! - w.lo[2 * j]!;
}

/** Compares rows p and q by the aggregate's ORDER BY keys; ties keep input order. */
export function orderCmp(order: { vec: Vec; item: OrderByItem }[], p: number, q: number): number {
  for (const { vec, item } of order) {
    const asc = item.asc !== false;
    const nf = item.nullsFirst ?? !asc;
    const np = isNull(vec, p), nq = isNull(vec, q);
    if (np || nq) {
      if (np && nq) continue;
      return (np ? -1 : 1) * (nf ? 1 : -1);
    }
    const c = compareValues(keyAt(vec, p), keyAt(vec, q));
    if (c) return asc ? c : -c;
  }
  return p - q;
}
