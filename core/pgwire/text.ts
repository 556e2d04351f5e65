// PostgreSQL's text output of values: float4/float8 (shortest exact digits), timestamp, date, interval, bytea.
import type { Interval } from '../query/vector.ts';

/**
 * PostgreSQL's float output (extra_float_digits >= 1, the default since 12): the shortest digits that read back
 * to the same value, in positional notation for decimal exponents in [-4, precision) and `1e+21` style otherwise.
 * `digits` is the shortest mantissa text (no dot), `exp` the exponent of its first digit.
 */
function floatLayout(negative: boolean, digits: string, exp: number, maxPositional: number): string {
  const sign = negative ? '-' : '';
  if (exp < -4 || exp >= maxPositional) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp);
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return sign + digits + '0'.repeat(exp + 1 - digits.length);
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

function special(x: number): string | null {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  return null;
}

/** Splits JS's shortest exponential form (`1.2345e+21`) into digits and exponent. */
function shortest(text: string): { digits: string; exp: number } {
  const e = text.indexOf('e');
  return { digits: text.slice(0, e).replace('.', ''), exp: Number(text.slice(e + 1)) };
}

export function float8Text(x: number): string {
  // JS prints the same shortest digits, positionally, across PostgreSQL's positional range
  const a = Math.abs(x);
  if (a >= 1e-4 && a < 1e15) return String(x);
  const s = special(x);
  if (s !== null) return s;
  const { digits, exp } = shortest(Math.abs(x).toExponential());
  return floatLayout(x < 0, digits, exp, 15);
}

/** float4: the shortest digits that round to the same 32-bit float. */
export function float4Text(v: number): string {
  const x = Math.fround(v);
  const s = special(x);
  if (s !== null) return s;
  const a = Math.abs(x);
  let text = a.toExponential(8);
  for (let p = 0; p <= 8; p++) {
    const t = a.toExponential(p);
    if (Math.fround(Number(t)) === a) { text = t; break; }
  }
  const { digits, exp } = shortest(text);
  return floatLayout(x < 0, digits.replace(/0+$/, '') || '0', exp, 6);
}

const pad2 = (n: number): string => (n < 10 ? '0' : '') + n;
const EPOCH_DAYS_2000 = 10957;
const NS_PER_DAY = 86_400_000_000_000n;

/** Civil date of a day count since 1970-01-01 (proleptic Gregorian), as PostgreSQL prints it (BC years marked). */
export function dateText(days: number): string {
  const d = new Date(days * 86_400_000);
  const y = d.getUTCFullYear();
  const body = `${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
  if (y <= 0) return `${String(1 - y).padStart(4, '0')}-${body} BC`;
  return `${String(y).padStart(4, '0')}-${body}`;
}

/** Days since 1970-01-01 (floored) of a nanosecond instant. */
export function nsToDays(ns: bigint): number {
  let q = ns / NS_PER_DAY;
  if (ns % NS_PER_DAY !== 0n && ns < 0n) q -= 1n;
  return Number(q);
}

/** `YYYY-MM-DD HH:MM:SS[.ffffff]`: microsecond precision (nanoseconds truncated), trailing zeros dropped. */
export function timestampText(ns: bigint, offsetMinutes = 0): string {
  let us = ns / 1000n;
  if (ns % 1000n !== 0n && ns < 0n) us -= 1n;
  return microsText(Number(us) + offsetMinutes * 60_000_000);
}

let lastDay = NaN;
let lastDayText = '';

/** Timestamp text of microseconds since 1970 (exact below 2^53 us, some 285 years either side). */
export function microsText(us: number): string {
  const day = Math.floor(us / 86_400_000_000);
  const r = us - day * 86_400_000_000;
  // rows of one day share their date text
  if (day !== lastDay) { lastDay = day; lastDayText = dateText(day); }
  const bc = lastDayText.endsWith(' BC');
  const secs = Math.floor(r / 1e6), frac = r - secs * 1e6;
  let s = `${bc ? lastDayText.slice(0, -3) : lastDayText} ${pad2(Math.floor(secs / 3600))}:${pad2(Math.floor(secs / 60) % 60)}:${pad2(secs % 60)}`;
  if (frac) s += '.' + String(frac).padStart(6, '0').replace(/0+$/, '');
  return bc ? s + ' BC' : s;
}

/** Microseconds since 2000-01-01, the binary timestamp; days since 2000-01-01, the binary date. */
export function pgEpochMicros(ns: bigint): bigint {
  let us = ns / 1000n;
  if (ns % 1000n !== 0n && ns < 0n) us -= 1n;
  return us - 946_684_800_000_000n;
}
export function pgEpochDays(ns: bigint): number {
  return nsToDays(ns) - EPOCH_DAYS_2000;
}

/** IntervalStyle `postgres`: `1 year 2 mons 3 days 04:05:06.5`. */
export function intervalText(iv: Interval): string {
  const parts: string[] = [];
  const plural = (n: number, one: string, many: string) => `${n} ${Math.abs(n) === 1 ? one : many}`;
  const years = Math.trunc(iv.months / 12), mons = iv.months % 12;
  if (years) parts.push(plural(years, 'year', 'years'));
  if (mons) parts.push(plural(mons, 'mon', 'mons'));
  if (iv.days) parts.push(plural(iv.days, 'day', 'days'));
  let n = iv.nanos / 1000n;
  if (n !== 0n || parts.length === 0) {
    const neg = n < 0n;
    if (neg) n = -n;
    const total = Number(n);
    const secs = Math.floor(total / 1e6), frac = total % 1e6;
    let s = `${neg ? '-' : ''}${pad2(Math.floor(secs / 3600))}:${pad2(Math.floor(secs / 60) % 60)}:${pad2(secs % 60)}`;
    if (frac) s += '.' + String(frac).padStart(6, '0').replace(/0+$/, '');
    parts.push(s);
  }
  return parts.join(' ');
}

const HEX = '0123456789abcdef';
/** bytea's hex output: `\x` then two hex digits per byte. */
export function byteaText(b: Uint8Array): string {
  let s = '\\x';
  for (let i = 0; i < b.length; i++) s += HEX[b[i]! >> 4]! + HEX[b[i]! & 15]!;
  return s;
}
