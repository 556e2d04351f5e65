// Session time zones (SET time_zone, x-greptime-timezone): 'UTC', fixed offsets '+08:00', or IANA names.
// A timestamp written without a zone is read in the session's zone; one with a zone keeps its own.
import { EddyError, StatusCode } from '../../errors.ts';

const FIXED = /^([+-])(\d{1,2}):?(\d{2})$/;
const formats = new Map<string, Intl.DateTimeFormat>();

function formatOf(tz: string): Intl.DateTimeFormat | null {
  let f = formats.get(tz);
  if (f) return f;
  try {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  } catch {
    return null;
  }
  formats.set(tz, f);
  return f;
}

/** The zone's canonical name, or an error naming it, as GreptimeDB refuses an unknown zone. */
export function checkTimeZone(tz: string): string {
  const t = tz.trim();
  if (/^(utc|z|system|local)$/i.test(t)) return 'UTC';
  const m = FIXED.exec(t);
  if (m && Number(m[2]) <= 23 && Number(m[3]) < 60) return `${m[1]}${m[2]!.padStart(2, '0')}:${m[3]}`;
  if (!m && formatOf(t)) return t;
  throw new EddyError(StatusCode.InvalidArguments, `Invalid timezone: ${tz}`);
}

/** Minutes east of UTC of the zone at an instant (ms since the epoch). */
export function offsetMinutes(tz: string, utcMs: number): number {
  const m = FIXED.exec(tz);
  if (m) return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
  if (/^utc$/i.test(tz)) return 0;
  const f = formatOf(tz);
  if (!f) return 0;
  const parts = f.formatToParts(new Date(utcMs));
  const g = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  const local = Date.UTC(g('year'), g('month') - 1, g('day'), g('hour'), g('minute'), g('second'));
  return Math.round((local - Math.floor(utcMs / 1000) * 1000) / 60000);
}

const HAS_ZONE = /(Z|[+-]\d{2}(:?\d{2})?|UTC)\s*$/i;

/** A wall-clock reading in `tz` (parsed as if UTC) to the instant it names; text with its own zone is left alone. */
export function wallToUtcNs(ns: bigint, text: string, tz: string | undefined): bigint {
  if (!tz || tz === 'UTC' || HAS_ZONE.test(text.trim().replace(/^[+-]?\d{1,6}-\d{1,2}-\d{1,2}$/, ''))) return ns;
  const ms = Number(ns / 1_000_000n);
  // the offset at the wall time, then again at the instant found (right across DST changes)
  let off = offsetMinutes(tz, ms);
  off = offsetMinutes(tz, ms - off * 60_000);
  return ns - BigInt(off) * 60_000_000_000n;
}
