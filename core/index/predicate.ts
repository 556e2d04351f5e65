// Column predicates a scan hands to indexes (=, IN, !=, regex, LIKE, full-text, spatial), and the one test of a value against them.
import { InternalError } from '../errors.ts';
import { likeRegex } from '../query/expr/predicates.ts';
import { compileMatches, matchesQuery, termMatcher, type FulltextQuery } from './fulltext/index.ts';
import type { SpatialPredicate } from './spatial/index.ts';

/**
 * One conjunct of WHERE on one column, in a form indexes can answer. A predicate never matches NULL (as in SQL,
 * where `c != 'x'`, `c ~ 'r'` and `c LIKE 'p%'` are not true for a null c). Other index kinds add their
 * predicate shapes to this union (full-text terms, bounding boxes) and answer them in their own `prune`.
 */
export type ColumnPredicate =
  /** `c = 'v'` (one value) and `c IN ('a', 'b')`. */
  | { column: string; op: 'in'; values: string[] }
  /** `c != 'v'` / `c <> 'v'`. */
  | { column: string; op: 'ne'; value: string }
  /** `c ~ 're'`, `c ~* 're'` (flags 'i'), `c !~ 're'` (negated): JavaScript RegExp, unanchored, as the executor evaluates it. */
  | { column: string; op: 'regex'; pattern: string; flags: '' | 'i'; negated: boolean }
  /** `c LIKE 'p%'`, `c ILIKE ...`, `c NOT LIKE ...`: the SQL pattern; `prefix` is its literal start ('' when it starts with a wildcard). */
  | { column: string; op: 'like'; pattern: string; caseInsensitive: boolean; negated: boolean; prefix: string }
  /** `matches_term(c, 't')` / `c @@ 't'` and `matches(c, 'query')` (with the column's analyzer options). */
  | { column: string; op: 'fulltext'; query: FulltextQuery }
  /** A bounding box or radius on the point (`column`, `lng`): latitude and longitude columns of a SPATIAL INDEX. No value test: the executor decides rows. */
  | { column: string; op: 'spatial'; lng: string; predicate: SpatialPredicate };

/** Predicates on one string column's values (tested per dictionary code by storage's row filter). */
export function isValuePredicate(p: ColumnPredicate): boolean {
  return p.op !== 'spatial';
}

/** The literal text before the first wildcard of a LIKE pattern (with `\` escapes resolved). */
export function likePrefix(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '%' || c === '_') break;
    if (c === '\\' && i + 1 < pattern.length) { out += pattern[++i]!; continue; }
    out += c;
  }
  return out;
}

/** A test of one non-null value against the predicate; compiled once (regex) and run per distinct value. */
export function valueTest(p: ColumnPredicate): (v: string) => boolean {
  switch (p.op) {
    case 'in': {
      if (p.values.length === 1) { const w = p.values[0]!; return (v) => v === w; }
      // a short list is compared value by value: === rejects on length or first characters, where a Set hashes the
      // whole of each tested string (text pages are tested row by row, every row a new string)
      if (p.values.length <= 8) {
        const ws = p.values;
        return (v) => { for (let i = 0; i < ws.length; i++) if (v === ws[i]) return true; return false; };
      }
      const set = new Set(p.values);
      return (v) => set.has(v);
    }
    case 'ne': return (v) => v !== p.value;
    case 'regex': {
      const re = new RegExp(p.pattern, p.flags);
      return p.negated ? (v) => !re.test(v) : (v) => re.test(v);
    }
    case 'like': {
      const re = likeRegex(p.pattern, p.caseInsensitive);
      return p.negated ? (v) => !re.test(v) : (v) => re.test(v);
    }
    case 'fulltext': {
      // the SQL functions' own definitions (core/query/expr/matches.ts), so a filtered scan keeps exactly their rows
      const q = p.query;
      if (q.kind === 'term') return termMatcher(q.term);
      const compiled = compileMatches(q.query, q.options);
      return (v) => matchesQuery(compiled, v);
    }
    case 'spatial': throw new InternalError('a spatial predicate has no value test (it covers two numeric columns)');
  }
}

/** Checks a regex compiles (the scan would otherwise fail in the middle); false for an invalid pattern. */
export function validRegex(pattern: string, flags: string): boolean {
  try { new RegExp(pattern, flags); return true; } catch { return false; }
}
