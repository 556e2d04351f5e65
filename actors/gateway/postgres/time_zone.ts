// Session time zones: a name or offset as SET TIME ZONE takes it, and its offset from UTC at an instant.
import { InvalidArgumentError } from '../../../core/index.ts';

const FIXED = /^(?:UTC|GMT|Z)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$/i;
const formats = new Map<string, Intl.DateTimeFormat>();

/** A checked zone: UTC, a fixed offset (`+08:00`, `-0530`) or an IANA name; a bad one is named in the error. */
export function checkTimeZone(tz: string): string {
  const t = tz.trim();
  if (/^(UTC|GMT|Z|Etc\/UTC)$/i.test(t) || FIXED.test(t)) return t;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: t });
    return t;
  } catch {
    throw new InvalidArgumentError(`invalid value for parameter "TimeZone": "${tz}"`);
  }
}

/** Minutes east of UTC of zone `tz` at the instant `ns`; null for UTC (nothing to shift). */
export function zoneOffset(tz: string): ((ns: bigint) => number) | null {
  const t = tz.trim();
  if (/^(UTC|GMT|Z|Etc\/UTC)$/i.test(t)) return null;
  const m = FIXED.exec(t);
  if (m) {
    const mins = (Number(m[2]) * 60 + Number(m[3] ?? 0)) * (m[1] === '-' ? -1 : 1);
    return mins === 0 ? null : () => mins;
  }
  let f = formats.get(t);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: t, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formats.set(t, f);
  }
  const fmt = f;
  return (ns) => {
    const ms = Number(ns / 1_000_000n);
    const p: Record<string, number> = {};
    for (const part of fmt.formatToParts(ms)) if (part.type !== 'literal') p[part.type] = Number(part.value);
    const local = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
    return Math.round((local - Math.floor(ms / 1000) * 1000) / 60_000);
  };
}
