// Batching flows: which queries need them, which tables they read, and the sink a first run's columns give.
import { describe, expect, it } from 'vitest';
import { parseSql } from '../../../core/index.ts';
import type { CreateFlow, Query } from '../../../core/index.ts';
import { batchSinkDraft, needsBatching, queryTables } from '../../../actors/flow/batch.ts';
import { parsePromql, promqlTables } from '../../../core/promql/tql.ts';

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

  it('parses the PromQL of a TQL flow: aggregations by labels, arithmetic, selectors with matchers, AS name', () => {
    const { expr, valueName } = parsePromql(`(sum by(sensor) (readings{loc="A"}) / count by(sensor) (readings)) AS value`);
    expect(valueName).toBe('value');
    expect(expr).toMatchObject({ k: 'bin', op: '/', l: { k: 'agg', fn: 'sum', by: ['sensor'], arg: { k: 'sel', metric: 'readings', matchers: [{ label: 'loc', op: '=', value: 'A' }] } } });
    expect(promqlTables(parsePromql('avg without(loc) (a) + max(b) * 2').expr).sort()).toEqual(['a', 'b']);
    expect(() => parsePromql('rate(a[5m])')).toThrow(/TQL/);
  });
});
