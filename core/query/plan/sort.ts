// Sorting rows by several keys with ASC/DESC and NULLS FIRST/LAST, as a permutation of row indices.
import type { Interval, Vec } from '../vector.ts';
import { exactValue, isNull } from '../vector.ts';

export interface SortKey {
  vec: Vec;
  asc: boolean;
  nullsFirst: boolean;
}

export function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : -1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  // an exact 64-bit integer (bigint) against a number or another bigint: JS compares them as numbers, exactly
  if ((typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')) {
    if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : -1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (isInterval(a) && isInterval(b)) {
    // intervals order by their parts, months first, then days, then nanoseconds (Arrow's order of the value)
    return a.months !== b.months ? (a.months < b.months ? -1 : 1) : a.days !== b.days ? (a.days < b.days ? -1 : 1) : a.nanos < b.nanos ? -1 : a.nanos > b.nanos ? 1 : 0;
  }
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    const x = JSON.stringify(a, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
    const y = JSON.stringify(b, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0;
}

function isInterval(x: unknown): x is Interval {
  return typeof x === 'object' && x !== null && typeof (x as Interval).nanos === 'bigint' && 'months' in x;
}

/** A stable permutation of 0..n-1 ordering rows by the keys. */
export function sortIndices(keys: SortKey[], n: number): Int32Array {
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  if (keys.length === 0) return idx;
  const arr = Array.from(idx);
  // exact int64 columns compare their exact values (a double cannot tell 2^63-1 from 2^63-2)
  // (and a wide decimal its unscaled integers, which all share the column's scale)
  const vals = keys.map((k) => (k.vec.kind === 'num' ? k.vec.big ?? k.vec.dec ?? k.vec.v : k.vec.v) as ArrayLike<unknown>);
  arr.sort((p, q) => {
    for (let j = 0; j < keys.length; j++) {
      const k = keys[j]!;
      const np = isNull(k.vec, p), nq = isNull(k.vec, q);
      if (np || nq) {
        if (np && nq) continue;
        return np === k.nullsFirst ? -1 : 1;
      }
      const c = compareValues(vals[j]![p], vals[j]![q]);
      if (c !== 0) return k.asc ? c : -c;
    }
    return p - q;
  });
  return Int32Array.from(arr);
}
