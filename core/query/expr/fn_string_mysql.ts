// MySQL-compatible string functions GreptimeDB adds to DataFusion's: locate, elt, field, insert, space, the MySQL
// aliases ucase / lcase / mid, and format (MySQL's FORMAT(number, decimals) and GreptimeDB's template FORMAT).
// Positions count characters (code points), 1-based, as MySQL does; a NULL argument gives NULL unless noted.
import type { Fn } from './fn_util.ts';
import { intOf, strN } from './fn_util.ts';
import { STRING } from './fn_string.ts';
import { displayValue } from './cast.ts';
import { offsetMinutes } from './timezone.ts';
import type { Vec } from '../vector.ts';
import { FLOAT_TYPES, INT_TYPES, getValue, isNull, numVec, strVec } from '../vector.ts';

export const STRING_MYSQL: Record<string, Fn> = {
  // locate(sub, s[, from]): the first position of sub in s at or after `from` (0 when absent or from < 1)
  locate: (args, n) => intOf(args, n, ([sub, s, from]) => {
    const chars = [...String(s)], start = from === undefined ? 1 : Math.trunc(Number(from));
    if (start < 1 || start > chars.length + 1) return 0;
    const at = chars.slice(start - 1).join('').indexOf(String(sub));
    return at < 0 ? 0 : start + [...chars.slice(start - 1).join('').slice(0, at)].length;
  }, 'Int64'),
  // elt(k, s1, s2, ...): the k-th string, NULL when k is out of range or NULL
  elt: (args, n) => {
    const out = strVec(n);
    for (let i = 0; i < n; i++) {
      const k = getValue(args[0]!, i);
      if (k === null) continue;
      const j = Math.trunc(Number(k));
      if (j >= 1 && j < args.length && !isNull(args[j]!, i)) out.v[i] = displayValue(args[j]!, i);
    }
    return out;
  },
  // field(x, a, b, ...): the 1-based index of the first argument equal to x, 0 when none is (or x is NULL)
  field: (args, n) => fieldOf(args, n),
  // insert(s, pos, len, new): s with `len` characters from `pos` replaced by `new`; s itself when pos is outside it
  insert: strN(([s, pos, len, sub]) => {
    const c = [...String(s)], p = Math.trunc(Number(pos)), l = Math.trunc(Number(len));
    if (p < 1 || p > c.length) return String(s);
    const end = l < 0 || p - 1 + l > c.length ? c.length : p - 1 + l;
    return c.slice(0, p - 1).join('') + String(sub) + c.slice(end).join('');
  }),
  space: strN(([k]) => ' '.repeat(Math.max(0, Math.trunc(Number(k))))),
  ucase: STRING.upper!,
  lcase: STRING.lower!,
  mid: STRING.substr!,
  format: (args, n, s, call) => (args.length === 2 && isNumberLike(args[0]!) ? NUMBER_FORMAT(args, n, s, call) : templateFormat(args, n, s.env.qctx.timeZone)),
};

function isNumberLike(v: Vec): boolean {
  return v.kind === 'num' || v.dt === 'Null';
}

/** Strings compare as strings when every argument is text, integers exactly when all are integers, else as doubles. */
function fieldOf(args: Vec[], n: number): Vec {
  const allText = args.every((a) => a.kind === 'str' || a.dt === 'Null');
  const allInt = args.every((a) => INT_TYPES.has(a.dt) || a.dt === 'Null');
  const key = (a: Vec, i: number): string | number | bigint => {
    if (allText) return String(getValue(a, i));
    if (allInt) return a.kind === 'num' && a.big ? a.big[i]! : BigInt(Math.trunc(a.v[i] as number));
    if (a.kind === 'num') return a.v[i]!;
    if (a.kind === 'bool') return a.v[i]!;
    return mysqlDouble(displayValue(a, i));
  };
  const out = numVec('Int64', n);
  for (let i = 0; i < n; i++) {
    if (isNull(args[0]!, i)) continue;
    const x = key(args[0]!, i);
    for (let j = 1; j < args.length; j++) {
      if (!isNull(args[j]!, i) && key(args[j]!, i) === x) { out.v[i] = j; break; }
    }
  }
  return out;
}

/** MySQL's text-to-number reading: the longest numeric prefix ('12x' is 12, 'x' is 0). */
function mysqlDouble(s: string): number {
  const m = /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?/i.exec(s);
  return m ? Number(m[0]) : 0;
}

/** FORMAT(x, d): x rounded to d decimals (half away from zero), with ',' between thousands. */
const NUMBER_FORMAT: Fn = strN(([x, d]) => {
  const places = Math.max(0, Math.min(30, Math.trunc(Number(d))));
  const v = Number(x);
  const fixed = roundHalfAwayFixed(Math.abs(v), places);
  const [int, frac] = fixed.split('.');
  const grouped = int!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return (v < 0 && Number(fixed) !== 0 ? '-' : '') + grouped + (frac ? '.' + frac : '');
});

function roundHalfAwayFixed(x: number, places: number): string {
  const s = x.toFixed(places);
  // toFixed rounds the binary value; nudge ties written in decimal (1.005 -> 1.01) the way MySQL rounds its text
  const scaled = Number(`${x}e${places}`);
  if (Number.isFinite(scaled) && Math.abs(scaled) < 2 ** 52) {
    const r = Math.round(scaled);
    return places ? (r / 10 ** places).toFixed(places) : String(r);
  }
  return s;
}

/**
 * GreptimeDB's template FORMAT(template, args...): `{}` takes the next positional argument, `{name}` the value after
 * an argument equal to 'name', `{{` and `}}` are literal braces; a placeholder without an argument stays as written.
 * NULL arguments print as nothing; timestamps print in the session's time zone as 'YYYY-MM-DD HH:MM:SS[.fff]'.
 */
function templateFormat(args: Vec[], n: number, tz: string | undefined): Vec {
  const out = strVec(n);
  for (let i = 0; i < n; i++) {
    if (isNull(args[0]!, i)) continue;
    const tpl = String(getValue(args[0]!, i));
    const names = new Set([...tpl.replace(/\{\{|\}\}/g, '').matchAll(/\{([^{}]+)\}/g)].map((m) => m[1]!));
    const named = new Map<string, string>(), positional: string[] = [];
    for (let j = 1; j < args.length; j++) {
      const text = isNull(args[j]!, i) ? null : argText(args[j]!, i, tz);
      if (text !== null && args[j]!.kind === 'str' && names.has(text) && !named.has(text) && j + 1 < args.length) {
        named.set(text, isNull(args[j + 1]!, i) ? '' : argText(args[j + 1]!, i, tz));
        j++;
      } else positional.push(text ?? '');
    }
    let k = 0;
    out.v[i] = tpl.replace(/\{\{|\}\}|\{([^{}]*)\}/g, (m, name: string | undefined) => {
      if (m === '{{') return '{';
      if (m === '}}') return '}';
      if (!name) return k < positional.length ? positional[k++]! : m;
      return named.get(name) ?? m;
    });
  }
  return out;
}

function argText(v: Vec, i: number, tz: string | undefined): string {
  if (v.kind === 'num' && FLOAT_TYPES.has(v.dt)) return String(v.v[i]);
  if (v.kind === 'ts' && v.dt !== 'Date') {
    const ns = v.v[i]! + BigInt(offsetMinutes(tz ?? 'UTC', Number(v.v[i]! / 1_000_000n))) * 60_000_000_000n;
    return displayValue({ ...v, v: BigInt64Array.of(ns), valid: null }, 0).replace('T', ' ');
  }
  return displayValue(v, i);
}
