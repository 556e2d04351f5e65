// The Prometheus HTTP API's breadth against a node: `limit` with its warning, POST forms, metadata, exemplars, the status
// and tooling endpoints, error types with their HTTP codes, and Debian's promtool (Prometheus's own Go API client) asking
// EddyDB instant, range, series and label-values questions.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snappyEncode } from '../../../core/codec/prometheus/snappy.ts';
import { encodeWriteRequest } from '../../../core/proto/prometheus_remote.ts';
import { startNode, tempDir } from '../../harness/index.ts';
import { promApi } from './api_client.ts';

const PROMTOOL = '/usr/bin/promtool';
const T0 = 1_700_000_000_000;
type Node = Awaited<ReturnType<typeof startNode>>;

const api = (node: Node, path: string, params: Record<string, string | string[]>, method: 'GET' | 'POST' = 'GET') => promApi(node.url, path, params, method);

describe('Prometheus HTTP API breadth', () => {
  const dir = tempDir();
  let node: Node;

  beforeAll(async () => {
    node = await startNode({ data: dir.path });
    const series = [];
    for (const inst of ['a:1', 'b:1', 'c:1']) {
      series.push({ labels: [['__name__', 'req_total'], ['instance', inst], ['job', 'api']] as [string, string][], t: [T0, T0 + 15_000, T0 + 30_000], v: new Float64Array([1, 5, 9]) });
    }
    series.push({ labels: [['__name__', 'up'], ['job', 'api']] as [string, string][], t: [T0], v: new Float64Array([1]) });
    const r = await fetch(`${node.url}/v1/prometheus/write?db=public`, {
      method: 'POST', body: snappyEncode(encodeWriteRequest(series)),
      headers: { 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'snappy' },
    });
    expect(r.status).toBe(204);
  });
  afterAll(async () => {
    await node?.stop();
    dir.cleanup();
  });

  it('caps series, labels and label values at `limit` and says so in warnings', async () => {
    const s = await api(node, 'series', { 'match[]': 'req_total', limit: '2' }, 'POST');
    expect(s.body).toMatchObject({ status: 'success', warnings: ['results truncated due to limit'] });
    expect(s.body.data).toHaveLength(2);
    const all = await api(node, 'series', { 'match[]': 'req_total', limit: '0' });
    expect([all.body.data.length, all.body.warnings]).toEqual([3, undefined]);
    const v = await api(node, 'label/instance/values', { 'match[]': 'req_total', limit: '1' });
    expect([v.body.data, v.body.warnings]).toEqual([['a:1'], ['results truncated due to limit']]);
    const l = await api(node, 'labels', { 'match[]': 'req_total', limit: '5' }, 'POST');
    expect([l.body.data, l.body.warnings]).toEqual([['__name__', 'instance', 'job'], undefined]);
    const bad = await api(node, 'series', { 'match[]': 'req_total', limit: '-1' });
    expect([bad.status, bad.body.errorType, bad.body.error]).toEqual([400, 'bad_data', expect.stringContaining('"limit"')]);
  });

  it('answers query and query_range from POST forms, series within start/end', async () => {
    const q = await api(node, 'query', { query: 'sum(req_total)', time: String((T0 + 30_000) / 1000) }, 'POST');
    expect(q.body.data.result[0].value).toEqual([(T0 + 30_000) / 1000, '27']);
    const r = await api(node, 'query_range', { query: 'count(req_total)', start: String(T0 / 1000), end: String((T0 + 30_000) / 1000), step: '15' }, 'POST');
    expect(r.body.data.result[0].values.map((p: [number, string]) => p[1])).toEqual(['3', '3', '3']);
    const later = await api(node, 'series', { 'match[]': 'up', start: String((T0 + 3_600_000) / 1000) }, 'POST');
    expect(later.body.data).toEqual([]);
  });

  it('carries Prometheus\'s annotations in `warnings` and `infos`, and neither field when there are none', async () => {
    const time = String((T0 + 30_000) / 1000);
    const q = await api(node, 'query', { query: 'rate(up[5m]) or quantile(2, req_total)', time });
    expect(q.body).toMatchObject({
      status: 'success',
      warnings: ['PromQL warning: quantile value should be between 0 and 1, got 2 (1:26)'],
      infos: ['PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: "up" (1:6)'],
    });
    const r = await api(node, 'query_range', { query: 'histogram_quantile(0.5, req_total)', start: String(T0 / 1000), end: time, step: '15' }, 'POST');
    expect([r.body.data.result, r.body.warnings]).toEqual([[], ['PromQL warning: bucket label "le" is missing or has a malformed value of "" for metric name "req_total" (1:25)']]);
    const clean = await api(node, 'query', { query: 'rate(req_total[5m])', time });
    expect([clean.body.status, 'warnings' in clean.body, 'infos' in clean.body]).toEqual(['success', false, false]);
  });

  it('lists metadata of one metric or none, and checks an exemplar query', async () => {
    expect((await api(node, 'metadata', { metric: 'up' })).body.data).toEqual({ up: [{ type: 'unknown', help: '', unit: '' }] });
    expect((await api(node, 'metadata', { metric: 'nope' })).body.data).toEqual({});
    expect(Object.keys((await api(node, 'metadata', { limit: '1' })).body.data)).toHaveLength(1);
    expect((await api(node, 'query_exemplars', { query: 'req_total', start: '0', end: '1' })).body).toEqual({ status: 'success', data: [] });
    const bad = await api(node, 'query_exemplars', { query: 'req_total{' });
    expect([bad.status, bad.body.errorType]).toEqual([400, 'bad_data']);
  });

  it('serves the status endpoints, format_query and parse_query', async () => {
    expect((await api(node, 'status/buildinfo', {})).body.data.version).toBe('2.42.0');
    const rt = (await api(node, 'status/runtimeinfo', {})).body.data;
    expect(rt).toMatchObject({ reloadConfigSuccess: true, corruptionCount: 0 });
    expect(Date.parse(rt.startTime)).toBeGreaterThan(0);
    expect((await api(node, 'status/flags', {})).body.data['query.lookback-delta']).toBe('5m');
    expect((await api(node, 'status/config', {})).body).toEqual({ status: 'success', data: { yaml: '' } });
    const f = await api(node, 'format_query', { query: 'sum  by(job)(rate( req_total [5m] ))' }, 'POST');
    expect(f.body).toEqual({ status: 'success', data: 'sum by (job) (rate(req_total[5m]))' });
    const p = await api(node, 'parse_query', { query: 'sum by (job) (rate(req_total{job="api"}[5m] @ 100)) > bool 2' });
    expect(p.body.data).toEqual({
      type: 'binaryExpr', op: '>', bool: true, matching: null, rhs: { type: 'numberLiteral', val: '2' },
      lhs: {
        type: 'aggregation', op: 'sum', grouping: ['job'], without: false, param: null,
        expr: {
          type: 'call', func: { name: 'rate', argTypes: ['matrix'], variadic: 0, returnType: 'vector' },
          args: [{
            type: 'matrixSelector', name: 'req_total', range: 300_000, offset: 0, timestamp: 100_000, startOrEnd: null,
            matchers: [{ type: '=', name: 'job', value: 'api' }, { type: '=', name: '__name__', value: 'req_total' }],
          }],
        },
      },
    });
    const bad = await api(node, 'format_query', { query: 'sum(' });
    expect([bad.status, bad.body.status, bad.body.errorType]).toEqual([400, 'error', 'bad_data']);
  });

  it('answers an evaluation failure with 422 execution and the deadline with 503 timeout', async () => {
    // two series with one label set on the "one" side of a match
    const ex = await api(node, 'query', { query: 'req_total * on(job) req_total', time: String(T0 / 1000) });
    expect([ex.status, ex.body.status, ex.body.errorType]).toEqual([422, 'error', 'execution']);
    // a subquery of 8.6 million steps cannot finish within a millisecond
    const to = await api(node, 'query', { query: 'count_over_time(vector(1)[100d:1s])', time: String(T0 / 1000), timeout: '1ms' });
    expect([to.status, to.body.errorType]).toEqual([503, 'timeout']);
  });

  it('answers promtool (Prometheus\'s Go API client) instant, range, series and label values queries', async () => {
    const run = async (...args: string[]): Promise<string> => (await promisify(execFile)(PROMTOOL, ['query', ...args], { timeout: 30_000 })).stdout;
    const base = `${node.url}/v1/prometheus`;
    expect(await run('instant', '--time', String((T0 + 30_000) / 1000), base, 'sum(req_total)')).toMatch(/^\{\} => 27 @\[1700000030\]/);
    const range = await run('range', '--start', String(T0 / 1000), '--end', String((T0 + 30_000) / 1000), '--step', '15s', base, 'sum(req_total)');
    expect(range).toContain('{} =>');
    expect(range.match(/\d+ @\[/g)).toHaveLength(3);
    const series = await run('series', '--match', 'req_total{instance="b:1"}', '--start', String(T0 / 1000), base);
    expect(series.trim()).toBe('{__name__="req_total", instance="b:1", job="api"}');
    // promtool asks for the last hours by default: the data is older
    expect((await run('labels', base, 'instance')).trim()).toBe('');
    expect((await run('labels', '--start', String(T0 / 1000), '--end', String((T0 + 60_000) / 1000), base, 'instance')).trim().split('\n')).toEqual(['a:1', 'b:1', 'c:1']);
  });
});
