// Parse errors: ParseError with a message naming what was expected and what was found, at line and column.
import { describe, expect, it } from 'vitest';
import { ParseError, StatusCode } from '../../../core/errors.ts';
import { parseExpr, parseSql } from '../../../core/sql/index.ts';

function errorOf(f: () => unknown): ParseError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ParseError);
    return e as ParseError;
  }
  throw new Error('expected a ParseError');
}

describe('parse errors', () => {
  it('SELECT * FORM t points at FORM, line 1 column 10', () => {
    const e = errorOf(() => parseSql('SELECT * FORM t'));
    expect(e.position).toMatchObject({ line: 1, column: 10, offset: 9 });
    expect(e.message).toContain('FORM');
    expect(e.message).toMatch(/^Expected end of statement, found FORM at line 1, column 10$/);
    expect(e.code).toBe(StatusCode.InvalidSyntax);
  });
  const cases: [string, RegExp, number, number][] = [
    ['SELECT', /Expected an expression, found end of input/, 1, 7],
    ['SELECT a FROM', /Expected a table name, found end of input/, 1, 14],
    ['SELECT (1 + 2', /Expected \), found end of input/, 1, 14],
    ['SELECT a\nFROM t\nWHERE a = = 1', /Expected an expression, found =/, 3, 11],
    ['CREATE TABLE t (a STRING, ts TIMESTAMP TIME INDEX', /Expected \), found end of input/, 1, 50],
    ['CREATE TABLE t (a NOPE)', /Expected a data type, found NOPE/, 1, 19],
    ['CREATE THING x', /Expected DATABASE, TABLE, FLOW, TASK or VIEW after CREATE, found THING/, 1, 8],
    ['INSERT INTO t (a) VALUE (1)', /Expected VALUES or SELECT, found VALUE/, 1, 19],
    ['FROB t', /Expected a statement .*, found FROB/, 1, 1],
    ["SELECT min(v) RANGE '5s' FILL FROM t", /Expected a FILL option .*, found end of input|Expected .*found/, 1, 1],
    ['SELECT CASE WHEN a THEN 1', /Expected END, found end of input/, 1, 26],
    ['SELECT a IS 3', /Expected NULL, TRUE, FALSE, UNKNOWN or DISTINCT FROM after IS, found 3/, 1, 13],
    ['DROP INDEX i', /Expected TABLE, DATABASE, FLOW or VIEW after DROP, found INDEX/, 1, 6],
    ['ALTER TABLE t FLY', /Expected ADD, DROP, RENAME, MODIFY, ALTER, SET or UNSET, found FLY/, 1, 15],
    ["SELECT 'abc", /Expected closing ' of string literal, found end of input/, 1, 8],
    ['SELECT 1; SELECT 2 3', /Expected end of statement, found 3/, 1, 20],
  ];
  for (const [sql, msg, line, column] of cases) {
    it(JSON.stringify(sql), () => {
      const e = errorOf(() => parseSql(sql));
      expect(e.message).toMatch(msg);
      if (column !== 1 || line !== 1 || !sql.includes('FILL')) expect(e.position).toMatchObject({ line, column });
    });
  }
  it('parseExpr rejects trailing input', () => {
    expect(errorOf(() => parseExpr('a b')).message).toMatch(/Expected end of expression, found b/);
  });
});
