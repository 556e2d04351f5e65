// Sorting rows by several keys with ASC/DESC and NULLS FIRST/LAST, as a permutation of row indices.
import type { Interval, Vec } from '../vector.ts';
import { dictOf, isNull, tsOffsetsOf } from '../vector.ts';
import { int64Offsets } from '../int64.ts';

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

/**
 * A key's rows as doubles that order as its values do (null rows: `nulls` set), when that costs no boxing: floats
 * without NaN as they are, timestamps as exact offsets from their first value, dictionary-coded strings as the rank
 * of their dictionary entry (the dictionary sorted once). Null for other keys (the comparator of values sorts them).
 */
function rankKey(v: Vec): { rank: Float64Array; nulls: Uint8Array | null } | null {
  const n = v.kind === 'str' ? dictOf(v)?.codes.length ?? 0 : v.v.length;
  if (v.kind === 'num' && v.big === undefined && v.dec === undefined) {
    const x = v.v;
    for (let i = 0; i < n; i++) if (x[i] !== x[i] && (v.valid === null || v.valid[i] !== 0)) return null; // NaN sorts last: the plain path
    return { rank: x, nulls: nullsOf(v.valid, n) };
  }
  if (v.kind === 'ts') {
    const o = tsOffsetsOf(v) ?? int64Offsets(v.v, v.valid);
    return o ? { rank: o.off, nulls: nullsOf(v.valid, n) } : null;
  }
  if (v.kind === 'str') {
    const d = dictOf(v);
    if (!d) return null;
    // equal strings under two codes (a merged dictionary) get one rank; null entries are null rows
    const order = d.dict.map((_, k) => k).filter((k) => d.dict[k] !== null && d.dict[k] !== undefined)
      .sort((a, b) => compareValues(d.dict[a], d.dict[b]));
    const byCode = new Float64Array(d.dict.length).fill(-1);
    let r = -1;
    order.forEach((k, j) => { if (j === 0 || d.dict[k] !== d.dict[order[j - 1]!]) r++; byCode[k] = r; });
    const rank = new Float64Array(n);
    let nulls: Uint8Array | null = null;
    for (let i = 0; i < n; i++) {
      const c = d.codes[i]!;
      const x = c < 0 ? -1 : byCode[c]!;
      if (x < 0) (nulls ??= new Uint8Array(n))[i] = 1;
      else rank[i] = x;
    }
    return { rank, nulls };
  }
  return null;
}

function nullsOf(valid: Uint8Array | null, n: number): Uint8Array | null {
  if (valid === null) return null;
  let any = false;
  for (let i = 0; i < n && !any; i++) any = valid[i] === 0;
  if (!any) return null;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = valid[i] === 0 ? 1 : 0;
  return out;
}

/** The order of rows p and q by keys that all have ranks (ties by row number: a stable sort). */
function rankComparator(keys: SortKey[], ranks: { rank: Float64Array; nulls: Uint8Array | null }[]): (p: number, q: number) => number {
  const dirs = keys.map((k) => (k.asc ? 1 : -1)), firsts = keys.map((k) => k.nullsFirst);
  const m = keys.length;
  return (p, q) => {
    for (let j = 0; j < m; j++) {
      const { rank, nulls } = ranks[j]!;
      if (nulls !== null) {
        const np = nulls[p] === 1, nq = nulls[q] === 1;
        if (np || nq) {
          if (np && nq) continue;
          return np === firsts[j] ? -1 : 1;
        }
      }
      const a = rank[p]!, b = rank[q]!;
      if (a !== b) return a < b ? -dirs[j]! : dirs[j]!;
    }
    return p - q;
  };
}

function isInterval(x: unknown): x is Interval {
  return typeof x === 'object' && x !== null && typeof (x as Interval).nanos === 'bigint' && 'months' in x;
}

/** A stable permutation of 0..n-1 ordering rows by the keys. */
export function sortIndices(keys: SortKey[], n: number): Int32Array {
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  if (keys.length === 0 || n < 2) return idx;
  const ranks = keys.map((k) => rankKey(k.vec));
  if (ranks.every((r) => r !== null)) {
    const cmp = rankComparator(keys, ranks as { rank: Float64Array; nulls: Uint8Array | null }[]);
    // rows often come in order already (GROUP BY minute ORDER BY minute over one series' time-ordered rows): one pass
    // tells, and the identity is the stable sort's answer
    let sorted = true;
    for (let i = 1; i < n && sorted; i++) sorted = cmp(i - 1, i) < 0;
    if (sorted) return idx;
    const arr = Array.from(idx);
    arr.sort(cmp);
    return Int32Array.from(arr);
  }
  return sortByValues(keys, n, idx);
}

/** The plain path: the keys' values compared as compareValues orders them (exact int64s, objects, NaN last). */
export function sortByValues(keys: SortKey[], n: number, idx: Int32Array = Int32Array.from({ length: n }, (_, i) => i)): Int32Array {
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
