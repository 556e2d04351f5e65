// Full-text semantics: analyzers, GreptimeDB's matches_term boundary rule, and the matches() query language.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ANALYZER, QuerySyntaxError, analyzerOptions, compileQuery, matchText, matchesTerm, parseQuery, termTokens, tokenize,
} from '../../../../core/index/fulltext/index.ts';

const WORD = '[\\p{Alphabetic}\\p{N}\\p{Script=Han}]';
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/**
 * The rule written a second way: a regular expression with look-around at the term's word edges; the characters that
 * cut a term are ASCII letters and digits for an ASCII term, any word character for another; a Han term is a substring.
 */
function refTerm(text: string, term: string): boolean {
  if (!term) return text === '';
  if (/\p{Script=Han}/u.test(term)) return text.includes(term);
  const cut = /^[\x00-\x7f]*$/.test(term) ? '[A-Za-z0-9]' : WORD;
  const cps = Array.from(term);
  const isWord = (c: string) => new RegExp(WORD, 'u').test(c);
  const pre = isWord(cps[0]!) ? `(?<!${cut})` : '';
  const post = isWord(cps[cps.length - 1]!) ? `(?!${cut})` : '';
  return new RegExp(pre + escape(term) + post, 'u').test(text);
}

// ASCII, Han (one astral), other letters and digits (one astral), punctuation, an emoji: every class next to every other
const CHARS = ['a', 'b', 'E', 'e', 'r', 'o', ' ', '-', '/', ':', '_', '1', '错', '误', '发', '𠀀', '😀', 'É', 'é', 'ö', 'я', '𝟘', '！'];
const textArb = fc.array(fc.constantFrom(...CHARS), { maxLength: 14 }).map((a) => a.join(''));

describe('matches_term', () => {
  it("follows GreptimeDB's documented examples", () => {
    for (const t of ['An error occurred!', 'Critical error: system failure', 'error-prone']) expect(matchesTerm(t, 'error')).toBe(true);
    for (const t of ['errors', 'error123', 'errorLogs', 'Error']) expect(matchesTerm(t, 'error')).toBe(false);
    for (const t of ['GET /app/start', 'Command: /start-process', 'Command: /start']) expect(matchesTerm(t, '/start')).toBe(true);
    for (const t of ['start', 'start/stop']) expect(matchesTerm(t, '/start')).toBe(false);
    expect(matchesTerm('warning:hello world!', 'hello world')).toBe(true);
    expect(matchesTerm('hello-world', 'hello world')).toBe(false);
    expect(matchesTerm('hello world2023', 'hello world')).toBe(false);
    expect(matchesTerm('errors and error', 'error')).toBe(true); // a later occurrence counts
    expect(matchesTerm('anything', '')).toBe(false);
    expect(matchesTerm('', '')).toBe(true); // an empty term matches an empty text only
    // a term holding Han matches as a substring: Chinese is written without spaces
    expect(matchesTerm('登录手机号18888888888的动态key', '机号1888')).toBe(true);
    expect(matchesTerm('中国农业银行', '农业')).toBe(true);
    expect(matchesTerm('中国农业银行', '农行')).toBe(false);
  });

  it("cuts an ASCII term only at ASCII letters and digits, another term at any word character (GreptimeDB's cases)", () => {
    const text = '登录手机号18888888888的动态key';
    for (const t of ['手机号', '18888888888', '手机', '机号', 'key']) expect(matchesTerm(text, t)).toBe(true);
    expect(matchesTerm('错误error日志', 'error')).toBe(true);
    expect(matchesTerm('系统error发生', 'error')).toBe(true);
    expect(matchesTerm('连接timeout.5次', 'timeout')).toBe(true);
    expect(matchesTerm('用户user-123登录', 'user')).toBe(true);
    expect(matchesTerm('hello_world', 'world')).toBe(true);
    expect(matchesTerm('trace_id=abc', 'id')).toBe(true);
    expect(matchesTerm('criticalerrors', 'error')).toBe(false);
    expect(matchesTerm('错误errorerror日志_error!', 'error')).toBe(true);
    expect(matchesTerm('café>', 'café')).toBe(true);
    expect(matchesTerm('口café>', 'café')).toBe(false);
    expect(matchesTerm('café口', 'café')).toBe(false);
    expect(matchesTerm('русский！', 'русский')).toBe(true);
    expect(matchesTerm('这是中文测试，中文！', '中文')).toBe(true);
  });

  it('agrees with a look-around regular expression on random text (astral characters included)', () => {
    fc.assert(fc.property(textArb, textArb, (text, term) => {
      expect(matchesTerm(text, term)).toBe(refTerm(text, term));
    }), { numRuns: 3000 });
  });

  it('a matching text holds every token of the term under any analyzer (what index probes rely on)', () => {
    fc.assert(fc.property(textArb, textArb, fc.boolean(), fc.boolean(), (text, term, zh, cs) => {
      const opts = { analyzer: zh ? 'Chinese' as const : 'English' as const, caseSensitive: cs };
      if (!matchesTerm(text, term)) return;
      const have = new Set(tokenize(text, opts));
      for (const t of termTokens(term, opts)) expect(have.has(t)).toBe(true);
    }), { numRuns: 3000 });
  });
});

describe('analyzers', () => {
  it('English: runs of one word class, lowercased unless case_sensitive', () => {
    expect(tokenize('GET /api/v1?id=42 Élan_x')).toEqual(['get', 'api', 'v1', 'id', '42', 'é', 'lan', 'x']);
    expect(tokenize('错误error日志')).toEqual(['错误', 'error', '日志']);
    expect(tokenize('Größe日x', { analyzer: 'English', caseSensitive: true })).toEqual(['Gr', 'öß', 'e', '日', 'x']);
    expect(tokenize('Hello World', { analyzer: 'English', caseSensitive: true })).toEqual(['Hello', 'World']);
  });
  it('Chinese: Han stretches as character bigrams, other stretches whole', () => {
    const zh = { analyzer: 'Chinese' as const, caseSensitive: false };
    expect(tokenize('系统发生错误', zh)).toEqual(['系统', '统发', '发生', '生错', '错误']);
    expect(tokenize('错 HTTP500错误', zh)).toEqual(['错', 'http500', '错误']);
    expect(tokenize('用户user-123登录', zh)).toEqual(['用户', 'user', '123', '登录']);
  });
  it("a term's index probes: runs the boundary rule keeps whole, and bigrams inside Han runs (GreptimeDB's term probes)", () => {
    const zh = { analyzer: 'Chinese' as const, caseSensitive: true };
    expect(termTokens('hello world', zh)).toEqual(['hello', 'world']);
    expect(termTokens('/start', zh)).toEqual(['start']);
    expect(termTokens('naïve', zh)).toEqual(['na', 'ï', 've']);
    expect(termTokens('农业', zh)).toEqual(['农业']);
    expect(termTokens('农', zh)).toEqual([]);
    expect(termTokens('机号1888', zh)).toEqual(['机号']);
    expect(termTokens('x错误y日z', zh)).toEqual(['错误', 'y', '日']);
    expect(termTokens('x错误y日z', { analyzer: 'English', caseSensitive: true })).toEqual(['错误', 'y', '日']);
    expect(termTokens('农业', { analyzer: 'English', caseSensitive: true })).toEqual([]);
  });
  it('options from the DDL map, defaults as GreptimeDB', () => {
    expect(analyzerOptions(undefined)).toEqual(DEFAULT_ANALYZER);
    expect(analyzerOptions({ analyzer: 'chinese', case_sensitive: 'TRUE' })).toEqual({ analyzer: 'Chinese', caseSensitive: true });
  });
});

const m = (text: string, q: string, opts = DEFAULT_ANALYZER): boolean => matchText(compileQuery(q, opts), text, opts);

describe('matches() query language', () => {
  it('terms, negation, must, phrases, AND / OR, parentheses', () => {
    expect(m('Barack went', 'Barack Obama')).toBe(true);
    expect(m('apple pie', 'apple -fruit')).toBe(true);
    expect(m('apple fruit', 'apple -fruit')).toBe(false);
    expect(m('apple', '+apple +fruit')).toBe(false);
    expect(m('fruit, apple', '+apple +fruit')).toBe(true);
    expect(m('Obama Barack', '"Barack Obama"')).toBe(false);
    expect(m('president barack obama', '"Barack Obama"')).toBe(true);
    expect(m('he said "hello" there', '"said \\"hello"')).toBe(true);
    expect(m('c', 'a AND b OR c')).toBe(true);
    expect(m('a', 'a AND b OR c')).toBe(false);
    expect(m('a b', 'a AND (b OR c)')).toBe(true);
    expect(m('x', '-a')).toBe(true);
    expect(m('a-b', 'a-b')).toBe(true); // a word of several tokens is a phrase
    expect(m('b a', 'a-b')).toBe(false);
    expect(m('ERROR here', 'error')).toBe(true);
    expect(m('ERROR here', 'error', { analyzer: 'English', caseSensitive: true })).toBe(false);
  });

  it("'a AND b OR c' means '(+a +b) c' (GreptimeDB's docs), on random texts", () => {
    const words = fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 6 }).map((w) => w.join(' '));
    fc.assert(fc.property(words, (t) => { expect(m(t, 'a AND b OR c')).toBe(m(t, '(+a +b) c')); }));
  });

  it('malformed queries: an error naming the position', () => {
    const err = (q: string): QuerySyntaxError => { try { parseQuery(q); } catch (e) { return e as QuerySyntaxError; } throw new Error(`no error for ${q}`); };
    expect(err('a AND').position).toBe(6);
    expect(err('x "open').position).toBe(3);
    expect(err('(a OR b').position).toBe(1);
    expect(err('a ) b').position).toBe(3);
    expect(err('OR a').position).toBe(1);
    expect(err('a ()').position).toBe(3);
    expect(err('   ').message).toContain('empty query');
    expect(() => compileQuery('a OR ***', DEFAULT_ANALYZER)).toThrow(/position 6/);
  });

  it('any string either parses or fails with a QuerySyntaxError inside the query', () => {
    const q = fc.array(fc.constantFrom('a', ' ', '(', ')', '"', '+', '-', 'AND', 'OR', '\\', 'b'), { maxLength: 12 }).map((x) => x.join(''));
    fc.assert(fc.property(q, (s) => {
      try { parseQuery(s); } catch (e) {
        expect(e).toBeInstanceOf(QuerySyntaxError);
        const p = (e as QuerySyntaxError).position;
        expect(p >= 1 && p <= s.length + 1).toBe(true);
      }
    }), { numRuns: 3000 });
  });
});
