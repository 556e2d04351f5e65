// Lexer: token kinds, normalization of identifiers, literals, operators, comments and positions.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ParseError } from '../../../core/errors.ts';
import { tokenize } from '../../../core/sql/index.ts';

const kinds = (s: string) => tokenize(s).map((t) => `${t.kind}:${t.value}`);

describe('sql lexer', () => {
  it('lowercases unquoted words and keeps quoted identifiers verbatim', () => {
    const [a, b, c] = tokenize('Foo "Foo" `Bar`');
    expect([a!.kind, a!.value, a!.upper, a!.raw]).toEqual(['word', 'foo', 'FOO', 'Foo']);
    expect([b!.kind, b!.value, b!.quote]).toEqual(['qident', 'Foo', '"']);
    expect([c!.kind, c!.value, c!.quote]).toEqual(['qident', 'Bar', '`']);
  });
  it('reads numbers: integers, decimals, exponents, leading dot', () => {
    expect(kinds('1 1.5 .5 1e10 2.5E-3 7.')).toEqual(['number:1', 'number:1.5', 'number:.5', 'number:1e10', 'number:2.5E-3', 'number:7.', 'eof:']);
  });
  it("reads strings with '' escapes and E'' backslash escapes", () => {
    expect(tokenize("'it''s'")[0]!.value).toBe("it's");
    expect(tokenize("E'a\\nb\\''")[0]!.value).toBe("a\nb'");
    expect(tokenize("''")[0]!.value).toBe('');
    expect(tokenize('"a""b"')[0]!.value).toBe('a"b');
  });
  it('reads every operator, longest first', () => {
    const ops = '= != <> < <= > >= + - * / % || :: ~ !~ ~* !~* ( ) , ; . [ ]';
    expect(tokenize(ops).filter((t) => t.kind === 'op').map((t) => t.value)).toEqual(ops.split(' '));
  });
  it('skips -- and /* */ comments', () => {
    expect(kinds('a -- b\n/* c\n d */ e')).toEqual(['word:a', 'word:e', 'eof:']);
  });
  it('tracks offset, line and column (1-based) across lines and comments', () => {
    const t = tokenize('SELECT\n  /* x\n */ a,\n\tb');
    const a = t.find((x) => x.value === 'a')!;
    const b = t.find((x) => x.value === 'b')!;
    expect([a.line, a.column, a.offset]).toEqual([3, 5, 18]);
    expect([b.line, b.column]).toEqual([4, 2]);
  });
  it('fails with a positioned ParseError on unterminated input', () => {
    for (const bad of ["'abc", '"abc', '/* x', 'a `b']) {
      expect(() => tokenize(bad)).toThrow(ParseError);
    }
    try {
      tokenize("SELECT\n  'abc");
    } catch (e) {
      expect((e as ParseError).position).toMatchObject({ line: 2, column: 3 });
      expect((e as Error).message).toMatch(/Expected closing ' of string literal, found end of input/);
    }
  });
  it('rejects unknown characters with their position', () => {
    expect(() => tokenize('a \\ b')).toThrow(/unexpected character "\\\\" at line 1, column 3/);
  });
  it('reads $n as a parameter token, a $ that starts no number as an error', () => {
    expect(kinds('$1+$23')).toEqual(['param:$1', 'op:+', 'param:$23', 'eof:']);
    expect(() => tokenize('$x')).toThrow(/unexpected character "\$" at line 1, column 1/);
    // a $ inside a word is part of the word
    expect(kinds('a$1')).toEqual(['word:a$1', 'eof:']);
  });
  it('a parameter token spans exactly its text, wherever it stands among other tokens', () => {
    fc.assert(fc.property(fc.nat(99999), fc.constantFrom(' ', '(', ',', '+'), (n, before) => {
      const text = `SELECT${before}$${n}`;
      const p = tokenize(text).find((t) => t.kind === 'param')!;
      expect(p.value).toBe(`$${n}`);
      expect(text.slice(p.offset, p.end)).toBe(`$${n}`);
    }));
  });
});
