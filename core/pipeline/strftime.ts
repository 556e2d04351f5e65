// Date formats as GreptimeDB's date processor takes them (chrono's strftime: %Y-%m-%dT%H:%M:%S%.3f%:z), compiled once into a
// list of field readers; a line is parsed by walking it once, no regex, no Date object.
import { PipelineError } from '../errors.ts';

/** What a format reads; seconds since the epoch (UTC wall time unless an offset was read) and nanos. */
export interface Parsed {
  year: number; month: number; day: number; hour: number; minute: number; second: number; nanos: number;
  /** Offset east of UTC in minutes, when the text carried one. */
  offset: number | null;
  /** %s: seconds since the epoch, which wins over the fields. */
  epoch: number | null;
  pm: number;
}

type Reader = (s: string, p: number, out: Parsed) => number;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTHS_LONG = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const DAYS_LONG = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

/** Reads min..max digits at p; returns -1 when fewer than min. */
let numEnd = 0;
function digits(s: string, p: number, min: number, max: number, padSpace = false): number {
  if (padSpace) while (s.charCodeAt(p) === 32 && max > 1) { p++; max--; min = Math.min(min, max); }
  let v = 0;
  let k = 0;
  while (k < max) {
    const c = s.charCodeAt(p + k);
    if (!(c >= 48 && c <= 57)) break; // NaN past the end too
    v = v * 10 + (c - 48);
    k++;
  }
  numEnd = p + k;
  return k < min ? -1 : v;
}

function num(min: number, max: number, set: (o: Parsed, v: number) => void, padSpace = false): Reader {
  return (s, p, o) => {
    const v = digits(s, p, min, max, padSpace);
    if (v < 0) return -1;
    set(o, v);
    return numEnd;
  };
}

function word(list: string[], set?: (o: Parsed, v: number) => void): Reader {
  return (s, p, o) => {
    const low = s.slice(p, p + 10).toLowerCase();
    for (let k = 0; k < list.length; k++) {
      if (low.startsWith(list[k]!)) {
        set?.(o, k);
        return p + list[k]!.length;
      }
    }
    return -1;
  };
}

/** Fraction digits (any count up to 9 read, more skipped) as nanoseconds. */
function fraction(dot: boolean, exact?: number): Reader {
  return (s, p, o) => {
    if (dot) {
      if (s.charCodeAt(p) !== 46) return exact === undefined ? p : -1; // %.f: the fraction is optional
      p++;
    }
    let k = 0;
    let v = 0;
    while (true) {
      const c = s.charCodeAt(p + k);
      if (!(c >= 48 && c <= 57)) break; // NaN past the end too
      if (k < 9) v = v * 10 + (c - 48);
      k++;
      if (exact !== undefined && k === exact) break;
    }
    if (k === 0 || (exact !== undefined && k !== exact)) return -1;
    o.nanos = v * 10 ** (9 - Math.min(k, 9));
    return p + k;
  };
}

/** An offset: `+hhmm` (false), `+hh:mm` (true), either ('any'), or chrono's permissive `%#z` (minutes optional too). */
function zone(colon: boolean | 'any' | 'permissive'): Reader {
  return (s, p, o) => {
    const c = s[p];
    if (c === 'Z' || c === 'z') { o.offset = 0; return p + 1; }
    if (c !== '+' && c !== '-') return -1;
    const h = digits(s, p + 1, 2, 2);
    if (h < 0) return -1;
    let q = numEnd;
    if (s[q] === ':') { if (colon === false) return -1; q++; } else if (colon === true) return -1;
    const m = digits(s, q, 2, 2);
    if (m < 0 && colon === 'permissive' && s[q - 1] !== ':') { o.offset = (c === '-' ? -1 : 1) * h * 60; return q; }
    if (m < 0) return -1;
    o.offset = (c === '-' ? -1 : 1) * (h * 60 + m);
    return numEnd;
  };
}

const zoneName: Reader = (s, p, o) => {
  let q = p;
  while (q < s.length && /[A-Za-z_/]/.test(s[q]!)) q++;
  if (q === p) return zone('any')(s, p, o);
  const name = s.slice(p, q).toUpperCase();
  if (name === 'UTC' || name === 'GMT' || name === 'Z') o.offset = 0;
  return q;
};

function literal(text: string): Reader {
  return (s, p) => (s.startsWith(text, p) ? p + text.length : -1);
}

const whitespace: Reader = (s, p) => { while (s.charCodeAt(p) === 32 || s.charCodeAt(p) === 9) p++; return p; };

const SPEC: Record<string, () => Reader | Reader[]> = {
  Y: () => (s, p, o) => {
    let sign = 1;
    if (s[p] === '-' || s[p] === '+') { sign = s[p] === '-' ? -1 : 1; p++; }
    const v = digits(s, p, 4, 6);
    if (v < 0) return -1;
    o.year = sign * v;
    return numEnd;
  },
  y: () => num(2, 2, (o, v) => { o.year = v < 70 ? 2000 + v : 1900 + v; }),
  m: () => num(1, 2, (o, v) => { o.month = v; }),
  d: () => num(1, 2, (o, v) => { o.day = v; }),
  e: () => num(1, 2, (o, v) => { o.day = v; }, true),
  H: () => num(1, 2, (o, v) => { o.hour = v; }),
  k: () => num(1, 2, (o, v) => { o.hour = v; }, true),
  I: () => num(1, 2, (o, v) => { o.hour = v % 12; }),
  l: () => num(1, 2, (o, v) => { o.hour = v % 12; }, true),
  M: () => num(1, 2, (o, v) => { o.minute = v; }),
  S: () => num(1, 2, (o, v) => { o.second = v; }),
  j: () => num(1, 3, (o, v) => { o.month = 1; o.day = v; }),
  b: () => word(MONTHS, (o, v) => { o.month = v + 1; }),
  h: () => word(MONTHS, (o, v) => { o.month = v + 1; }),
  B: () => word(MONTHS_LONG, (o, v) => { o.month = v + 1; }),
  a: () => word(DAYS),
  A: () => word(DAYS_LONG),
  p: () => word(['am', 'pm'], (o, v) => { o.pm = v; }),
  P: () => word(['am', 'pm'], (o, v) => { o.pm = v; }),
  f: () => fraction(false),
  z: () => zone(false),
  Z: () => zoneName,
  s: () => (s, p, o) => {
    let sign = 1;
    if (s[p] === '-') { sign = -1; p++; }
    const v = digits(s, p, 1, 12);
    if (v < 0) return -1;
    o.epoch = sign * v;
    return numEnd;
  },
  T: () => [SPEC.H!() as Reader, literal(':'), SPEC.M!() as Reader, literal(':'), SPEC.S!() as Reader],
  R: () => [SPEC.H!() as Reader, literal(':'), SPEC.M!() as Reader],
  D: () => [SPEC.m!() as Reader, literal('/'), SPEC.d!() as Reader, literal('/'), SPEC.y!() as Reader],
  F: () => [SPEC.Y!() as Reader, literal('-'), SPEC.m!() as Reader, literal('-'), SPEC.d!() as Reader],
  n: () => whitespace,
  t: () => whitespace,
  '%': () => literal('%'),
};

export interface CompiledFormat {
  source: string;
  readers: Reader[];
  hasDate: boolean;
  hasZone: boolean;
}

/** Compiles a format; an unknown or unfinished specifier is an error naming its offset. */
export function compileFormat(fmt: string): CompiledFormat {
  const readers: Reader[] = [];
  let lit = '';
  let hasDate = false;
  let hasZone = false;
  const flush = () => { if (lit) { readers.push(literal(lit)); lit = ''; } };
  for (let i = 0; i < fmt.length; i++) {
    const c = fmt[i]!;
    if (c !== '%') { lit += c; continue; }
    const start = i;
    let spec = fmt[++i];
    if (spec === undefined) throw new PipelineError(`date format '${fmt}': '%' at its end (offset ${start})`);
    flush();
    // %.f %.3f %3f %:z
    if (spec === '.' || (spec >= '1' && spec <= '9')) {
      const dot = spec === '.';
      if (dot) spec = fmt[++i];
      let width: number | undefined;
      if (spec !== undefined && spec >= '1' && spec <= '9') { width = Number(spec); spec = fmt[++i]; }
      if (spec !== 'f') throw new PipelineError(`date format '${fmt}': unknown specifier '${fmt.slice(start, i + 1)}' at offset ${start}`);
      readers.push(fraction(dot, width));
      continue;
    }
    if (spec === '#') {
      if (fmt[i + 1] !== 'z') throw new PipelineError(`date format '${fmt}': unknown specifier '%#${fmt[i + 1] ?? ''}' at offset ${start}`);
      i++;
      readers.push(zone('permissive'));
      hasZone = true;
      continue;
    }
    if (spec === ':') {
      if (fmt[i + 1] !== 'z') throw new PipelineError(`date format '${fmt}': unknown specifier '%:${fmt[i + 1] ?? ''}' at offset ${start}`);
      i++;
      readers.push(zone(true));
      hasZone = true;
      continue;
    }
    const make = SPEC[spec];
    if (!make) throw new PipelineError(`date format '${fmt}': unknown specifier '%${spec}' at offset ${start}`);
    const r = make();
    if (Array.isArray(r)) readers.push(...r); else readers.push(r);
    if ('YyFDsj'.includes(spec)) hasDate = true;
    if (spec === 'z' || spec === 'Z' || spec === 's') hasZone = true;
  }
  flush();
  if (!hasDate) throw new PipelineError(`date format '${fmt}' has no date (%Y, %F, %s, ...)`);
  return { source: fmt, readers, hasDate, hasZone };
}

const scratch: Parsed = { year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 0, nanos: 0, offset: null, epoch: null, pm: -1 };

/** Parses text with a compiled format into `scratch` (reused); false when it does not match the whole text. */
export function parseWith(f: CompiledFormat, s: string): Parsed | null {
  const o = scratch;
  o.year = 1970; o.month = 1; o.day = 1; o.hour = 0; o.minute = 0; o.second = 0; o.nanos = 0; o.offset = null; o.epoch = null; o.pm = -1;
  let p = 0;
  for (const r of f.readers) {
    p = r(s, p, o);
    if (p < 0) return null;
  }
  if (p !== s.length) return null;
  if (o.pm === 1) o.hour += 12;
  if (o.month < 1 || o.month > 12 || o.day < 1 || o.hour > 23 || o.minute > 59 || o.second > 60) return null;
  if (o.day > 31 && !(o.month === 1 && o.day <= 366)) return null;
  return o;
}

/** Seconds since the epoch of a parsed wall time taken as UTC (proleptic Gregorian, days from civil). */
export function utcSeconds(o: Parsed): number {
  if (o.epoch !== null) return o.epoch;
  let y = o.year;
  const m = o.month;
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + o.day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  const days = era * 146097 + doe - 719468;
  return days * 86400 + o.hour * 3600 + o.minute * 60 + o.second;
}
