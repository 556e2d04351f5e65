// Flow compilation: sink shapes as GreptimeDB names them, windows, the roadmap's CREATE TASK, and positioned errors.
import { describe, expect, it } from 'vitest';
import { EddyError, StatusCode } from '../../core/index.ts';
import { compileFlowSql } from '../../streams/index.ts';
import { parseSql } from '../../core/sql/index.ts';
import { MIN, SEC } from './helpers.ts';

const shape = (sql: string) => {
  const p = compileFlowSql(sql);
  return { columns: p.columns.map((c) => `${c.name}:${c.role}`), timeIndex: p.timeIndex, primaryKey: p.primaryKey };
};

describe('compileFlow: sink shapes (conformance cases/flow)', () => {
  it('unaliased aggregate and date_bin with origin (flow_auto_sink_table)', () => {
    const p = compileFlowSql(`CREATE FLOW test_numbers_basic SINK TO out_num_cnt_basic AS
      SELECT sum(number), date_bin(INTERVAL '1 second', ts, '2021-07-01 00:00:00') as time_window
      FROM numbers_input_basic GROUP BY time_window;`);
    expect(p.columns.map((c) => c.name)).toEqual(['sum(numbers_input_basic.number)', 'time_window', 'update_at']);
    expect(p.timeIndex).toBe('time_window');
    expect(p.window).toEqual({ sizeNs: SEC, slideNs: SEC, originNs: 1625097600n * SEC });
    expect(p.sourceTable).toBe('numbers_input_basic');
    expect(p.sinkTable).toBe('out_num_cnt_basic');
    expect(p.intervalMs).toBe(1000);
  });

  it("grouped by the source's time index, that column (aliased or not) is the sink's time index", () => {
    const rowKey = { tags: ['number'], time: 'ts' };
    const shaped = (sql: string) => {
      const p = compileFlowSql(sql, { rowKey });
      return { columns: p.columns.map((c) => `${c.name}:${c.role}`), timeIndex: p.timeIndex, primaryKey: p.primaryKey };
    };
    expect(shaped('CREATE FLOW f SINK TO out AS SELECT sum(number) AS sumup, ts AS event_time FROM numbers_input GROUP BY ts')).toEqual({
      columns: ['sumup:field', 'event_time:timestamp', 'update_at:field'], timeIndex: 'event_time', primaryKey: [],
    });
    expect(shaped('CREATE FLOW f SINK TO out AS SELECT n.host, count(*) AS c FROM numbers_input AS n GROUP BY n.host, n.ts')).toEqual({
      columns: ['host:tag', 'c:field', 'ts:timestamp', 'update_at:field'], timeIndex: 'ts', primaryKey: ['host'],
    });
    // another timestamp column, or the time index inside an expression, is a tag as before
    expect(shaped('CREATE FLOW f SINK TO out AS SELECT sum(number) AS s, other_ts FROM numbers_input GROUP BY other_ts').timeIndex).toBe('__ts_placeholder');
    // without the source's schema nothing says which column is its time index
    expect(shape('CREATE FLOW f SINK TO out AS SELECT sum(number) AS sumup, ts AS event_time FROM numbers_input GROUP BY ts').timeIndex).toBe('__ts_placeholder');
  });

  it('tags become the primary key; no window gives __ts_placeholder (flow_basic)', () => {
    expect(shape(`CREATE FLOW calc_ngx_distribution SINK TO ngx_distribution AS
      SELECT stat, trunc(size, -1) :: INT as bucket_size, count(client) AS total_logs,
        date_bin(INTERVAL '1 minutes', access_time) as time_window,
      FROM ngx_access_log GROUP BY stat, time_window, bucket_size;`)).toEqual({
      columns: ['stat:tag', 'bucket_size:tag', 'total_logs:field', 'time_window:timestamp', 'update_at:field'],
      timeIndex: 'time_window',
      primaryKey: ['stat', 'bucket_size'],
    });
    expect(shape(`CREATE FLOW test_wildcard_basic SINK TO out_basic EVAL INTERVAL '1m' AS SELECT COUNT(*) as wildcard FROM input_basic;`)).toEqual({
      columns: ['wildcard:field', 'update_at:field', '__ts_placeholder:timestamp'], timeIndex: '__ts_placeholder', primaryKey: [],
    });
    expect(shape(`CREATE FLOW calc_ngx_country SINK TO ngx_country EVAL INTERVAL '1m' AS SELECT DISTINCT country FROM ngx_access_log;`).primaryKey).toEqual(['country']);
  });

  it('expressions over aggregates and over the window, HAVING by alias, EVAL INTERVAL, EXPIRE AFTER', () => {
    const p = compileFlowSql(`CREATE FLOW temp SINK TO alerts EXPIRE AFTER '1h' EVAL INTERVAL '5s' AS
      SELECT sensor_id, (max(t) - min(t)) / 30.0 AS rate, max(t) AS max_temp,
        date_bin(INTERVAL '5 second', ts) AS start_window, date_bin(INTERVAL '5 second', ts) + INTERVAL '5 second' AS end_window
      FROM temp_sensor_data WHERE t > 0 AND loc IN ('a', 'b') GROUP BY sensor_id, start_window HAVING max_temp > 100`);
    expect(p.aggregates.map((a) => a.kind)).toEqual(['max', 'min']);
    expect(p.expireAfterNs).toBe(60n * MIN);
    expect(p.intervalMs).toBe(5000);
    expect(p.having?.text).toBe('max_temp > Int64(100)');
    expect(p.filter?.columns.sort()).toEqual(['loc', 't']);
  });

  it('tumble and hop (either argument order) windows', () => {
    const t = compileFlowSql(`CREATE FLOW f SINK TO s AS SELECT count(*), tumble(ts, '1 minute') AS w FROM t GROUP BY w`);
    expect(t.window).toEqual({ sizeNs: MIN, slideNs: MIN, originNs: 0n });
    const h1 = compileFlowSql(`CREATE FLOW f SINK TO s AS SELECT count(*), hop(ts, '5 minutes', '1 minute') AS w FROM t GROUP BY w`);
    const h2 = compileFlowSql(`CREATE FLOW f SINK TO s AS SELECT count(*), hop(ts, INTERVAL '1 minute', INTERVAL '5 minutes') AS w FROM t GROUP BY w`);
    expect(h1.window).toEqual({ sizeNs: 5n * MIN, slideNs: MIN, originNs: 0n });
    expect(h2.window).toEqual(h1.window);
  });

  it('aggregate kinds: count(DISTINCT), percentiles, first/last, FILTER', () => {
    const p = compileFlowSql(`CREATE FLOW f SINK TO s AS SELECT count(DISTINCT h), approx_percentile_cont(v, 0.9),
      approx_percentile_cont(0.5) WITHIN GROUP (ORDER BY v), median(v), first_value(v), last_value(v ORDER BY seq),
      count(*) FILTER (WHERE v > 1), avg(v) FROM t`);
    expect(p.aggregates.map((a) => `${a.kind}${a.fraction ?? ''}`)).toEqual([
      'count_distinct', 'percentile0.9', 'percentile0.5', 'percentile0.5', 'first_value', 'last_value', 'count', 'avg',
    ]);
    expect(p.window).toBeNull();
  });
});

describe('compileFlow: the roadmap CREATE TASK', () => {
  it('compiles to the same kind of plan as a flow', () => {
    const task = compileFlowSql(`CREATE TASK avg_over_5m WINDOW_SIZE = "5m" AS SELECT avg(value) FROM t WHERE time > now() - 5m GROUP BY time(1m)`);
    const flow = compileFlowSql(`CREATE FLOW avg_over_5m SINK TO avg_over_5m EXPIRE AFTER '5m' AS
      SELECT avg(value), date_bin(INTERVAL '1 minute', ts) AS time FROM t GROUP BY time`);
    for (const p of [task, flow]) {
      expect(p.window).toEqual({ sizeNs: MIN, slideNs: MIN, originNs: 0n });
      expect(p.aggregates.map((a) => a.kind)).toEqual(['avg']);
      expect(p.expireAfterNs).toBe(5n * MIN);
      expect(p.filter).toBeNull();
      expect(p.sinkTable).toBe('avg_over_5m');
      expect(p.sourceTable).toBe('t');
      expect(p.columns.map((c) => c.name)).toEqual(['avg(t.value)', 'time', 'update_at']);
    }
    expect(task.eventTime).toBeNull(); // InfluxQL time() = the time index
  });

  it('reads bare InfluxQL durations inside CREATE TASK only, and never inside quotes', () => {
    const [t] = parseSql(`CREATE TASK x WINDOW_SIZE = 1h30m AS SELECT avg(v) FROM t WHERE time > now() - 500ms AND s = '5m' GROUP BY time(1m)`);
    expect(t).toMatchObject({ type: 'create_task', windowSize: '1h30m' });
    const sel = (t as { query: { body: { where: unknown; groupBy: unknown[] } } }).query.body;
    expect(sel.where).toMatchObject({ left: { right: { right: { type: 'interval', value: { value: '500ms' } } } }, right: { right: { type: 'string', value: '5m' } } });
    expect(sel.groupBy[0]).toMatchObject({ args: [{ type: 'interval', value: { value: '1m' } }] });
    // Plain SQL keeps GreptimeDB's reading: `5m` is 5 aliased m, `now() - 5m` then fails at `m`; `5 m` stays an alias.
    expect(parseSql('SELECT 5m')[0]).toMatchObject({ query: { body: { projection: [{ expr: { type: 'number', value: '5' }, alias: { value: 'm' } }] } } });
    expect(() => parseSql('SELECT * FROM t WHERE ts > now() - 5m')).toThrow(/line 1, column 37/);
    expect(() => parseSql('CREATE FLOW f SINK TO s AS SELECT count(*) FROM t WHERE ts > now() - 5m')).toThrow();
    // Not a unit: not a duration, so the usual error.
    expect(() => parseSql('CREATE TASK x WINDOW_SIZE = "5m" AS SELECT avg(v) FROM t WHERE time > now() - 5parsecs')).toThrow(/found parsecs at line 1, column 80/);
  });

  it('the README task runs through the SQL statement path too (GROUP BY time(1m), now() - 5m)', () => {
    const plan = compileFlowSql(`CREATE TASK avg_over_5m WINDOW_SIZE = 5m AS SELECT avg(value) FROM t WHERE time > now() - 5m GROUP BY time(1m)`);
    expect(plan.window).toEqual({ sizeNs: MIN, slideNs: MIN, originNs: 0n });
    expect(plan.expireAfterNs).toBe(5n * MIN);
  });
});

describe('compileFlow: clear errors for what a flow cannot do', () => {
  const err = (sql: string): EddyError => {
    try {
      compileFlowSql(sql);
    } catch (e) {
      expect(e).toBeInstanceOf(EddyError);
      return e as EddyError;
    }
    throw new Error('expected an error');
  };
  it.each([
    [`CREATE FLOW f SINK TO s AS SELECT count(*) FROM a JOIN b ON a.x = b.x`, /one source table/, 1],
    [`CREATE FLOW f SINK TO s AS SELECT host, v FROM t`, /must aggregate/, 1],
    [`CREATE FLOW f SINK TO s AS SELECT host, count(*) FROM t`, /host must appear in the GROUP BY/, 1],
    [`CREATE FLOW f SINK TO s AS SELECT count(*), date_bin(INTERVAL '1 month', ts) AS w FROM t GROUP BY w`, /month-based/, 1],
    [`CREATE FLOW f SINK TO s AS SELECT count(*) FROM t WHERE v > now()`, /now\(\) is only supported/, 1],
    [`CREATE FLOW f SINK TO s AS SELECT count(*) FROM t WHERE sum(v) > 1`, /not allowed here/, 1],
    [`CREATE FLOW f SINK TO s AS SELECT frobnicate(v), count(*) FROM t GROUP BY frobnicate(v)`, /frobnicate/, 1],
    [`CREATE FLOW f SINK TO s AS TQL EVAL (0, 10, '5s') rate(x[1m])`, /TQL/, 1],
    [`CREATE TABLE x (ts TIMESTAMP TIME INDEX)`, /Expected CREATE FLOW/, 1],
  ])('%s', (sql, msg, line) => {
    const e = err(sql);
    expect(e.message).toMatch(msg);
    expect([StatusCode.InvalidArguments, StatusCode.InvalidSyntax]).toContain(e.code);
    expect(e.position?.line).toBe(line);
    expect(e.position?.column).toBeGreaterThan(0);
  });

  it('syntax errors come from the parser with a position', () => {
    const e = err(`CREATE FLOW f SINK TO s AS SELECT count(* FROM t`);
    expect(e.code).toBe(StatusCode.InvalidSyntax);
    expect(e.position?.column).toBeGreaterThan(0);
  });
});
