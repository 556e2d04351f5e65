// Grafana's label lookups (label names, label values, metric names, series) against data weeks old, flushed to segments,
// on a real node, with Prometheus's semantics: no start/end means all time; a start/end range answers only the series
// with samples in it, so a range far in the past (or only the last hours) answers nothing of the old data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snappyEncode } from '../../../core/codec/prometheus/snappy.ts';
import { encodeWriteRequest } from '../../../core/proto/prometheus_remote.ts';
import { startNode, tempDir } from '../../harness/index.ts';
import { promApi } from './api_client.ts';

type Node = Awaited<ReturnType<typeof startNode>>;
const HOUR = 3_600_000;
/** Whole seconds, 30 days before the test runs. */
const OLD = Math.floor((Date.now() - 30 * 24 * HOUR) / 1000) * 1000;
const s = (ms: number) => String(ms / 1000);

describe('Prometheus label lookups over old data', () => {
  const dir = tempDir();
  let node: Node;
  const api = (path: string, params: Record<string, string | string[]> = {}) => promApi(node.url, path, params);

  beforeAll(async () => {
    node = await startNode({ data: dir.path });
    const t = [OLD, OLD + 15_000, OLD + 30_000];
    const series = [
      { labels: [['__name__', 'old_requests_total'], ['job', 'api'], ['instance', 'a:1']] as [string, string][], t, v: new Float64Array([1, 2, 3]) },
      { labels: [['__name__', 'old_requests_total'], ['job', 'batch'], ['instance', 'b:1']] as [string, string][], t, v: new Float64Array([4, 5, 6]) },
      { labels: [['__name__', 'old_temperature'], ['room', 'attic']] as [string, string][], t: [OLD], v: new Float64Array([21]) },
    ];
    const r = await fetch(`${node.url}/v1/prometheus/write?db=public`, {
      method: 'POST', body: snappyEncode(encodeWriteRequest(series)),
      headers: { 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'snappy' },
    });
    expect(r.status).toBe(204);
    // old data lives in segments, not the memtable
    expect((await fetch(`${node.url}/v1/admin/flush?db=public&table=greptime_physical_table`, { method: 'POST' })).ok).toBe(true);
  }, 60_000);
  afterAll(async () => {
    await node?.stop();
    dir.cleanup();
  });

  it('without start/end: all time, as Prometheus', async () => {
    expect((await api('labels')).body.data).toEqual(['__name__', 'instance', 'job', 'room']);
    expect((await api('label/job/values')).body.data).toEqual(['api', 'batch']);
    expect((await api('label/__name__/values')).body.data).toEqual(['old_requests_total', 'old_temperature']);
    expect((await api('series', { 'match[]': 'old_requests_total{job="api"}' })).body.data).toEqual([{ __name__: 'old_requests_total', instance: 'a:1', job: 'api' }]);
    expect((await api('labels', { 'match[]': 'old_temperature' })).body.data).toEqual(['__name__', 'room']);
  });

  it('with start/end around the old samples: the series that have samples then', async () => {
    const around = { start: s(OLD - HOUR), end: s(OLD + HOUR) };
    expect((await api('labels', around)).body.data).toEqual(['__name__', 'instance', 'job', 'room']);
    expect((await api('label/instance/values', around)).body.data).toEqual(['a:1', 'b:1']);
    expect((await api('label/__name__/values', around)).body.data).toEqual(['old_requests_total', 'old_temperature']);
    // only the first 20 s: old_temperature's one sample is at OLD, old_requests_total's at OLD, +15 s, +30 s
    const late = { start: s(OLD + 20_000), end: s(OLD + HOUR) };
    expect((await api('label/__name__/values', late)).body.data).toEqual(['old_requests_total']);
    expect((await api('series', { 'match[]': '{__name__=~"old_.*"}', ...late })).body.data).toHaveLength(2);
  });

  it('with start/end far in the past, or only the last hours (Grafana\'s default range): nothing of the old data', async () => {
    for (const range of [{ start: '0', end: s(24 * HOUR) }, { start: s(Date.now() - 6 * HOUR), end: s(Date.now()) }]) {
      expect((await api('labels', range)).body).toEqual({ status: 'success', data: [] });
      expect((await api('label/job/values', range)).body).toEqual({ status: 'success', data: [] });
      expect((await api('label/__name__/values', range)).body).toEqual({ status: 'success', data: [] });
      expect((await api('series', { 'match[]': 'old_requests_total', ...range })).body).toEqual({ status: 'success', data: [] });
      expect((await api('label/__name__/values', { 'match[]': '{__name__=~".+"}', ...range })).body.data).toEqual([]);
    }
  });
});
