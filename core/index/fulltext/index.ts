// Public face of the full-text module: analyzers, the matches / matches_term semantics, and the index backends.
export type { AnalyzerName, AnalyzerOptions } from './analyzer.ts';
export { CharClass, DEFAULT_ANALYZER, analyzerOptions, classOf, isAlnum, tokenize } from './analyzer.ts';
export { matchesTerm, termMatcher, termTokens } from './term.ts';
export type { QueryNode } from './query.ts';
export { QuerySyntaxError, parseQuery } from './query.ts';
export type { Analyzed, CandidateAlgebra, MatchesQuery } from './eval.ts';
export { analyzeQuery, candidates, compileMatches, compileQuery, matchSubstrings, matchText, matchTokens, matchesQuery } from './eval.ts';
export type { RowRanges, TextColumn } from './column.ts';
export { rangesToMask } from './column.ts';
export type { FulltextIndexOptions, FulltextQuery, FulltextReader } from './fulltext_index.ts';
export { buildFulltextIndex, fulltextIndexOptions, openFulltextIndex, probeFulltextIndex } from './fulltext_index.ts';
export type { FulltextProbe } from './predicate.ts';
export { fulltextPredicatesOf } from './predicate.ts';
export type { FulltextColumnPredicate } from './kind_adapter.ts';
export { fulltextIndexKind } from './kind_adapter.ts';
