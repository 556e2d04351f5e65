// The TIME type (GreptimeDB's TimeSecond .. TimeNanosecond, Arrow's Time32 / Time64): a time of day held as
// nanoseconds since midnight in a timestamp-kind vector, so ordering, grouping, joins and min/max need nothing new.
import type { SourcePos } from '../../sql/index.ts';
import type { DType, TsVec, Vec } from '../vector.ts';
import { TIME_TYPES, UNIT_NS, isNull, setNull, tsVec } from '../vector.ts';
import { CastError, OutOfRangeError } from '../../errors.ts';
import { parseTimestampNs } from './time.ts';
import { arrowTypeName } from './cast_matrix.ts';

export const NS_PER_DAY = 86_400_000_000_000n;

const TIME_RE = /^\s*(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*$/;

/** 'HH:MM[:SS[.f]]' as nanoseconds since midnight, or null when it is no time of day ('25:00', '12:60'). */
export function parseTimeOfDay(text: string): bigint | null {
  const m = TIME_RE.exec(text);
  if (!m || +m[1]! > 23 || +m[2]! > 59 || +(m[3] ?? 0) > 59) return null;
  return ((BigInt(m[1]!) * 60n + BigInt(m[2]!)) * 60n + BigInt(m[3] ?? 0)) * 1_000_000_000n + BigInt((m[4] ?? '').padEnd(9, '0'));
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** A time of day as Arrow prints it: 01:01:01, with .fff / .ffffff / .fffffffff when there is a fraction. */
export function formatTimeOfDay(ns: bigint): string {
  const secs = Number(ns / 1_000_000_000n), frac = Number(ns % 1_000_000_000n);
  let s = `${pad(Math.floor(secs / 3600))}:${pad(Math.floor(secs / 60) % 60)}:${pad(secs % 60)}`;
  if (frac !== 0) {
    if (frac % 1_000_000 === 0) s += '.' + pad(frac / 1_000_000, 3);
    else if (frac % 1000 === 0) s += '.' + pad(frac / 1000, 6);
    else s += '.' + pad(frac, 9);
  }
  return s;
}

/** Is this a time-of-day type (TimeSecond .. TimeNanosecond)? */
export function isTimeOfDay(dt: DType): boolean {
  return TIME_TYPES[dt] !== undefined;
}


/**
 * CAST(x AS TIME[(p)]), as Arrow casts: a timestamp gives its UTC time of day, text reads as a time ('10:00:00.5') or as a
 * timestamp whose time is taken, an integer counts units since midnight (one day at most), another time is truncated to
 * the unit. A date has no time of day (Arrow has no Date32 -> Time cast): refused whole.
 */
export function castToTime(v: Vec, dt: DType, tryCast: boolean, pos?: SourcePos): TsVec {
  const unit = TIME_TYPES[dt]!;
  const unitNs = UNIT_NS[unit];
  const n = v.v.length;
  const out = tsVec(unit, n);
  out.dt = dt;
  if (v.dt === 'Date' || v.kind === 'bool' || v.kind === 'any') throw new CastError(`Unsupported CAST from ${arrowTypeName(v.dt)} to ${arrowTypeName(dt)}`, pos);
  for (let i = 0; i < n; i++) {
    if (isNull(v, i)) { setNull(out, i); continue; }
    let ns: bigint | null = null;
    if (v.kind === 'ts') ns = ((v.v[i]! % NS_PER_DAY) + NS_PER_DAY) % NS_PER_DAY;
    else if (v.kind === 'str') {
      ns = parseTimeOfDay(v.v[i]!);
      if (ns === null) {
        const ts = parseTimestampNs(v.v[i]!);
        if (ts !== null) ns = ((ts % NS_PER_DAY) + NS_PER_DAY) % NS_PER_DAY;
      }
      if (ns === null && !tryCast) throw new CastError(`Cannot cast string '${v.v[i]}' to value of ${arrowTypeName(dt)} type`, pos);
    } else if (v.kind === 'num') {
      const x = v.big ? BigInt(v.big[i]!) : Number.isFinite(v.v[i]!) ? BigInt(Math.trunc(v.v[i]!)) : null;
      const at = x === null ? null : x * unitNs;
      if (at !== null && at >= 0n && at < NS_PER_DAY) ns = at;
      else if (!tryCast) throw new OutOfRangeError(`Cannot cast ${String(v.big ? v.big[i] : v.v[i])} to value of ${arrowTypeName(dt)} type: a time of day is at least 0 and less than one day (86400 seconds)`, pos);
    }
    if (ns === null) { setNull(out, i); continue; }
    out.v[i] = unitNs === 1n ? ns : (ns / unitNs) * unitNs;
  }
  return out;
}
