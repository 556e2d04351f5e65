// Evaluation of a matches() query: exactly over texts (the function's answer), or as a superset over an index.
//
// GreptimeDB's matches() is, per row, its query turned into LIKE tests: each word or phrase is a case-sensitive
// substring ('%w%'), combined by the query's AND / OR / + / -. On a column with a FULLTEXT INDEX the index prunes
// first, so a row must also satisfy the query over the analyzer's tokens; EddyDB makes that part of the function
// (not of whichever rows happen to be indexed), so an answer does not depend on what has been flushed.
import type { AnalyzerOptions } from './analyzer.ts';
import { tokenize } from './analyzer.ts';
import type { QueryNode } from './query.ts';
import { QuerySyntaxError, parseQuery } from './query.ts';

/** A query with its words and phrases run through the analyzer: each leaf is a token sequence (a phrase if > 1). */
export type Analyzed =
  | { t: 'tokens'; tokens: string[] }
  | { t: 'not'; kid: Analyzed }
  | { t: 'and' | 'or'; kids: Analyzed[] }
  | { t: 'seq'; must: Analyzed[]; should: Analyzed[]; mustNot: Analyzed[] };

export function analyzeQuery(node: QueryNode, opts: AnalyzerOptions, query: string): Analyzed {
  switch (node.t) {
    case 'text': {
      const tokens = tokenize(node.text, opts);
      if (tokens.length === 0) throw new QuerySyntaxError(`${node.phrase ? 'phrase' : 'term'} '${node.text}' has no letter or digit to search for`, node.pos, query);
      return { t: 'tokens', tokens };
    }
    case 'not': return { t: 'not', kid: analyzeQuery(node.kid, opts, query) };
    case 'and': case 'or': return { t: node.t, kids: node.kids.map((k) => analyzeQuery(k, opts, query)) };
    case 'seq': {
      const m = (xs: QueryNode[]): Analyzed[] => xs.map((k) => analyzeQuery(k, opts, query));
      return { t: 'seq', must: m(node.must), should: m(node.should), mustNot: m(node.mustNot) };
    }
  }
}

/** Parse and analyze in one step (throws QuerySyntaxError). */
export function compileQuery(query: string, opts: AnalyzerOptions): Analyzed {
  return analyzeQuery(parseQuery(query), opts, query);
}

function hasSeq(toks: string[], set: Set<string>, want: string[]): boolean {
  if (want.length === 1) return set.has(want[0]!);
  for (const w of want) if (!set.has(w)) return false;
  outer: for (let i = 0; i + want.length <= toks.length; i++) {
    for (let j = 0; j < want.length; j++) if (toks[i + j] !== want[j]) continue outer;
    return true;
  }
  return false;
}

/** Whether one row's token stream satisfies the query. */
export function matchTokens(n: Analyzed, toks: string[], set: Set<string>): boolean {
  switch (n.t) {
    case 'tokens': return hasSeq(toks, set, n.tokens);
    case 'not': return !matchTokens(n.kid, toks, set);
    case 'and': return n.kids.every((k) => matchTokens(k, toks, set));
    case 'or': return n.kids.some((k) => matchTokens(k, toks, set));
    case 'seq': {
      if (n.mustNot.some((k) => matchTokens(k, toks, set))) return false;
      if (n.must.length) return n.must.every((k) => matchTokens(k, toks, set));
      if (n.should.length) return n.should.some((k) => matchTokens(k, toks, set));
      return true;
    }
  }
}

/** GreptimeDB's LIKE reading of a query: each word or phrase a case-sensitive substring of `text`. */
export function matchSubstrings(n: QueryNode, text: string): boolean {
  switch (n.t) {
    case 'text': return text.includes(n.text);
    case 'not': return !matchSubstrings(n.kid, text);
    case 'and': return n.kids.every((k) => matchSubstrings(k, text));
    case 'or': return n.kids.some((k) => matchSubstrings(k, text));
    case 'seq': {
      if (n.mustNot.some((k) => matchSubstrings(k, text))) return false;
      if (n.must.length) return n.must.every((k) => matchSubstrings(k, text));
      if (n.should.length) return n.should.some((k) => matchSubstrings(k, text));
      return true;
    }
  }
}

/** A matches() query ready to run: its parse tree, and its analyzed form when the column has a FULLTEXT INDEX. */
export interface MatchesQuery {
  tree: QueryNode;
  analyzed: Analyzed | undefined;
  options: AnalyzerOptions | undefined;
}

/** Parses (and, for an indexed column, analyzes) a matches() query; throws QuerySyntaxError. */
export function compileMatches(query: string, options: AnalyzerOptions | undefined): MatchesQuery {
  const tree = parseQuery(query);
  return { tree, analyzed: options ? analyzeQuery(tree, options, query) : undefined, options };
}

/** matches(text, query) as GreptimeDB answers it: the substring tests, and on an indexed column the token test too. */
export function matchesQuery(q: MatchesQuery, text: string): boolean {
  return matchSubstrings(q.tree, text) && (q.analyzed === undefined || matchText(q.analyzed, text, q.options!));
}

/** Whether `text` satisfies the analyzed query over its tokens (what a FULLTEXT index answers, as a superset). */
export function matchText(n: Analyzed, text: string, opts: AnalyzerOptions): boolean {
  const toks = tokenize(text, opts);
  return matchTokens(n, toks, new Set(toks));
}

/** A set algebra an index answers in: its sets are supersets of the rows holding a token. */
export interface CandidateAlgebra<S> {
  all(): S;
  token(tok: string): S;
  and(a: S, b: S): S;
  or(a: S, b: S): S;
}

/**
 * Rows that may match, in the index's algebra. Never drops a matching row: a phrase needs each of its tokens,
 * and a negation (the complement of a superset is not a superset) keeps everything.
 */
export function candidates<S>(n: Analyzed, alg: CandidateAlgebra<S>): S {
  switch (n.t) {
    case 'tokens': return n.tokens.slice(1).reduce((acc, t) => alg.and(acc, alg.token(t)), alg.token(n.tokens[0]!));
    case 'not': return alg.all();
    case 'and': return n.kids.slice(1).reduce((acc, k) => alg.and(acc, candidates(k, alg)), candidates(n.kids[0]!, alg));
    case 'or': return n.kids.slice(1).reduce((acc, k) => alg.or(acc, candidates(k, alg)), candidates(n.kids[0]!, alg));
    case 'seq': {
      if (n.must.length) return n.must.slice(1).reduce((acc, k) => alg.and(acc, candidates(k, alg)), candidates(n.must[0]!, alg));
      if (n.should.length) return n.should.slice(1).reduce((acc, k) => alg.or(acc, candidates(k, alg)), candidates(n.should[0]!, alg));
      return alg.all();
    }
  }
}
