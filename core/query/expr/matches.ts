// Full-text SQL functions: matches(col, query) with GreptimeDB's query syntax, and matches_term(col, term) / `@@`.
// The semantics live in core/index/fulltext (one definition for these functions and the index probes); this file
// adapts them to column vectors, reusing one answer per dictionary entry of a dictionary-coded column.
import type { Expr, FunctionCall } from '../../sql/index.ts';
import { StatusCode } from '../../errors.ts';
import type { AnalyzerOptions, MatchesQuery } from '../../index/fulltext/index.ts';
import { QuerySyntaxError, analyzerOptions, compileMatches, matchesQuery, termMatcher } from '../../index/fulltext/index.ts';
import { PlanError, findField } from '../plan/rel.ts';
import type { BoolVec, Vec } from '../vector.ts';
import { boolVec, constOf, dictOf, getValue, isNull, setNull } from '../vector.ts';
import type { Scope } from './scope.ts';

/** The analyzer of the column matches() reads: its FULLTEXT INDEX options, undefined without one. */
function columnAnalyzer(arg: Expr | undefined, s: Scope): AnalyzerOptions | undefined {
  if (arg?.type !== 'column') return undefined;
  const i = findField(s.rel, arg.path, arg.pos);
  const ft = i >= 0 ? s.rel.fields[i]!.fulltext : undefined;
  return ft ? analyzerOptions(ft) : undefined;
}

/** Row-wise predicate over (text, pattern) with per-dictionary-entry reuse when the pattern is constant. */
function textPredicate(text: Vec, pattern: Vec, n: number, test: (t: string, p: string) => boolean): BoolVec {
  const out = boolVec(n);
  const d = dictOf(text);
  const pc = constOf(pattern);
  if (d && pc) {
    const p = pc.value;
    const memo = new Int8Array(d.dict.length).fill(-1);
    for (let i = 0; i < n; i++) {
      const k = d.codes[i]!;
      if (k < 0 || p === null) { setNull(out, i); continue; }
      if (memo[k]! < 0) memo[k] = test(d.dict[k]!, String(p)) ? 1 : 0;
      out.v[i] = memo[k]!;
    }
    return out;
  }
  for (let i = 0; i < n; i++) {
    if (isNull(text, i) || isNull(pattern, i)) { setNull(out, i); continue; }
    out.v[i] = test(String(getValue(text, i)), String(getValue(pattern, i))) ? 1 : 0;
  }
  return out;
}

export function matchesFn(args: Vec[], n: number, s: Scope, call: FunctionCall): BoolVec {
  const [text, query] = args;
  if (args.length !== 2 || !text || !query) throw new PlanError(`matches expects 2 arguments (column, query), got ${args.length}`, call.pos, StatusCode.InvalidArguments);
  const opts = columnAnalyzer(call.args[0], s);
  const compiled = new Map<string, MatchesQuery>();
  const compile = (q: string): MatchesQuery => {
    let c = compiled.get(q);
    if (c === undefined) {
      try { c = compileMatches(q, opts); } catch (e) {
        if (e instanceof QuerySyntaxError) throw new PlanError(`matches: ${e.message}`, call.pos, StatusCode.InvalidArguments, e);
        throw e;
      }
      compiled.set(q, c);
    }
    return c;
  };
  return textPredicate(text, query, n, (t, q) => matchesQuery(compile(q), t));
}

export function matchesTermFn(args: Vec[], n: number, call: FunctionCall): BoolVec {
  const [text, term] = args;
  if (args.length !== 2 || !text || !term) throw new PlanError(`matches_term expects 2 arguments (column, term), got ${args.length}`, call.pos, StatusCode.InvalidArguments);
  const compiled = new Map<string, (t: string) => boolean>();
  return textPredicate(text, term, n, (t, p) => {
    let m = compiled.get(p);
    if (m === undefined) compiled.set(p, m = termMatcher(p));
    return m(t);
  });
}
