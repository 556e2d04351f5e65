// Full-text analyzers (GreptimeDB's FULLTEXT INDEX options analyzer / case_sensitive): text -> token stream.
//
// Characters fall in four classes (GreptimeDB's term_token classes, shared with matches_term's boundary rule in
// term.ts): ASCII letters and digits, Han (Unicode script Han), other alphanumerics (Unicode Alphabetic or Number,
// Rust's char::is_alphanumeric), and everything else. A token is a maximal run of one word class, so a class change
// cuts a token as punctuation does: '错误error日志' is '错误', 'error', '日志'; 'Größe' is 'Gr', 'öß', 'e'. Exactly
// where matches_term sees a term edge the text is cut, so an index never loses a matches_term row.
// English: every run is one token. Chinese: a Han run becomes its overlapping character bigrams (a lone Han
// character stays one token), the classic dictionary-free CJK segmentation (Lucene's CJKAnalyzer, GreptimeDB's bloom
// tokens); GreptimeDB's tantivy backend uses jieba's dictionary here, bigrams need none and never miss a word jieba
// would split differently. Lowercasing is per token, so a text and a query holding the same token agree on its form.

export type AnalyzerName = 'English' | 'Chinese';

export interface AnalyzerOptions {
  analyzer: AnalyzerName;
  caseSensitive: boolean;
}

export const DEFAULT_ANALYZER: AnalyzerOptions = { analyzer: 'English', caseSensitive: false };

/** Character classes: runs of one class (other than OTHER) are tokens. */
export const CharClass = { Other: 0, Ascii: 1, Han: 2, Word: 3 } as const;
export type CharClass = (typeof CharClass)[keyof typeof CharClass];

const HAN = /\p{Script=Han}/u;
const ALNUM = /[\p{Alphabetic}\p{N}]/u;

/** The class of one code point. */
export function classOf(cp: number): CharClass {
  if (cp < 128) return (cp >= 48 && cp <= 57) || (cp >= 65 && cp <= 90) || (cp >= 97 && cp <= 122) ? CharClass.Ascii : CharClass.Other;
  const ch = String.fromCodePoint(cp);
  if (HAN.test(ch)) return CharClass.Han;
  return ALNUM.test(ch) ? CharClass.Word : CharClass.Other;
}

/** Whether one code point (as a string) is alphanumeric in GreptimeDB's sense (any word class). */
export function isAlnum(ch: string): boolean {
  return classOf(ch.codePointAt(0)!) !== CharClass.Other;
}

/**
 * Options from a column's FULLTEXT INDEX WITH (...) map (keys as stored by DDL; values case-insensitive);
 * anything absent takes GreptimeDB's default (English, case-insensitive).
 */
export function analyzerOptions(o: Record<string, string> | undefined): AnalyzerOptions {
  const a = o?.analyzer?.toLowerCase();
  const cs = o?.case_sensitive?.toLowerCase();
  return { analyzer: a === 'chinese' ? 'Chinese' : 'English', caseSensitive: cs === 'true' };
}

/** Calls `emit` for each maximal run of one word class of `text` (start and end as UTF-16 offsets). */
export function forEachRun(text: string, emit: (start: number, end: number, cls: CharClass) => void): void {
  let start = -1;
  let cls: CharClass = CharClass.Other;
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i)!;
    const c = classOf(cp);
    if (c !== cls) {
      if (cls !== CharClass.Other) emit(start, i, cls);
      cls = c;
      start = i;
    }
    i += cp > 0xffff ? 2 : 1;
  }
  if (cls !== CharClass.Other) emit(start, text.length, cls);
}

/** The tokens of one run (its text), in order: a Han run under the Chinese analyzer as bigrams. */
export function runTokens(run: string, cls: CharClass, opts: AnalyzerOptions, emit: (tok: string) => void): void {
  const norm = (t: string): string => (opts.caseSensitive ? t : t.toLowerCase());
  if (cls !== CharClass.Han || opts.analyzer === 'English') { emit(norm(run)); return; }
  const cps = Array.from(run);
  if (cps.length === 1) { emit(run); return; }
  for (let k = 0; k + 1 < cps.length; k++) emit(cps[k]! + cps[k + 1]!);
}

/** The token stream of `text` in order (positions are array indexes, used by phrase matching). */
export function tokenize(text: string, opts: AnalyzerOptions = DEFAULT_ANALYZER): string[] {
  const out: string[] = [];
  const push = (t: string): void => { out.push(t); };
  forEachRun(text, (s, e, cls) => runTokens(text.slice(s, e), cls, opts, push));
  return out;
}
