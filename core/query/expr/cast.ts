// Casts between vector types (CAST, ::, TRY_CAST, implicit coercion), exact for 64-bit integers and timestamps.
import { CastError, ExecError, OutOfRangeError, StatusCode } from '../../errors.ts';
import type { SqlType as DataType, SourcePos } from '../../sql/index.ts';
import { PlanError } from '../plan/rel.ts';
import type { DType, Interval, NumVec, StrVec, TsVec, Vec } from '../vector.ts';
import { FLOAT_TYPES, INT_TYPES, TIME_NAME, TIME_TYPES, TS_NAME, TS_TYPES, UNIT_NS, boolVec, fromValues, getValue, int64Vec, isNull, listVec, numVec, setNull, strVec, tsVec, typeOf } from '../vector.ts';
import { castToTime, formatTimeOfDay } from './time_of_day.ts';
import { setWords, uwords, words } from '../int64.ts';
import { jsonAsText } from './fn_json.ts';
import { nonFiniteText } from '../output/digits.ts';
import { floorDiv, formatTimestamp, intervalLikeText, isIntervalLike, nsToUnit, parseInterval, parseTimestampNs, timestampParseError, tsInRange, tsRangeText } from './time.ts';
import { wallToUtcNs } from './timezone.ts';
import { MAX_PRECISION, decimalOf, decimalType, formatDecimal, toDecimal } from './decimal.ts';
import { castDecimalExact, decimalText } from './decimal_exact.ts';
import { binaryAsText, castToBinary } from './bytes.ts';
import { castToJson, type Fail } from './cast_json.ts';
import { castToVector, vectorDim } from './fn_vector.ts';
import { arrowTypeName, refusedCast } from './cast_matrix.ts';
import { elementType, nestedText } from './map_value.ts';
import { listElem, listType } from '../nested_type.ts';
import { formatNumber } from './number_text.ts';

/** 2^53, as a local constant: an imported binding costs a hole check per use in hot loops. */
const SAFE_LIMIT = 9007199254740992;

/** Inclusive value range of each integer type, for casts that must fail rather than wrap. */
const INT_RANGE: Record<string, [number, number]> = {
  Int8: [-128, 127], Int16: [-32768, 32767], Int32: [-2147483648, 2147483647],
  UInt8: [0, 255], UInt16: [0, 65535], UInt32: [0, 4294967295],
  // as doubles: 2^63 and 2^64 themselves are out of range (checked with >=)
  Int64: [-9223372036854775808, 9223372036854775808], UInt64: [0, 18446744073709551616],
};

export function sqlTypeToDt(t: DataType, pos?: SourcePos): DType {
  // INT[]: a list of the element type
  if (t.array) return listType(sqlTypeToDt({ ...t, array: false }, pos));
  const name = t.name.toUpperCase();
  switch (name) {
    case 'INT8': case 'TINYINT': return 'Int8';
    case 'INT16': case 'SMALLINT': return 'Int16';
    case 'INT32': case 'INT': case 'INTEGER': return 'Int32';
    case 'INT64': case 'BIGINT': return 'Int64';
    case 'UINT8': return 'UInt8';
    case 'UINT16': return 'UInt16';
    case 'UINT32': return 'UInt32';
    case 'UINT64': return 'UInt64';
    case 'FLOAT32': case 'FLOAT': case 'REAL': return 'Float32';
    case 'FLOAT64': case 'DOUBLE': return 'Float64';
    case 'DECIMAL': case 'NUMERIC': {
      // DECIMAL alone is Decimal128(38, 10), DECIMAL(p) has scale 0, as DataFusion reads them
      const [prec = 38, scale = t.args?.length ? 0 : 10] = t.args ?? [];
      if (prec < 1 || prec > MAX_PRECISION || scale > prec) throw new PlanError(`Decimal(precision = ${prec}, scale = ${scale}) should satisfy \`0 < precision <= 38\`, and \`scale <= precision\`.`, pos ?? t.pos, StatusCode.InvalidArguments);
      return decimalType(prec, scale);
    }
    case 'STRING': case 'VARCHAR': case 'TEXT': case 'CHAR': case 'UTF8': return 'String';
    case 'BINARY': case 'VARBINARY': case 'BYTEA': case 'BLOB': return 'Binary';
    case 'JSON': return 'Json';
    case 'VECTOR': {
      const dim = t.args?.[0];
      if (t.args?.length !== 1 || !Number.isInteger(dim) || dim! < 1) throw new PlanError(`VECTOR needs one positive integer dimension, as VECTOR(3)${t.args ? `, got ${t.raw}` : ''}`, pos ?? t.pos, StatusCode.InvalidArguments);
      return `Vector(${dim})`;
    }
    case 'BOOLEAN': case 'BOOL': return 'Boolean';
    case 'TIMESTAMP': case 'DATETIME': {
      const p = t.precision ?? (name === 'DATETIME' ? 6 : 3);
      return TS_NAME[p === 0 ? 's' : p <= 3 ? 'ms' : p <= 6 ? 'us' : 'ns'];
    }
    case 'TIMESTAMPSECOND': case 'TIMESTAMP_S': case 'TIMESTAMP_SEC': return 'TimestampSecond';
    case 'TIMESTAMPMILLISECOND': case 'TIMESTAMP_MS': return 'TimestampMillisecond';
    case 'TIMESTAMPMICROSECOND': case 'TIMESTAMP_US': return 'TimestampMicrosecond';
    case 'TIMESTAMPNANOSECOND': case 'TIMESTAMP_NS': return 'TimestampNanosecond';
    case 'DATE': return 'Date';
    // TIME(0/3/6/9) in its unit; a TIME column without one holds milliseconds, as GreptimeDB's TIME
    case 'TIME': {
      const p = t.args?.[0] ?? 3;
      return TIME_NAME[p === 0 ? 's' : p <= 3 ? 'ms' : p <= 6 ? 'us' : 'ns'];
    }
    case 'INTERVAL': return 'IntervalMonthDayNano';
  }
  if (/^U?INT|^FLOAT|^STRING|^BOOL|^TIMESTAMP/.test(name)) {
    const m = /^(U?)INT(\d+)/.exec(name);
    if (m) return `${m[1] ? 'UInt' : 'Int'}${m[2]}`;
  }
  throw new PlanError(`Unsupported data type ${t.raw}`, pos ?? t.pos, StatusCode.InvalidSyntax);
}

export function castVec(v: Vec, t: DataType, tryCast: boolean, pos?: SourcePos): Vec {
  // CAST(x AS TIME) without a precision is DataFusion's Time64(Nanosecond): every digit of the source kept
  if (t.name.toUpperCase() === 'TIME' && !t.args?.length) return castTo(v, 'TimeNanosecond', tryCast, pos);
  return castTo(v, sqlTypeToDt(t, pos), tryCast, pos);
}

/** The type several branches (CASE, COALESCE, UNION) share. */
export function commonType(dts: DType[]): DType {
  const real = dts.filter((d) => d !== 'Null');
  if (real.length === 0) return 'Null';
  if (real.every((d) => d === real[0])) return real[0]!;
  if (real.every((d) => INT_TYPES.has(d) || FLOAT_TYPES.has(d))) return real.some((d) => FLOAT_TYPES.has(d)) ? 'Float64' : 'Int64';
  if (real.every((d) => INT_TYPES.has(d) || FLOAT_TYPES.has(d) || decimalOf(d))) {
    if (real.some((d) => FLOAT_TYPES.has(d))) return 'Float64';
    // the widest integer part and the widest scale
    const ds = real.map((d) => decimalOf(d) ?? { p: 20, s: 0 });
    const s = Math.max(...ds.map((d) => d.s)), ip = Math.max(...ds.map((d) => d.p - d.s));
    return decimalType(Math.min(MAX_PRECISION, ip + s), s);
  }
  if (real.some((d) => d === 'String')) return 'String';
  // timestamps of several units meet in the coarsest (DataFusion's coercion, as `=` compares them): a UNION of
  // TIMESTAMP(0) and TIMESTAMP(3) is TIMESTAMP(0)
  if (real.every((d) => TS_TYPES[d])) return real.reduce((a, d) => (UNIT_NS[TS_TYPES[d]!] > UNIT_NS[TS_TYPES[a]!] ? d : a));
  const ts = real.find((d) => TS_TYPES[d]);
  if (ts) return ts;
  return real[0]!;
}

export function coerceTo(v: Vec, dt: DType): Vec {
  if (v.dt === dt) return v;
  if (v.dt === 'Null') return fromValues(dt, new Array(v.v.length).fill(null));
  if ((INT_TYPES.has(dt) || FLOAT_TYPES.has(dt)) && v.kind === 'num') {
    // a widening between int types keeps the exact values; a float sees the doubles only
    if (v.big && (dt === 'Int64' || dt === 'UInt64')) return castTo(v, dt, false);
    return { kind: 'num', dt, v: v.v, valid: v.valid };
  }
  return castTo(v, dt, false);
}

/** A value as text, the way CAST(x AS STRING) renders it. */
export function displayValue(v: Vec, i: number): string {
  if (isNull(v, i)) return '';
  if (v.kind === 'num') return v.big ? String(v.big[i]) : v.dec ? decimalText(v, i, decimalOf(v.dt)?.s ?? 0) : formatNumber(v.v[i]!, v.dt);
  if (v.kind === 'ts') return v.dt === 'Date' ? formatTimestamp(v.v[i]!).slice(0, 10) : TIME_TYPES[v.dt] ? formatTimeOfDay(v.v[i]!) : formatTimestamp(v.v[i]!, v.unit);
  if (v.kind === 'bool') return v.v[i] ? 'true' : 'false';
  if (isIntervalLike(v.dt)) return intervalLikeText(v.dt, v.v[i] as Interval);
  if (v.dt === 'Struct') return structText(v.v[i] as Record<string, unknown>);
  if (v.dt === 'List') return nestedText(v.v[i], typeOf(v));
  return String(v.v[i]);
}

/** A struct as Arrow displays it: `{a: 1, b: x}`, NULL fields empty, nested lists and structs the same way. */
export function structText(o: Record<string, unknown>): string {
  return nestedText(o);
}

export { formatNumber, shortestFloat32 } from './number_text.ts';


export function castTo(v: Vec, dt: DType, tryCast: boolean, pos?: SourcePos): Vec {
  const n = v.v.length;
  if (v.dt === dt) return v;
  if (v.dt === 'Null') return dt === 'Null' ? v : fromValues(dt, new Array(n).fill(null));
  const toElem = listElem(dt);
  if (toElem !== null) return castList(v, toElem, tryCast, pos);
  // a pair of types Arrow has no cast for is refused whole, under TRY_CAST too (as DataFusion plans it)
  const refused = refusedCast(v.dt, dt);
  if (refused !== null) throw new CastError(refused, pos);
  const fail: Fail = (x) => {
    if (tryCast) return null;
    const msg = `Cannot cast ${typeof x === 'string' ? `string '${x}'` : typeof x === 'number' && !Number.isFinite(x) ? nonFiniteText(x) : String(x)} to value of ${arrowTypeName(dt)} type`;
    // a number (or an integer's digits) the target cannot hold is out of range; any other text is malformed
    throw typeof x === 'number' || typeof x === 'bigint' || (typeof x === 'string' && /^\s*[+-]?\d+\s*$/.test(x)) ? new OutOfRangeError(msg, pos) : new CastError(msg, pos);
  };
  const tsUnit = TS_TYPES[dt] ?? (dt === 'Date' ? 'ms' : undefined);
  const dec = decimalOf(dt);
  if (dec) {
    // text, wide decimals and exact inputs digit by digit (decimal_exact.ts)
    const src = v.kind === 'num' ? decimalOf(v.dt) : null;
    if (v.kind === 'str' || (v.kind === 'num' && (dec.p > 15 || (src && src.p > 15) || v.dec || v.big))) {
      const exact = castDecimalExact(v, dt, dec, tryCast, pos);
      if (exact) return exact;
    }
    // through Float64 (text and integers parse as ever), then rounded to the scale and checked against the precision
    const f = v.kind === 'num' ? v : (castToNumber(v, 'Float64', fail) as NumVec);
    const out = numVec(dt, n);
    for (let i = 0; i < n; i++) {
      if (isNull(f, i)) { setNull(out, i); continue; }
      try { out.v[i] = toDecimal(f.v[i]!, dec, pos); } catch (e) { if (tryCast) setNull(out, i); else throw e; }
    }
    return out;
  }
  if (INT_TYPES.has(dt) || FLOAT_TYPES.has(dt)) return castToNumber(v, dt, fail);
  if (TIME_TYPES[dt]) return castToTime(v, dt, tryCast, pos);
  // a time of day is no instant (Arrow has no Time -> Timestamp / Date32 cast)
  if (tsUnit && TIME_TYPES[v.dt]) throw new CastError(`Unsupported CAST from ${arrowTypeName(v.dt)} to ${arrowTypeName(dt)}`, pos);
  if (tsUnit) return castToTs(v, dt, tsUnit, fail, tryCast, pos);
  if (dt === 'Json') return castToJson(v, fail);
  if (dt === 'String' && v.dt === 'Json') return { ...(jsonAsText(v) as StrVec), dt: 'String' };
  if (dt === 'Binary') return castToBinary(v, pos);
  const dim = vectorDim(dt);
  if (dim !== undefined) return castToVector(v, dim, tryCast);
  if (dt === 'String' && v.dt === 'Binary') return binaryAsText(v, tryCast, pos);
  if (dt === 'String') {
    const out = strVec(n);
    for (let i = 0; i < n; i++) if (!isNull(v, i)) out.v[i] = displayValue(v, i);
    return out;
  }
  if (dt === 'Boolean') {
    const out = boolVec(n);
    for (let i = 0; i < n; i++) {
      if (isNull(v, i)) { setNull(out, i); continue; }
      if (v.kind === 'num') out.v[i] = v.v[i] !== 0 ? 1 : 0;
      else if (v.kind === 'str') {
        const s = v.v[i]!.trim().toLowerCase();
        if (['true', 't', '1', 'yes', 'y', 'on'].includes(s)) out.v[i] = 1;
        else if (['false', 'f', '0', 'no', 'n', 'off'].includes(s)) out.v[i] = 0;
        else if (fail(v.v[i]) === null) setNull(out, i);
      } else if (fail(v.v[i]) === null) setNull(out, i);
    }
    return out;
  }
  if (dt === 'IntervalMonthDayNano') {
    // a duration is an interval of its nanoseconds
    if (isIntervalLike(v.dt)) return { kind: 'any', dt, v: v.v } as Vec;
    const vals = new Array(n);
    for (let i = 0; i < n; i++) vals[i] = isNull(v, i) ? null : v.kind === 'str' ? parseInterval(v.v[i]!) ?? fail(v.v[i]) : fail(v.v[i]);
    return { kind: 'any', dt: 'IntervalMonthDayNano', v: vals };
  }
  throw new ExecError(`Unsupported cast from ${v.dt} to ${dt}`, pos, StatusCode.Unsupported);
}

/**
 * A list cast element by element, as Arrow casts List(a) to List(b): the elements of every row form one column of
 * their type, cast once, and are cut back into the rows' lists.
 */
function castList(v: Vec, toElem: DType, tryCast: boolean, pos?: SourcePos): Vec {
  if (v.dt !== 'List') throw new CastError(`Unsupported cast from ${arrowTypeName(v.dt)} to a list of ${arrowTypeName(toElem)}`, pos);
  const rows = v.v as (unknown[] | null)[], n = rows.length;
  const flat: unknown[] = [];
  for (let i = 0; i < n; i++) if (rows[i]) flat.push(...rows[i]!);
  const from = listElem(typeOf(v)) ?? elementType(flat);
  const cast = castTo(fromValues(from, flat), toElem, tryCast, pos);
  const out = new Array<unknown>(n);
  let at = 0;
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    if (!r) { out[i] = null; continue; }
    const xs = new Array<unknown>(r.length);
    for (let k = 0; k < r.length; k++) xs[k] = getValue(cast, at++);
    out[i] = xs;
  }
  return listVec(out, listType(toElem));
}

const NUMERIC_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$|^[+-]?(inf|infinity|nan)$/i;

function castToNumber(v: Vec, dt: DType, fail: Fail): Vec {
  const n = v.v.length;
  const isInt = INT_TYPES.has(dt);
  const wide = dt === 'Int64' || dt === 'UInt64';
  if (wide && v.kind === 'num' && v.big) return exactIntCast(v, dt, fail);
  if (wide && v.kind === 'num' && v.dec) return exactDecimalToInt(v, dt, fail);
  if (wide && v.kind === 'ts' && v.unit === 'ns' && v.dt !== 'Date') {
    // nanoseconds are int64 already: the words are the answer, no value is boxed
    const exact = new BigInt64Array(n);
    words(exact).set(words(v.v));
    const iv = int64Vec('Int64', exact, v.valid);
    if (iv.big) return exactIntCast(iv, dt, fail);
    return dt === 'Int64' ? iv : castToNumber(iv, dt, fail);
  }
  const out = numVec(dt, n);
  const range = isInt ? INT_RANGE[dt]! : null;
  // strings of more digits than a double holds, kept exact (rare: only such strings)
  let exactText: Map<number, bigint> | null = null;
  for (let i = 0; i < n; i++) {
    if (isNull(v, i)) { setNull(out, i); continue; }
    let x: number | null;
    const raw = v.v[i];
    if (v.kind === 'num' || v.kind === 'bool') x = v.v[i]!;
    else if (v.kind === 'ts') x = Number(tsInOwnUnit(v, i));
    else if (v.kind === 'str') {
      const s = String(raw).trim();
      x = s === '' || !NUMERIC_TEXT.test(s) ? fail(raw) : s.toLowerCase().includes('inf') ? (s.startsWith('-') ? -Infinity : Infinity) : Number(s);
      if (x !== null && isInt && !Number.isInteger(x)) x = fail(raw);
      if (x !== null && wide && Math.abs(x) > SAFE_LIMIT && /^[+-]?\d+$/.test(s)) {
        const b = BigInt(s);
        if (dt === 'UInt64' ? b < 0n || b > 18446744073709551615n : b < -9223372036854775808n || b > 9223372036854775807n) {
          if (fail(raw) === null) { setNull(out, i); continue; }
        }
        (exactText ??= new Map()).set(i, b);
        out.v[i] = x;
        continue;
      }
    } else x = fail(raw);
    if (x === null) { setNull(out, i); continue; }
    if (range) {
      // truncated toward zero; `+ 0` turns the -0 of Math.trunc(-0.5) into the integer 0
      x = Math.trunc(x) + 0;
      // NaN and out-of-range values fail as arrow's checked cast does
      if (!(x >= range[0]) || x > range[1] || (wide && x === range[1])) {
        // the message names the exact value (a double would print 2^63 for i64::MAX), a time in its own unit (days of a date)
        if (fail(v.kind === 'num' && v.big ? v.big[i] : v.kind === 'ts' ? tsInOwnUnit(v, i) : raw) === null) { setNull(out, i); continue; }
      }
    }
    out.v[i] = isInt ? x : dt === 'Float32' ? Math.fround(x) : x;
  }
  if (wide) {
    let big = exactText !== null;
    for (let i = 0; i < n && !big; i++) if (Math.abs(out.v[i]!) > SAFE_LIMIT) big = true;
    if (big) {
      // integral doubles beyond 2^53 (from floats or long digit strings): the exact values beside them
      const exact = dt === 'UInt64' ? new BigUint64Array(n) : new BigInt64Array(n);
      const w = uwords(exact);
      for (let i = 0; i < n; i++) {
        const x = out.v[i]!;
        if (Math.abs(x) <= SAFE_LIMIT) setWords(w, i, x);
        else exact[i] = dt === 'UInt64' ? BigInt.asUintN(64, BigInt(x)) : BigInt.asIntN(64, BigInt(x));
      }
      if (exactText) for (const [i, b] of exactText) exact[i] = b;
      return int64Vec(dt, exact, out.valid);
    }
  }
  return out;
}

/** A timestamp in the count of its own unit (what Arrow's cast to a number gives), a date in days since the epoch. */
function tsInOwnUnit(v: TsVec, i: number): bigint {
  return v.dt === 'Date' ? floorDiv(v.v[i]!, 86_400_000_000_000n) : nsToUnit(v.v[i]!, v.unit);
}

/** A wide decimal (exact unscaled values) into Int64/UInt64: truncated toward zero digit for digit, never through a double. */
function exactDecimalToInt(v: NumVec, dt: DType, fail: Fail): Vec {
  const n = v.v.length;
  const scale = 10n ** BigInt(decimalOf(v.dt)?.s ?? 0);
  const [lo, hi] = dt === 'UInt64' ? [0n, 18446744073709551615n] : [-9223372036854775808n, 9223372036854775807n];
  const out = dt === 'UInt64' ? new BigUint64Array(n) : new BigInt64Array(n);
  let valid: Uint8Array | null = v.valid ? v.valid.slice() : null;
  for (let i = 0; i < n; i++) {
    if (isNull(v, i)) { (valid ??= new Uint8Array(n).fill(1))[i] = 0; continue; }
    const u = v.dec![i];
    const x = u === null || u === undefined ? BigInt(Math.trunc(v.v[i]! * Number(scale))) / scale : u / scale;
    if (x < lo || x > hi) { if (fail(x) === null) (valid ??= new Uint8Array(n).fill(1))[i] = 0; continue; }
    out[i] = x;
  }
  return int64Vec(dt, out, valid);
}

/** Int64 <-> UInt64 (and the same width) over exact values: checked on the high word, copied as words. */
function exactIntCast(v: NumVec, dt: DType, fail: Fail): Vec {
  const src = v.big!;
  const n = src.length;
  const signedSrc = src instanceof BigInt64Array;
  if ((dt === 'Int64') === signedSrc) return { ...v, dt };
  const out = dt === 'UInt64' ? new BigUint64Array(n) : new BigInt64Array(n);
  const sw = words(src), ow = words(out);
  let valid = v.valid, copied = false;
  for (let i = 0; i < n; i++) {
    if (valid !== null && valid[i] === 0) continue;
    // a set sign bit is a negative Int64 (into UInt64) or a UInt64 >= 2^63 (into Int64): out of range either way
    if (sw[2 * i + 1]! < 0) {
      if (fail(src[i]) === null) {
        // TRY_CAST: null here, in a mask of our own (the input's is shared)
        if (!copied) { valid = valid ? valid.slice() : new Uint8Array(n).fill(1); copied = true; }
        valid![i] = 0;
      }
      continue;
    }
    ow[2 * i] = sw[2 * i]!;
    ow[2 * i + 1] = sw[2 * i + 1]!;
  }
  return int64Vec(dt, out, valid);
}

function castToTs(v: Vec, dt: DType, tsUnit: keyof typeof UNIT_NS, fail: Fail, tryCast: boolean, pos?: SourcePos): TsVec {
  const n = v.v.length;
  const out = tsVec(tsUnit, n);
  out.dt = dt;
  const unitNs = UNIT_NS[tsUnit];
  if (v.kind === 'num' && dt !== 'Date') {
    // numbers count units of the target: integral doubles within 2^53 are written as words, others through BigInt
    const mul = Number(unitNs);
    const w = uwords(out.v);
    for (let i = 0; i < n; i++) {
      if (isNull(v, i)) { setNull(out, i); continue; }
      const x = Math.trunc(v.v[i]!);
      const p = x * mul;
      if (!v.big && Math.abs(p) <= SAFE_LIMIT) { setWords(w, i, p); continue; }
      if (!Number.isFinite(x)) { if (fail(v.v[i]) === null) setNull(out, i); continue; }
      const ns = (v.big ? BigInt(v.big[i]!) : BigInt(x)) * unitNs;
      if (!tsInRange(ns)) {
        if (tryCast) { setNull(out, i); continue; }
        throw new OutOfRangeError(`Cannot cast ${v.big ? v.big[i]! : x} to value of ${dt} type: ${tsRangeText('it')}`, pos);
      }
      out.v[i] = ns;
    }
    return out;
  }
  for (let i = 0; i < n; i++) {
    if (isNull(v, i)) { setNull(out, i); continue; }
    let ns: bigint | null;
    if (v.kind === 'ts') ns = v.v[i]!;
    else if (v.kind === 'num') ns = BigInt(Math.trunc(v.v[i]!)) * 86_400_000_000_000n;
    else if (v.kind === 'str') {
      const s = v.v[i]!;
      ns = parseTimestampNs(s);
      // text is a wall-clock time in the session's zone; a date is a calendar day, the same in every zone
      if (ns !== null && dt !== 'Date') ns = wallToUtcNs(ns, s, (v as { tz?: string }).tz);
      // text that is no timestamp (digits alone are not one: Arrow reads no epoch count from text) is refused in
      // DataFusion's words, naming the part that fails; text that is no date as Arrow's Date32 parse refuses it
      if (ns === null && dt !== 'Date' && !tryCast) throw new CastError(timestampParseError(s), pos);
      if (ns === null) ns = fail(s);
    } else ns = fail(v.v[i]);
    if (ns === null) { setNull(out, i); continue; }
    if (!tsInRange(ns)) {
      // beyond what an int64 of nanoseconds holds: refused (NULL under TRY_CAST), never wrapped to another instant
      if (tryCast) { setNull(out, i); continue; }
      throw new OutOfRangeError(`Cannot cast ${v.kind === 'str' ? `string '${v.v[i]}'` : String(v.v[i])} to value of ${dt} type: ${tsRangeText('it')}`, pos);
    }
    // a date is the day the instant falls in; text keeps the unit it falls in (floor, as chrono reads it), while a
    // timestamp of a finer unit is divided toward zero (Arrow's unit cast)
    if (dt === 'Date') ns = floorDiv(ns, 86_400_000_000_000n) * 86_400_000_000_000n;
    else if (unitNs !== 1n) ns = v.kind === 'ts' && v.dt !== 'Date' ? (ns / unitNs) * unitNs : floorDiv(ns, unitNs) * unitNs;
    out.v[i] = ns;
  }
  return out;
}

/** Applies f to every timestamp (or timestamp-like string) of v; numbers come back as Float64. */
export function mapTs(v: Vec, f: (ns: bigint) => number, pos?: SourcePos): NumVec {
  const src = v.kind === 'ts' ? v : (castTo(v, 'TimestampNanosecond', false, pos) as TsVec);
  const n = src.v.length;
  const out = numVec('Float64', n);
  for (let i = 0; i < n; i++) {
    if (isNull(src, i)) setNull(out, i);
    else out.v[i] = f(src.v[i]!);
  }
  return out;
}
