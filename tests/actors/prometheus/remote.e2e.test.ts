// Prometheus remote write/read and the HTTP query API against an in-process node: rows land, queries answer in
// Prometheus's shapes, stale markers survive bit-exact, bad input is a 400 with Prometheus's error JSON and writes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { Subjects } from '../../../core/index.ts';
import { snappyDecode, snappyEncode } from '../../../core/codec/prometheus/snappy.ts';
import { isStaleMarker, staleNaN } from '../../../core/codec/prometheus/remote_write.ts';
import {
  decodeReadResponse, encodeReadRequest, encodeWriteRequest, type EncodeSeries,
} from '../../../core/proto/prometheus_remote.ts';
import { natsClient, startNode, tempDir, until } from '../../harness/index.ts';
import { promApi } from './api_client.ts';

type Node = Awaited<ReturnType<typeof startNode>>;
const T0 = 1_700_000_000_000;

function payload(series: EncodeSeries[], metadata = 0): Uint8Array {
  return snappyEncode(encodeWriteRequest(series, metadata));
}

async function rw(node: Node, body: Uint8Array, q = 'db=public'): Promise<Response> {
  return fetch(`${node.url}/v1/prometheus/write?${q}`, {
    method: 'POST', body, headers: { 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'snappy', 'X-Prometheus-Remote-Write-Version': '0.1.0' },
  });
}

async function sql(node: Node, q: string): Promise<{ output: { records: { rows: unknown[][]; schema: { column_schemas: { name: string; data_type: string }[] } } }[] }> {
  const r = await fetch(`${node.url}/v1/sql?db=public`, { method: 'POST', body: new URLSearchParams({ sql: q }) });
  const j = (await r.json()) as { status: string; errorType: string; error: unknown };
  if (r.status !== 200) throw new Error(JSON.stringify(j));
  return j as never;
}

const api = (node: Node, path: string, params: Record<string, string | string[]>, method: 'GET' | 'POST' = 'GET') => promApi(node.url, path, params, method);

describe('Prometheus remote write, read and HTTP API', () => {
  const dir = tempDir();
  let node: Node;
  let nc: NatsConnection;

  beforeAll(async () => {
    node = await startNode({ data: dir.path });
    nc = await natsClient(`nats://127.0.0.1:${node.config.natsPort}`);
    const stale = new Float64Array([0.5, 0.75, 0]);
    stale.set(staleNaN(), 2);
    const r = await rw(node, payload([
      { labels: [['__name__', 'http_requests_total'], ['job', 'api'], ['instance', 'a:1']], t: [T0, T0 + 15_000, T0 + 30_000], v: new Float64Array([1, 2, 3]) },
      { labels: [['__name__', 'http_requests_total'], ['job', 'api'], ['instance', 'b:1']], t: [T0, T0 + 15_000], v: new Float64Array([10, 20]) },
      { labels: [['__name__', 'up'], ['job', 'db']], t: [T0, T0 + 15_000, T0 + 30_000], v: stale },
    ], 2));
    expect(r.status).toBe(204);
  });
  afterAll(async () => {
    await nc?.close();
    await node?.stop();
    dir.cleanup();
  });

  it('stores one table per metric with GreptimeDB columns', async () => {
    const out = await sql(node, 'SELECT instance, job, greptime_value, greptime_timestamp FROM http_requests_total ORDER BY instance, greptime_timestamp');
    const rec = out.output[0]!.records;
    expect(rec.rows).toEqual([
      ['a:1', 'api', 1, T0], ['a:1', 'api', 2, T0 + 15_000], ['a:1', 'api', 3, T0 + 30_000],
      ['b:1', 'api', 10, T0], ['b:1', 'api', 20, T0 + 15_000],
    ]);
    const types = Object.fromEntries(rec.schema.column_schemas.map((c) => [c.name, c.data_type]));
    expect(types.greptime_timestamp).toBe('TimestampMillisecond');
    expect(types.greptime_value).toBe('Float64');
  });

  it('answers an instant query in Prometheus JSON (GET and POST form)', async () => {
    for (const method of ['GET', 'POST'] as const) {
      const r = await api(node, 'query', { query: 'http_requests_total{instance="a:1"}', time: String((T0 + 20_000) / 1000) }, method);
      expect(r.status).toBe(200);
      expect(r.body).toEqual({
        status: 'success',
        data: { resultType: 'vector', result: [{ metric: { __name__: 'http_requests_total', instance: 'a:1', job: 'api' }, value: [(T0 + 20_000) / 1000, '2'] }] },
      });
    }
  });

  it('honours the stale marker and a regex matcher', async () => {
    const r = await api(node, 'query', { query: 'up', time: new Date(T0 + 31_000).toISOString() });
    expect(r.body.data.result).toEqual([]);
    const r2 = await api(node, 'query', { query: 'http_requests_total{instance=~"b.*"}', time: String((T0 + 16_000) / 1000) });
    expect(r2.body.data.result.map((x: any) => x.value[1])).toEqual(['20']);
    // a literal alternation is pushed into the scan as a tag list; the answer is the same
    const r3 = await api(node, 'query', { query: 'http_requests_total{instance=~"b:1|c:1|a:1"}', time: String((T0 + 16_000) / 1000) });
    expect(r3.body.data.result.map((x: any) => x.value[1]).sort()).toEqual(['2', '20']);
    const r4 = await api(node, 'query', { query: 'http_requests_total{instance=~"b|a:1"}', time: String((T0 + 16_000) / 1000) });
    expect(r4.body.data.result.map((x: any) => x.metric.instance)).toEqual(['a:1']);
  });

  it('answers query_range as a matrix', async () => {
    const r = await api(node, 'query_range', { query: 'http_requests_total{instance="b:1"}', start: String(T0 / 1000), end: String((T0 + 30_000) / 1000), step: '15s' });
    expect(r.body.data.resultType).toBe('matrix');
    expect(r.body.data.result[0].values).toEqual([[T0 / 1000, '10'], [(T0 + 15_000) / 1000, '20'], [(T0 + 30_000) / 1000, '20']]);
  });

  it('lists labels, label values, series and metadata; x-greptime-db-name selects the database', async () => {
    expect((await api(node, 'labels', {})).body.data).toEqual(['__name__', 'instance', 'job']);
    expect((await api(node, 'label/__name__/values', {})).body.data).toEqual(['http_requests_total', 'up']);
    expect((await api(node, 'label/instance/values', { 'match[]': 'http_requests_total' })).body.data).toEqual(['a:1', 'b:1']);
    const s = await api(node, 'series', { 'match[]': ['up', 'http_requests_total{instance="b:1"}'] });
    expect(s.body.data).toEqual(expect.arrayContaining([{ __name__: 'up', job: 'db' }, { __name__: 'http_requests_total', instance: 'b:1', job: 'api' }]));
    expect(s.body.data).toHaveLength(2);
    expect((await api(node, 'metadata', {})).body.data.up).toEqual([{ type: 'unknown', help: '', unit: '' }]);
    expect((await api(node, 'status/buildinfo', {})).body.data.version).toMatch(/^2\./);
    await sql(node, 'CREATE DATABASE other');
    expect((await rw(node, payload([{ labels: [['__name__', 'other_metric']], t: [T0], v: new Float64Array([1]) }]), 'db=other')).status).toBe(204);
    const other = await fetch(`${node.url}/v1/prometheus/api/v1/label/__name__/values`, { headers: { 'x-greptime-db-name': 'other' } });
    expect(await other.json()).toEqual({ status: 'success', data: ['other_metric'] });
  });

  it('answers bad parameters with bad_data', async () => {
    const r = await api(node, 'query_range', { query: 'up', start: 'yesterday', end: '1', step: '1' });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ status: 'error', errorType: 'bad_data', error: expect.stringContaining('start') });
    const r2 = await api(node, 'query', { query: 'up{' });
    expect(r2.status).toBe(400);
    expect(r2.body.errorType).toBe('bad_data');
    expect((await api(node, 'series', {})).status).toBe(400);
  });

  it('reads match[] with the engine parser: a plain selector, else bad_data naming the position', async () => {
    // the same selector syntax as a query: __name__ matchers and backquoted strings
    const s = await api(node, 'series', { 'match[]': '{__name__=~"up|http_requests_total", instance=`b:1`}' });
    expect(s.body.data).toEqual([{ __name__: 'http_requests_total', instance: 'b:1', job: 'api' }]);
    for (const [m, col] of [['up{job=}', 8], ['sum(up)', 1], ['up offset 5m', 13], ['up{job="db"} + 1', 14]] as const) {
      const r = await api(node, 'series', { 'match[]': m });
      expect([m, r.status, r.body.errorType]).toEqual([m, 400, 'bad_data']);
      expect(r.body.error).toContain('invalid parameter "match[]"');
      expect(r.body.error).toMatch(new RegExp(`1:${col}\\b|line 1, column ${col}\\b`));
    }
    const empty = await api(node, 'labels', { 'match[]': '{job=""}' });
    expect([empty.status, empty.body.errorType]).toEqual([400, 'bad_data']);
  });

  it('serves remote read with the stale marker bit-exact', async () => {
    const req = snappyEncode(encodeReadRequest([{ startMs: T0, endMs: T0 + 60_000, matchers: [{ name: '__name__', op: '=', value: 'up' }] }]));
    const r = await fetch(`${node.url}/v1/prometheus/read`, { method: 'POST', body: req, headers: { 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'snappy' } });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-encoding')).toBe('snappy');
    const [res] = decodeReadResponse(snappyDecode(new Uint8Array(await r.arrayBuffer())));
    expect(res!.count).toBe(1);
    expect(res!.labelNames).toEqual(['__name__', 'job']);
    expect(Array.from(res!.t)).toEqual([T0, T0 + 15_000, T0 + 30_000]);
    expect(isStaleMarker(res!.v, 2)).toBe(true);
  });

  it('takes the same payload on NATS eddy.write.<db> with Eddy-Format: prometheus', async () => {
    const h = natsHeaders();
    h.set('Content-Type', 'application/x-protobuf');
    h.set('Eddy-Format', 'prometheus');
    const body = payload([{ labels: [['__name__', 'nats_metric'], ['k', 'v']], t: [T0, T0 + 1], v: new Float64Array([7, 8]) }]);
    const m = await nc.request(Subjects.write('public'), body, { timeout: 30_000, headers: h });
    expect(JSON.parse(new TextDecoder().decode(m.data))).toEqual({ ok: true, rows: 2 });
    const out = await sql(node, 'SELECT k, greptime_value FROM nats_metric ORDER BY greptime_timestamp');
    expect(out.output[0]!.records.rows).toEqual([['v', 7], ['v', 8]]);
  });

  it('takes it on the JetStream-buffered eddy.ingest.<db> too', async () => {
    const h = natsHeaders();
    h.set('Content-Type', 'application/x-protobuf');
    h.set('Eddy-Format', 'prometheus');
    const body = payload([{ labels: [['__name__', 'buffered_metric'], ['k', 'w']], t: [T0], v: new Float64Array([5]) }]);
    await jetstream(nc).publish(Subjects.ingest('public'), body, { headers: h });
    const rows = await until(async () => {
      const r = await api(node, 'query', { query: 'buffered_metric', time: String(T0 / 1000) });
      return r.body.data.result.length ? r.body.data.result : null;
    }, 'the buffered Prometheus payload to be applied', 20_000);
    expect(rows).toEqual([{ metric: { __name__: 'buffered_metric', k: 'w' }, value: [T0 / 1000, '5'] }]);
  });

  it('rejects bad input with 400 and Prometheus error JSON, writing nothing', async () => {
    const good: EncodeSeries = { labels: [['__name__', 'rejected_metric']], t: [T0], v: new Float64Array([1]) };
    const proto = encodeWriteRequest([good, { labels: [['__name__', 'rejected_metric']], t: [T0 + 2, T0 + 1], v: new Float64Array([1, 2]) }]);
    const cases: [string, Uint8Array][] = [
      ['corrupt snappy', Uint8Array.from([0x40, 0x00, 0x01, 0x02])],
      ['truncated protobuf', snappyEncode(encodeWriteRequest([good]).subarray(0, 9))],
      ['no __name__', payload([good, { labels: [['job', 'x']], t: [T0], v: new Float64Array([1]) }])],
      ['out of order', snappyEncode(proto)],
    ];
    for (const [what, body] of cases) {
      const r = await rw(node, body);
      expect(r.status, what).toBe(400);
      const j = (await r.json()) as { status: string; errorType: string; error: unknown };
      expect(j.status, what).toBe('error');
      expect(j.errorType, what).toBe('bad_data');
      expect(typeof j.error).toBe('string');
    }
    const tables = await sql(node, 'SHOW TABLES');
    expect(tables.output[0]!.records.rows.flat()).not.toContain('rejected_metric');
  });

  it('runs TQL EVAL with GreptimeDB output columns (a bare selector: its table\'s columns in table order, tags first)', async () => {
    const out = await sql(node, `TQL EVAL (${T0 / 1000}, ${(T0 + 30_000) / 1000}, '15s') http_requests_total{job="api"}`);
    const rec = out.output[0]!.records;
    expect(rec.schema.column_schemas).toEqual([
      { name: 'instance', data_type: 'String' }, { name: 'job', data_type: 'String' },
      { name: 'greptime_timestamp', data_type: 'TimestampMillisecond' }, { name: 'greptime_value', data_type: 'Float64' },
    ]);
    expect(rec.rows).toEqual([
      ['a:1', 'api', T0, 1], ['a:1', 'api', T0 + 15_000, 2], ['a:1', 'api', T0 + 30_000, 3],
      ['b:1', 'api', T0, 10], ['b:1', 'api', T0 + 15_000, 20], ['b:1', 'api', T0 + 30_000, 20],
    ]);
    const rfc = await sql(node, `TQL EVAL ('${new Date(T0).toISOString()}', '${new Date(T0).toISOString()}', '1m', '10s') http_requests_total`);
    expect(rfc.output[0]!.records.rows.map((r) => r[3])).toEqual([1, 10]);
    // a function answers the time index, the value, then the labels
    const fn = await sql(node, `TQL EVAL (${T0 / 1000}, ${T0 / 1000}, '15s') abs(http_requests_total{job="api"})`);
    const names = fn.output[0]!.records.schema.column_schemas.map((c: { name: string }) => c.name);
    expect([names[0], ...names.slice(2)]).toEqual(['greptime_timestamp', 'instance', 'job']);
  });

  it('takes TQL bounds as SQL expressions and a trailing AS name (GreptimeDB: value column first, time index last)', async () => {
    const t0 = `'${new Date(T0).toISOString()}'::timestamp`;
    const out = await sql(node, `TQL EVAL (${t0}, ${t0} + INTERVAL '30 seconds', '15s'::interval) sum by (job) (http_requests_total) AS total`);
    const rec = out.output[0]!.records;
    expect(rec.schema.column_schemas.map((c: { name: string }) => c.name)).toEqual(['total', 'job', 'greptime_timestamp']);
    expect(rec.rows).toEqual([[11, 'api', T0], [22, 'api', T0 + 15_000], [23, 'api', T0 + 30_000]]);
    const rel = await sql(node, `TQL EVAL (now() - '1m'::interval, now(), '30s') http_requests_total AS v`);
    expect(rel.output[0]!.records.schema.column_schemas[0]).toEqual({ name: 'v', data_type: 'Float64' });
    const r = await fetch(`${node.url}/v1/sql?db=public`, { method: 'POST', body: new URLSearchParams({ sql: `TQL EVAL (now() - 'soon', now(), '30s') up` }) });
    expect(r.status).toBe(400);
    expect(await r.text()).toMatch(/TQL start: cannot read/);
  });

  it('runs TQL EXPLAIN and TQL ANALYZE; a bad PromQL query is a 400', async () => {
    const ex = await sql(node, `TQL EXPLAIN (0, 10, '5s') up`);
    expect(ex.output[0]!.records.rows[0]![0]).toBe('logical_plan');
    expect(String(ex.output[0]!.records.rows[0]![1])).toContain('PromQL: up');
    const an = await sql(node, `TQL ANALYZE (${T0 / 1000}, ${(T0 + 30_000) / 1000}, '15s') http_requests_total`);
    expect(String(an.output[0]!.records.rows[0]![2])).toMatch(/series=2, output_rows=6/);
    const r = await fetch(`${node.url}/v1/sql?db=public`, { method: 'POST', body: new URLSearchParams({ sql: `TQL EVAL (0, 10, '5s') up{` }) });
    expect(r.status).toBe(400);
    const r2 = await fetch(`${node.url}/v1/sql?db=public`, { method: 'POST', body: new URLSearchParams({ sql: `TQL EVAL (0, 10) up` }) });
    expect(r2.status).toBe(400);
  });

  it('answers PromQL over a table SQL made (GreptimeDB rule: first field, or __field__; __name__ regex lists tables)', async () => {
    await sql(node, 'CREATE TABLE cpu_sql (host STRING, usage DOUBLE, idle BIGINT, ts TIMESTAMP TIME INDEX, PRIMARY KEY (host))');
    await sql(node, `INSERT INTO cpu_sql VALUES ('a', 0.5, 7, ${T0}), ('b', 0.25, 9, ${T0})`);
    const at = String((T0 + 1000) / 1000);
    const first = await api(node, 'query', { query: 'cpu_sql{host="a"}', time: at });
    expect(first.body.data.result).toEqual([{ metric: { __name__: 'cpu_sql', host: 'a' }, value: [(T0 + 1000) / 1000, '0.5'] }]);
    const idle = await api(node, 'query', { query: 'cpu_sql{__field__="idle", host!="a"}', time: at });
    expect(idle.body.data.result.map((r: any) => [r.metric.host, r.value[1]])).toEqual([['b', '9']]);
    const re = await api(node, 'query', { query: '{__name__=~"cpu_s.*|nats_metric"}', time: at });
    expect(re.body.data.result.map((r: any) => r.metric.__name__).sort()).toEqual(['cpu_sql', 'cpu_sql', 'nats_metric']);
  });

  it('takes physical_table and never lists a physical metric table as a metric', async () => {
    await sql(node, `CREATE TABLE my_phy (greptime_timestamp TIMESTAMP(3) TIME INDEX, greptime_value DOUBLE) ENGINE=metric WITH ("physical_metric_table" = "")`);
    const body = payload([{ labels: [['__name__', 'on_my_phy'], ['k', 'v']], t: [T0], v: new Float64Array([3]) }]);
    expect((await rw(node, body, 'db=public&physical_table=my_phy')).status).toBe(204);
    const names = (await api(node, 'label/__name__/values', {})).body.data as string[];
    expect(names).toContain('on_my_phy');
    expect(names).not.toContain('my_phy');
    expect((await api(node, 'query', { query: '{__name__=~"on_my.*|my_phy"}', time: String(T0 / 1000) })).body.data.result)
      .toEqual([{ metric: { __name__: 'on_my_phy', k: 'v' }, value: [T0 / 1000, '3'] }]);
  });

  it('writes concurrent requests in groups: each answered, a bad one refused alone, every sample there', async () => {
    const bodies = Array.from({ length: 16 }, (_, k) => payload([
      { labels: [['__name__', 'grouped_total'], ['req', String(k)]], t: [T0, T0 + 15_000], v: new Float64Array([k, k + 1]) },
      { labels: [['__name__', 'grouped_gauge'], ['req', String(k)], ['extra', k % 2 ? 'odd' : 'even']], t: [T0], v: new Float64Array([k]) },
    ]));
    const bad = Uint8Array.from([0x40, 0x00, 0x01, 0x02]);
    const answers = await Promise.all([...bodies.slice(0, 8), bad, ...bodies.slice(8)].map((b) => rw(node, b)));
    expect(answers.map((r) => r.status)).toEqual([...Array(8).fill(204), 400, ...Array(8).fill(204)]);
    const count = async (q: string): Promise<string> => ((await api(node, 'query', { query: q, time: String(T0 / 1000 + 20) })).body.data.result[0]?.value[1] as string);
    expect(await count('sum(count_over_time(grouped_total[1m]))')).toBe('32');
    expect(await count('count(grouped_gauge{extra="odd"})')).toBe('8');
    const metrics = await (await fetch(`${node.url}/metrics`)).text();
    const grouped = Number(/eddy_prom_write_grouped_requests_total (\d+)/.exec(metrics)?.[1]);
    const groups = Number(/eddy_prom_write_groups_total (\d+)/.exec(metrics)?.[1]);
    expect(grouped).toBeGreaterThanOrEqual(16);
    expect(groups).toBeLessThanOrEqual(grouped);
  });

  it('accepts a metadata-only request', async () => {
    expect((await rw(node, payload([], 5))).status).toBe(204);
  });
});
