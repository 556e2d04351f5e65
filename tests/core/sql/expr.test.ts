// Expression parser: precedence and associativity, every expression form, GreptimeDB's RANGE postfix.
import { describe, expect, it } from 'vitest';
import { parseExpr } from '../../../core/sql/index.ts';
import { sxOf } from './helpers.ts';

describe('expression precedence', () => {
  const cases: [string, string][] = [
    ['a + b * c', '(+ a (* b c))'],
    ['a * b + c', '(+ (* a b) c)'],
    ['a - b - c', '(- (- a b) c)'],
    ['a / b % c', '(% (/ a b) c)'],
    ['-a * b', '(* (- a) b)'],
    ['- a + b', '(+ (- a) b)'],
    ['a || b || c', '(|| (|| a b) c)'],
    ['a = 1 AND b = 2 OR c = 3', '(OR (AND (= a 1) (= b 2)) (= c 3))'],
    ['a OR b AND c', '(OR a (AND b c))'],
    ['NOT a = b', '(NOT (= a b))'],
    ['NOT a AND b', '(AND (NOT a) b)'],
    ['a + 1 > b * 2', '(> (+ a 1) (* b 2))'],
    ['a <> b', '(<> a b)'],
    ['a != b', '(!= a b)'],
    ['a IS NULL AND b IS NOT NULL', '(AND (is a NULL) (is-not b NULL))'],
    ['a IS TRUE OR b IS NOT FALSE', '(OR (is a TRUE) (is-not b FALSE))'],
    ['x BETWEEN 1 AND 2 AND y', '(AND (between x 1 2) y)'],
    ['x NOT BETWEEN a + 1 AND b * 2', '(not-between x (+ a 1) (* b 2))'],
    ['x IN (1, 2, 3)', '(in x [1 2 3])'],
    ['x NOT IN (1)', '(not-in x [1])'],
    ["a LIKE 'x%' AND b NOT ILIKE '%y'", "(AND (like a 'x%') (not-ilike b '%y'))"],
    ["host ~ 'a.*'", "(~ host 'a.*')"],
    ["host !~* 'a'", "(!~* host 'a')"],
    ["host ~* 'a' OR host !~ 'b'", "(OR (~* host 'a') (!~ host 'b'))"],
    ['a::INT64 + 1', '(+ (cast a INT64) 1)'],
    ['-a::DOUBLE', '(- (cast a FLOAT64))'],
    ["'1 day'::INTERVAL::INTERVAL", "(cast (cast '1 day' INTERVAL) INTERVAL)"],
    ['a[1] + 2', '(+ (index a 1) 2)'],
    ['(a + b) * c', '(* (+ a b) c)'],
    ['t.a + "B" + `c`', '(+ (+ t.a B) c)'],
  ];
  for (const [text, want] of cases) it(text, () => expect(sxOf(text)).toBe(want));
});

describe('GreptimeDB RANGE postfix', () => {
  it('binds to the nearest operand, like ::', () => {
    expect(sxOf("2 * min(val) RANGE '5s'")).toBe("(* 2 (range min(val) '5s'))");
    expect(sxOf("min(val) * 2 RANGE '10s'")).toBe("(* min(val) (range 2 '10s'))");
    expect(sxOf("(min(val) + max(val)) RANGE '20s' + 1.0")).toBe("(+ (range (+ min(val) max(val)) '20s') 1.0)");
  });
  it('takes FILL keywords and numbers', () => {
    expect(sxOf("min(val) RANGE '5s' FILL PREV")).toBe("(range min(val) '5s' PREV)");
    expect(sxOf("min(val) RANGE '5s' FILL 6")).toBe("(range min(val) '5s' 6)");
    expect(sxOf("min(val) RANGE '5s' FILL linear")).toBe("(range min(val) '5s' LINEAR)");
  });
  it('accepts parenthesised interval durations', () => {
    const e = parseExpr("min(val) RANGE (INTERVAL '1' day - INTERVAL '2' day)");
    expect(e.type).toBe('range');
    if (e.type === 'range') expect(e.range.type).toBe('binary');
  });
});

describe('expression forms', () => {
  it('literals', () => {
    expect(parseExpr('TRUE')).toMatchObject({ type: 'boolean', value: true });
    expect(parseExpr('null')).toMatchObject({ type: 'null' });
    expect(parseExpr("'x'")).toMatchObject({ type: 'string', value: 'x' });
    expect(parseExpr('1.5e3')).toMatchObject({ type: 'number', value: '1.5e3' });
    expect(parseExpr("INTERVAL '5 minutes'")).toMatchObject({ type: 'interval', value: { type: 'string', value: '5 minutes' } });
    expect(parseExpr("INTERVAL '1' HOUR")).toMatchObject({ type: 'interval', unit: 'HOUR' });
    expect(parseExpr("TIMESTAMP '2024-01-01 00:00:00'")).toMatchObject({ type: 'typed_string', dataType: { name: 'TIMESTAMP' }, value: '2024-01-01 00:00:00' });
    expect(parseExpr("DATE '2024-01-01'")).toMatchObject({ type: 'typed_string', dataType: { name: 'DATE' } });
  });
  it('column references keep quoting and case rules', () => {
    expect(parseExpr('Host')).toMatchObject({ type: 'column', path: [{ value: 'host' }] });
    expect(parseExpr('"Host"')).toMatchObject({ type: 'column', path: [{ value: 'Host', quote: '"' }] });
    expect(parseExpr('db.T.`Col`')).toMatchObject({ path: [{ value: 'db' }, { value: 't' }, { value: 'Col', quote: '`' }] });
    expect(parseExpr('t.*')).toMatchObject({ type: 'wildcard', qualifier: [{ value: 't' }] });
  });
  it('function calls: count(*), DISTINCT, ORDER BY in args, WITHIN GROUP, FILTER', () => {
    expect(parseExpr('count(*)')).toMatchObject({ type: 'function', name: [{ value: 'count' }], args: [{ type: 'wildcard' }] });
    expect(parseExpr('COUNT(DISTINCT x)')).toMatchObject({ distinct: true, args: [{ type: 'column' }] });
    expect(parseExpr("string_agg(x, ',' ORDER BY x DESC)")).toMatchObject({ orderBy: [{ asc: false }] });
    expect(parseExpr('approx_percentile_cont(0.5) WITHIN GROUP (ORDER BY v)')).toMatchObject({ withinGroup: [{ expr: { type: 'column' } }] });
    expect(parseExpr('count(x) FILTER (WHERE x > 1)')).toMatchObject({ filter: { type: 'binary', op: '>' } });
    expect(parseExpr('now()')).toMatchObject({ type: 'function', args: [] });
    expect(parseExpr('CURRENT_TIMESTAMP')).toMatchObject({ type: 'function', noParens: true });
  });
  it('window functions with PARTITION BY, ORDER BY and frames', () => {
    const e = parseExpr('sum(x) OVER (PARTITION BY h, r ORDER BY ts DESC NULLS LAST ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)');
    expect(e).toMatchObject({
      type: 'function',
      over: {
        partitionBy: [{ type: 'column' }, { type: 'column' }],
        orderBy: [{ asc: false, nullsFirst: false }],
        frame: { units: 'ROWS', start: { kind: 'preceding' }, end: { kind: 'current_row' } },
      },
    });
    expect(parseExpr('row_number() OVER ()')).toMatchObject({ over: { partitionBy: [], orderBy: [] } });
    expect(parseExpr('avg(x) OVER (ORDER BY ts RANGE UNBOUNDED PRECEDING)')).toMatchObject({ over: { frame: { units: 'RANGE', start: { kind: 'unbounded_preceding' } } } });
  });
  it('CASE with and without operand', () => {
    expect(parseExpr('CASE WHEN a > 1 THEN 1 WHEN a < 0 THEN -1 ELSE 0 END')).toMatchObject({ type: 'case', whens: [{}, {}], else: { type: 'number' } });
    expect(parseExpr("CASE x WHEN 1 THEN 'a' END")).toMatchObject({ type: 'case', operand: { type: 'column' }, whens: [{}] });
  });
  it('CAST, TRY_CAST and :: with GreptimeDB type names', () => {
    expect(parseExpr('CAST(x AS BIGINT UNSIGNED)')).toMatchObject({ type: 'cast', syntax: 'cast', dataType: { name: 'UINT64', unsigned: true } });
    expect(parseExpr('TRY_CAST(x AS TIMESTAMP(9))')).toMatchObject({ syntax: 'try_cast', dataType: { name: 'TIMESTAMP', precision: 9 } });
    expect(parseExpr('x::TimestampSecond')).toMatchObject({ syntax: '::', dataType: { name: 'TIMESTAMP', precision: 0 } });
    expect(parseExpr('x::DECIMAL(10, 2)')).toMatchObject({ dataType: { name: 'DECIMAL', args: [10, 2] } });
  });
  it('subqueries: scalar, IN, EXISTS', () => {
    expect(parseExpr('(SELECT max(a) FROM t)')).toMatchObject({ type: 'subquery', query: { type: 'query' } });
    expect(parseExpr('a IN (SELECT b FROM t)')).toMatchObject({ type: 'in_subquery', negated: false });
    expect(parseExpr('NOT EXISTS (SELECT 1)')).toMatchObject({ type: 'exists', negated: true });
  });
  it('arrays, tuples and extract', () => {
    expect(parseExpr('[1, 2, 3]')).toMatchObject({ type: 'array', elements: [{}, {}, {}] });
    expect(parseExpr('(1, 2)')).toMatchObject({ type: 'tuple' });
    expect(parseExpr('EXTRACT(YEAR FROM ts)')).toMatchObject({ type: 'extract', field: 'YEAR' });
  });
});
