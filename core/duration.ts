// The one duration / interval parser: '5m', '1h30m', '1 hour', '500ms', '-2 days', ISO 8601 'P1DT2H',
// INTERVAL text; every module that reads a duration (TTL, flow options, INTERVAL literals, RANGE/ALIGN,
// flow windows, bare durations in tasks) calls this one, so '1y' or '1.5 days' mean the same thing everywhere.
import { InvalidArgumentError } from './errors.ts';

/** Arrow's IntervalMonthDayNano: calendar months and days stay apart from the fixed nanoseconds. */
export interface Interval { months: number; days: number; nanos: bigint }

const NS_PER_DAY = 86_400_000_000_000n;
/** unit -> [months, days, nanoseconds] per 1 unit; lookup is case-insensitive ('M' is minute, as in SQL). */
const UNITS = new Map<string, readonly [number, number, bigint]>();
function def(names: string, months: number, days: number, nanos: bigint): void {
  for (const n of names.split(' ')) UNITS.set(n, [months, days, nanos]);
}
def('ns nsec nsecs nanosecond nanoseconds', 0, 0, 1n);
def('us usec usecs microsecond microseconds', 0, 0, 1_000n);
def('ms msec msecs millisecond milliseconds', 0, 0, 1_000_000n);
def('s sec secs second seconds', 0, 0, 1_000_000_000n);
def('m min mins minute minutes', 0, 0, 60_000_000_000n);
def('h hr hrs hour hours', 0, 0, 3_600_000_000_000n);
def('d day days', 0, 1, 0n);
def('w week weeks', 0, 7, 0n);
def('mon mons month months', 1, 0, 0n);
def('quarter quarters', 3, 0, 0n);
def('y yr yrs year years', 12, 0, 0n);
def('decade decades', 120, 0, 0n);
def('century centuries', 1200, 0, 0n);
def('millennium millenniums millennia', 12000, 0, 0n);

/** Why a text is not a duration, and the 0-based character offset where reading stopped. */
export interface DurationSyntax { error: string; offset: number }

export function isDurationSyntax(x: Interval | DurationSyntax): x is DurationSyntax {
  return (x as DurationSyntax).error !== undefined;
}

/**
 * Reads a duration; `defaultUnit` is the unit of a bare number (INTERVAL '5' MINUTE, a flow option '90').
 * Fractions spill downwards as arrow-cast does: 1.5 months = 1 month 15 days, 1.5 days = 1 day 12 h.
 */
export function scanInterval(text: string, defaultUnit?: string): Interval | DurationSyntax {
  let i = 0;
  const n = text.length;
  const ws = (): void => { while (i < n && /\s/.test(text[i]!)) i++; };
  ws();
  if (i >= n) return { error: 'empty duration', offset: i };
  if (/^[+-]?P/i.test(text.slice(i))) return scanIso(text, i);
  const acc = { months: 0, days: 0, nanos: 0n };
  let terms = 0;
  while (i < n) {
    const start = i;
    let sign = 1;
    if (text[i] === '+' || text[i] === '-') { if (text[i] === '-') sign = -1; i++; ws(); }
    const num = /^(\d+(?:\.\d*)?|\.\d+)/.exec(text.slice(i));
    if (!num) return { error: `expected a number${terms ? ' or the end' : ''}`, offset: i };
    i += num[0].length;
    ws();
    const word = /^[a-zA-Z]+/.exec(text.slice(i));
    let unitName: string;
    if (word) unitName = word[0];
    else if (defaultUnit !== undefined) unitName = defaultUnit;
    else return { error: `missing unit after '${text.slice(start, i).trim()}' (use e.g. ms, s, m, h, d, w)`, offset: i };
    const per = UNITS.get(unitName.toLowerCase());
    if (!per) return { error: `unknown duration unit '${unitName}'`, offset: word ? i : start };
    if (word) i += word[0].length;
    addTerm(acc, sign * Number(num[0]), per);
    terms++;
    ws();
    if (text[i] === ',') { i++; ws(); }
  }
  return acc;
}

function addTerm(acc: Interval, q: number, per: readonly [number, number, bigint]): void {
  let days = 0;
  if (per[0]) {
    const total = q * per[0];
    const whole = Math.trunc(total);
    acc.months += whole;
    days += (total - whole) * 30;
  }
  if (per[1]) days += q * per[1];
  if (days) {
    const whole = Math.trunc(days);
    acc.days += whole;
    const rest = days - whole;
    if (rest) acc.nanos += BigInt(Math.round(rest * 86_400e9));
  }
  if (per[2]) {
    // Integers stay exact (1e6 h overflows a double's exact range in ns); fractions round to the ns.
    acc.nanos += Number.isInteger(q) ? BigInt(q) * per[2] : BigInt(Math.round(q * Number(per[2])));
  }
}

/** ISO 8601 durations: P[nY][nM][nW][nD][T[nH][nM][nS]], the form ISO-minded clients send. */
function scanIso(text: string, from: number): Interval | DurationSyntax {
  let i = from;
  let sign = 1;
  if (text[i] === '+' || text[i] === '-') { if (text[i] === '-') sign = -1; i++; }
  i++; // the P
  const acc = { months: 0, days: 0, nanos: 0n };
  let inTime = false;
  let terms = 0;
  const end = text.trimEnd().length;
  while (i < end) {
    if (!inTime && (text[i] === 'T' || text[i] === 't')) { inTime = true; i++; continue; }
    const num = /^(\d+(?:[.,]\d+)?)/.exec(text.slice(i));
    if (!num) return { error: 'expected a number in an ISO 8601 duration', offset: i };
    i += num[0].length;
    const d = text[i]?.toUpperCase();
    const unit = inTime ? { H: 'h', M: 'm', S: 's' }[d ?? ''] : { Y: 'y', M: 'mon', W: 'w', D: 'd' }[d ?? ''];
    if (!unit) return { error: `expected ${inTime ? 'H, M or S' : 'Y, M, W, D or T'} in an ISO 8601 duration`, offset: i };
    i++;
    addTerm(acc, sign * Number(num[0].replace(',', '.')), UNITS.get(unit)!);
    terms++;
  }
  if (terms === 0) return { error: 'an ISO 8601 duration needs at least one part', offset: i };
  return acc;
}

/** The interval, or null when the text is not one (callers that fall back to another reading). */
export function tryParseInterval(text: string, defaultUnit?: string): Interval | null {
  const r = scanInterval(text, defaultUnit);
  return isDurationSyntax(r) ? null : r;
}

/** The interval; a mistake is an InvalidArgumentError naming `what` and the character position. */
export function parseInterval(text: string, what = 'duration', defaultUnit?: string): Interval {
  const r = scanInterval(text, defaultUnit);
  if (isDurationSyntax(r)) throw durationError(text, what, r);
  return r;
}

export function durationError(text: string, what: string, r: DurationSyntax): InvalidArgumentError {
  return new InvalidArgumentError(`${what}: '${text}' is not a duration: ${r.error} at position ${r.offset + 1} (use e.g. 500ms, 30s, 5m, 1h30m, '1 hour', 7d)`);
}

/** Interval as fixed nanoseconds with a month of 30 days (DataFusion's RANGE / date_bin reading). */
export function intervalNs(iv: Interval): bigint {
  return BigInt(iv.months) * 30n * NS_PER_DAY + BigInt(iv.days) * NS_PER_DAY + iv.nanos;
}

/** Interval as fixed milliseconds the way humantime (GreptimeDB's TTL) reads it: month 30.44 d, year 365.25 d. */
export function intervalHumanMs(iv: Interval): number {
  const years = Math.trunc(iv.months / 12);
  const months = iv.months - years * 12;
  return years * 31_557_600_000 + months * 2_630_016_000 + iv.days * 86_400_000 + Number(iv.nanos) / 1e6;
}

/** A fixed duration in ns; calendar months are refused because their length depends on the date. */
export function parseDurationNs(text: string, what = 'duration', defaultUnit?: string): bigint {
  const iv = parseInterval(text, what, defaultUnit);
  if (iv.months !== 0) throw new InvalidArgumentError(`${what}: '${text}' is month-based; use days or smaller units`);
  return BigInt(iv.days) * NS_PER_DAY + iv.nanos;
}

/** A fixed duration in (possibly fractional) ms; months are refused as in parseDurationNs. */
export function parseDurationMs(text: string, what = 'duration', defaultUnit?: string): number {
  return Number(parseDurationNs(text, what, defaultUnit)) / 1e6;
}

const NS_UNITS: ReadonlyArray<[bigint, string]> = [
  [3_600_000_000_000n, 'h'], [60_000_000_000n, 'm'], [1_000_000_000n, 's'], [1_000_000n, 'ms'], [1_000n, 'us'], [1n, 'ns'],
];

/** Compact text that scanInterval reads back to the same interval: '1y2mon3d4h5m6s7ms', '-5m', '0s'. */
export function formatDuration(iv: Interval): string {
  const parts: string[] = [];
  if (iv.months) {
    const y = Math.trunc(iv.months / 12), mo = iv.months - y * 12;
    if (y) parts.push(`${y}y`);
    if (mo) parts.push(`${mo}mon`);
  }
  if (iv.days) parts.push(iv.days % 7 === 0 ? `${iv.days / 7}w` : `${iv.days}d`);
  let n = iv.nanos;
  const neg = n < 0n;
  if (neg) n = -n;
  for (const [per, u] of NS_UNITS) {
    const q = n / per;
    if (q) { parts.push(`${neg ? '-' : ''}${q}${u}`); n -= q * per; }
  }
  return parts.length ? parts.join(' ') : '0s';
}
