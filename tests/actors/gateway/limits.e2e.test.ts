// Limits that keep a node alive, on a real node: query deadline (408), cancellation when the client goes away, a
// per-query memory budget (the query fails, others go on), and ingest back-pressure (HTTP 503 + Retry-After, NATS waits).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { natsClient, startNode, tempDir, until, writeLp } from '../../harness/index.ts';

type Node = Awaited<ReturnType<typeof startNode>>;
const sql = (node: Node, q: string, headers: Record<string, string> = {}) =>
  fetch(`${node.url}/v1/sql?db=public`, { method: 'POST', body: new URLSearchParams({ sql: q }), headers });
const metric = async (node: Node, name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(await (await fetch(`${node.url}/metrics`)).text())?.[1] ?? NaN);

/** Many scans of one table, each an asynchronous step at which a cancelled query stops. */
const MANY_SCANS = Array.from({ length: 200 }, () => 'SELECT count(*), max(v) FROM small').join(' UNION ALL ');
/** Line protocol timestamps in ns, written as text (past 2^53 a JS number loses the low digits). */
const ns = (ms: number) => `${1_700_000_000_000 + ms}000000`;

describe('query limits', () => {
  let node: Node;
  let dir: ReturnType<typeof tempDir>;

  beforeAll(async () => {
    dir = tempDir();
    node = await startNode({ data: dir.path, overrides: { queryMemoryMb: 1 } });
    const lines: string[] = [];
    for (let i = 0; i < 60_000; i++) lines.push(`big,host=h${i % 50} v=${i},w=${i * 2} ${ns(i)}`);
    expect((await fetch(`${node.url}/v1/influxdb/write?db=public`, { method: 'POST', body: lines.join('\n') })).status).toBe(204);
    expect((await fetch(`${node.url}/v1/influxdb/write?db=public`, { method: 'POST', body: 'small,host=a v=1 1700000000000000000' })).status).toBe(204);
  }, 120_000);

  afterAll(async () => {
    await node?.stop();
    dir?.cleanup();
  });

  it('a query past its X-Greptime-Timeout answers 408 with a clear message; the node goes on', async () => {
    const r = await sql(node, MANY_SCANS, { 'x-greptime-timeout': '1ms' });
    expect(r.status).toBe(408);
    const body = (await r.json()) as { code: number; error: string };
    expect(body.code).toBe(1008);
    expect(body.error).toBe('query exceeded its timeout of 1 ms (X-Greptime-Timeout or --query-timeout) and was cancelled');
    expect(await metric(node, 'eddy_queries_timed_out_total')).toBe(1);
    expect((await sql(node, 'SELECT count(*) FROM small')).status).toBe(200);
    const bad = await sql(node, 'SELECT 1', { 'x-greptime-timeout': 'soon' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/X-Greptime-Timeout header: 'soon' is not a duration/);
  });

  it('a query over its memory budget fails with a clear error while other queries succeed', async () => {
    const [heavy, light] = await Promise.all([sql(node, 'SELECT * FROM big'), sql(node, 'SELECT v FROM small')]);
    expect(heavy.status).toBe(400);
    expect(((await heavy.json()) as { error: string }).error).toMatch(/query exceeded its memory budget: it would hold \d+ bytes of scanned data, the limit is 1048576 bytes \(--query-memory-mb\)/);
    expect(light.status).toBe(200);
    expect(JSON.stringify(await light.json())).toContain('[1]');
    expect((await fetch(`${node.url}/health`)).status).toBe(200);
  });

  it('a query whose client goes away is cancelled', async () => {
    const before = await metric(node, 'eddy_queries_cancelled_total');
    const body = new URLSearchParams({ sql: MANY_SCANS }).toString();
    await new Promise<void>((resolve) => {
      const req = request(`${node.url}/v1/sql?db=public`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } });
      req.on('error', () => resolve());
      req.end(body, () => { req.destroy(); resolve(); });
    });
    await until(async () => (await metric(node, 'eddy_queries_cancelled_total')) === before + 1, 'the query to be cancelled');
  });
});

describe('ingest back-pressure', () => {
  let node: Node;
  let dir: ReturnType<typeof tempDir>;

  beforeAll(async () => {
    dir = tempDir();
    node = await startNode({ data: dir.path, overrides: { maxInflightWriteBytes: 2_000 } });
  }, 60_000);

  afterAll(async () => {
    await node?.stop();
    dir?.cleanup();
  });

  it('HTTP writes past the in-flight limit get 503 with Retry-After; every accepted write is stored', async () => {
    const batch = (k: number) => Array.from({ length: 40 }, (_, i) => `bp,writer=w${k} v=${i} ${ns(i)}`).join('\n');
    const replies = await Promise.all(Array.from({ length: 30 }, (_, k) => fetch(`${node.url}/v1/influxdb/write?db=public`, { method: 'POST', body: batch(k) })));
    const refused = replies.filter((r) => r.status === 503);
    const ok = replies.filter((r) => r.status === 204);
    expect(refused.length).toBeGreaterThan(0);
    expect(ok.length + refused.length).toBe(30);
    expect(refused[0]!.headers.get('retry-after')).toBe('1');
    expect(((await refused[0]!.json()) as { error: string }).error).toMatch(/the node is busy: \d+ bytes of writes in flight, the limit is 2000 \(--max-inflight-write-bytes\)/);
    const r = await sql(node, 'SELECT count(*) FROM bp');
    const text = JSON.stringify(await r.json());
    expect(text, text).toContain(`[${ok.length * 40}]`);
    expect(await metric(node, 'eddy_writes_refused_total')).toBe(refused.length);
  });

  it('a large result is sent as a chunked body, written as the client reads it', async () => {
    expect((await sql(node, "CREATE TABLE many (h STRING, v DOUBLE, ts TIMESTAMP TIME INDEX, PRIMARY KEY (h))")).status).toBe(200);
    expect((await sql(node, "INSERT INTO many SELECT concat('h', number % 10), number * 1.5, number FROM numbers LIMIT 60000")).status).toBe(200);
    const r = await sql(node, 'SELECT h, v, ts FROM many ORDER BY ts');
    expect(r.status).toBe(200);
    expect(r.headers.get('transfer-encoding')).toBe('chunked');
    expect(r.headers.get('content-length')).toBeNull();
    const body = (await r.json()) as { output: { records: { rows: [string, number, number][]; total_rows: number } }[] };
    const rows = body.output[0]!.records.rows;
    expect(rows.length).toBe(60_000);
    expect(body.output[0]!.records.total_rows).toBe(60_000);
    expect(rows[59_999]).toEqual(['h9', 59_999 * 1.5, 59_999]);
  });

  it('NATS writes past the limit wait for room instead of failing', async () => {
    const nc = await natsClient(node.natsUrl);
    try {
      const lp = (k: number) => Array.from({ length: 40 }, (_, i) => `nbp,writer=w${k} v=${i} ${ns(i)}`).join('\n');
      const replies = await Promise.all(Array.from({ length: 30 }, (_, k) => writeLp(nc, 'public', lp(k))));
      expect(replies.every((r) => r.ok && r.rows === 40)).toBe(true);
      expect(await metric(node, 'eddy_writes_waited_total')).toBeGreaterThan(0);
    } finally {
      await nc.close();
    }
  });
});
