// Arithmetic kernels (+ - * / % and bitwise) over numbers, timestamps and intervals. Integers wrap on overflow
// as DataFusion's wrapping kernels do; Int64/UInt64 results beyond 2^53 are computed exactly (rare path).
import { ArithmeticError, StatusCode } from '../../errors.ts';
import type { BinaryOp, SourcePos } from '../../sql/index.ts';
import { PlanError } from '../plan/rel.ts';
import type { DType, Interval, NumVec, TsVec, Vec } from '../vector.ts';
import { FLOAT_TYPES, INT_TYPES, TIME_TYPES, UNIT_NS, exactInts, fromValues, int64Vec, isNull, nullVec, numVec, setNull, tsVec } from '../vector.ts';
import { castTo } from './cast.ts';
import { arrowTypeName } from './cast_matrix.ts';
import { NS_PER_DAY } from './time_of_day.ts';
import { DURATION_NAME, addInterval, isIntervalLike } from './time.ts';
import { asDecimal, decimalOf, decimalResultType, isDecimal, roundScale } from './decimal.ts';
import { decimalArithExact, needsExact } from './decimal_exact.ts';

/** A decimal with a decimal or an integer: DataFusion's result precision and scale, the result rounded to that scale. */
function decimalArith(op: BinaryOp, x: NumVec, y: NumVec, n: number, pos: SourcePos): Vec {
  const dx = asDecimal(x.dt), dy = asDecimal(y.dt);
  if (!dx || !dy || !['+', '-', '*', '/', '%'].includes(op)) throw noCoercion(op, x.dt, y.dt, pos);
  const dt = decimalResultType(op, dx, dy, pos);
  const s = decimalOf(dt)!.s;
  if (needsExact(dt, x, y) || dx.p > 15 || dy.p > 15) return decimalArithExact(op, x, y, dx.s, dy.s, dt, s, n, pos);
  const out = numVec(dt, n);
  for (let i = 0; i < n; i++) {
    if (isNull(x, i) || isNull(y, i)) { setNull(out, i); continue; }
    const a = x.v[i]!, b = y.v[i]!;
    if ((op === '/' || op === '%') && b === 0) throw new ArithmeticError('Arrow error: Divide by zero error', pos);
    const r = op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : op === '/' ? a / b : a % b;
    // division truncates at the result scale, as Arrow's decimal division does; the others are exact at it
    out.v[i] = op === '/' ? Math.trunc(Number((r * 10 ** s).toPrecision(15))) / 10 ** s : roundScale(r, s);
  }
  return out;
}

/** 2^53, as a local constant: an imported binding costs a hole check per use in hot loops. */
const SAFE_LIMIT = 9007199254740992;

const INT_RANK: Record<string, number> = { Int8: 1, Int16: 2, Int32: 3, Int64: 4, UInt8: 1, UInt16: 2, UInt32: 3, UInt64: 4 };
export function numResultType(a: DType, b: DType): DType {
  // DataFusion's numeric coercion: Float64 wins (a decimal meeting a float too), then Float32 (with any integer)
  if (a === 'Float64' || b === 'Float64' || isDecimal(a) || isDecimal(b)) return 'Float64';
  if (a === 'Float32' || b === 'Float32') return 'Float32';
  const ua = a.startsWith('U'), ub = b.startsWith('U');
  const r = Math.max(INT_RANK[a] ?? 4, INT_RANK[b] ?? 4);
  if (ua && ub) return ['', 'UInt8', 'UInt16', 'UInt32', 'UInt64'][r]!;
  if (!ua && !ub) return ['', 'Int8', 'Int16', 'Int32', 'Int64'][r]!;
  // signed meets unsigned: the narrowest signed type holding both (UInt8 with Int8 is Int16), as DataFusion coerces;
  // UInt64 with a signed type stays Int64
  const ru = ua ? INT_RANK[a] ?? 4 : INT_RANK[b] ?? 4, rs = ua ? INT_RANK[b] ?? 4 : INT_RANK[a] ?? 4;
  return ['', 'Int8', 'Int16', 'Int32', 'Int64'][Math.min(4, Math.max(rs, ru + 1))]!;
}

export function negate(v: Vec, pos: SourcePos): Vec {
  if (v.kind === 'num') {
    const n = v.v.length;
    if (v.big && v.dt === 'Int64') {
      // exact values beyond 2^53: -MIN wraps to MIN, as i64::wrapping_neg does
      const src = v.big, out = new BigInt64Array(n);
      for (let i = 0; i < n; i++) out[i] = BigInt.asIntN(64, -src[i]!);
      return int64Vec('Int64', out, v.valid);
    }
    const out = numVec(v.dt, n);
    for (let i = 0; i < n; i++) out.v[i] = -v.v[i]!;
    out.valid = v.valid;
    if (v.dec) out.dec = v.dec.map((u) => (u === null ? null : -u));
    return out;
  }
  if (v.dt === 'Null') return v;
  if (isIntervalLike(v.dt)) return { kind: 'any', dt: v.dt, v: (v.v as unknown[]).map((x) => (x ? negInterval(x as Interval) : null)) };
  throw new PlanError(`Negation only supports numeric types, got ${v.dt}`, pos);
}

function negInterval(iv: Interval): Interval {
  return { months: -iv.months, days: -iv.days, nanos: -iv.nanos };
}

/** Arithmetic on timestamps and intervals; null when neither side is one. */
function temporal(op: BinaryOp, a: Vec, b: Vec, pos: SourcePos): Vec | null {
  const n = a.v.length;
  if (a.kind === 'ts' && isIntervalLike(b.dt) && (op === '+' || op === '-')) {
    const out = tsVec(a.unit, n);
    out.dt = a.dt;
    for (let i = 0; i < n; i++) {
      if (isNull(a, i) || isNull(b, i)) { setNull(out, i); continue; }
      const iv = b.v[i] as Interval;
      // a time of day moves by the interval's sub-day part and wraps around midnight, as PostgreSQL's time + interval
      if (TIME_TYPES[a.dt]) {
        const x = ((((a.v[i]! + (op === '+' ? iv.nanos : -iv.nanos)) % NS_PER_DAY) + NS_PER_DAY) % NS_PER_DAY);
        out.v[i] = (x / UNIT_NS[a.unit]) * UNIT_NS[a.unit];
        continue;
      }
      // a date moves by whole months and days: the sub-day part of the interval does not carry it to another day
      out.v[i] = addInterval(a.v[i]!, a.dt === 'Date' ? { months: iv.months, days: iv.days, nanos: 0n } : iv, op === '+' ? 1 : -1);
    }
    return out;
  }
  if (b.kind === 'ts' && isIntervalLike(a.dt) && op === '+') return arith(op, b, a, pos);
  if (a.kind === 'ts' && b.kind === 'ts' && op === '-') {
    if ((TIME_TYPES[a.dt] === undefined) !== (TIME_TYPES[b.dt] === undefined)) {
      throw new PlanError(`Cannot get result type for temporal operation ${arrowTypeName(a.dt)} - ${arrowTypeName(b.dt)}`, pos, StatusCode.InvalidArguments);
    }
    // a Duration in the finer of the two units (a date counts as milliseconds), as Arrow subtracts timestamps
    const v = new Array(n);
    for (let i = 0; i < n; i++) v[i] = isNull(a, i) || isNull(b, i) ? null : { months: 0, days: 0, nanos: a.v[i]! - (b.v[i] as bigint) };
    const unit = (x: TsVec) => (x.dt === 'Date' ? 'ms' : x.unit);
    return { kind: 'any', dt: DURATION_NAME[UNIT_NS[unit(a)] < UNIT_NS[unit(b)] ? unit(a) : unit(b)], v };
  }
  if (isIntervalLike(a.dt) && isIntervalLike(b.dt) && (op === '+' || op === '-')) {
    const sgn = op === '+' ? 1 : -1;
    const v = new Array(n);
    for (let i = 0; i < n; i++) {
      const x = a.v[i] as Interval | null, y = b.v[i] as Interval | null;
      v[i] = x && y ? { months: x.months + sgn * y.months, days: x.days + sgn * y.days, nanos: x.nanos + BigInt(sgn) * y.nanos } : null;
    }
    return { kind: 'any', dt: a.dt === b.dt ? a.dt : 'IntervalMonthDayNano', v };
  }
  if (isIntervalLike(a.dt) && b.kind === 'num' && (op === '*' || op === '/')) {
    const v = new Array(n);
    for (let i = 0; i < n; i++) {
      const x = a.v[i] as Interval | null;
      const k = op === '*' ? b.v[i]! : 1 / b.v[i]!;
      v[i] = x && !isNull(b, i) ? { months: x.months * k, days: x.days * k, nanos: BigInt(Math.round(Number(x.nanos) * k)) } : null;
    }
    return { kind: 'any', dt: a.dt, v };
  }
  if (isIntervalLike(b.dt) && a.kind === 'num' && op === '*') return arith(op, b, a, pos);
  return null;
}

export function arith(op: BinaryOp, a: Vec, b: Vec, pos: SourcePos): Vec {
  const n = a.v.length;
  if (a.dt === 'Null' || b.dt === 'Null') {
    const other = a.dt === 'Null' ? b : a;
    return other.dt === 'Null' ? nullVec(n) : fromValues(other.dt === 'String' ? 'Null' : other.dt, new Array(n).fill(null));
  }
  const t = temporal(op, a, b, pos);
  if (t) return t;
  const x = a.kind === 'num' ? a : a.kind === 'str' ? (castTo(a, 'Float64', false, pos) as NumVec) : null;
  const y = b.kind === 'num' ? b : b.kind === 'str' ? (castTo(b, 'Float64', false, pos) as NumVec) : null;
  if (!x || !y) throw noCoercion(op, a.dt, b.dt, pos);
  if ((isDecimal(x.dt) || isDecimal(y.dt)) && !FLOAT_TYPES.has(x.dt) && !FLOAT_TYPES.has(y.dt)) return decimalArith(op, x, y, n, pos);
  const dt = numResultType(x.dt, y.dt);
  const wide = dt === 'Int64' || dt === 'UInt64';
  let valid: Uint8Array | null = null;
  if (x.valid || y.valid) {
    valid = new Uint8Array(n);
    for (let i = 0; i < n; i++) valid[i] = (x.valid ? x.valid[i]! : 1) & (y.valid ? y.valid[i]! : 1);
  }
  if (wide && (x.big || y.big || BITWISE.has(op))) return arithExact(op, x, y, dt, n, valid, pos);
  const isInt = INT_TYPES.has(dt);
  const out = numVec(dt, n);
  const xv = x.v, yv = y.v, ov = out.v;
  // MIN / -1 and MIN % -1 of a signed type have no answer in it: Arrow's checked div and rem refuse them (Int64's in arithExact)
  const signedMin = SIGNED_MIN[dt] ?? NaN;
  let hi = 0, lo = 0;
  switch (op) {
    // Int64/UInt64: the loop also tracks the result range (in the same pass, so memory is read once)
    case '+':
      if (wide) for (let i = 0; i < n; i++) { const r = xv[i]! + yv[i]!; ov[i] = r; if (r > hi) hi = r; else if (r < lo) lo = r; }
      else for (let i = 0; i < n; i++) ov[i] = xv[i]! + yv[i]!;
      break;
    case '-':
      if (wide) for (let i = 0; i < n; i++) { const r = xv[i]! - yv[i]!; ov[i] = r; if (r > hi) hi = r; else if (r < lo) lo = r; }
      else for (let i = 0; i < n; i++) ov[i] = xv[i]! - yv[i]!;
      break;
    case '*':
      // 32-bit and narrower ints: imul gives the exact low word that wrapping keeps
      if (isInt && !wide) for (let i = 0; i < n; i++) ov[i] = Math.imul(xv[i]!, yv[i]!);
      else if (wide) for (let i = 0; i < n; i++) { const r = xv[i]! * yv[i]!; ov[i] = r; if (r > hi) hi = r; else if (r < lo) lo = r; }
      else for (let i = 0; i < n; i++) ov[i] = xv[i]! * yv[i]!;
      break;
    case '/':
      if (isInt) {
        for (let i = 0; i < n; i++) {
          if (valid && !valid[i]) continue;
          if (yv[i] === 0) throw new ArithmeticError('Arrow error: Divide by zero error', pos);
          if (yv[i] === -1 && xv[i] === signedMin) throw narrowOverflow(xv[i]!, op, pos);
          ov[i] = Math.trunc(xv[i]! / yv[i]!);
        }
      } else for (let i = 0; i < n; i++) ov[i] = xv[i]! / yv[i]!;
      break;
    case '%':
      if (isInt) {
        for (let i = 0; i < n; i++) {
          if (valid && !valid[i]) continue;
          if (yv[i] === 0) throw new ArithmeticError('Arrow error: Divide by zero error', pos);
          if (yv[i] === -1 && xv[i] === signedMin) throw narrowOverflow(xv[i]!, op, pos);
          ov[i] = xv[i]! % yv[i]!;
        }
      } else for (let i = 0; i < n; i++) ov[i] = xv[i]! % yv[i]!;
      break;
    case '&': case '|': case '^': case '#': case '<<': case '>>':
      if (!isInt) throw noCoercion(op, x.dt, y.dt, pos);
      bitwise32(op, xv, yv, ov);
      break;
    default: throw new PlanError(`Unsupported operator ${op}`, pos, StatusCode.Unsupported);
  }
  if (wide) {
    // a result of 2^53 or beyond (or a negative UInt64) is redone exactly, with 64-bit wrapping (values under nulls
    // count too: at worst they send a column down the exact path needlessly). 2^53 itself counts: a double result
    // of +-2^53 may be +-(2^53 + 1) rounded. / and % of values within 2^53 stay within it.
    if (hi >= SAFE_LIMIT || lo < (dt === 'UInt64' ? 0 : -SAFE_LIMIT + 1)) return arithExact(op, x, y, dt, n, valid, pos);
  } else if (isInt) wrapNarrow(dt, ov);
  else if (dt === 'Float32') for (let i = 0; i < n; i++) ov[i] = Math.fround(ov[i]!);
  out.valid = valid;
  return out;
}

const BITWISE = new Set(['&', '|', '^', '#', '<<', '>>']);

/** Operands no arithmetic kernel takes, refused at planning in DataFusion's words (types in Arrow's spelling). */
function noCoercion(op: BinaryOp, a: DType, b: DType, pos?: SourcePos): PlanError {
  return new PlanError(`Cannot coerce arithmetic expression ${arrowTypeName(a)} ${op} ${arrowTypeName(b)} to valid types`, pos);
}

/** The least value of each narrow signed integer type. */
const SIGNED_MIN: Record<string, number> = { Int8: -128, Int16: -32768, Int32: -2147483648 };

function narrowOverflow(x: number, op: BinaryOp, pos?: SourcePos): ArithmeticError {
  return new ArithmeticError(`Arrow error: Arithmetic overflow: Overflow happened on: ${x} ${op} -1`, pos);
}

/** Bitwise ops on ints of 32 bits or less: JS's int32 operators are those ops. */
function bitwise32(op: BinaryOp, xv: Float64Array, yv: Float64Array, ov: Float64Array): void {
  const n = ov.length;
  switch (op) {
    case '&': for (let i = 0; i < n; i++) ov[i] = xv[i]! & yv[i]!; break;
    case '|': for (let i = 0; i < n; i++) ov[i] = xv[i]! | yv[i]!; break;
    case '<<': for (let i = 0; i < n; i++) ov[i] = xv[i]! << yv[i]!; break;
    case '>>': for (let i = 0; i < n; i++) ov[i] = xv[i]! >> yv[i]!; break;
    default: for (let i = 0; i < n; i++) ov[i] = xv[i]! ^ yv[i]!;
  }
}

/** Fixed-width wrapping of 8/16/32-bit results (ToInt32 of an integral double is exact modulo 2^32). */
function wrapNarrow(dt: DType, ov: Float64Array): void {
  const n = ov.length;
  switch (dt) {
    case 'Int32': for (let i = 0; i < n; i++) ov[i] = ov[i]! | 0; break;
    case 'Int16': for (let i = 0; i < n; i++) ov[i] = (ov[i]! << 16) >> 16; break;
    case 'Int8': for (let i = 0; i < n; i++) ov[i] = (ov[i]! << 24) >> 24; break;
    case 'UInt32': for (let i = 0; i < n; i++) ov[i] = ov[i]! >>> 0; break;
    case 'UInt16': for (let i = 0; i < n; i++) ov[i] = ov[i]! & 0xffff; break;
    case 'UInt8': for (let i = 0; i < n; i++) ov[i] = ov[i]! & 0xff; break;
  }
}

/**
 * Int64/UInt64 arithmetic on exact values, wrapping modulo 2^64 as DataFusion's +, -, * do; division by zero
 * and MIN / -1 fail as arrow's checked division does. BigInt per element: only taken when a value or a
 * result lies beyond 2^53, or for bitwise ops on 64-bit ints.
 */
function arithExact(op: BinaryOp, x: NumVec, y: NumVec, dt: DType, n: number, valid: Uint8Array | null, pos: SourcePos): NumVec {
  const unsigned = dt === 'UInt64';
  const wrap = unsigned ? (v: bigint) => BigInt.asUintN(64, v) : (v: bigint) => BigInt.asIntN(64, v);
  const X = exactInts(x, x.dt === 'UInt64'), Y = exactInts(y, y.dt === 'UInt64');
  const out = unsigned ? new BigUint64Array(n) : new BigInt64Array(n);
  for (let i = 0; i < n; i++) {
    if (valid !== null && valid[i] === 0) continue;
    const a = X[i]!, b = Y[i]!;
    let r: bigint;
    switch (op) {
      case '+': r = a + b; break;
      case '-': r = a - b; break;
      case '*': r = a * b; break;
      case '/': case '%':
        if (b === 0n) throw new ArithmeticError('Arrow error: Divide by zero error', pos);
        if (!unsigned && b === -1n && a === -9223372036854775808n) {
          throw new ArithmeticError(`Arrow error: Arithmetic overflow: Overflow happened on: ${a} ${op} ${b}`, pos);
        }
        r = op === '/' ? a / b : a % b;
        break;
      case '&': r = a & b; break;
      case '|': r = a | b; break;
      case '^': case '#': r = a ^ b; break;
      // shifts take the amount modulo 64, as wrapping_shl / wrapping_shr do
      case '<<': r = a << (b & 63n); break;
      case '>>': r = a >> (b & 63n); break;
      default: throw new PlanError(`Unsupported operator ${op}`, pos, StatusCode.Unsupported);
    }
    out[i] = wrap(r);
  }
  return int64Vec(dt, out, valid);
}
