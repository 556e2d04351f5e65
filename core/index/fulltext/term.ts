// matches_term(text, term) / text @@ term: GreptimeDB's exact term rule, and the tokens an index must hold for it.
//
// The rule (GreptimeDB docs, "Full-Text Search"): case-sensitive; the term occurs as an exact substring that does
// not cut a word: where the term begins (ends) with a word character, the text's character before (after) it is
// the start (end) of the text or not a word character. A term edge that is itself punctuation needs no check:
// the docs' '/start' matches "GET /app/start" and "/start-process" but not "start/stop". Any occurrence counts.
// CJK text (Han, kana, Hangul) is written without spaces, so a term holding a CJK character matches as a plain
// substring ('机号1888' in '登录手机号18888888888'), as GreptimeDB's cases answer. An empty term matches only an
// empty text. The analyzer and case_sensitive option of a FULLTEXT index never change this answer.
// Not done: GreptimeDB's cases also take CJK next to an ASCII term as a boundary ('error' in '错误error日志'); the
// English analyzer keeps such text in one token, so its index could not answer that without false negatives.
import type { AnalyzerOptions } from './analyzer.ts';
import { isAlnum, tokenize } from './analyzer.ts';

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

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
  if (term.length === 0) return text.length === 0;
  if (CJK.test(term)) return text.includes(term);
  const checkBefore = alnumAt(term, 0);
  const checkAfter = alnumBefore(term, term.length);
  for (let at = text.indexOf(term); at >= 0; at = text.indexOf(term, at + 1)) {
    if ((!checkBefore || !alnumBefore(text, at)) && (!checkAfter || !alnumAt(text, at + term.length))) return true;
  }
  return false;
}

/**
 * Tokens every text matching `term` contains under the index's analyzer (none: the index cannot answer). Each
 * alphanumeric run of the term is a whole run of the text: inside the term it is bounded by the term's own
 * punctuation, and at the term's edges by the boundary rule, so the analyzer cuts it the same way in both. An
 * empty term (it matches empty texts, which hold no token) and a term holding CJK (a plain substring) have none.
 */
export function termTokens(term: string, opts: AnalyzerOptions): string[] {
  if (term.length === 0 || CJK.test(term)) return [];
  return tokenize(term, opts);
}
