// Full-text analyzers (GreptimeDB's FULLTEXT INDEX options analyzer / case_sensitive): text -> token stream.
//
// English: a token is a maximal run of alphanumeric characters (Unicode letters and numbers, Rust's
// char::is_alphanumeric, which GreptimeDB's tokenizers split on), lowercased unless case_sensitive.
// Chinese: the same runs, but inside a run each stretch of Han characters becomes its overlapping character
// bigrams (a lone Han character stays one token), the classic dictionary-free CJK segmentation (Lucene's
// CJKAnalyzer); other stretches stay whole tokens. GreptimeDB uses jieba's dictionary here; bigrams need no
// dictionary, never miss a word jieba would split differently, and a query is segmented the same way.
// Lowercasing is per token, so a text and a query containing the same token always agree on its form.

export type AnalyzerName = 'English' | 'Chinese';

export interface AnalyzerOptions {
  analyzer: AnalyzerName;
  caseSensitive: boolean;
}

export const DEFAULT_ANALYZER: AnalyzerOptions = { analyzer: 'English', caseSensitive: false };

const ALNUM = /[\p{Alphabetic}\p{N}]/u;
const HAN = /\p{Script=Han}/u;

/** Whether one code point (as a string) is alphanumeric in GreptimeDB's sense. */
export function isAlnum(ch: string): boolean {
  const c = ch.charCodeAt(0);
  if (c < 128) return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  return ALNUM.test(ch);
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

/** Calls `emit` for each alphanumeric run of `text` (start and end as UTF-16 offsets). */
export function forEachRun(text: string, emit: (start: number, end: number) => void): void {
  let start = -1;
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i)!;
    const w = cp > 0xffff ? 2 : 1;
    const alnum = cp < 128 ? (cp >= 48 && cp <= 57) || (cp >= 65 && cp <= 90) || (cp >= 97 && cp <= 122) : ALNUM.test(String.fromCodePoint(cp));
    if (alnum) { if (start < 0) start = i; } else if (start >= 0) { emit(start, i); start = -1; }
    i += w;
  }
  if (start >= 0) emit(start, text.length);
}

/** The token stream of `text` in order (positions are array indexes, used by phrase matching). */
export function tokenize(text: string, opts: AnalyzerOptions = DEFAULT_ANALYZER): string[] {
  const out: string[] = [];
  const norm = (t: string): string => (opts.caseSensitive ? t : t.toLowerCase());
  forEachRun(text, (s, e) => {
    const run = text.slice(s, e);
    if (opts.analyzer === 'English' || !HAN.test(run)) { out.push(norm(run)); return; }
    splitHan(run, (tok) => out.push(norm(tok)));
  });
  return out;
}

/** One alphanumeric run under the Chinese analyzer: Han stretches as bigrams, other stretches whole. */
function splitHan(run: string, emit: (tok: string) => void): void {
  const cps = Array.from(run);
  let i = 0;
  while (i < cps.length) {
    const han = HAN.test(cps[i]!);
    let j = i + 1;
    while (j < cps.length && HAN.test(cps[j]!) === han) j++;
    if (!han) emit(cps.slice(i, j).join(''));
    else if (j - i === 1) emit(cps[i]!);
    else for (let k = i; k + 1 < j; k++) emit(cps[k]! + cps[k + 1]!);
    i = j;
  }
}
