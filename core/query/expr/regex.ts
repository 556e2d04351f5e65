// Regular expressions of the regex operators and regexp_* functions: compiled once per distinct pattern, and a
// pattern that does not compile is the user's mistake (400), as DataFusion's "Regular expression did not compile".
import type { SourcePos } from '../../sql/index.ts';
import { ExecError, StatusCode } from '../../errors.ts';

const cache = new Map<string, RegExp>();
const CACHE_MAX = 256;

/** The pattern compiled with the given JavaScript flags; a bad pattern fails with InvalidArguments at `pos`. */
export function compileRegex(pattern: string, flags: string, pos?: SourcePos): RegExp {
  const key = `${flags}/${pattern}`;
  let re = cache.get(key);
  if (re) { re.lastIndex = 0; return re; }
  try {
    const [src, inline] = rustSyntax(pattern);
    re = new RegExp(src, [...new Set(flags + inline)].join(''));
  } catch (e) {
    throw new ExecError(`Regular expression did not compile: ${(e as Error).message.replace(/^Invalid (regular expression|flags)[^:]*: /, '')}`, pos, StatusCode.InvalidArguments);
  }
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
  cache.set(key, re);
  return re;
}

/** PostgreSQL/DataFusion regexp_* flags as JavaScript flags: i (case-insensitive), s, m; 'g' only where the function allows it. */
export function regexFlags(flags: unknown, fn: string, allowGlobal: boolean, pos?: SourcePos): string {
  if (flags === undefined || flags === null) return '';
  const f = String(flags);
  if (!allowGlobal && f.includes('g')) throw new ExecError(`${fn}() does not support the "global" option`, pos, StatusCode.InvalidArguments);
  for (const c of f) if (!'gimsc'.includes(c)) throw new ExecError(`${fn}() does not support the flag '${c}'`, pos, StatusCode.InvalidArguments);
  return [...new Set(f.replace(/c/g, ''))].join('');
}

const POSIX: Record<string, string> = {
  alnum: 'a-zA-Z0-9', alpha: 'a-zA-Z', ascii: '\\x00-\\x7F', blank: ' \\t', cntrl: '\\x00-\\x1F\\x7F', digit: '0-9', graph: '!-~',
  lower: 'a-z', print: ' -~', punct: '!-\\/:-@\\[-`{-~', space: '\\s', upper: 'A-Z', word: '\\w', xdigit: '0-9A-Fa-f',
};

/**
 * Rust regex syntax JavaScript spells otherwise: leading inline flags `(?ims)` become RegExp flags, `\A` / `\z` anchor
 * the text, `[[:alpha:]]`-style classes become ranges. Returns the JavaScript source and the flags it adds.
 */
function rustSyntax(pattern: string): [string, string] {
  let src = pattern, flags = '';
  const lead = /^\(\?([ims]+)\)/.exec(src);
  if (lead) { flags = lead[1]!; src = src.slice(lead[0].length); }
  src = src.replace(/\\A/g, '^').replace(/\\z/g, '$(?![\\s\\S])').replace(/\[:(\^?)(\w+):\]/g, (m, neg: string, name: string) => {
    const r = POSIX[name];
    return r === undefined || neg ? m : r;
  });
  return [src, flags];
}
