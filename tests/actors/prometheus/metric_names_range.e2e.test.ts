// Metric names over a time range with many metrics on one physical table (read from its table ids in one scan, not
// one scan per metric): exactly the metrics with samples in the range, from segments and the memtable, per physical table.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snappyEncode } from '../../../core/codec/prometheus/snappy.ts';
import { encodeWriteRequest } from '../../../core/proto/prometheus_remote.ts';
import { startNode, tempDir } from '../../harness/index.ts';
import { promApi } from './api_client.ts';

type Node = Awaited<ReturnType<typeof startNode>>;
const HOUR = 3_600_000;
const OLD = Math.floor((Date.now() - 30 * 24 * HOUR) / 1000) * 1000;
const NEW = Math.floor((Date.now() - HOUR) / 1000) * 1000;
const s = (ms: number) => String(ms / 1000);
const METRICS = 50;

async function write(node: Node, names: string[], t: number, physical?: string): Promise<void> {
  const series = names.map((n) => ({ labels: [['__name__', n], ['job', 'j']] as [string, string][], t: [t], v: new Float64Array([1]) }));
  const r = await fetch(`${node.url}/v1/prometheus/write?db=public${physical ? `&physical_table=${physical}` : ''}`, {
    method: 'POST', body: snappyEncode(encodeWriteRequest(series)),
    headers: { 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'snappy' },
  });
  expect(r.status).toBe(204);
}

describe('metric names over a range, many metrics', () => {
  const dir = tempDir();
  let node: Node;
  const names = Array.from({ length: METRICS }, (_, i) => `m_${String(i).padStart(2, '0')}`);
  // even metrics have old samples (flushed to segments), multiples of 3 recent ones (memtable): 0, 6, ... have both
  const old = names.filter((_, i) => i % 2 === 0);
  const recent = names.filter((_, i) => i % 3 === 0);

  beforeAll(async () => {
    node = await startNode({ data: dir.path });
    await write(node, names.filter((n) => !old.includes(n) && !recent.includes(n)), OLD - 10 * 24 * HOUR);
    await write(node, old, OLD);
    expect((await fetch(`${node.url}/v1/admin/flush?db=public&table=greptime_physical_table`, { method: 'POST' })).ok).toBe(true);
    await write(node, recent, NEW);
    // a few on another physical table: that table's metrics are looked up one by one
    await write(node, ['other_a', 'other_b'], NEW, 'other_phy');
  }, 60_000);
  afterAll(async () => {
    await node?.stop();
    dir.cleanup();
  });

  const values = async (start: number, end: number) => (await promApi(node.url, 'label/__name__/values', { start: s(start), end: s(end) })).body.data as string[];

  it('answers the metrics with samples in the range, from segments and memtable', async () => {
    expect(await values(OLD - HOUR, OLD + HOUR)).toEqual(old);
    expect(await values(NEW - HOUR, NEW + HOUR)).toEqual([...recent, 'other_a', 'other_b'].sort());
    expect(await values(OLD - HOUR, NEW + HOUR)).toEqual([...new Set([...old, ...recent, 'other_a', 'other_b'])].sort());
    expect(await values(OLD + HOUR, NEW - HOUR)).toEqual([]);
    expect((await promApi(node.url, 'label/__name__/values', {})).body.data).toHaveLength(METRICS + 2);
  });
});
