// Scalar time functions: now, to_timestamp*, to_date, to_unixtime, date_bin, date_trunc, date_part, date_format, to_timezone.
import { NS_PER_DAY } from './time_of_day.ts';
import { ExecError, InvalidArgumentError, StatusCode } from '../../errors.ts';
import type { Fn } from './fn_util.ts';
import { asTs, constText, intervalArg } from './fn_util.ts';
import type { DType, Interval, TsVec, Vec } from '../vector.ts';
import { FLOAT_TYPES, TS_TYPES, UNIT_NS, getValue, isNull, numVec, offsetsTsVec, setNull, strVec, tsVec } from '../vector.ts';
import { castTo, mapTs } from './cast.ts';
import { constVec } from './const.ts';
import { words as int64Words } from '../int64.ts';
import type { ScratchPool } from '../../scratch.ts';

const TWO32 = 4294967296;
import { checkTimeZone, offsetMinutes } from './timezone.ts';
import { formatTime, parseTime } from './strftime.ts';
import { addInterval, datePart, floorDiv, formatTimestamp, parseTimestampNs, truncTo } from './time.ts';

function shifted(args: Vec[], n: number, call: Parameters<Fn>[3], sign: 1 | -1): Vec {
  const t = args[0]!.kind === 'ts' ? args[0]! as TsVec : asTs(args[0]!, call);
  const iv = args[1]!.dt === 'IntervalMonthDayNano' ? args[1]! : castTo(args[1]!, 'IntervalMonthDayNano', false, call.pos);
  const out = tsVec(t.unit, n);
  out.dt = t.dt;
  for (let i = 0; i < n; i++) {
    if (isNull(t, i) || isNull(iv, i)) { setNull(out, i); continue; }
    out.v[i] = addInterval(t.v[i]!, iv.v[i] as Interval, sign);
  }
  return out;
}

export const TIME: Record<string, Fn> = {
  now: (_a, n, s) => constVec('TimestampNanosecond', s.env.nowNs, n),
  // date_add / date_sub(timestamp or date, interval): the value's own type kept, calendar months respected
  date_add: (args, n, _s, call) => shifted(args, n, call, 1),
  date_sub: (args, n, _s, call) => shifted(args, n, call, -1),
  make_date: (args, n) => {
    const out = tsVec('ms', n);
    out.dt = 'Date';
    for (let i = 0; i < n; i++) {
      const [y, m, d] = args.map((a) => getValue(a, i));
      if (y === null || m === null || d === null) { setNull(out, i); continue; }
      const ms = Date.UTC(Number(y), Number(m) - 1, Number(d));
      const back = new Date(ms);
      if (Number.isNaN(ms) || back.getUTCMonth() !== Number(m) - 1 || back.getUTCDate() !== Number(d)) throw new ExecError(`Unable to parse date from ${y}, ${m}, ${d}`);
      out.v[i] = BigInt(ms) * 1_000_000n;
    }
    return out;
  },
  // the session's zone (SET time_zone / x-greptime-timezone)
  timezone: (_a, n, s) => constVec('String', s.env.qctx.timeZone ?? 'UTC', n),
  current_timestamp: (_a, n, s) => constVec('TimestampNanosecond', s.env.nowNs, n),
  localtimestamp: (_a, n, s) => constVec('TimestampNanosecond', s.env.nowNs, n),
  current_date: (_a, n, s) => constVec('Date', (s.env.nowNs / 86_400_000_000_000n) * 86_400_000_000_000n, n),
  // DataFusion's current_time(): the UTC time of day of the statement's now, a Time64(Nanosecond)
  current_time: (_a, n, s) => constVec('TimeNanosecond', ((s.env.nowNs % NS_PER_DAY) + NS_PER_DAY) % NS_PER_DAY, n),
  to_unixtime: (args, n, _s, call) => {
    const a = args[0]!;
    const out = numVec('Int64', n);
    for (let i = 0; i < n; i++) {
      if (isNull(a, i)) { setNull(out, i); continue; }
      let ns: bigint | null;
      if (a.kind === 'ts') ns = a.v[i]!;
      else if (a.kind === 'num') { out.v[i] = a.v[i]!; continue; }
      else ns = parseTimestampNs(String(getValue(a, i)));
      if (ns === null) { if (a.kind === 'str') { setNull(out, i); continue; } throw new ExecError(`Cannot convert ${String(getValue(a, i))} to a timestamp`, call.pos); }
      out.v[i] = Number(floorDiv(ns, 1_000_000_000n));
    }
    return out;
  },
  to_timestamp: tsCtor('TimestampNanosecond', true),
  to_timestamp_seconds: tsCtor('TimestampSecond'),
  to_timestamp_millis: tsCtor('TimestampMillisecond'),
  to_timestamp_micros: tsCtor('TimestampMicrosecond'),
  to_timestamp_nanos: tsCtor('TimestampNanosecond'),
  from_unixtime: (args, n, _s, call) => castTo(castTo(args[0]!, 'Int64', false, call.pos), 'TimestampSecond', false, call.pos),
  date_bin: (args, n, s, call) => {
    const stride = intervalArg(args[0]!, call);
    const t = asTs(args[1]!, call);
    const origin = args[2] ? asTs(args[2], call).v[0]! : 0n;
    const fast = n > 0 && stride > 0n && stride < BIN_FAST_STRIDE ? binByOffsets(t, stride, origin, n, s.scratch) : null;
    if (fast) return fast;
    const out = tsVec(t.unit, n);
    out.dt = t.dt;
    // rows come in time order within a series: reuse the last bucket while the time stays inside it
    let lo = 0n, hi = 0n;
    const tv = t.v, valid = t.valid;
    for (let i = 0; i < n; i++) {
      if (valid !== null && valid[i] === 0) { setNull(out, i); continue; }
      const x = tv[i]!;
      if (x >= lo && x < hi) { out.v[i] = lo; continue; }
      const b = origin + floorDiv(x - origin, stride) * stride;
      out.v[i] = b;
      if (stride > 0n) { lo = b; hi = b + stride; }
    }
    return out;
  },
  date_trunc: (args, n, _s, call) => {
    const unit = constText(args[0], 'date_trunc granularity', call);
    const t = asTs(args[1]!, call);
    const out = tsVec(t.unit, n);
    out.dt = t.dt;
    for (let i = 0; i < n; i++) {
      if (isNull(t, i)) { setNull(out, i); continue; }
      out.v[i] = truncTo(t.v[i]!, unit);
    }
    return out;
  },
  date_part: (args, n, _s, call) => mapTs(args[1]!, (ns) => datePart(ns, constText(args[0], 'date_part field', call)), call.pos),
  datepart: (args, n, _s, call) => mapTs(args[1]!, (ns) => datePart(ns, constText(args[0], 'date_part field', call)), call.pos),
  // GreptimeDB formats in the session's time zone (SET time_zone, x-greptime-timezone)
  date_format: (args, n, s, call) => {
    const t = asTs(args[0]!, call);
    const fmt = constText(args[1], 'date_format format', call);
    const tz = s.env.qctx.timeZone ?? 'UTC';
    const out = strVec(n);
    for (let i = 0; i < n; i++) if (!isNull(t, i)) out.v[i] = formatTime(t.v[i]!, fmt, tz === 'UTC' ? 0 : offsetMinutes(tz, Number(floorDiv(t.v[i]!, 1_000_000n))), tz);
    return out;
  },
  to_char: (args, n, s, call) => TIME.date_format!(args, n, s, call),
  // GreptimeDB's timestamps carry no zone: their local time is the value itself
  to_local_time: (args, _n, _s, call) => {
    if (args[0]!.kind !== 'ts' || args[0]!.dt === 'Date') throw new ExecError(`to_local_time function unsupported data type: ${args[0]!.dt}`, call.pos, StatusCode.InvalidArguments);
    return args[0]!;
  },
  // to_date(x[, fmt...]): text read as a date (or with chrono formats), an integer as days since 1970-01-01
  to_date: (args, n, _s, call) => {
    const a = args[0]!;
    if (args.length > 1) return castTo(parsedWith(args, n, call), 'Date', false, call.pos);
    if (a.kind === 'num') return castTo(castTo(a, 'Int32', false, call.pos), 'Date', false, call.pos);
    return castTo(a, 'Date', false, call.pos);
  },
  // GreptimeDB's to_timezone (v0.4 - v0.9): the instant as the wall-clock text of that zone, 'YYYY-MM-DD HH:MM:SS'
  // with the fraction it has (.fff / .ffffff / .fffffffff); a NULL zone is the session's, an unknown one refused
  to_timezone: (args, n, s, call) => {
    const t = asTs(args[0]!, call), z = args[1]!;
    if (z.kind !== 'str') throw new InvalidArgumentError(`to_timezone takes a time zone name as text, not ${z.dt}`, call.pos);
    const session = s.env.qctx.timeZone ?? 'UTC';
    const out = strVec(n);
    for (let i = 0; i < n; i++) {
      if (isNull(t, i)) continue;
      const name = isNull(z, i) ? session : z.v[i]!;
      let tz: string;
      try { tz = checkTimeZone(name); } catch { throw new InvalidArgumentError(`Invalid timezone: ${name}`, call.pos); }
      const ns = t.v[i]!;
      const off = BigInt(tz === 'UTC' ? 0 : offsetMinutes(tz, Number(floorDiv(ns, 1_000_000n))));
      out.v[i] = formatTimestamp(ns + off * 60_000_000_000n).replace('T', ' ');
    }
    return out;
  },
};
TIME.strftime = TIME.date_format!;

/** Strides below 2^51 ns (26 days) are bucketed in doubles: every quotient and product then stays exact. */
const BIN_FAST_STRIDE = 1n << 51n;

/**
 * date_bin over the timestamps' exact offsets from their first value (int64Offsets): a double division per row and
 * the bucket written back as words, no BigInt per row. False (nothing written) when the span is too wide for that.
 */
function binByOffsets(t: TsVec, stride: bigint, origin: bigint, n: number, scratch?: ScratchPool): TsVec | null {
  // one pass from the values' 32-bit words: each row's offset from the first value (exact while the span is below
  // about 2^52, as int64Offsets), then its bucket as an offset from the first row's bucket b0
  const a = t.v, valid = t.valid, w = int64Words(a);
  let first = 0;
  while (first < n && valid !== null && valid[first] === 0) first++;
  const base = first < n ? a[first]! : 0n;
  const b0 = origin + floorDiv(base - origin, stride) * stride;
  const shift = Number(base - b0);
  const s = Number(stride);
  // scratch memory holds an earlier query's values: rows without a value get 0, as in a fresh array
  const off = scratch ? scratch.f64(n).fill(0, 0, first) : new Float64Array(n);
  const bhi = first < n ? w[2 * first + 1]! : 0, blo = first < n ? w[2 * first]! >>> 0 : 0;
  let min = Infinity, max = -Infinity;
  // rows come in time order within a series: while a row's offset stays inside the last bucket [lo, lo + s) it takes
  // that bucket without a division (and min / max cannot change)
  let lo = 0, hi = -Infinity;
  for (let i = first; i < n; i++) {
    if (valid !== null && valid[i] === 0) { off[i] = 0; continue; }
    const dhi = w[2 * i + 1]! - bhi;
    if (dhi >= 0x100000 || dhi <= -0x100000) return null;
    const x = dhi * TWO32 + ((w[2 * i]! >>> 0) - blo) + shift;
    if (x >= lo && x < hi) { off[i] = lo; continue; }
    const q = Math.floor(x / s) * s;
    off[i] = q;
    lo = q;
    hi = q + s;
    if (q < min) min = q;
    if (q > max) max = q;
  }
  return offsetsTsVec(t.dt, t.unit, n, valid, { base: b0, off, ...(min <= max ? { step: { size: s, min, max } } : {}) });
}

/** A timestamp constructor. `seconds` (to_timestamp): integers and doubles are seconds since the epoch (DataFusion,
 * PostgreSQL), an integer gives Timestamp(Second), a double keeps its fraction at nanosecond precision. Otherwise
 * (to_timestamp_seconds/millis/micros/nanos) a number is read in the function's own unit. */
function tsCtor(dt: DType, seconds = false): Fn {
  return (args, n, _s, call) => {
    const a = args[0]!;
    const unit = TS_TYPES[dt]!;
    if (a.kind === 'num') {
      const srcUnit = seconds ? 's' : unit;
      const wholeSeconds = seconds && !FLOAT_TYPES.has(a.dt);
      const out = tsVec(wholeSeconds ? 's' : unit, n);
      out.dt = wholeSeconds ? 'TimestampSecond' : dt;
      for (let i = 0; i < n; i++) {
        if (isNull(a, i)) { setNull(out, i); continue; }
        out.v[i] = BigInt(Math.round(a.v[i]! * Number(UNIT_NS[srcUnit])));
      }
      return out;
    }
    if (args.length > 1) return castTo(parsedWith(args, n, call), dt, false, call.pos);
    return castTo(a, dt, false, call.pos);
  };
}

/**
 * to_timestamp(s, fmt1, fmt2, ...) and to_date(s, fmt...): each text read with the first format that matches it
 * whole (chrono specifiers); NULL text or formats give NULL; text no format reads is an error naming both.
 */
function parsedWith(args: Vec[], n: number, call: Parameters<Fn>[3]): TsVec {
  const out = tsVec('ns', n);
  out.dt = 'TimestampNanosecond';
  for (let i = 0; i < n; i++) {
    const text = getValue(args[0]!, i);
    const fmts = args.slice(1).map((f) => getValue(f, i));
    if (text === null || fmts.some((f) => f === null)) { setNull(out, i); continue; }
    let r: bigint | null = null;
    for (const f of fmts) if ((r = parseTime(String(text), String(f))) !== null) break;
    if (r === null) throw new ExecError(`Error parsing timestamp from '${String(text)}' using format${fmts.length > 1 ? 's' : ''} '${fmts.map(String).join("', '")}'`, call.pos, StatusCode.InvalidArguments);
    out.v[i] = r;
  }
  return out;
}
