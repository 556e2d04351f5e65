// Property tests: arbitrary input only ever fails with a positioned ParseError; printed expression ASTs parse back.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../../core/errors.ts';
import { formatExpr, parseExpr, parseSql, type SqlType, type Expr, type Ident } from '../../../core/sql/index.ts';
import { stripPos } from './helpers.ts';

function onlyParseErrors(text: string): void {
  try {
    parseSql(text);
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
    expect(e.position?.line).toBeGreaterThanOrEqual(1);
    expect(e.position?.column).toBeGreaterThanOrEqual(1);
    expect(e.message).toMatch(/^Expected .* at line \d+, column \d+$/s);
  }
}

const VOCAB = [
  'SELECT', 'FROM', 'WHERE', 'GROUP', 'BY', 'ORDER', 'HAVING', 'LIMIT', 'OFFSET', 'UNION', 'ALL', 'DISTINCT', 'AS', 'JOIN',
  'LEFT', 'ON', 'USING', 'AND', 'OR', 'NOT', 'IS', 'NULL', 'IN', 'BETWEEN', 'LIKE', 'CASE', 'WHEN', 'THEN', 'ELSE', 'END',
  'CAST', 'INTERVAL', 'RANGE', 'FILL', 'ALIGN', 'TO', 'PREV', 'OVER', 'PARTITION', 'CREATE', 'TABLE', 'DATABASE', 'FLOW',
  'SINK', 'DROP', 'ALTER', 'ADD', 'COLUMN', 'INSERT', 'INTO', 'VALUES', 'DELETE', 'SHOW', 'TABLES', 'DESC', 'USE',
  'EXPLAIN', 'ADMIN', 'TQL', 'EVAL', 'SET', 'WITH', 'TIME', 'INDEX', 'PRIMARY', 'KEY', 'TIMESTAMP', 'STRING', 'DOUBLE',
  'host', 'ts', 'val', 't', '"Q"', '`b`', '1', '2.5', '1e3', "'5m'", "'it''s'", '*', ',', '(', ')', ';', '.', '=', '<>',
  '<', '>=', '+', '-', '/', '%', '||', '::', '~', '!~*', '[', ']', 'count', 'min', 'max', 'now',
  'KILL', 'QUERY', 'CONNECTION', 'PROCESSLIST', 'FULL', 'STATUS', 'VARIABLES', 'time_zone', 'DECIMAL', "'1.2.3.4:4000/7'",
  'COPY', 'FORMAT', "'/tmp/x.csv'", "'csv'", 'IGNORE', 'RESPECT', 'NULLS', 'lag', 'OVERLAY', 'PLACING', 'FOR',
];

describe('fuzz: bad input only ever raises a positioned ParseError', () => {
  it('random strings', () => {
    fc.assert(fc.property(fc.string({ maxLength: 80 }), onlyParseErrors), { numRuns: 2000 });
  });
  it('random unicode and SQL-ish characters', () => {
    const ch = fc.constantFrom(...'SELECT FROM WHERE ()[],;.*+-/%<>=!~|:\'"`\n\t 0123456789abcxyz_éλ€'.split(''));
    fc.assert(fc.property(fc.array(ch, { maxLength: 120 }).map((a) => a.join('')), onlyParseErrors), { numRuns: 2000 });
  });
  it('token soups', () => {
    const soup = fc.array(fc.constantFrom(...VOCAB), { maxLength: 40 }).map((a) => a.join(' '));
    fc.assert(fc.property(soup, onlyParseErrors), { numRuns: 5000 });
  });
  it('prefixes and mutations of valid statements', () => {
    const base = [
      "SELECT ts, host, min(val) RANGE '5s' FILL PREV FROM host ALIGN '5s' BY (host) ORDER BY ts LIMIT 3",
      "CREATE TABLE t (host STRING PRIMARY KEY, ts TIMESTAMP TIME INDEX, v DOUBLE DEFAULT 0) WITH (ttl = '1d')",
      "CREATE FLOW f SINK TO s AS SELECT count(*) FROM t GROUP BY date_bin(INTERVAL '1 minute', ts)",
      "INSERT INTO t (a, b) VALUES (1, 'x'), (2, 'y')",
      'SELECT a FROM t1 LEFT JOIN t2 USING (id) WHERE a IN (SELECT b FROM t3) AND c BETWEEN 1 AND 2',
      "KILL QUERY '127.0.0.1:4000/12'",
      "SET time_zone = '+08:00'",
      "SHOW TABLE STATUS FROM public LIKE 'a%'",
      'SELECT CAST(x AS DECIMAL(10, 2)) FROM t',
      "COPY t TO '/tmp/t.csv' WITH (format = 'csv', start_time = '2024-01-01 00:00:00')",
      "COPY (SELECT a FROM t) TO 'q.json' WITH (format = 'json')",
    ];
    const arb = fc.tuple(fc.constantFrom(...base), fc.nat(), fc.nat(), fc.constantFrom('', ' ', '(', ')', ',', "'", 'FROM', '1')).map(
      ([s, a, b, ins]) => {
        const i = a % (s.length + 1);
        const j = Math.min(s.length, i + (b % 5));
        return s.slice(0, i) + ins + s.slice(j);
      },
    );
    fc.assert(fc.property(arb, onlyParseErrors), { numRuns: 3000 });
  });
});

// ---------------------------------------------------------------- round trip

const P = { offset: 0, line: 1, column: 1 };
const TYPES = ['BIGINT', 'DOUBLE', 'STRING', 'TIMESTAMP(3)', 'INT', 'BOOLEAN', 'BIGINT UNSIGNED', 'DECIMAL(10, 2)', 'INTERVAL'];
const typeOf = (t: string): SqlType => {
  const e = parseExpr(`CAST(x AS ${t})`);
  if (e.type !== 'cast') throw new Error();
  return e.dataType;
};
const ident: fc.Arbitrary<Ident> = fc.oneof(
  fc.constantFrom('a', 'b', 'host', 'ts', 'val', 't1').map((value) => ({ value, pos: P })),
  fc.string({ maxLength: 6 }).map((value) => ({ value, quote: '"' as const, pos: P })),
);
const leaf: fc.Arbitrary<Expr> = fc.oneof(
  fc.oneof(fc.nat({ max: 1000 }).map(String), fc.constantFrom('0.5', '2.25', '1e3')).map((value) => ({ type: 'number' as const, value, pos: P })),
  fc.string({ maxLength: 8 }).map((value) => ({ type: 'string' as const, value, pos: P })),
  fc.boolean().map((value) => ({ type: 'boolean' as const, value, pos: P })),
  fc.constant({ type: 'null' as const, pos: P }),
  fc.array(ident, { minLength: 1, maxLength: 2 }).map((path) => ({ type: 'column' as const, path, pos: P })),
  fc.tuple(fc.constantFrom('1 day', '5m', '1'), fc.option(fc.constantFrom('DAY', 'HOUR'), { nil: undefined })).map(([v, unit]) =>
    unit ? { type: 'interval' as const, value: { type: 'string' as const, value: v, pos: P }, unit, pos: P } : { type: 'interval' as const, value: { type: 'string' as const, value: v, pos: P }, pos: P },
  ),
);
const BIN = ['+', '-', '*', '/', '%', '||', '=', '!=', '<>', '<', '<=', '>', '>=', 'AND', 'OR', '~', '!~', '~*', '!~*'] as const;

const { expr: exprArb } = fc.letrec<{ expr: Expr }>((tie) => {
  const e = tie('expr') as fc.Arbitrary<Expr>;
  return {
    expr: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.tuple(fc.constantFrom(...BIN), e, e).map(([op, left, right]) => ({ type: 'binary', op, left, right, pos: P }) as Expr),
      fc.tuple(fc.constantFrom('-', '+', 'NOT') as fc.Arbitrary<'-' | '+' | 'NOT'>, e).map(([op, x]) => ({ type: 'unary', op, expr: x, pos: P }) as Expr),
      fc.tuple(e, fc.boolean(), fc.constantFrom('NULL', 'TRUE', 'FALSE', 'UNKNOWN') as fc.Arbitrary<'NULL'>).map(([x, negated, test]) => ({ type: 'is', expr: x, negated, test, pos: P }) as Expr),
      fc.tuple(e, e, e, fc.boolean()).map(([x, low, high, negated]) => ({ type: 'between', expr: x, low, high, negated, pos: P }) as Expr),
      fc.tuple(e, fc.array(e, { maxLength: 3 }), fc.boolean()).map(([x, list, negated]) => ({ type: 'in_list', expr: x, list, negated, pos: P }) as Expr),
      fc.tuple(e, e, fc.boolean(), fc.boolean()).map(([x, pattern, negated, ci]) => ({ type: 'like', expr: x, pattern, negated, caseInsensitive: ci, pos: P }) as Expr),
      fc.tuple(e, fc.constantFrom(...TYPES), fc.constantFrom('cast', '::', 'try_cast') as fc.Arbitrary<'cast'>).map(([x, t, syntax]) => ({ type: 'cast', expr: x, dataType: typeOf(t), syntax, pos: P }) as Expr),
      fc.tuple(fc.constantFrom('f', 'sum', 'max', 'date_bin'), fc.array(e, { maxLength: 3 }), fc.boolean(), fc.constantFrom(undefined, 'ignore', 'respect')).map(
        ([name, args, distinct, nulls]) => ({ type: 'function', name: [{ value: name, pos: P }], args, distinct, ...(nulls ? { nulls } : {}), pos: P }) as Expr,
      ),
      fc.tuple(fc.option(e, { nil: undefined }), fc.array(fc.tuple(e, e), { minLength: 1, maxLength: 2 }), fc.option(e, { nil: undefined })).map(([operand, ws, els]) => {
        const c: Expr = { type: 'case', whens: ws.map(([when, then]) => ({ when, then })), pos: P };
        if (operand) c.operand = operand;
        if (els) c.else = els;
        return c;
      }),
      fc.tuple(e, fc.constantFrom('5s', '1m'), fc.option(fc.constantFrom('PREV', 'LINEAR', 'NULL', '6'), { nil: undefined })).map(([x, r, fill]) => {
        const range: Expr = { type: 'range', expr: x, range: { type: 'string', value: r, pos: P }, pos: P };
        if (fill) range.fill = fill;
        return range;
      }),
      fc.array(e, { maxLength: 3 }).map((elements) => ({ type: 'array', elements, pos: P }) as Expr),
    ),
  };
});

describe('round trip: parseExpr(formatExpr(ast)) equals ast (positions aside)', () => {
  it('holds for generated expression trees', () => {
    fc.assert(
      fc.property(exprArb, (e) => {
        const text = formatExpr(e);
        expect(stripPos(parseExpr(text)), text).toEqual(stripPos(e));
      }),
      { numRuns: 3000 },
    );
  });
  it('formatting is a fixed point on parsed corpus-like expressions', () => {
    for (const s of ["(min(val) + max(val)) RANGE '20s' + 1.0", "NOT a IS NULL AND -b::BIGINT BETWEEN 1 AND 2 OR c LIKE 'x'", 'CASE WHEN a THEN (b OR c) END = (NOT d)']) {
      const once = formatExpr(parseExpr(s));
      expect(formatExpr(parseExpr(once))).toBe(once);
    }
  });
});
