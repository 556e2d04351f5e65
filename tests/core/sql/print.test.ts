// The one expression printer (core/sql/print.ts) in its three styles: GreptimeDB headers (exprToSql /
// selectItemName), the planner's display names (exprName), SQL text (formatExpr); long flat chains print iteratively.
import { describe, expect, it } from 'vitest';
import { exprToSql, formatExpr, parseExpr, parseIntervalText, parseSql, rustFloat, selectItemName, type BinaryOp, type ColumnRef, type Expr } from '../../../core/sql/index.ts';
import { exprName, outputName } from '../../../core/query/expr/names.ts';

const qualify = (c: ColumnRef) => (c.path.length === 1 ? ['t', c.path[0]!.value] : c.path.map((i) => i.value));
const name = (sql: string, extra = {}) => exprToSql(parseExpr(sql), { qualify, ...extra });

describe('exprToSql: DataFusion column names', () => {
  const cases: [string, string][] = [
    ['count(*)', 'count(*)'],
    ['COUNT(DISTINCT x)', 'count(DISTINCT t.x)'],
    ['avg(cpu)', 'avg(t.cpu)'],
    ['round(var_pop(val), 2)', 'round(var_pop(t.val),Int64(2))'],
    ['a + 1', 't.a + Int64(1)'],
    ['4 + 0.5', 'Int64(4) + Float64(0.5)'],
    ['sum(-1)', 'sum(Int64(-1))'],
    ['approx_percentile_cont(1.0) WITHIN GROUP (ORDER BY i DESC)', 'approx_percentile_cont(Float64(1)) WITHIN GROUP [t.i DESC NULLS FIRST]'],
    ["string_agg(x, ',' ORDER BY x)", 'string_agg(t.x,Utf8(",")) ORDER BY [t.x ASC NULLS LAST]'],
    ['CASE WHEN a > 11 THEN 11 ELSE a END', 'CASE WHEN t.a > Int64(11) THEN Int64(11) ELSE t.a END'],
    ['median(r::INTEGER)::VARCHAR', 'median(t.r)'],
    ['created IS NOT NULL', 't.created IS NOT NULL'],
    ['a <> NULL', 't.a != NULL'],
    ["x LIKE 'a%'", 't.x LIKE Utf8("a%")'],
    ['NOT b', 'NOT t.b'],
    ['-a', '(- t.a)'],
    ['x BETWEEN 1 AND 2', 't.x BETWEEN Int64(1) AND Int64(2)'],
    ['x IN (1, 2)', 't.x IN Int64(1), Int64(2)'],
    ['row_number() OVER (PARTITION BY i ORDER BY j)', 'row_number() PARTITION BY [t.i] ORDER BY [t.j ASC NULLS LAST] RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW'],
    ["min(val) RANGE '5s'", 'min(t.val) RANGE 5s'],
    ["min(val) RANGE '5s' FILL PREV", 'min(t.val) RANGE 5s FILL PREV'],
    ["(min(val) + max(val)) RANGE '20s' + 1.0", 'min(t.val) RANGE 20s + max(t.val) RANGE 20s + Float64(1)'],
    ["count(*) RANGE '5s'", 'count(Int64(1)) RANGE 5s'],
    ["min(val) RANGE (INTERVAL '1' day)", 'min(t.val) RANGE IntervalMonthDayNano("IntervalMonthDayNano { months: 0, days: 1, nanoseconds: 0 }")'],
    ["min(val) RANGE ('1 hour'::INTERVAL)", 'min(t.val) RANGE Utf8("1 hour")'],
    ['covar(a, b)', 'covar_samp(t.a,t.b)'],
    // an alias is named by the function it stands for, in lower case
    ['LENGTH(s)', 'length(t.s)'],
    ['char_length(s)', 'character_length(t.s)'],
    ["instr(s, 'o')", 'strpos(t.s,Utf8("o"))'],
    ['substring(s, 1, 2)', 'substr(t.s,Int64(1),Int64(2))'],
    ['trim(s)', 'btrim(t.s)'],
    ['POW(2, 5)', 'power(Int64(2),Int64(5))'],
    ['Mean(x)', 'avg(t.x)'],
    ['array_contains(a, 1)', 'array_has(t.a,Int64(1))'],
    ['unnest(a)', 'UNNEST(t.a)'],
    // GreptimeDB's own type names are planned as arrow_cast; SQL types are transparent
    ['x::INT16', 'arrow_cast(t.x,Utf8("Int16"))'],
    ['x::BIGINT + 1', 't.x + Int64(1)'],
    ['2 ^ 3', 'Int64(2) # Int64(3)'],
    ["TIMESTAMP '  2017-07-23   13:10:11 '", 'Utf8("2017-07-23 13:10:11")'],
    ['[1, 2]', 'make_array(Int64(1),Int64(2))'],
    ['TRUE', 'Boolean(true)'],
    ['9223372036854775808', 'UInt64(9223372036854775808)'],
  ];
  for (const [sql, want] of cases) it(sql, () => expect(name(sql)).toBe(want));
  it('range queries print outer casts as arrow_cast', () => {
    expect(name('length(host)::INT64 + 2', { rangeQuery: true })).toBe('arrow_cast(length(t.host),Utf8("Int64")) + Int64(2)');
    expect(name('val::DOUBLE + 1', { rangeQuery: true })).toBe('arrow_cast(t.val,Utf8("Float64")) + Int64(1)');
    expect(name('val::DOUBLE + 1')).toBe('t.val + Int64(1)');
    expect(name("min(val) RANGE '5s'", { alignFill: 'NULL' })).toBe('min(t.val) RANGE 5s FILL NULL');
  });
  it('select item names: alias first, bare column unqualified', () => {
    const st = parseSql('SELECT host, avg(cpu) AS a, avg(cpu) FROM t')[0]!;
    if (st.type !== 'query' || st.query.body.type !== 'select') throw new Error();
    expect(st.query.body.projection.map((p) => selectItemName(p, { qualify }))).toEqual(['host', 'a', 'avg(t.cpu)']);
  });
  it('Rust f64 display', () => {
    expect([1, 0.5, 0, 1e21, 1e-7, -2.5, 123.456].map(rustFloat)).toEqual(['1', '0.5', '0', '1000000000000000000000', '0.0000001', '-2.5', '123.456']);
  });
  it('interval text folding', () => {
    expect(parseIntervalText('1 year')).toEqual({ months: 12, days: 0, nanoseconds: 0n });
    expect(parseIntervalText('1 day 2 hours')).toEqual({ months: 0, days: 1, nanoseconds: 7_200_000_000_000n });
    expect(parseIntervalText('5m')).toEqual({ months: 0, days: 0, nanoseconds: 300_000_000_000n });
    expect(parseIntervalText('1', 'hour')).toEqual({ months: 0, days: 0, nanoseconds: 3_600_000_000_000n });
    expect(parseIntervalText('soon')).toBeUndefined();
  });
});

describe("exprName: the planner's display names", () => {
  const namer = (path: { value: string }[]) => (path.length === 1 ? `t.${path[0]!.value}` : path.map((p) => p.value).join('.'));
  const display = (sql: string) => exprName(parseExpr(sql), namer);
  const cases: [string, string][] = [
    ['count(*)', 'count(*)'],
    ['COUNT(DISTINCT x)', 'count(DISTINCT t.x)'],
    ['a + 1 <> 2', 't.a + Int64(1) != Int64(2)'],
    ['covar(a, b)', 'covar_samp(t.a,t.b)'],
    ['x IN (1, 2)', 't.x IN ([Int64(1), Int64(2)])'],
    ['x NOT IN (SELECT 1)', 't.x NOT IN (<subquery>)'],
    ['EXISTS (SELECT 1)', 'EXISTS (<subquery>)'],
    ['(SELECT 1)', '(<subquery>)'],
    ['x::INT32', 'arrow_cast(t.x,Utf8("Int32"))'],
    ['x::STRING', 'CAST(t.x AS STRING)'],
    ['-a', '(- t.a)'],
    ['~a', 't.a'],
    ['-1e21', 'Float64(-1e+21)'],
    ['18446744073709551616', 'UInt64(18446744073709551616)'],
    ["min(val) RANGE '5s' FILL prev", 'min(t.val) RANGE 5s FILL PREV'],
    ["INTERVAL '1' HOUR", 'IntervalMonthDayNano("1 HOUR")'],
    ["TIMESTAMP '2024-01-01'", 'Utf8("2024-01-01")'],
    ['EXTRACT(YEAR FROM ts)', 'date_part(Utf8("year"),t.ts)'],
    ['CURRENT_TIMESTAMP', 'current_timestamp()'],
    ['unnest(a)', 'UNNEST(t.a)'],
    ['sum(x) OVER (ORDER BY ts ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)', 'sum(t.x) ORDER BY [t.ts ASC NULLS LAST] ROWS BETWEEN 1 PRECEDING AND CURRENT ROW'],
    ["x LIKE 'a!%' ESCAPE '!'", 't.x LIKE Utf8("a!%")'],
  ];
  for (const [sql, want] of cases) it(sql, () => expect(display(sql)).toBe(want));
  it('a bare column is its unqualified name as an output column', () => {
    expect(outputName(parseExpr('t.host'), namer)).toBe('host');
    expect(outputName(parseExpr('host + 1'), namer)).toBe('t.host + Int64(1)');
  });
});

describe('formatExpr: SQL text', () => {
  const cases: [string, string][] = [
    ['(a + b) * c - (d - e)', '(a + b) * c - (d - e)'],
    ['a - b - c', 'a - b - c'],
    ['NOT (a OR b) AND c', 'NOT (a OR b) AND c'],
    ['- -a', '- -a'],
    ["x LIKE 'a!%' ESCAPE '!'", "x LIKE 'a!%' ESCAPE '!'"],
    ['sum(x) OVER w', 'sum(x) OVER w'],
    ['"Select" + 1', '"Select" + 1'],
    ['x::BIGINT IN (1, 2)', 'x::BIGINT IN (1, 2)'],
    ["min(v) RANGE '5s' FILL 'x y'", "min(v) RANGE '5s' FILL 'x y'"],
    ["TIMESTAMP '2024-01-01'", "TIMESTAMP '2024-01-01'"],
  ];
  for (const [sql, want] of cases) it(sql, () => expect(formatExpr(parseExpr(sql))).toBe(want));
});

describe('long flat chains print without recursion per operand (issue 9 item 7)', () => {
  const P = { offset: 0, line: 1, column: 1 };
  const col = (i: number): Expr => ({ type: 'column', path: [{ value: `c${i}`, pos: P }], pos: P });
  /** A left-deep chain as the parser builds it: ((c0 op c1) op c2) ... */
  function chain(op: BinaryOp, n: number, leaf: (i: number) => Expr = col): Expr {
    let e = leaf(0);
    for (let i = 1; i < n; i++) e = { type: 'binary', op, left: e, right: leaf(i), pos: P };
    return e;
  }
  const N = 5000;
  for (const op of ['+', 'AND', 'OR'] as const) {
    it(`${N} operands of ${op} in every style`, () => {
      const e = chain(op, N);
      const text = Array.from({ length: N }, (_, i) => `c${i}`).join(` ${op} `);
      expect(formatExpr(e)).toBe(text);
      expect(exprToSql(e)).toBe(text);
      expect(exprName(e, (p) => p.map((x) => x.value).join('.'))).toBe(text);
      expect(exprToSql(e, { qualify: (c) => ['t', c.path[0]!.value] })).toBe(`t.${text.replaceAll(` ${op} `, ` ${op} t.`)}`);
    });
  }
  it('an OR chain of comparisons keeps operands unparenthesised and a lower-precedence left operand parenthesised', () => {
    const cmp = (i: number): Expr => ({ type: 'binary', op: '=', left: col(i), right: { type: 'number', value: String(i), pos: P }, pos: P });
    const e = chain('OR', N, cmp);
    const s = formatExpr(e);
    expect(s.startsWith('c0 = 0 OR c1 = 1 OR ')).toBe(true);
    expect(s.endsWith(`OR c${N - 1} = ${N - 1}`)).toBe(true);
    const mixed: Expr = { type: 'binary', op: '*', left: chain('+', N), right: col(N), pos: P };
    expect(formatExpr(mixed)).toBe(`(${Array.from({ length: N }, (_, i) => `c${i}`).join(' + ')}) * c${N}`);
  });
});
