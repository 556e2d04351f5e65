// Scalar string functions: length, case, trim, pad, substrings, search and regular expressions.
import type { Fn } from './fn_util.ts';
import { boolOf, intOf, str1, strN } from './fn_util.ts';
import { matchesFn } from './matches.ts';

export const STRING: Record<string, Fn> = {
  length: (args, n) => intOf(args, n, ([x]) => [...String(x)].length, 'Int32'),
  char_length: (args, n) => intOf(args, n, ([x]) => [...String(x)].length, 'Int32'),
  character_length: (args, n) => intOf(args, n, ([x]) => [...String(x)].length, 'Int32'),
  octet_length: (args, n) => intOf(args, n, ([x]) => new TextEncoder().encode(String(x)).length, 'Int32'),
  bit_length: (args, n) => intOf(args, n, ([x]) => new TextEncoder().encode(String(x)).length * 8, 'Int32'),
  ascii: (args, n) => intOf(args, n, ([x]) => String(x).codePointAt(0) ?? 0, 'Int32'),
  strpos: (args, n) => intOf(args, n, ([x, y]) => String(x).indexOf(String(y)) + 1, 'Int32'),
  instr: (args, n) => intOf(args, n, ([x, y]) => String(x).indexOf(String(y)) + 1, 'Int32'),
  lower: str1((x) => x.toLowerCase()),
  upper: str1((x) => x.toUpperCase()),
  initcap: str1((x) => x.toLowerCase().replace(/(^|[^a-z0-9])([a-z])/g, (_m, p: string, c: string) => p + c.toUpperCase())),
  reverse: str1((x) => [...x].reverse().join('')),
  trim: str1((x) => x.trim()), btrim: strN(([x, c]) => trimChars(String(x), c === undefined ? ' ' : String(c), true, true)),
  ltrim: strN(([x, c]) => trimChars(String(x), c === undefined ? ' ' : String(c), true, false)),
  rtrim: strN(([x, c]) => trimChars(String(x), c === undefined ? ' ' : String(c), false, true)),
  md5: str1((x) => x),
  to_hex: str1((x) => Number(x).toString(16)),
  chr: str1((x) => String.fromCodePoint(Number(x))),
  concat: strN((xs) => xs.filter((x) => x !== null).map(String).join(''), false),
  concat_ws: strN(([sep, ...xs]) => (sep === null ? null : xs.filter((x) => x !== null).map(String).join(String(sep))), false),
  replace: strN(([x, a, b]) => String(x).split(String(a)).join(String(b))),
  repeat: strN(([x, k]) => String(x).repeat(Math.max(0, Number(k)))),
  left: strN(([x, k]) => { const c = [...String(x)]; const m = Number(k); return (m >= 0 ? c.slice(0, m) : c.slice(0, Math.max(0, c.length + m))).join(''); }),
  right: strN(([x, k]) => { const c = [...String(x)]; const m = Number(k); return (m >= 0 ? c.slice(Math.max(0, c.length - m)) : c.slice(-m)).join(''); }),
  lpad: strN(([x, k, p]) => pad(String(x), Number(k), p === undefined ? ' ' : String(p), true)),
  rpad: strN(([x, k, p]) => pad(String(x), Number(k), p === undefined ? ' ' : String(p), false)),
  substr: strN(([x, st, len]) => substr(String(x), Number(st), len === undefined ? undefined : Number(len))),
  substring: strN(([x, st, len]) => substr(String(x), Number(st), len === undefined ? undefined : Number(len))),
  split_part: strN(([x, d, k]) => { const parts = String(x).split(String(d)); const i = Number(k); const p = i > 0 ? parts[i - 1] : parts[parts.length + i]; return p ?? ''; }),
  translate: strN(([x, from, to]) => [...String(x)].map((c) => { const j = String(from).indexOf(c); return j < 0 ? c : String(to)[j] ?? ''; }).join('')),
  starts_with: (args, n) => boolOf(args, n, ([x, p]) => String(x).startsWith(String(p))),
  ends_with: (args, n) => boolOf(args, n, ([x, p]) => String(x).endsWith(String(p))),
  regexp_like: (args, n) => boolOf(args, n, ([x, p, f]) => new RegExp(String(p), f ? String(f) : '').test(String(x))),
  regexp_replace: strN(([x, p, r, f]) => String(x).replace(new RegExp(String(p), f ? String(f).replace(/[^gimsuy]/g, '') : ''), String(r).replace(/\\(\d)/g, '$$$1'))),
  matches: (args, n, _s, call) => matchesFn(args, n, call),
  // The term's regex is built once per distinct term, and a substring test rules most rows out first (logs scans).
  matches_term: (args, n) => boolOf(args, n, ([x, t]) => { const term = String(t); const text = String(x); return text.includes(term) && termRegex(term).test(text); }),
};

const termRegexes = new Map<string, RegExp>();
function termRegex(term: string): RegExp {
  let re = termRegexes.get(term);
  if (!re) {
    if (termRegexes.size > 256) termRegexes.clear();
    re = new RegExp(`(^|[^A-Za-z0-9])${term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^A-Za-z0-9])`);
    termRegexes.set(term, re);
  }
  return re;
}

function trimChars(x: string, chars: string, left: boolean, right: boolean): string {
  let a = 0, b = x.length;
  if (left) while (a < b && chars.includes(x[a]!)) a++;
  if (right) while (b > a && chars.includes(x[b - 1]!)) b--;
  return x.slice(a, b);
}

function pad(x: string, k: number, p: string, left: boolean): string {
  const c = [...x];
  if (c.length >= k) return c.slice(0, k).join('');
  if (!p) return x;
  let fill = '';
  while (fill.length < k - c.length) fill += p;
  fill = fill.slice(0, k - c.length);
  return left ? fill + x : x + fill;
}

function substr(x: string, st: number, len?: number): string {
  const c = [...x];
  let start = st - 1;
  let end = len === undefined ? c.length : start + len;
  if (start < 0) start = 0;
  if (end < start) end = start;
  return c.slice(start, end).join('');
}
