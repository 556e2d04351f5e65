// Scalar string functions: length, case, trim, pad, substrings, search and regular expressions.
import type { Fn } from './fn_util.ts';
import { boolOf, intOf, str1, strN } from './fn_util.ts';
import { matchesFn, matchesTermFn } from './matches.ts';
import { compileRegex, regexFlags } from './regex.ts';
import { getValue } from '../vector.ts';
import { ExecError, StatusCode } from '../../errors.ts';

export const STRING: Record<string, Fn> = {
  // over Binary (bytes as hex text) each counts bytes
  length: (args, n) => intOf(args, n, ([x]) => (args[0]?.dt === 'Binary' ? String(x).length / 2 : [...String(x)].length), 'Int32'),
  char_length: (args, n) => intOf(args, n, ([x]) => [...String(x)].length, 'Int32'),
  character_length: (args, n) => intOf(args, n, ([x]) => [...String(x)].length, 'Int32'),
  octet_length: (args, n) => intOf(args, n, ([x]) => (args[0]?.dt === 'Binary' ? String(x).length / 2 : new TextEncoder().encode(String(x)).length), 'Int32'),
  bit_length: (args, n) => intOf(args, n, ([x]) => (args[0]?.dt === 'Binary' ? String(x).length / 2 : new TextEncoder().encode(String(x)).length) * 8, 'Int32'),
  ascii: (args, n) => intOf(args, n, ([x]) => String(x).codePointAt(0) ?? 0, 'Int32'),
  strpos: (args, n) => intOf(args, n, ([x, y]) => String(x).indexOf(String(y)) + 1, 'Int32'),
  instr: (args, n) => intOf(args, n, ([x, y]) => String(x).indexOf(String(y)) + 1, 'Int32'),
  lower: str1((x) => x.toLowerCase()),
  upper: str1((x) => x.toUpperCase()),
  // a word is a run of letters and digits (any script): its first character upper case, the rest lower case
  initcap: str1((x) => x.toLowerCase().replace(/(^|[^\p{L}\p{N}])(\p{L})/gu, (_m, p: string, c: string) => p + c.toUpperCase())),
  reverse: str1((x) => [...x].reverse().join('')),
  trim: str1((x) => x.trim()), btrim: strN(([x, c]) => trimChars(String(x), c === undefined ? ' ' : String(c), true, true)),
  ltrim: strN(([x, c]) => trimChars(String(x), c === undefined ? ' ' : String(c), true, false)),
  rtrim: strN(([x, c]) => trimChars(String(x), c === undefined ? ' ' : String(c), false, true)),
  // a negative integer is written as its 64-bit two's complement, as DataFusion's to_hex(Int64)
  to_hex: (args, n, s, call) => {
    if (args[0] && args[0].kind !== 'num' && args[0].dt !== 'Null') throw new ExecError(`to_hex takes an integer, got ${args[0].dt}`, call.pos, StatusCode.InvalidArguments);
    return str1((x) => BigInt.asUintN(64, /^-?\d+$/.test(x) ? BigInt(x) : BigInt(Math.trunc(Number(x)))).toString(16))(args, n, s, call);
  },
  chr: str1((x) => String.fromCodePoint(Number(x))),
  concat: strN((xs) => xs.filter((x) => x !== null).map(String).join(''), false),
  concat_ws: strN(([sep, ...xs]) => (sep === null ? null : xs.filter((x) => x !== null).map(String).join(String(sep))), false),
  // an empty search string matches nothing (the text comes back unchanged)
  replace: strN(([x, a, b]) => (String(a) === '' ? String(x) : String(x).split(String(a)).join(String(b)))),
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
  regexp_like: (args, n, _s, call) => boolOf(args, n, ([x, p, f]) => compileRegex(String(p), regexFlags(f, 'regexp_like', false, call.pos), call.pos).test(String(x))),
  regexp_replace: (args, n, s, call) => strN(([x, p, r, f]) => String(x).replace(compileRegex(String(p), regexFlags(f, 'regexp_replace', true, call.pos), call.pos), String(r).replace(/\\(\d)/g, '$$$1')))(args, n, s, call),
  // regexp_extract(s, re[, group]): the first match (or its capture group), NULL when there is none
  regexp_extract: (args, n, s, call) => strN(([x, p, g]) => {
    const m = compileRegex(String(p), '', call.pos).exec(String(x));
    return m ? m[g === undefined ? 0 : Number(g)] ?? null : null;
  })(args, n, s, call),
  // regexp_match(s, re[, flags]): the first match's capture groups as a list (the whole match when re has none)
  regexp_match: (args, n, _s, call) => {
    const v = new Array<unknown>(n).fill(null);
    for (let i = 0; i < n; i++) {
      const [x, p, f] = args.map((a) => getValue(a, i));
      if (x === null || p === null) continue;
      const m = compileRegex(String(p), regexFlags(f, 'regexp_match', false, call.pos), call.pos).exec(String(x));
      if (m) v[i] = m.length > 1 ? m.slice(1).map((g) => g ?? null) : [m[0]];
    }
    return { kind: 'any', dt: 'List', v };
  },
  // regexp_instr(s, re[, start[, nth[, flags[, group]]]]): the 1-based character position of the nth match at or
  // after start (of its capture group when group > 0), 0 when there is none
  regexp_instr: (args, n, _s, call) => intOf(args, n, ([x, re, start, nth, flags, group]) => {
    const chars = [...String(x)];
    const from = start === undefined ? 1 : Number(start), k = nth === undefined ? 1 : Number(nth), g = group === undefined ? 0 : Number(group);
    if (from < 1) throw new ExecError(`regexp_instr() requires start to be 1-based, got ${from}`, call.pos, StatusCode.InvalidArguments);
    if (k < 1) throw new ExecError(`regexp_instr() requires n to be 1-based, got ${k}`, call.pos, StatusCode.InvalidArguments);
    const text = chars.slice(from - 1).join('');
    const rx = compileRegex(String(re), 'gd' + regexFlags(flags, 'regexp_instr', false, call.pos), call.pos);
    let seen = 0;
    for (const m of text.matchAll(rx)) {
      if (++seen < k) continue;
      const at = g > 0 ? m.indices?.[g]?.[0] : m.index;
      return at === undefined ? 0 : [...text.slice(0, at)].length + from;
    }
    return 0;
  }),
  matches: (args, n, s, call) => matchesFn(args, n, s, call),
  matches_term: (args, n, _s, call) => matchesTermFn(args, n, call),
  contains: (args, n) => boolOf(args, n, ([x, y]) => String(x).includes(String(y))),
  find_in_set: (args, n) => intOf(args, n, ([x, list]) => String(list).split(',').indexOf(String(x)) + 1, 'Int32'),
  levenshtein: (args, n) => intOf(args, n, ([a, b]) => levenshtein([...String(a)], [...String(b)]), 'Int32'),
  // substring_index(s, delim, k): before the k-th delimiter from the left (k > 0) or after the k-th from the right (k < 0)
  substring_index: strN(([x, d, k]) => {
    const parts = String(x).split(String(d)), c = Number(k);
    if (c === 0 || String(d) === '') return '';
    return c > 0 ? parts.slice(0, c).join(String(d)) : parts.slice(Math.max(0, parts.length + c)).join(String(d));
  }),
  overlay: strN(([x, sub, from, len]) => {
    const c = [...String(x)], start = Math.max(1, Number(from)) - 1;
    const k = len === undefined ? [...String(sub)].length : Number(len);
    return c.slice(0, start).join('') + String(sub) + c.slice(start + k).join('');
  }),
  regexp_count: (args, n, _s, call) => intOf(args, n, ([x, re, start, flags]) => {
    const text = [...String(x)].slice(start === undefined ? 0 : Number(start) - 1).join('');
    return (text.match(compileRegex(String(re), 'g' + regexFlags(flags, 'regexp_count', false, call.pos), call.pos)) ?? []).length;
  }),
};
// DataFusion names it substr_index (substring_index is its MySQL spelling)
STRING.substr_index = STRING.substring_index!;

function levenshtein(a: string[], b: string[]): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
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
