// Timestamp text <-> int64 ns, times of day, intervals, and the date helpers behind date_bin / date_trunc.
import type { TimeUnit } from '../../schema.ts';
import { CastError, InvalidArgumentError, OutOfRangeError } from '../../errors.ts';
import type { SourcePos } from '../../sql/index.ts';
import type { Interval, Vec } from '../vector.ts';
import { UNIT_NS, isNull, strVec } from '../vector.ts';
import { intervalNs, tryParseInterval } from '../../duration.ts';

const TS_RE = /^\s*(\d{4}|[+-]\d{4,6})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?|UTC)?\s*$/i;

/** Parses '2024-01-01', '2024-01-01 00:00:00.123', '2024-01-01T00:00:00Z', '...+08:00' into ns; null when not a timestamp. */
export function parseTimestampNs(text: string): bigint | null {
  const m = TS_RE.exec(text) ?? TS_RE.exec(text.trim().replace(/\s+/g, ' '));
  if (!m) return null;
  let ms = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0));
  if (Number.isNaN(ms)) return null;
  if (Math.abs(+m[1]!) < 100) { const d = new Date(ms); d.setUTCFullYear(+m[1]!); ms = d.getTime(); } // Date.UTC reads 0..99 as 1900..1999
  // a date that does not exist (1993-02-29, 2021-04-31) is refused, not rolled over into the next month
  if (+m[2]! < 1 || +m[2]! > 12 || +m[3]! < 1 || +m[3]! > daysInMonth(+m[1]!, +m[2]!) || +(m[4] ?? 0) > 23 || +(m[5] ?? 0) > 59 || +(m[6] ?? 0) > 59) return null;
  let ns = BigInt(ms) * 1_000_000n + BigInt((m[7] ?? '').padEnd(9, '0') || '0');
  const tz = m[8];
  if (tz && tz.toUpperCase() !== 'Z' && tz.toUpperCase() !== 'UTC') {
    const sign = tz[0] === '-' ? -1n : 1n;
    const digits = tz.slice(1).replace(':', '');
    const hh = BigInt(digits.slice(0, 2));
    const mm = BigInt(digits.slice(2, 4) || '0');
    ns -= sign * (hh * 3600n + mm * 60n) * 1_000_000_000n;
  }
  return ns;
}

/** The instants a timestamp can hold: EddyDB keeps every timestamp as int64 nanoseconds since the epoch. */
export const TS_NS_MIN = -(1n << 63n);
export const TS_NS_MAX = (1n << 63n) - 1n;

/** Whether ns fits a timestamp; one outside is refused with tsRangeText, never wrapped around. */
export function tsInRange(ns: bigint): boolean {
  return ns >= TS_NS_MIN && ns <= TS_NS_MAX;
}

export function tsRangeText(what: string): string {
  return `${what} is out of the timestamp range 1677-09-21T00:12:43.145224192 to 2262-04-11T23:47:16.854775807 (timestamps are held as int64 nanoseconds)`;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

export function parseTimestampOrThrow(text: string): bigint {
  const v = parseTimestampNs(text);
  if (v === null) throw new InvalidArgumentError(timestampParseError(text));
  return v;
}

const DATE_HEAD = /^\s*(\d{4}|[+-]\d{4,6})-(\d{1,2})-(\d{1,2})/;
const TIME_HEAD = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?/;
const ZONE_TAIL = /^\s*(Z|[+-]\d{2}(?::?\d{2})?|UTC)?\s*$/i;

/**
 * Why text that parseTimestampNs refused is not a timestamp, worded as DataFusion (Arrow's string_to_datetime)
 * words it: "Error parsing timestamp from '<text>': <the first part that fails>", the parts read in its order
 * (length, date, separator, time, zone).
 */
export function timestampParseError(text: string): string {
  return `Error parsing timestamp from '${text}': ${timestampParseReason(text)}`;
}

function timestampParseReason(text: string): string {
  if (text.trim().length < 10) return 'timestamp must contain at least 10 characters';
  const d = DATE_HEAD.exec(text);
  if (!d || +d[2]! < 1 || +d[2]! > 12 || +d[3]! < 1 || +d[3]! > daysInMonth(+d[1]!, +d[2]!)) return 'error parsing date';
  const rest = text.slice(d[0].length);
  if (rest.trim() === '') return 'error parsing date';
  if (!/^[Tt ]/.test(rest)) return 'invalid timestamp separator';
  const t = TIME_HEAD.exec(rest.slice(1).replace(/^\s+/, ''));
  if (!t || +t[1]! > 23 || +t[2]! > 59 || +(t[3] ?? 0) > 59) return 'error parsing time';
  const zone = rest.slice(1).replace(/^\s+/, '').slice(t[0].length);
  if (!ZONE_TAIL.test(zone)) return `invalid timezone "${zone.trim()}"`;
  return 'error parsing date';
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** GreptimeDB's text rendering: 2024-01-01T00:00:00, with .fff / .ffffff / .fffffffff when there is a fraction. */
export function formatTimestamp(ns: bigint, _unit?: TimeUnit): string {
  let secs = ns / 1_000_000_000n;
  let frac = ns % 1_000_000_000n;
  if (frac < 0n) { frac += 1_000_000_000n; secs -= 1n; }
  const d = new Date(Number(secs) * 1000);
  const y = d.getUTCFullYear();
  let s = `${y < 0 ? '-' + pad(-y, 4) : pad(y, 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  if (frac !== 0n) {
    const f = Number(frac);
    if (f % 1_000_000 === 0) s += '.' + pad(f / 1_000_000, 3);
    else if (f % 1000 === 0) s += '.' + pad(f / 1000, 6);
    else s += '.' + pad(f, 9);
  }
  return s;
}

export function nsToUnit(ns: bigint, unit: TimeUnit): bigint {
  const d = UNIT_NS[unit];
  let q = ns / d;
  if (ns % d !== 0n && ns < 0n) q -= 1n;
  return q;
}

/** Parses '5 minutes', '1 hour 30 minutes', '1h30m', '10s', '1 day' (core/duration.ts); null when not an interval. */
export function parseInterval(text: string, unit?: string): Interval | null {
  return tryParseInterval(text, unit);
}

export { intervalNs };

export function addInterval(ns: bigint, iv: Interval, sign: 1 | -1): bigint {
  let out = ns;
  if (iv.months) {
    const ms = Number(out / 1_000_000n);
    const rem = out % 1_000_000n;
    const d = new Date(ms);
    // a day past the end of the target month clamps to its last day (Jan 31 + 1 month = Feb 29), as Arrow's add_months does
    const day = d.getUTCDate();
    d.setUTCDate(1);
    d.setUTCMonth(d.getUTCMonth() + sign * iv.months);
    const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
    d.setUTCDate(Math.min(day, last));
    out = BigInt(d.getTime()) * 1_000_000n + rem;
  }
  const s = BigInt(sign);
  out += s * (BigInt(iv.days) * 86_400_000_000_000n + iv.nanos);
  if (!tsInRange(out)) throw new OutOfRangeError(`Arrow error: Compute error: ${tsRangeText('the result of timestamp ' + (sign > 0 ? '+' : '-') + ' interval')}`);
  return out;
}

/**
 * An interval's text, as Arrow displays an IntervalMonthDayNano (what GreptimeDB's answers print): every part spelled,
 * `0 years 14 mons 3 days 4 hours 5 mins 6.000100000 secs`. Months stay months (never folded into years); the
 * nanoseconds split into hours, minutes and seconds by truncating division, so each part carries the sign.
 */
export function formatInterval(iv: Interval): string {
  const n = iv.nanos;
  const totalSecs = n / 1_000_000_000n;
  const totalMins = totalSecs / 60n;
  const hours = totalMins / 60n;
  const mins = totalMins - hours * 60n;
  const secs = totalSecs - totalMins * 60n;
  const frac = n % 1_000_000_000n;
  const sign = secs < 0n || frac < 0n ? '-' : '';
  const abs = (x: bigint): bigint => (x < 0n ? -x : x);
  return `0 years ${iv.months} mons ${iv.days} days ${hours} hours ${mins} mins ${sign}${abs(secs)}.${String(abs(frac)).padStart(9, '0')} secs`;
}

/** Durations (what timestamp - timestamp gives): a count of nanoseconds, held as an interval of no months or days. */
export const DURATION_TYPES: Record<string, TimeUnit> = { DurationSecond: 's', DurationMillisecond: 'ms', DurationMicrosecond: 'us', DurationNanosecond: 'ns' };
export const DURATION_NAME: Record<TimeUnit, string> = { s: 'DurationSecond', ms: 'DurationMillisecond', us: 'DurationMicrosecond', ns: 'DurationNanosecond' };

/** Whether values of dt are interval objects (months, days, nanos): intervals, and durations with months and days 0. */
export function isIntervalLike(dt: string): boolean {
  return dt === 'IntervalMonthDayNano' || DURATION_TYPES[dt] !== undefined;
}

/**
 * A duration's text as Arrow displays it (ISO 8601 through chrono): `P0D` for zero, otherwise seconds with the
 * fraction's trailing zeros dropped, `PT90S`, `PT0.5S`, `-PT86400.000000001S`.
 */
export function formatDuration(nanos: bigint): string {
  if (nanos === 0n) return 'P0D';
  const neg = nanos < 0n, a = neg ? -nanos : nanos;
  const secs = a / 1_000_000_000n, frac = a % 1_000_000_000n;
  const f = frac === 0n ? '' : '.' + String(frac).padStart(9, '0').replace(/0+$/, '');
  return `${neg ? '-' : ''}PT${secs}${f}S`;
}

/** The text of an interval or a duration value of type dt (a duration may also be a plain count of its unit). */
export function intervalLikeText(dt: string, iv: Interval | number | bigint): string {
  const unit = DURATION_TYPES[dt];
  if (typeof iv !== 'object') return formatDuration(BigInt(iv) * UNIT_NS[unit ?? 'ns']);
  return unit ? formatDuration(iv.nanos) : formatInterval(iv);
}

export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && (a < 0n) !== (b < 0n) ? q - 1n : q;
}

/** date_trunc for the usual units over UTC. */
export function truncTo(ns: bigint, unit: string): bigint {
  const u = unit.toLowerCase().replace(/s$/, '');
  const fixed: Record<string, bigint> = {
    microsecond: 1000n, millisecond: 1_000_000n, second: 1_000_000_000n, minute: 60_000_000_000n, hour: 3_600_000_000_000n, day: 86_400_000_000_000n,
  };
  if (fixed[u]) return floorDiv(ns, fixed[u]!) * fixed[u]!;
  const d = new Date(Number(floorDiv(ns, 1_000_000n)));
  const y = d.getUTCFullYear(), mo = d.getUTCMonth();
  let ms: number;
  switch (u) {
    case 'week': {
      const day = Date.UTC(y, mo, d.getUTCDate());
      const dow = (new Date(day).getUTCDay() + 6) % 7;
      ms = day - dow * 86_400_000;
      break;
    }
    case 'month': ms = Date.UTC(y, mo, 1); break;
    case 'quarter': ms = Date.UTC(y, mo - (mo % 3), 1); break;
    case 'year': ms = Date.UTC(y, 0, 1); break;
    default: throw new InvalidArgumentError(`Unsupported date_trunc granularity: ${unit}`);
  }
  return BigInt(ms) * 1_000_000n;
}

export function datePart(ns: bigint, field: string): number {
  const f = field.toLowerCase();
  const ms = Number(floorDiv(ns, 1_000_000n));
  const d = new Date(ms);
  switch (f) {
    case 'year': case 'years': return d.getUTCFullYear();
    case 'quarter': return Math.floor(d.getUTCMonth() / 3) + 1;
    case 'month': case 'months': return d.getUTCMonth() + 1;
    case 'week': {
      const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
      const dayNum = (t.getUTCDay() + 6) % 7;
      t.setUTCDate(t.getUTCDate() - dayNum + 3);
      const firstThu = new Date(Date.UTC(t.getUTCFullYear(), 0, 4));
      return 1 + Math.round(((t.getTime() - firstThu.getTime()) / 86_400_000 - 3 + ((firstThu.getUTCDay() + 6) % 7)) / 7);
    }
    case 'day': case 'days': return d.getUTCDate();
    case 'hour': case 'hours': return d.getUTCHours();
    case 'minute': case 'minutes': return d.getUTCMinutes();
    case 'second': case 'seconds': return d.getUTCSeconds() + Number(((ns % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n) / 1e9;
    case 'millisecond': case 'milliseconds': return d.getUTCSeconds() * 1000 + Number(((ns % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n) / 1e6;
    case 'microsecond': case 'microseconds': return d.getUTCSeconds() * 1e6 + Number(((ns % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n) / 1e3;
    case 'nanosecond': case 'nanoseconds': return d.getUTCSeconds() * 1e9 + Number(((ns % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n);
    case 'dow': return d.getUTCDay();
    case 'doy': return Math.floor((Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
    case 'epoch': return Number(ns) / 1e9;
    default: throw new InvalidArgumentError(`Unsupported date_part field: ${field}`);
  }
}
