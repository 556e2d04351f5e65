// Batching flows: which queries need them, which tables they read, and the sink a first run's columns give.
import { describe, expect, it } from 'vitest';
import { parseSql } from '../../../core/index.ts';
import type { CreateFlow, Query } from '../../../core/index.ts';
import { batchSinkDraft, needsBatching, queryTables } from '../../../actors/flow/batch.ts';
import { outputLabels, parseTqlFlow, promqlTables } from '../../../core/promql/tql_flow.ts';
import type { TableSchema } from '../../../core/index.ts';

const query = (sql: string): Query => (parseSql(sql)[0] as CreateFlow).query as Query;

describe('batching flows', () => {
  it('joins, subqueries, WITH and now() need the batching engine; a one-table aggregate does not', () => {
    expect(needsBatching(query(`CREATE FLOW f SINK TO s AS SELECT count(*) FROM t GROUP BY host`))).toBe(false);
    expect(needsBatching(query(`CREATE FLOW f SINK TO s AS SELECT a.x FROM a JOIN b ON a.id = b.id`))).toBe(true);
    expect(needsBatching(query(`CREATE FLOW f SINK TO s AS SELECT x FROM (SELECT x FROM a) q`))).toBe(true);
    expect(needsBatching(query(`CREATE FLOW f SINK TO s AS WITH c AS (SELECT x FROM a) SELECT x FROM c`))).toBe(true);
    expect(needsBatching(query(`CREATE FLOW f SINK TO s AS SELECT count(*) FROM t WHERE ts > date_trunc('second', now())`))).toBe(true);
  });

  it('lists the tables a query reads, qualified, without CTE names', () => {
    const q = query(`CREATE FLOW f SINK TO s AS WITH c AS (SELECT x FROM other.a) SELECT c.x FROM c JOIN b ON c.x = b.x`);
    expect(queryTables(q, 'public').sort()).toEqual(['other.a', 'public.b']);
  });

  it('keys the sink by the grouped time window and keys, or by the first timestamp and strings without GROUP BY', () => {
    const grouped = query(`CREATE FLOW f SINK TO s AS SELECT host, date_bin(INTERVAL '1s', ts) AS w, count(*) AS c FROM t GROUP BY host, w`);
    const out = { kind: 'records' as const, rows: [], rel: null as never, columns: [
      { name: 'host', dataType: 'Utf8' }, { name: 'w', dataType: 'TimestampMillisecond' }, { name: 'c', dataType: 'Int64' }] };
    const d = batchSinkDraft('public', 's', grouped.body.type === 'select' ? grouped.body : null, out, 0);
    expect([d.timeIndex, d.primaryKey]).toEqual(['w', ['host']]);
    expect(d.columns.map((c) => c.name)).toEqual(['host', 'w', 'c', 'update_at']);
    const flat = batchSinkDraft('public', 's', null, out, 0);
    expect([flat.timeIndex, flat.primaryKey]).toEqual(['w', ['host']]);
  });

  it('parses the PromQL of a TQL flow with the engine: aggregations by labels, arithmetic, selectors, AS name', () => {
    const { expr, valueName } = parseTqlFlow(`(sum by(sensor) (readings{loc="A"}) / count by(sensor) (readings)) AS value`);
    expect(valueName).toBe('value');
    expect(expr).toMatchObject({ kind: 'paren', expr: { kind: 'binary', op: '/', lhs: { kind: 'aggregate', op: 'sum', grouping: ['sensor'],
      expr: { kind: 'vector', name: 'readings', matchers: expect.arrayContaining([{ name: 'loc', op: '=', value: 'A' }]) } } } });
    expect(promqlTables(parseTqlFlow('avg without(loc) (a) + max(b) * 2').expr).sort()).toEqual(['a', 'b']);
    // what the old subset refused, the engine evaluates
    expect(promqlTables(parseTqlFlow('sum by (host) (rate({__name__="c", host=~"h.*"}[5m])) AS r').expr)).toEqual(['c']);
    expect(parseTqlFlow('x').valueName).toBeNull();
    // a syntax error is the engine's parse error, with the position
    expect(() => parseTqlFlow('sum(a')).toThrow(/1:6|unclosed|expected/);
  });

  it("knows a TQL flow's label columns before any data, as Prometheus shapes result labels", () => {
    const t = (name: string, primaryKey: string[]) => [name, { name, primaryKey } as unknown as TableSchema] as const;
    const schemas = new Map([t('a', ['host', 'loc']), t('b', ['host', 'dc']), t('h', ['job', 'le'])]);
    const labels = (q: string) => outputLabels(parseTqlFlow(q).expr, schemas);
    expect(labels('a')).toEqual(['host', 'loc']);
    expect(labels('avg by (loc) (a) AS v')).toEqual(['loc']);
    expect(labels('sum without (loc) (a)')).toEqual(['host']);
    expect(labels('sum(a)')).toEqual([]);
    expect(labels('a * 2')).toEqual(['host', 'loc']);
    expect(labels('2 - rate(a[1m])')).toEqual(['host', 'loc']);
    expect(labels('a / on(host) b')).toEqual(['host']);
    expect(labels('a / ignoring(loc) group_left(dc) b')).toEqual(['host', 'loc', 'dc']);
    expect(labels('a or b')).toEqual(['host', 'loc', 'dc']);
    expect(labels('topk(2, a)')).toEqual(['host', 'loc']);
    expect(labels('count_values("val", a)')).toEqual(['val']);
    expect(labels('histogram_quantile(0.9, sum by (job, le) (rate(h[5m])))')).toEqual(['job']);
    expect(labels('label_replace(a, "x", "$1", "host", "(.*)")')).toEqual(['host', 'loc', 'x']);
    expect(labels('vector(1)')).toEqual([]);
  });
});
