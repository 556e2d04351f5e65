// Comparison kernels (=, <>, <, <=, >, >=) over typed arrays, exact for 64-bit integers beyond 2^53.
import type { SourcePos } from '../../sql/index.ts';
import type { BoolVec, Interval, NumVec, Vec } from '../vector.ts';
import { FLOAT_TYPES, INT_TYPES, TIME_TYPES, TS_NAME, UNIT_NS, boolVec, isNull, setNull } from '../vector.ts';
import { hiLo } from '../int64.ts';
import { castTo } from './cast.ts';
import { arrowTypeName } from './cast_matrix.ts';
import { CastError } from '../../errors.ts';
import { isIntervalLike } from './time.ts';
import { asDecimal, isDecimal } from './decimal.ts';
import { pow10, unscaledAt } from './decimal_exact.ts';

export const CMP_OPS = new Set(['=', '!=', '<>', '<', '<=', '>', '>=']);
const FLIP: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

/**
 * Brings two operands to comparable representations (timestamps vs strings or numbers, numbers vs strings). Join keys
 * and IN-subquery values meet through it too, so an equi-join matches exactly the pairs `=` finds equal.
 */
export function alignForCompare(a: Vec, b: Vec, pos: SourcePos): [Vec, Vec] {
  // a time of day meets another at any unit (both hold nanoseconds since midnight), but never an instant or a date
  const at = TIME_TYPES[a.dt] !== undefined, bt = TIME_TYPES[b.dt] !== undefined;
  if (at !== bt && a.kind === 'ts' && b.kind === 'ts') {
    throw new CastError(`Cannot infer common argument type for comparison operation ${arrowTypeName(a.dt)} and ${arrowTypeName(b.dt)}`, pos);
  }
  if (at && bt) return [a, b];
  // timestamps of two units meet in the coarser one, the finer truncated (DataFusion's coercion): 11.1 s = 11 s
  if (a.kind === 'ts' && b.kind === 'ts' && a.unit !== b.unit && a.dt !== 'Date' && b.dt !== 'Date') {
    const unit = UNIT_NS[a.unit] > UNIT_NS[b.unit] ? a.unit : b.unit;
    return [toTs(a, TS_NAME[unit], pos), toTs(b, TS_NAME[unit], pos)];
  }
  // text meets a timestamp as the instant it writes, to the nanosecond (GreptimeDB reads the literal at its own
  // precision: a TIMESTAMP(3) of 03:50:00 is before '03:50:00.000000195'); a number counts units of the timestamp
  if (a.kind === 'ts' && b.kind !== 'ts') return [a, toTs(b, otherSide(a, b), pos)];
  if (b.kind === 'ts' && a.kind !== 'ts') return [toTs(a, otherSide(b, a), pos), b];
  // text meets a decimal as a decimal of that type (its every digit), any other number as a Float64
  if (a.kind === 'num' && b.kind === 'str') return [a, castTo(b, isDecimal(a.dt) ? a.dt : 'Float64', false, pos)];
  if (b.kind === 'num' && a.kind === 'str') return [castTo(a, isDecimal(b.dt) ? b.dt : 'Float64', false, pos), b];
  if (a.kind === 'bool' && b.kind === 'str') return [a, castTo(b, 'Boolean', false, pos)];
  if (b.kind === 'bool' && a.kind === 'str') return [castTo(a, 'Boolean', false, pos), b];
  // text meets bytes as its UTF-8 bytes (both hex, compared as text: hex order is byte order)
  if (a.dt === 'Binary' && b.dt === 'String') return [a, castTo(b, 'Binary', false, pos)];
  if (b.dt === 'Binary' && a.dt === 'String') return [castTo(a, 'Binary', false, pos), b];
  // text meets a vector as a vector of the same dimension ('[1, 2]' = '[1,2]')
  if (a.dt.startsWith('Vector(') && b.dt === 'String') return [a, castTo(b, a.dt, false, pos)];
  if (b.dt.startsWith('Vector(') && a.dt === 'String') return [castTo(a, b.dt, false, pos), b];
  return [a, b];
}

/** The type the other side of a comparison with the timestamp (or date) `t` is read as. */
function otherSide(t: Vec & { kind: 'ts' }, v: Vec): string {
  if (t.dt === 'Date') return 'Date';
  // text meets a time of day to the nanosecond ('10:00:00.5'), a number counts its units
  if (TIME_TYPES[t.dt]) return v.kind === 'str' ? 'TimeNanosecond' : t.dt;
  return v.kind === 'str' ? 'TimestampNanosecond' : TS_NAME[t.unit];
}

/** The other side of a comparison with a timestamp (or a date: text meets it as a calendar day) as one. */
function toTs(v: Vec, dt: string, pos: SourcePos): Vec {
  if (v.dt === 'Null') return v;
  return castTo(v, dt, false, pos);
}

function opCode(op: string): number {
  return op === '=' ? 0 : op === '!=' || op === '<>' ? 1 : op === '<' ? 2 : op === '<=' ? 3 : op === '>' ? 4 : 5;
}

export function compare(op: string, a0: Vec, b0: Vec, pos: SourcePos): BoolVec {
  return compareWith(op, a0, b0, pos, false, false, a0.v.length);
}

/**
 * compare() where a side may be a one-row constant (aConst / bConst) standing for n equal rows:
 * the constant is cast once and read at index 0.
 */
export function compareWith(op: string, a0: Vec, b0: Vec, pos: SourcePos, aConst: boolean, bConst: boolean, n: number): BoolVec {
  if (aConst && !bConst) return compareWith(FLIP[op] ?? op, b0, a0, pos, false, true, n);
  const [a, b] = alignForCompare(a0, b0, pos);
  const out = boolVec(n);
  if (a.dt === 'Null' || b.dt === 'Null') { for (let i = 0; i < n; i++) setNull(out, i); return out; }
  const code = opCode(op);
  if (a.kind === 'num' && b.kind === 'num' && (a.big || b.big) && INT_TYPES.has(a.dt) && INT_TYPES.has(b.dt)) {
    return compareExact(code, a, b, aConst, bConst, n, out);
  }
  if (a.kind === 'num' && b.kind === 'num' && (a.dec || b.dec) && asDecimal(a.dt) && asDecimal(b.dt)) return compareDecimals(code, a, b, aConst, bConst, n, out);
  const av = a.v as ArrayLike<unknown>, bv = b.v as ArrayLike<unknown>;
  const iv = isIntervalLike(a.dt);
  if (!aConst && bConst && !iv && (a.kind === 'num' || a.kind === 'ts') && a.kind === b.kind) {
    // column vs constant over typed arrays
    if (isNull(b, 0)) { for (let i = 0; i < n; i++) setNull(out, i); return out; }
    const xs = a.v as ArrayLike<number | bigint>, y = b.v[0] as number | bigint, valid = a.valid, ov = out.v;
    switch (code) {
      case 0: for (let i = 0; i < n; i++) ov[i] = xs[i] === y ? 1 : 0; break;
      case 1: for (let i = 0; i < n; i++) ov[i] = xs[i] !== y ? 1 : 0; break;
      case 2: for (let i = 0; i < n; i++) ov[i] = xs[i]! < y ? 1 : 0; break;
      case 3: for (let i = 0; i < n; i++) ov[i] = xs[i]! <= y ? 1 : 0; break;
      case 4: for (let i = 0; i < n; i++) ov[i] = xs[i]! > y ? 1 : 0; break;
      default: for (let i = 0; i < n; i++) ov[i] = xs[i]! >= y ? 1 : 0;
    }
    if (valid) { for (let i = 0; i < n; i++) if (valid[i] === 0) ov[i] = 0; out.valid = valid.slice(); }
    return a.kind === 'num' && (FLOAT_TYPES.has(a.dt) || FLOAT_TYPES.has(b.dt)) ? nanTotalOrder(code, a, b as NumVec, false, true, n, out) : out;
  }
  for (let i = 0; i < n; i++) {
    const ai = aConst ? 0 : i, bi = bConst ? 0 : i;
    if (isNull(a, ai) || isNull(b, bi)) { setNull(out, i); continue; }
    let x = av[ai] as number | string | bigint, y = bv[bi] as number | string | bigint;
    if (iv) { x = intervalKey(x as unknown as Interval); y = intervalKey(y as unknown as Interval); }
    let r: boolean;
    switch (code) {
      case 0: r = x === y; break;
      case 1: r = x !== y; break;
      case 2: r = x < y; break;
      case 3: r = x <= y; break;
      case 4: r = x > y; break;
      default: r = x >= y;
    }
    out.v[i] = r ? 1 : 0;
  }
  return a.kind === 'num' && b.kind === 'num' && (FLOAT_TYPES.has(a.dt) || FLOAT_TYPES.has(b.dt)) ? nanTotalOrder(code, a, b, aConst, bConst, n, out) : out;
}

/**
 * Floats compare by IEEE total order, as Arrow's kernels do: NaN equals NaN and is greater than every other
 * value, infinity included. The plain comparison above is right for every row without a NaN; those are redone.
 */
function nanTotalOrder(code: number, a: NumVec, b: NumVec, aConst: boolean, bConst: boolean, n: number, out: BoolVec): BoolVec {
  const xs = a.v, ys = b.v;
  for (let i = 0; i < n; i++) {
    const x = xs[aConst ? 0 : i]!, y = ys[bConst ? 0 : i]!;
    if (x === x && y === y) continue;
    if (out.valid && out.valid[i] === 0) continue;
    const c = x !== x ? (y !== y ? 0 : 1) : -1;
    out.v[i] = test(code, c) ? 1 : 0;
  }
  return out;
}

function test(code: number, c: number): boolean {
  switch (code) {
    case 0: return c === 0;
    case 1: return c !== 0;
    case 2: return c < 0;
    case 3: return c <= 0;
    case 4: return c > 0;
    default: return c >= 0;
  }
}

/**
 * Integers where a side holds values beyond 2^53: compared as (high word, low word) pairs, the high word
 * signed for Int64 and unsigned for UInt64, so Int64 against UInt64 also orders right. No BigInt per row.
 */
function compareExact(code: number, a: NumVec, b: NumVec, aConst: boolean, bConst: boolean, n: number, out: BoolVec): BoolVec {
  const na = aConst ? 1 : n, nb = bConst ? 1 : n;
  const x = hiLo(a.big, a.v, na), y = hiLo(b.big, b.v, nb);
  for (let i = 0; i < n; i++) {
    const ai = aConst ? 0 : i, bi = bConst ? 0 : i;
    if (isNull(a, ai) || isNull(b, bi)) { setNull(out, i); continue; }
    const ha = x.hi[ai]!, hb = y.hi[bi]!;
    let c: number;
    if (ha !== hb) c = ha < hb ? -1 : 1;
    else { const la = x.lo[ai]!, lb = y.lo[bi]!; c = la === lb ? 0 : la < lb ? -1 : 1; }
    out.v[i] = test(code, c) ? 1 : 0;
  }
  return out;
}

/**
 * A wide decimal (one carrying its unscaled integers) against a decimal or an integer: both brought to the larger
 * scale and compared as integers, so values that differ past a double's 15 digits stay apart.
 */
function compareDecimals(code: number, a: NumVec, b: NumVec, aConst: boolean, bConst: boolean, n: number, out: BoolVec): BoolVec {
  const sa = asDecimal(a.dt)!.s, sb = asDecimal(b.dt)!.s, s = Math.max(sa, sb);
  for (let i = 0; i < n; i++) {
    const ai = aConst ? 0 : i, bi = bConst ? 0 : i;
    if (isNull(a, ai) || isNull(b, bi)) { setNull(out, i); continue; }
    const x = unscaledAt(a, ai, sa) * pow10(s - sa), y = unscaledAt(b, bi, sb) * pow10(s - sb);
    out.v[i] = test(code, x === y ? 0 : x < y ? -1 : 1) ? 1 : 0;
  }
  return out;
}

export function intervalKey(iv: Interval | number): bigint {
  if (typeof iv !== 'object') return BigInt(iv); // a duration held as a count of its unit
  return BigInt(iv.months) * 30n * 86_400_000_000_000n + BigInt(iv.days) * 86_400_000_000_000n + iv.nanos;
}
