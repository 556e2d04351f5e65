// Column vectors the executor computes over: typed arrays plus a validity mask, tagged with a GreptimeDB type name.
import type { TimeUnit } from '../schema.ts';
import type { Int64Array } from './int64.ts';
import { fromFloats, needsExact, putOffset, takeInt64, toFloats, words as int64Words } from './int64.ts';
import { decimalTextOf, doubleDecimalText, parseUnscaled } from './decimal128.ts';
import { listElem } from './nested_type.ts';

/** GreptimeDB/Arrow type names as reported in column_schemas: Int64, Float64, String, Boolean, TimestampMillisecond, ... */
export type DType = string;

/**
 * Numbers of every width. `v` holds them as doubles (exact for ints up to 2^53). An Int64/UInt64 column with
 * a value beyond +-2^53 also carries `big`, its exact values (set by int64Vec, never otherwise): kernels
 * that must be exact (comparison, arithmetic, casts) read `big` when it is there, everything else reads `v`.
 */
export interface NumVec {
  kind: 'num'; dt: DType; v: Float64Array; valid: Uint8Array | null; big?: Int64Array;
  /** A Decimal128 vector whose values a double cannot hold: the exact unscaled integers (see expr/decimal_exact.ts). */
  dec?: (bigint | null)[];
}
/**
 * Timestamps as int64 nanoseconds; `unit` is the declared precision used for rendering. A date (dt 'Date') holds the
 * nanoseconds of its day's midnight, a time of day (dt 'TimeSecond' .. 'TimeNanosecond') the nanoseconds since midnight.
 */
export interface TsVec { kind: 'ts'; dt: DType; unit: TimeUnit; v: BigInt64Array; valid: Uint8Array | null }
export interface StrVec { kind: 'str'; dt: DType; v: (string | null)[] }
export interface BoolVec { kind: 'bool'; dt: 'Boolean'; v: Uint8Array; valid: Uint8Array | null }
/**
 * Anything else (intervals, lists, nulls): plain values, null for missing. A list column (dt 'List') names its element
 * type in `nested` (`List<TimestampMillisecond>`, see nested_type.ts) when it is known.
 */
export interface AnyVec { kind: 'any'; dt: DType; v: unknown[]; nested?: DType }
export type Vec = NumVec | TsVec | StrVec | BoolVec | AnyVec;

export interface Interval { months: number; days: number; nanos: bigint }

/** How an interval column stores a value: its three parts, `months/days/nanos` ('14/3/14706000100000'). */
export function storedIntervalText(iv: Interval): string {
  return `${iv.months}/${iv.days}/${iv.nanos}`;
}

function parseStoredInterval(text: string): Interval | null {
  const m = /^(-?\d+)\/(-?\d+)\/(-?\d+)$/.exec(text);
  return m ? { months: Number(m[1]), days: Number(m[2]), nanos: BigInt(m[3]!) } : null;
}

export const INT_TYPES = new Set(['Int8', 'Int16', 'Int32', 'Int64', 'UInt8', 'UInt16', 'UInt32', 'UInt64']);
export const FLOAT_TYPES = new Set(['Float32', 'Float64']);
export const TS_TYPES: Record<string, TimeUnit> = {
  TimestampSecond: 's', TimestampMillisecond: 'ms', TimestampMicrosecond: 'us', TimestampNanosecond: 'ns',
};
export const TS_NAME: Record<TimeUnit, DType> = { s: 'TimestampSecond', ms: 'TimestampMillisecond', us: 'TimestampMicrosecond', ns: 'TimestampNanosecond' };
/** Times of day (expr/time_of_day.ts): GreptimeDB's TIME(0/3/6/9), Arrow's Time32(s/ms) and Time64(us/ns). */
export const TIME_TYPES: Record<string, TimeUnit> = { TimeSecond: 's', TimeMillisecond: 'ms', TimeMicrosecond: 'us', TimeNanosecond: 'ns' };
export const TIME_NAME: Record<TimeUnit, DType> = { s: 'TimeSecond', ms: 'TimeMillisecond', us: 'TimeMicrosecond', ns: 'TimeNanosecond' };
/** The unit a timestamp-kind vector of this type is declared in: a timestamp's or time's own, ms for a date. */
export function tsKindUnit(dt: DType): TimeUnit | undefined {
  return TS_TYPES[dt] ?? TIME_TYPES[dt] ?? (dt === 'Date' ? 'ms' : undefined);
}
export const UNIT_NS: Record<TimeUnit, bigint> = { s: 1_000_000_000n, ms: 1_000_000n, us: 1_000n, ns: 1n };

export function vlen(c: Vec): number {
  return dictOf(c)?.codes.length ?? (c as { constant?: { n: number } }).constant?.n ?? c.v.length;
}

/** The codes of a dictionary-coded string vector (see dictStrVec), or null. */
export function dictOf(c: Vec): { codes: Int32Array; dict: (string | null)[] } | null {
  const d = (c as { dictCodes?: { codes: Int32Array; dict: (string | null)[] } }).dictCodes;
  return d ?? null;
}

/**
 * A timestamp vector's values as exact double offsets from `base` (core/query/int64.ts int64Offsets), kept by the
 * kernel that computed them so the next one (grouping, another date_bin) does arithmetic on doubles without
 * recomputing them or boxing a BigInt per row. With `step`: every valid offset is a whole multiple of it in
 * [min, max] (date_bin's buckets), so a bucket's number is (off - min) / step.
 */
export interface TsOffsets { base: bigint; off: Float64Array; step?: { size: number; min: number; max: number } }

/** The offsets kept on a timestamp vector (see withTsOffsets), or null. */
export function tsOffsetsOf(c: Vec): TsOffsets | null {
  return c.kind === 'ts' ? (c as { tsOffsets?: TsOffsets }).tsOffsets ?? null : null;
}

/**
 * Keeps `o` on `t`, whose values it must describe exactly (rows with valid 0 excepted). Non-enumerable, as dictCodes:
 * a spread copy (`{ ...t, v }`) does not carry offsets that may no longer match its values.
 */
export function withTsOffsets(t: TsVec, o: TsOffsets): TsVec {
  Object.defineProperty(t, 'tsOffsets', { value: o, enumerable: false, configurable: true });
  return t;
}

/**
 * A timestamp vector given by its offsets alone (date_bin's buckets): `v` (the BigInts' words) is built on first use,
 * so a grouping key whose values are read only for each group's first row never writes a BigInt64Array of every row.
 */
export function offsetsTsVec(dt: DType, unit: TimeUnit, n: number, valid: Uint8Array | null, o: TsOffsets): TsVec {
  const vec = { kind: 'ts', dt, unit, valid } as TsVec;
  let v: BigInt64Array | null = null;
  Object.defineProperty(vec, 'v', {
    enumerable: true,
    configurable: true,
    get() {
      if (v === null) v = offsetValues(o, valid, n, null);
      return v;
    },
    set(x: BigInt64Array) { v = x; },
  });
  return withTsOffsets(vec, o);
}

/** base + off of each row (of `idx`'s rows when given) as BigInt64 words, without a BigInt per row. */
function offsetValues(o: TsOffsets, valid: Uint8Array | null, n: number, idx: ArrayLike<number> | null): BigInt64Array {
  const out = new BigInt64Array(n);
  const w = int64Words(out), bw = int64Words(BigInt64Array.of(o.base));
  const bhi = bw[1]!, blo = bw[0]! >>> 0, off = o.off;
  for (let i = 0; i < n; i++) {
    const j = idx === null ? i : idx[i]!;
    if (j < 0 || (valid !== null && valid[j] === 0)) continue;
    putOffset(w, i, bhi, blo, off[j]!);
  }
  return out;
}

/**
 * A string column held as dictionary codes (code -1: null), as scans deliver tags: grouping and take()
 * work on the codes; `v` (plain strings) is built on first use. The codes are a non-enumerable property,
 * so a spread copy (`{ ...c, v }`) is an ordinary StrVec and never carries codes that no longer match.
 */
export function dictStrVec(dt: DType, codes: Int32Array, dict: (string | null)[]): StrVec {
  const vec = { kind: 'str', dt } as StrVec;
  let strings: (string | null)[] | null = null;
  Object.defineProperty(vec, 'dictCodes', { value: { codes, dict }, enumerable: false, configurable: true });
  Object.defineProperty(vec, 'v', {
    enumerable: true,
    configurable: true,
    get() {
      if (strings === null) {
        const n = codes.length;
        strings = new Array<string | null>(n);
        for (let i = 0; i < n; i++) { const k = codes[i]!; strings[i] = k < 0 ? null : dict[k] ?? null; }
      }
      return strings;
    },
    set(x: (string | null)[]) {
      // Written as plain strings: the codes no longer describe it.
      delete (vec as { dictCodes?: unknown }).dictCodes;
      delete (vec as { constant?: unknown }).constant;
      Object.defineProperty(vec, 'v', { value: x, enumerable: true, writable: true, configurable: true });
    },
  });
  return vec;
}

export function isNull(c: Vec, i: number): boolean {
  switch (c.kind) {
    case 'str': case 'any': return c.v[i] === null || c.v[i] === undefined;
    default: return c.valid !== null && c.valid[i] === 0;
  }
}

/** Row i as a plain JS value: number, bigint ns for timestamps, string, boolean, or null. */
export function getValue(c: Vec, i: number): unknown {
  if (isNull(c, i)) return null;
  switch (c.kind) {
    case 'bool': return c.v[i] === 1;
    default: return c.v[i];
  }
}

const SAFE_INT = 9007199254740991n;

/**
 * Row i as getValue gives it, except that an integer beyond 2^53 of an exact column (`big`) is a bigint: the value to
 * key, compare and pass on where exactness matters (DISTINCT, set operations, joins, IN, ORDER BY, scalar subqueries).
 * Values a double holds exactly stay numbers, so keys of exact and plain columns agree.
 */
export function exactValue(c: Vec, i: number): unknown {
  if (c.kind === 'num' && c.big !== undefined && !isNull(c, i)) {
    const x = c.big[i]!;
    return x > SAFE_INT || x < -SAFE_INT ? x : Number(x);
  }
  // an exact decimal beyond a double: its text (fromValues reads it back exactly)
  if (c.kind === 'num' && c.dec !== undefined && !isNull(c, i)) {
    const u = c.dec[i];
    if (u !== null && u !== undefined && (u > SAFE_INT || u < -SAFE_INT)) return decimalTextOf(u, c.dt);
  }
  return getValue(c, i);
}

/** A list column of the given rows (arrays or null) and full type (`List<Int64>`; plain 'List' when unknown). */
export function listVec(v: unknown[], type: DType = 'List'): AnyVec {
  return type === 'List' ? { kind: 'any', dt: 'List', v } : { kind: 'any', dt: 'List', v, nested: type };
}

/** A column's full type: a list's `List<T>` when its elements' type is known, otherwise its dt. */
export function typeOf(c: Vec): DType {
  return c.kind === 'any' && c.nested !== undefined ? c.nested : c.dt;
}

export function numVec(dt: DType, n: number): NumVec {
  return { kind: 'num', dt, v: new Float64Array(n), valid: null };
}
/**
 * An Int64/UInt64 vector from exact values: the doubles computed from the words, the exact array kept
 * only when some value would round (checked once per column).
 */
export function int64Vec(dt: DType, exact: Int64Array, valid: Uint8Array | null = null): NumVec {
  const out: NumVec = { kind: 'num', dt, v: toFloats(exact), valid };
  if (needsExact(exact, valid)) out.big = exact;
  return out;
}

/** The exact int64 values of an integer vector: its `big`, or its doubles as words. */
export function exactInts(c: NumVec, unsigned = c.dt === 'UInt64'): Int64Array {
  if (c.big) return c.big;
  return fromFloats(c.v, unsigned ? new BigUint64Array(c.v.length) : new BigInt64Array(c.v.length));
}

export function tsVec(unit: TimeUnit, n: number): TsVec {
  return { kind: 'ts', dt: TS_NAME[unit], unit, v: new BigInt64Array(n), valid: null };
}
export function boolVec(n: number): BoolVec {
  return { kind: 'bool', dt: 'Boolean', v: new Uint8Array(n), valid: null };
}
export function strVec(n: number): StrVec {
  return { kind: 'str', dt: 'String', v: new Array<string | null>(n).fill(null) };
}
export function nullVec(n: number, dt: DType = 'Null'): AnyVec {
  return { kind: 'any', dt, v: new Array<unknown>(n).fill(null) };
}

/**
 * n copies of one value of a type without typed storage (an interval, a list): `v` is built on first use,
 * and `constOf` answers without building it (date_bin's stride, a format string).
 */
export function constAnyVec(dt: DType, value: unknown, n: number): AnyVec {
  const vec = { kind: 'any', dt } as AnyVec;
  let values: unknown[] | null = null;
  Object.defineProperty(vec, 'constant', { value: { value, n }, enumerable: false, configurable: true });
  Object.defineProperty(vec, 'v', {
    enumerable: true,
    configurable: true,
    get() { return (values ??= new Array<unknown>(n).fill(value)); },
    set(x: unknown[]) {
      delete (vec as { constant?: unknown }).constant;
      Object.defineProperty(vec, 'v', { value: x, enumerable: true, writable: true, configurable: true });
    },
  });
  return vec;
}

/** The value of a vector made by constAnyVec (or a string constant), without materializing it; undefined otherwise. */
export function constOf(c: Vec): { value: unknown } | undefined {
  return (c as { constant?: { value: unknown } }).constant;
}

/** n copies of one string: dictionary-coded (one entry), so grouping, take() and constOf need no strings. */
export function constStrVec(dt: DType, value: string, n: number): StrVec {
  const vec = dictStrVec(dt, new Int32Array(n), [value]);
  Object.defineProperty(vec, 'constant', { value: { value, n }, enumerable: false, configurable: true });
  return vec;
}

/** Vectors standing for columns a scan did not read: all null, their rows shared, never written. */
const ALL_NULL = new WeakSet<Vec>();

/**
 * An all-null column of n rows: a constant (constAnyVec), so its n nulls are made only if something reads `v` (a
 * scan's columns the query does not use are never read; take() keeps it a constant).
 */
export function allNullVec(n: number, dt: DType): AnyVec {
  const v = constAnyVec(dt, null, n);
  ALL_NULL.add(v);
  return v;
}

/** Marks row i null, allocating the mask on first use. */
export function setNull(c: NumVec | TsVec | BoolVec, i: number): void {
  if (c.valid === null) c.valid = new Uint8Array(c.v.length).fill(1);
  c.valid[i] = 0;
}

/** Builds a vector of `dt` from plain values (slow path: literals, small results). */
export function fromValues(dt: DType, values: unknown[]): Vec {
  const n = values.length;
  if (listElem(dt) !== null) return listVec(values.map((x) => (x === undefined ? null : x)), dt);
  if (dt.startsWith('Decimal128(') && values.some((x) => typeof x === 'string' || typeof x === 'bigint')) return exactDecimals(dt, values);
  if (INT_TYPES.has(dt) || FLOAT_TYPES.has(dt) || dt.startsWith('Decimal128(')) {
    const out = numVec(dt, n);
    let exact = false;
    for (let i = 0; i < n; i++) {
      const x = values[i];
      if (x === null || x === undefined) setNull(out, i);
      else {
        out.v[i] = Number(x);
        if (typeof x === 'bigint' && (x > 9007199254740992n || x < -9007199254740992n)) exact = true;
      }
    }
    if (exact && (dt === 'Int64' || dt === 'UInt64')) {
      // slow path (literals, small results): values beyond 2^53 kept exact
      const big = dt === 'UInt64' ? new BigUint64Array(n) : new BigInt64Array(n);
      for (let i = 0; i < n; i++) {
        const x = values[i];
        if (x !== null && x !== undefined) big[i] = typeof x === 'bigint' ? x : BigInt(Math.trunc(Number(x)));
      }
      return int64Vec(dt, big, out.valid);
    }
    return out;
  }
  const unit = tsKindUnit(dt);
  if (unit) {
    const out = tsVec(unit, n);
    out.dt = dt;
    for (let i = 0; i < n; i++) {
      const x = values[i];
      if (x === null || x === undefined) setNull(out, i);
      else out.v[i] = BigInt(x as bigint);
    }
    return out;
  }
  if (dt === 'Boolean') {
    const out = boolVec(n);
    for (let i = 0; i < n; i++) {
      const x = values[i];
      if (x === null || x === undefined) setNull(out, i);
      else out.v[i] = x ? 1 : 0;
    }
    return out;
  }
  // Binary: its bytes as lower-case hex text (how DataFusion prints a Binary value)
  if (dt === 'String' || dt === 'Json' || dt === 'Binary' || dt.startsWith('Vector(')) return { kind: 'str', dt, v: values.map((x) => (x === null || x === undefined ? null : String(x))) };
  // an interval column's stored text ('14 mons 3 days 04:05:06') read back as the interval it was written from
  if (dt === 'IntervalMonthDayNano') return { kind: 'any', dt, v: values.map((x) => (x === null || x === undefined ? null : typeof x === 'string' ? parseStoredInterval(x) : x)) };
  return { kind: 'any', dt, v: values.map((x) => (x === undefined ? null : x)) };
}

/** Rows at `idx` (or null where idx is -1), in order. */
export function take(c: Vec, idx: ArrayLike<number>): Vec {
  const n = idx.length;
  if (ALL_NULL.has(c)) return allNullVec(n, c.dt);
  const d = dictOf(c);
  if (d) {
    const codes = new Int32Array(n);
    for (let i = 0; i < n; i++) { const j = idx[i]!; codes[i] = j < 0 ? -1 : d.codes[j]!; }
    return dictStrVec(c.dt, codes, d.dict);
  }
  const o = tsOffsetsOf(c);
  if (o) {
    // only the taken rows' values are built from the offsets (a lazy vector's `v` is never made)
    const t = c as TsVec;
    let valid: Uint8Array | null = null;
    for (let i = 0; i < n; i++) {
      const j = idx[i]!;
      if (j < 0 || (t.valid !== null && t.valid[j] === 0)) (valid ??= new Uint8Array(n).fill(1))[i] = 0;
    }
    return { kind: 'ts', dt: t.dt, unit: t.unit, v: offsetValues(o, t.valid, n, idx), valid };
  }
  switch (c.kind) {
    case 'num': case 'ts': case 'bool': {
      const v = new (c.v.constructor as { new (n: number): typeof c.v })(n);
      let valid: Uint8Array | null = null;
      for (let i = 0; i < n; i++) {
        const j = idx[i]!;
        if (j < 0 || (c.valid !== null && c.valid[j] === 0)) {
          if (valid === null) valid = new Uint8Array(n).fill(1);
          valid[i] = 0;
        } else (v as Float64Array)[i] = (c.v as Float64Array)[j]!;
      }
      if (c.kind === 'num' && c.big) return int64Vec(c.dt, takeInt64(c.big, idx), valid);
      if (c.kind === 'num' && c.dec) {
        const d = c.dec, dec = new Array<bigint | null>(n);
        for (let i = 0; i < n; i++) { const j = idx[i]!; dec[i] = j < 0 ? null : d[j] ?? null; }
        return { ...c, v, valid, dec } as Vec;
      }
      return { ...c, v, valid } as Vec;
    }
    default: {
      const v = new Array(n);
      for (let i = 0; i < n; i++) {
        const j = idx[i]!;
        v[i] = j < 0 ? null : c.v[j];
      }
      return { ...c, v } as Vec;
    }
  }
}

/** Rows where mask is 1. */
export function filterVec(c: Vec, mask: Uint8Array): Vec {
  return take(c, maskIndices(mask));
}

export function maskIndices(mask: Uint8Array): Int32Array {
  let n = 0;
  for (let i = 0; i < mask.length; i++) n += mask[i]!;
  const out = new Int32Array(n);
  let k = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i]) out[k++] = i;
  return out;
}

export function concatVecs(parts: Vec[], dt: DType): Vec {
  if ((dt === 'Int64' || dt === 'UInt64') && parts.some((p) => p.kind === 'num' && p.big)) {
    const n = parts.reduce((a, p) => a + p.v.length, 0);
    const big = dt === 'UInt64' ? new BigUint64Array(n) : new BigInt64Array(n);
    const valid = new Uint8Array(n).fill(1);
    let at = 0;
    for (const p of parts) {
      const m = p.v.length;
      if (p.kind === 'num') (big as BigInt64Array).set(exactInts(p, dt === 'UInt64') as BigInt64Array, at);
      for (let i = 0; i < m; i++) if (isNull(p, i)) valid[at + i] = 0;
      at += m;
    }
    return int64Vec(dt, big, valid.includes(0) ? valid : null);
  }
  const values: unknown[] = [];
  for (const p of parts) for (let i = 0; i < p.v.length; i++) values.push(getValue(p, i));
  if (parts[0]?.kind === 'ts' && TS_TYPES[dt]) return fromValues(dt, values);
  return fromValues(dt, values);
}

export function range(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

/** A decimal vector from values some of which are exact text (exactValue's answer beyond a double) or unscaled. */
function exactDecimals(dt: DType, values: unknown[]): NumVec {
  const s = Number(/,\s*(-?\d+)\)$/.exec(dt)?.[1] ?? 0);
  const n = values.length;
  const out = numVec(dt, n);
  const dec = new Array<bigint | null>(n);
  for (let i = 0; i < n; i++) {
    const x = values[i];
    if (x === null || x === undefined) { setNull(out, i); dec[i] = null; continue; }
    const u = parseUnscaled(typeof x === 'number' ? doubleDecimalText(x, s) : String(x), s) ?? 0n;
    dec[i] = u;
    out.v[i] = Number(decimalTextOf(u, dt));
  }
  out.dec = dec;
  return out;
}
