// matches_term(text, term) / text @@ term: GreptimeDB's exact term rule, and the tokens an index must hold for it.
//
// The rule (GreptimeDB docs, "Full-Text Search"): case-sensitive; the term occurs as an exact substring that does
// not cut a word: where the term begins (ends) with an alphanumeric character, the text's character before (after)
// it is the start (end) of the text or non-alphanumeric. A term edge that is itself punctuation needs no check:
// the docs' '/start' matches "GET /app/start" and "/start-process" but not "start/stop". Any occurrence counts. An empty term matches nothing (decision: it has no boundaries to
// check). The analyzer and case_sensitive option of a FULLTEXT index never change this answer.
import type { AnalyzerOptions } from './analyzer.ts';
import { isAlnum, tokenize } from './analyzer.ts';

function alnumBefore(text: string, i: number): boolean {
  if (i <= 0) return false;
  const lo = text.charCodeAt(i - 1);
  if (lo >= 0xdc00 && lo <= 0xdfff && i >= 2) return isAlnum(String.fromCodePoint(text.codePointAt(i - 2)!));
  return isAlnum(text[i - 1]!);
}

function alnumAt(text: string, i: number): boolean {
  if (i >= text.length) return false;
  return isAlnum(String.fromCodePoint(text.codePointAt(i)!));
}

export function matchesTerm(text: string, term: string): boolean {
  if (term.length === 0) return false;
  const checkBefore = alnumAt(term, 0);
  const checkAfter = alnumBefore(term, term.length);
  for (let at = text.indexOf(term); at >= 0; at = text.indexOf(term, at + 1)) {
    if ((!checkBefore || !alnumBefore(text, at)) && (!checkAfter || !alnumAt(text, at + term.length))) return true;
  }
  return false;
}

/**
 * Tokens every text matching `term` contains under the index's analyzer. Each alphanumeric run of the term is
 * a whole run of the text: inside the term it is bounded by the term's own punctuation, and at the term's
 * edges by the boundary rule, so the analyzer cuts it the same way in both.
 */
export function termTokens(term: string, opts: AnalyzerOptions): string[] {
  return tokenize(term, opts);
}
