// The query deadline through the Prometheus HTTP API on a real node: GreptimeDB's X-Greptime-Timeout header and
// Prometheus's own `timeout` parameter both end a query with Prometheus's 503 {"errorType":"timeout"}, the node counts
// it as timed out, and the next query is answered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snappyEncode } from '../../../core/codec/prometheus/snappy.ts';
import { encodeWriteRequest } from '../../../core/proto/prometheus_remote.ts';
import { startNode, tempDir } from '../../harness/index.ts';

type Node = Awaited<ReturnType<typeof startNode>>;
const T0 = 1_700_000_000_000;
/** Many selectors: each is a scan (where the server's deadline stops a query) and a node (where the engine's does). */
const MANY = Array.from({ length: 200 }, () => 'sum(req_total)').join(' + ');

async function prom(node: Node, path: string, params: Record<string, string>, headers: Record<string, string> = {}) {
  const r = await fetch(`${node.url}/v1/prometheus/api/v1/${path}`, { method: 'POST', body: new URLSearchParams(params), headers });
  return { status: r.status, body: (await r.json()) as { status: string; errorType?: string; error?: string; data?: { result: unknown[] } } };
}
const timedOut = async (node: Node) => Number(/^eddy_queries_timed_out_total (\d+)$/m.exec(await (await fetch(`${node.url}/metrics`)).text())?.[1] ?? NaN);

describe('Prometheus API query deadline', () => {
  const dir = tempDir();
  let node: Node;
  const range = { start: String(T0 / 1000), end: String((T0 + 60_000) / 1000), step: '15' };

  beforeAll(async () => {
    node = await startNode({ data: dir.path });
    const t = [T0, T0 + 15_000, T0 + 30_000, T0 + 45_000, T0 + 60_000];
    const series = ['a', 'b', 'c'].map((i) => ({ labels: [['__name__', 'req_total'], ['instance', i]] as [string, string][], t, v: new Float64Array([1, 2, 3, 4, 5]) }));
    const r = await fetch(`${node.url}/v1/prometheus/write?db=public`, {
      method: 'POST', body: snappyEncode(encodeWriteRequest(series)),
      headers: { 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'snappy' },
    });
    expect(r.status).toBe(204);
  }, 60_000);
  afterAll(async () => {
    await node?.stop();
    dir.cleanup();
  });

  it('X-Greptime-Timeout past its time: 503 errorType timeout naming the deadline, counted; the node goes on', async () => {
    const before = await timedOut(node);
    const r = await prom(node, 'query_range', { query: MANY, ...range }, { 'x-greptime-timeout': '1ms' });
    expect(r).toEqual({
      status: 503,
      body: { status: 'error', errorType: 'timeout', error: 'query exceeded its timeout of 1 ms (X-Greptime-Timeout or --query-timeout) and was cancelled' },
    });
    expect(await timedOut(node)).toBe(before + 1);
    const inst = await prom(node, 'query', { query: MANY, time: String(T0 / 1000) }, { 'x-greptime-timeout': '1ms' });
    expect([inst.status, inst.body.errorType]).toEqual([503, 'timeout']);
    const ok = await prom(node, 'query_range', { query: 'sum(req_total)', ...range }, { 'x-greptime-timeout': '30s' });
    expect([ok.status, ok.body.data?.result]).toEqual([200, [{ metric: {}, values: [[T0 / 1000, '3'], [T0 / 1000 + 15, '6'], [T0 / 1000 + 30, '9'], [T0 / 1000 + 45, '12'], [T0 / 1000 + 60, '15']] }]]);
  });

  it('the `timeout` parameter past its time: 503 errorType timeout as Prometheus words it, counted', async () => {
    const before = await timedOut(node);
    const r = await prom(node, 'query_range', { query: MANY, ...range, timeout: '1ms' });
    expect(r).toEqual({ status: 503, body: { status: 'error', errorType: 'timeout', error: 'query timed out in expression evaluation' } });
    const inst = await prom(node, 'query', { query: MANY, time: String(T0 / 1000), timeout: '0.001' });
    expect(inst).toEqual(r);
    expect(await timedOut(node)).toBe(before + 2);
    const ok = await prom(node, 'query', { query: 'sum(req_total)', time: String(T0 / 1000), timeout: '30s' });
    expect([ok.status, ok.body.data?.result]).toEqual([200, [{ metric: {}, value: [T0 / 1000, '3'] }]]);
  });

  it('a `timeout` or X-Greptime-Timeout that is no duration is bad_data / a 400 naming it', async () => {
    const p = await prom(node, 'query', { query: 'req_total', timeout: 'soon' });
    expect(p).toEqual({ status: 400, body: { status: 'error', errorType: 'bad_data', error: 'invalid parameter "timeout": cannot parse "soon" to a valid duration' } });
    const h = await prom(node, 'query', { query: 'req_total' }, { 'x-greptime-timeout': 'soon' });
    expect([h.status, h.body.errorType, h.body.error]).toEqual([400, 'bad_data', expect.stringMatching(/X-Greptime-Timeout header: 'soon' is not a duration/)]);
  });
});
