// The node's memory budget on a real node with a tiny --memory-limit-mb: while a flush is held (a failpoint at the
// storage boundary), memtables fill the writes' share and writes get back-pressure (HTTP 503 + Retry-After, a NATS
// write waits, one more NATS write gets the RateLimited error reply); once the flush goes on, the waiting write is
// applied, and every accepted write, and nothing refused, is in the table.
import { beforeAll, describe, expect, it } from 'vitest';
import { heldNodeForFile, type HeldFlush } from './held_flush.ts';
import { natsClient, startNode, until, writeLp } from '../../harness/index.ts';

type Node = Awaited<ReturnType<typeof startNode>>;
const sql = async (node: Node, q: string) => {
  const r = await fetch(`${node.url}/v1/sql?db=public`, { method: 'POST', body: new URLSearchParams({ sql: q }) });
  expect(r.status, q).toBe(200);
  return ((await r.json()) as { output: { records: { rows: unknown[][] } }[] }).output[0]!.records.rows;
};
const metrics = async (node: Node) => (await fetch(`${node.url}/metrics`)).text();
const metric = async (node: Node, name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(await metrics(node))?.[1] ?? NaN);
/** A write of `rows` rows, all tagged with the writer's name, so what landed can be told apart. */
const lp = (writer: string, rows: number) =>
  Array.from({ length: rows }, (_, i) => `mem,writer=${writer} v=${i},w=${i * 3} ${1_700_000_000_000 + i}000000`).join('\n');
const ROWS = 2000;

describe('memory budget', () => {
  const ctx = heldNodeForFile();
  let node: Node;
  let held: HeldFlush;
  beforeAll(() => { ({ node, held } = ctx()); });

  it('the budget is on /metrics and in information_schema.runtime_metrics', async () => {
    expect(await metric(node, 'eddy_memory_limit_bytes')).toBe(1024 * 1024);
    expect(await metric(node, 'eddy_memory_write_limit_bytes')).toBe(512 * 1024);
    expect(await metric(node, 'eddy_memory_cache_limit_bytes')).toBe(256 * 1024);
    const rows = await sql(node, "SELECT metric_name, value FROM information_schema.runtime_metrics WHERE metric_name LIKE 'eddy_memory_%limit_bytes' ORDER BY metric_name");
    expect(rows).toEqual([['eddy_memory_cache_limit_bytes', 256 * 1024], ['eddy_memory_limit_bytes', 1024 * 1024], ['eddy_memory_write_limit_bytes', 512 * 1024]]);
  });

  it('writes get back-pressure while memtables hold the share; accepted writes are all readable afterwards, refused ones absent', async () => {
    // HTTP: write until the node refuses (the flush it starts past a quarter of the budget is held at the failpoint)
    const accepted: string[] = [];
    let refusal: Response | null = null;
    for (let k = 0; k < 200 && !refusal; k++) {
      const r = await fetch(`${node.url}/v1/influxdb/write?db=public`, { method: 'POST', body: lp(`h${k}`, ROWS) });
      if (r.status === 204) accepted.push(`h${k}`);
      else refusal = r;
    }
    expect(refusal, 'a write refused by the memory budget').not.toBeNull();
    await held.reached;
    expect(refusal!.status).toBe(503);
    expect(refusal!.headers.get('retry-after')).toBe('1');
    const body = (await refusal!.json()) as { code: number; error: string };
    expect(body.code).toBe(6001);
    expect(body.error).toMatch(/the node is busy: memtables and writes in flight hold \d+ bytes, the writes' share of the memory limit is 524288 \(--memory-limit-mb\)/);
    expect(await metric(node, 'eddy_memory_flushing_bytes')).toBeGreaterThan(0);

    // NATS: the first write waits for room (its reply waits); one more, with the first already waiting, is refused
    const nc = await natsClient(node.natsUrl);
    try {
      const waitedBefore = await metric(node, 'eddy_writes_waited_total');
      const waiting = writeLp(nc, 'public', lp('n0', ROWS), undefined, 120_000);
      await until(async () => (await metric(node, 'eddy_writes_waited_total')) === waitedBefore + 1, 'the NATS write to wait');
      const refused = await writeLp(nc, 'public', lp('n1', ROWS));
      expect(refused.ok).toBe(false);
      expect(refused.error).toMatchObject({ code: 6001, name: 'RateLimited' });
      expect(refused.error!.message).toMatch(/--memory-limit-mb/);

      // the flush goes on: memory is freed, the waiting write is admitted and applied
      held.go();
      expect(await waiting).toEqual({ ok: true, rows: ROWS });
    } finally {
      await nc.close();
    }
    await until(async () => (await fetch(`${node.url}/v1/influxdb/write?db=public`, { method: 'POST', body: lp('after', ROWS) })).status === 204 || undefined, 'writes to be admitted again');

    const counts = await sql(node, 'SELECT writer, count(*) FROM mem GROUP BY writer ORDER BY writer');
    const expected = [...accepted, 'n0', 'after'].sort().map((w) => [w, ROWS]);
    expect(counts).toEqual(expected);
    expect(await metric(node, 'eddy_flushes_total')).toBeGreaterThan(0);
  }, 120_000);
});
