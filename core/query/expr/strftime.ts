// chrono's strftime specifiers both ways: an instant to text (date_format, to_char) and text to an instant with one
// format (to_timestamp(s, fmt...), to_date(s, fmt...)). Pure: wall time comes in as an offset from UTC in minutes.
import { floorDiv } from './time.ts';

const DAY_MS = 86_400_000;
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** The fields of an instant read as wall time (offset minutes east of UTC). */
interface Wall { y: number; mo: number; d: number; h: number; mi: number; s: number; nanos: number; dow: number; doy: number; epochS: bigint }

function wall(ns: bigint, offMin: number): Wall {
  const ms = Number(floorDiv(ns, 1_000_000n)) + offMin * 60_000;
  const t = new Date(ms);
  const jan1 = utcDay(t.getUTCFullYear(), 1, 1);
  return {
    y: t.getUTCFullYear(), mo: t.getUTCMonth() + 1, d: t.getUTCDate(), h: t.getUTCHours(), mi: t.getUTCMinutes(), s: t.getUTCSeconds(),
    nanos: Number(((ns % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n), dow: t.getUTCDay(),
    doy: Math.floor((utcDay(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate()) - jan1) / DAY_MS) + 1, epochS: floorDiv(ns, 1_000_000_000n),
  };
}

/** ISO 8601 week-numbering year and week of a wall date. */
function isoWeek(w: Wall): [number, number] {
  const t = Date.UTC(w.y, w.mo - 1, w.d);
  const dow = (w.dow + 6) % 7; // Monday 0
  const thursday = new Date(t + (3 - dow) * DAY_MS);
  const yr = thursday.getUTCFullYear();
  return [yr, 1 + Math.floor((thursday.getTime() - Date.UTC(yr, 0, 1)) / (7 * DAY_MS))];
}

/** `ns` formatted by a chrono format string; tz names the zone for %Z. Unknown specifiers are kept as written. */
export function formatTime(ns: bigint, fmt: string, offMin: number, tz: string): string {
  const w = wall(ns, offMin);
  const off = (sep: string) => `${offMin < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(offMin) / 60), 2, '0')}${sep}${pad(Math.abs(offMin) % 60, 2, '0')}`;
  const frac = (digits: number) => String(w.nanos).padStart(9, '0').slice(0, digits);
  const autoFrac = () => (w.nanos === 0 ? '' : w.nanos % 1_000_000 === 0 ? '.' + frac(3) : w.nanos % 1000 === 0 ? '.' + frac(6) : '.' + frac(9));
  const h12 = w.h % 12 === 0 ? 12 : w.h % 12;
  const weekOf = (firstDow: number) => Math.floor((w.doy + 6 - ((w.dow - firstDow + 7) % 7)) / 7);
  const spec = (c: string, padWith: string | null): string | null => {
    const num = (x: number, width: number, dflt = '0') => pad(x, width, padWith ?? dflt);
    switch (c) {
      case 'Y': return w.y >= 0 && w.y <= 9999 ? num(w.y, 4) : (w.y > 0 ? '+' : '') + String(w.y);
      case 'C': return num(Math.floor(w.y / 100), 2);
      case 'y': return num(((w.y % 100) + 100) % 100, 2);
      case 'm': return num(w.mo, 2);
      case 'b': case 'h': return MONTHS[w.mo - 1]!.slice(0, 3);
      case 'B': return MONTHS[w.mo - 1]!;
      case 'd': return num(w.d, 2);
      case 'e': return num(w.d, 2, ' ');
      case 'a': return DAYS[w.dow]!.slice(0, 3);
      case 'A': return DAYS[w.dow]!;
      case 'w': return String(w.dow);
      case 'u': return String(w.dow === 0 ? 7 : w.dow);
      case 'U': return num(weekOf(0), 2);
      case 'W': return num(weekOf(1), 2);
      case 'G': return String(isoWeek(w)[0]);
      case 'g': return num(isoWeek(w)[0] % 100, 2);
      case 'V': return num(isoWeek(w)[1], 2);
      case 'j': return num(w.doy, 3);
      case 'D': case 'x': return `${pad(w.mo, 2, '0')}/${pad(w.d, 2, '0')}/${pad(((w.y % 100) + 100) % 100, 2, '0')}`;
      case 'F': return `${spec('Y', null)}-${pad(w.mo, 2, '0')}-${pad(w.d, 2, '0')}`;
      case 'v': return `${pad(w.d, 2, ' ')}-${MONTHS[w.mo - 1]!.slice(0, 3)}-${spec('Y', null)}`;
      case 'H': return num(w.h, 2);
      case 'k': return num(w.h, 2, ' ');
      case 'I': return num(h12, 2);
      case 'l': return num(h12, 2, ' ');
      case 'P': return w.h < 12 ? 'am' : 'pm';
      case 'p': return w.h < 12 ? 'AM' : 'PM';
      case 'M': return num(w.mi, 2);
      case 'S': return num(w.s, 2);
      case 'f': return frac(9);
      case 'R': return `${pad(w.h, 2, '0')}:${pad(w.mi, 2, '0')}`;
      case 'T': case 'X': return `${pad(w.h, 2, '0')}:${pad(w.mi, 2, '0')}:${pad(w.s, 2, '0')}`;
      case 'r': return `${pad(h12, 2, '0')}:${pad(w.mi, 2, '0')}:${pad(w.s, 2, '0')} ${w.h < 12 ? 'AM' : 'PM'}`;
      case 'c': return `${DAYS[w.dow]!.slice(0, 3)} ${MONTHS[w.mo - 1]!.slice(0, 3)} ${pad(w.d, 2, ' ')} ${spec('T', null)} ${spec('Y', null)}`;
      case '+': return `${spec('F', null)}T${spec('T', null)}${autoFrac()}${off(':')}`;
      case 's': return String(w.epochS);
      case 'z': return off('');
      case 'Z': return /^[+-]\d/.test(tz) ? off(':') : tz;
      case 't': return '\t';
      case 'n': return '\n';
      case '%': return '%';
      default: return null;
    }
  };
  return fmt.replace(/%([-_0]?)(\.?[369]?f|:z|[A-Za-z%+])/g, (m, flag: string, c: string) => {
    if (c === ':z') return off(':');
    if (c.endsWith('f') && c !== 'f') {
      const digits = Number(c.replace(/\D/g, '')) || 0;
      return c.startsWith('.') ? (digits ? '.' + frac(digits) : autoFrac()) : digits ? frac(digits) : m;
    }
    const r = spec(c, flag === '-' ? '' : flag === '_' ? ' ' : flag === '0' ? '0' : null);
    return r ?? m;
  });
}

/** Milliseconds of a UTC midnight; Date.UTC would read years 0..99 as 1900..1999. */
function utcDay(y: number, mo: number, d: number): number {
  const t = new Date(0);
  t.setUTCFullYear(y, mo - 1, d);
  return t.getTime();
}

function pad(x: number, width: number, withChar: string): string {
  return withChar === '' ? String(x) : String(x).padStart(width, withChar);
}

/**
 * Reads `text` with a chrono format: the instant in ns since the epoch (UTC unless the format reads an offset),
 * or null when the text does not match the whole format. Fields the format lacks take 1970-01-01 00:00:00.
 */
export function parseTime(text: string, fmt: string): bigint | null {
  let y = 1970, mo = 1, d = 1, h = 0, mi = 0, s = 0, nanos = 0, off = 0, pm: boolean | null = null, doy = 0;
  let epoch: bigint | null = null;
  let i = 0;
  const digits = (min: number, max: number, signed = false): number | null => {
    const m = new RegExp(`^${signed ? '[+-]?' : ''}\\d{${min},${max}}`).exec(text.slice(i));
    if (!m) return null;
    i += m[0].length;
    return Number(m[0]);
  };
  const word = (names: string[]): number | null => {
    const rest = text.slice(i).toLowerCase();
    for (let k = 0; k < names.length; k++) {
      const full = names[k]!.toLowerCase();
      if (rest.startsWith(full)) { i += full.length; return k; }
      if (rest.startsWith(full.slice(0, 3))) { i += 3; return k; }
    }
    return null;
  };
  for (let j = 0; j < fmt.length; j++) {
    const ch = fmt[j]!;
    if (ch !== '%') {
      if (/\s/.test(ch)) { while (i < text.length && /\s/.test(text[i]!)) i++; continue; }
      if (text[i] !== ch) return null;
      i++;
      continue;
    }
    let c = fmt[++j];
    if (c === '-' || c === '_' || c === '0') c = fmt[++j];
    if (c === '.' || c === ':' || /[369]/.test(c ?? '')) {
      const spec = c + (fmt[j + 1] ?? '') + (c === '.' && /[369]/.test(fmt[j + 1] ?? '') ? fmt[j + 2] ?? '' : '');
      j += spec.length - 1;
      if (spec === ':z') c = 'z';
      else if (spec.endsWith('f')) {
        if (spec.startsWith('.')) { if (text[i] !== '.') { if (spec === '.f') continue; return null; } i++; }
        const m = /^\d{1,9}/.exec(text.slice(i));
        if (!m) return null;
        i += m[0].length;
        nanos = Number(m[0].padEnd(9, '0'));
        continue;
      } else return null;
    }
    let v: number | null;
    switch (c) {
      // chrono reads at most 4 digits of a year unless it is signed
      case 'Y': v = text[i] === '+' || text[i] === '-' ? digits(1, 7, true) : digits(1, 4); if (v === null) return null; y = v; break;
      case 'y': v = digits(2, 2); if (v === null) return null; y = v < 70 ? 2000 + v : 1900 + v; break;
      case 'm': v = digits(1, 2); if (v === null) return null; mo = v; break;
      case 'd': case 'e': while (text[i] === ' ') i++; v = digits(1, 2); if (v === null) return null; d = v; break;
      case 'b': case 'h': case 'B': v = word(MONTHS); if (v === null) return null; mo = v + 1; break;
      case 'a': case 'A': if (word(DAYS) === null) return null; break;
      case 'j': v = digits(1, 3); if (v === null) return null; doy = v; break;
      case 'H': case 'k': case 'I': case 'l': while (text[i] === ' ') i++; v = digits(1, 2); if (v === null) return null; h = v; break;
      case 'M': v = digits(1, 2); if (v === null) return null; mi = v; break;
      case 'S': v = digits(1, 2); if (v === null) return null; s = v; break;
      case 'f': { const m = /^\d{1,9}/.exec(text.slice(i)); if (!m) return null; i += m[0].length; nanos = Number(m[0].padEnd(9, '0')); break; }
      case 'p': case 'P': { const t = text.slice(i, i + 2).toUpperCase(); if (t !== 'AM' && t !== 'PM') return null; pm = t === 'PM'; i += 2; break; }
      case 's': { const m = /^-?\d+/.exec(text.slice(i)); if (!m) return null; i += m[0].length; epoch = BigInt(m[0]); break; }
      case 'z': {
        if (text[i] === 'Z' || text[i] === 'z') { i++; off = 0; break; }
        const m = /^([+-])(\d{2}):?(\d{2})?/.exec(text.slice(i));
        if (!m) return null;
        i += m[0].length;
        off = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
        break;
      }
      case 'T': { const r = parseTime(text.slice(i), '%H:%M:%S%.f'); const m = /^\d{1,2}:\d{1,2}:\d{1,2}(\.\d+)?/.exec(text.slice(i)); if (r === null || !m) return null; i += m[0].length; h = Number(r / 3_600_000_000_000n); mi = Number((r / 60_000_000_000n) % 60n); s = Number((r / 1_000_000_000n) % 60n); nanos = Number(r % 1_000_000_000n); break; }
      case 'F': { const m = /^([+-]?\d{1,6})-(\d{1,2})-(\d{1,2})/.exec(text.slice(i)); if (!m) return null; i += m[0].length; y = Number(m[1]); mo = Number(m[2]); d = Number(m[3]); break; }
      case 'D': { const m = /^(\d{1,2})\/(\d{1,2})\/(\d{2})/.exec(text.slice(i)); if (!m) return null; i += m[0].length; mo = Number(m[1]); d = Number(m[2]); y = Number(m[3]) < 70 ? 2000 + Number(m[3]) : 1900 + Number(m[3]); break; }
      case 'R': { const m = /^(\d{1,2}):(\d{1,2})/.exec(text.slice(i)); if (!m) return null; i += m[0].length; h = Number(m[1]); mi = Number(m[2]); break; }
      case '%': if (text[i] !== '%') return null; i++; break;
      default: return null;
    }
  }
  if (i !== text.length) return null;
  if (epoch !== null) return epoch * 1_000_000_000n + BigInt(nanos);
  if (pm !== null) { if (h < 1 || h > 12) return null; h = (h % 12) + (pm ? 12 : 0); }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return null;
  const dayMs = doy > 0 ? utcDay(y, 1, 1) + (doy - 1) * DAY_MS : utcDay(y, mo, d);
  if (doy === 0 && new Date(dayMs).getUTCDate() !== d) return null; // 31 April and the like
  const ms = dayMs + ((h * 60 + mi - off) * 60 + s) * 1000;
  return BigInt(ms) * 1_000_000n + BigInt(nanos);
}
