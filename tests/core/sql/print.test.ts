// Column naming (exprToSql / selectItemName) follows DataFusion's display rules; formatExpr round-trips.
import { describe, expect, it } from 'vitest';
import { exprToSql, parseExpr, parseIntervalText, parseSql, rustFloat, selectItemName, type ColumnRef } from '../../../core/sql/index.ts';

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
    ['[1, 2]', 'make_array(Int64(1),Int64(2))'],
    ['TRUE', 'Boolean(true)'],
    ['9223372036854775808', 'UInt64(9223372036854775808)'],
  ];
  for (const [sql, want] of cases) it(sql, () => expect(name(sql)).toBe(want));
  it('range queries print outer casts as arrow_cast', () => {
    expect(name('length(host)::INT64 + 2', { rangeQuery: true })).toBe('arrow_cast(length(t.host),Utf8("Int64")) + Int64(2)');
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
