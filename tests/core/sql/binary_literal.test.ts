// X'..' binary literals: any text between the quotes parses to a literal or fails with a ParseError at the text,
// never another failure; pairs of hex digits print back as they were read.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../../core/errors.ts';
import { formatExpr, parseSql } from '../../../core/sql/index.ts';

function literal(text: string) {
  const [st] = parseSql(`SELECT X'${text.replace(/'/g, "''")}'`);
  if (st?.type !== 'query' || st.query.body.type !== 'select') throw new Error('expected a SELECT');
  return st.query.body.projection[0]!.expr;
}

describe("X'..' literal", () => {
  it('reads pairs of hex digits, lower-cased, and prints them back', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), fc.boolean(), (bytes, upper) => {
      const hex = Buffer.from(bytes).toString('hex');
      const e = literal(upper ? hex.toUpperCase() : hex);
      expect(e).toMatchObject({ type: 'typed_string', hex: true, value: hex });
      expect(formatExpr(e)).toBe(`X'${hex}'`);
    }));
  });

  it('refuses anything else with a ParseError naming the literal and its place', () => {
    fc.assert(fc.property(fc.string({ maxLength: 12 }), (text) => {
      const ok = /^(?:[0-9a-fA-F]{2})*$/.test(text);
      try {
        literal(text);
        expect(ok).toBe(true);
      } catch (e) {
        expect(ok).toBe(false);
        expect(e).toBeInstanceOf(ParseError);
        expect((e as ParseError).message).toMatch(/^Invalid hexadecimal binary literal X'.*' at line 1, column 9$|pairs of hex digits/s);
      }
    }));
  });

  it('leaves a column named x a column', () => {
    const [st] = parseSql("SELECT x, x || 'a' FROM t");
    if (st?.type !== 'query' || st.query.body.type !== 'select') throw new Error('expected a SELECT');
    expect(st.query.body.projection.map((p) => p.expr.type)).toEqual(['column', 'binary']);
  });
});
