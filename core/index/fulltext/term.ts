// matches_term(text, term) / text @@ term: GreptimeDB's exact term rule, and the tokens an index must hold for it.
//
// The rule (GreptimeDB docs, "Full-Text Search", and its MatchesTermFinder): case-sensitive; the term occurs as an
// exact substring that does not cut a word. Characters are classed as the analyzers class them (analyzer.ts): ASCII
// letters and digits, Han, other alphanumerics, the rest. At a term edge that is a word character, the text's
// neighbour (none at the text's start or end) must not continue the word:
// - a term of ASCII word characters (and punctuation) is cut only by an ASCII letter or digit: 'error' is a term of
//   '错误error日志' and of 'hello_world' ('world'), not of 'errors';
// - a term holding another alphanumeric (no Han) is cut by any word character: 'café' is not a term of '口café';
// - a term holding Han matches as a plain substring (Chinese is written without spaces): '机号1888' in
//   '登录手机号18888888888'.
// A term edge that is itself punctuation needs no check: '/start' matches "GET /app/start" and "/start-process" but
// not "start/stop". Any occurrence counts. An empty term matches only an empty text. The analyzer and case_sensitive
// option of a FULLTEXT index never change this answer.
import type { AnalyzerOptions } from './analyzer.ts';
import { CharClass, classOf, forEachRun, runTokens } from './analyzer.ts';

const enum TermKind { Ascii, Word, Han }

function kindOf(term: string): TermKind {
  let kind = TermKind.Ascii;
  for (let i = 0; i < term.length; ) {
    const cp = term.codePointAt(i)!;
    const c = classOf(cp);
    if (c === CharClass.Han) return TermKind.Han;
    if (c === CharClass.Word) kind = TermKind.Word;
    i += cp > 0xffff ? 2 : 1;
  }
  return kind;
}

/** Class of the code point ending at UTF-16 offset `i` (Other at the start of the text). */
function classBefore(text: string, i: number): CharClass {
  if (i <= 0) return CharClass.Other;
  const lo = text.charCodeAt(i - 1);
  if (lo >= 0xdc00 && lo <= 0xdfff && i >= 2) return classOf(text.codePointAt(i - 2)!);
  return classOf(lo);
}

function classAt(text: string, i: number): CharClass {
  return i >= text.length ? CharClass.Other : classOf(text.codePointAt(i)!);
}

/** matches_term compiled for one term: a test of texts. */
export function termMatcher(term: string): (text: string) => boolean {
  if (term.length === 0) return (text) => text.length === 0;
  const kind = kindOf(term);
  if (kind === TermKind.Han) return (text) => text.includes(term);
  const checkBefore = classAt(term, 0) !== CharClass.Other;
  const checkAfter = classBefore(term, term.length) !== CharClass.Other;
  // an ASCII term is cut only by an ASCII word character; another term by any word character
  const cuts = kind === TermKind.Ascii ? (c: CharClass) => c === CharClass.Ascii : (c: CharClass) => c !== CharClass.Other;
  return (text) => {
    for (let at = text.indexOf(term); at >= 0; at = text.indexOf(term, at + 1)) {
      if ((!checkBefore || !cuts(classBefore(text, at))) && (!checkAfter || !cuts(classAt(text, at + term.length)))) return true;
    }
    return false;
  };
}

export function matchesTerm(text: string, term: string): boolean {
  return termMatcher(term)(text);
}

/**
 * Tokens every text matching `term` contains under the index's analyzer (none: the index cannot answer). Without
 * Han, each word run of the term is a whole run of the text: inside the term it is bounded by the term's own
 * punctuation or a class change, and at the term's edges by the boundary rule, which cuts where the analyzer cuts.
 * A term holding Han matches as a substring, so a run at its edge may continue in the text: only its inner runs
 * count, and (Chinese analyzer) the bigrams inside any Han run, which every text holding the run holds. An empty
 * term (it matches empty texts, which hold no token) has none.
 */
export function termTokens(term: string, opts: AnalyzerOptions): string[] {
  if (term.length === 0) return [];
  const bounded = kindOf(term) !== TermKind.Han;
  const out: string[] = [];
  const push = (t: string): void => { out.push(t); };
  forEachRun(term, (s, e, cls) => {
    const run = term.slice(s, e);
    if (bounded || (s > 0 && e < term.length)) runTokens(run, cls, opts, push);
    else if (cls === CharClass.Han && opts.analyzer === 'Chinese' && e - s > (run.codePointAt(0)! > 0xffff ? 2 : 1)) runTokens(run, cls, opts, push);
  });
  return out;
}
