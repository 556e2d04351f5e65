// Go RE2 patterns as Prometheus matchers read them: inline flags, classes, anchoring, and what RE2 rejects.
import { describe, expect, it } from 'vitest';
import { anchoredRegex } from '../../../core/promql/regex.ts';

describe('anchoredRegex', () => {
  it.each([
    ['(?i)abc', 'ABC', true], ['a(?i:b)c', 'aBc', true], ['a(?i:b)c', 'aBC', false], ['\\pL+', 'héllo', true],
    ['\\p{Greek}', 'α', true], ['[[:digit:]]+', '123', true], ['(?P<x>a)', 'a', true], ['a.b', 'a\nb', false],
    ['(?s)a.b', 'a\nb', true], ['\\Qa.b\\E', 'a.b', true], ['\\Qa.b\\E', 'axb', false], ['(?i)[a-c]+', 'ABC', true],
    ['foo|bar', 'bar', true], ['foo|bar', 'foobar', false], ['.*(?i:TION)', 'production', true], ['((?i)PRO).*', 'proDUCTION', true],
  ])('%s on %j is %s', (re, s, want) => {
    expect(anchoredRegex(re).test(s)).toBe(want);
  });

  it.each(['(?=a)', '\\1', '(', '[a', 'a)'])('rejects %s as RE2 does', (re) => {
    expect(() => anchoredRegex(re)).toThrow(SyntaxError);
  });
});
