// Large /v1/sql results in CSV and Arrow IPC (file and stream formats) are sent chunk by chunk (record batch by record batch) as the client
// reads them: read incrementally by a streaming CSV line count and by apache-arrow's RecordBatchReader; the bytes the
// node held unsent at once (eddy_http_stream_held_bytes_max, measured at each write) stay far below the body's size.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, type IncomingMessage } from 'node:http';
import { RecordBatchReader, tableFromIPC } from 'apache-arrow';
import { startNode, tempDir } from '../../harness/index.ts';

const ROWS = 600_000;
/** Long tag values (dictionary codes in the result, 50 bytes each in the body): the body is much larger than the result's columns. */
const PREFIX = 'a-rather-long-host-name-for-a-streaming-test-';
const QUERY = 'SELECT h, ts FROM big ORDER BY ts';
type Node = Awaited<ReturnType<typeof startNode>>;
let node: Node;
let dir: ReturnType<typeof tempDir>;

const sql = (q: string, params = '') => fetch(`${node.url}/v1/sql?db=public${params}`, { method: 'POST', body: new URLSearchParams({ sql: q }) });

function open(format: string): Promise<IncomingMessage> {
  const body = new URLSearchParams({ sql: QUERY }).toString();
  return new Promise((resolve, reject) => {
    const req = request(`${node.url}/v1/sql?db=public&format=${format}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } }, resolve);
    req.on('error', reject);
    req.end(body);
  });
}

/** Bytes of the response body, taken as they come. */
async function drain(res: IncomingMessage): Promise<number> {
  let bytes = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) bytes += chunk.length;
  return bytes;
}

const heldMax = async () => Number(/^eddy_http_stream_held_bytes_max (\d+)$/m.exec(await (await fetch(`${node.url}/metrics`)).text())?.[1] ?? NaN);

beforeAll(async () => {
  dir = tempDir();
  node = await startNode({ data: dir.path });
  expect((await sql('CREATE TABLE big (h STRING, v DOUBLE, ts TIMESTAMP TIME INDEX, PRIMARY KEY (h))')).status).toBe(200);
  // in parts of 100,000 rows (one insert is one write message)
  for (let k = 0; k < ROWS; k += 100_000) {
    const ins = await sql(`INSERT INTO big SELECT concat('${PREFIX}', number % 1000), (number + ${k}) * 1.5, number + ${k} FROM numbers LIMIT 100000`);
    expect(ins.status, await ins.clone().text()).toBe(200);
  }
}, 180_000);

afterAll(async () => {
  await node?.stop();
  dir?.cleanup();
});

/** The bound on bytes held unsent: two chunks (a chunk is ~1 MiB of CSV, one 16,384-row record batch of Arrow). */
const HELD_BOUND = 4 << 20;

describe('streamed results', () => {
  it('format=csv: chunked, every row, and the node holds two chunks at most, not the body', async () => {
    const res = await open('csv');
    expect(res.statusCode).toBe(200);
    expect(res.headers['transfer-encoding']).toBe('chunked');
    expect(res.headers['content-type']).toBe('text/csv');
    let lines = 0, last = '', tail = '', bytes = 0;
    for await (const c of res as AsyncIterable<Buffer>) {
      bytes += c.length;
      const parts = (tail + c.toString('utf8')).split('\n');
      tail = parts.pop()!;
      lines += parts.length;
      if (parts.length) last = parts[parts.length - 1]!;
    }
    expect(tail).toBe('');
    expect(lines).toBe(ROWS);
    expect(last).toBe(`${PREFIX}${(ROWS - 1) % 1000},${ROWS - 1}`);
    const held = await heldMax();
    console.log(`csv: ${bytes} bytes streamed, at most ${held} held unsent`);
    expect(bytes).toBeGreaterThan(5 * HELD_BOUND);
    expect(held).toBeGreaterThan(0);
    expect(held).toBeLessThan(HELD_BOUND);
  }, 120_000);

  it('format=arrow_stream: one record batch after another, read by a streaming RecordBatchReader; the node holds two at most', async () => {
    const bytes = await drain(await open('arrow_stream'));
    const held = await heldMax();
    console.log(`arrow_stream: ${bytes} bytes streamed, at most ${held} held unsent`);
    expect(bytes).toBeGreaterThan(5 * HELD_BOUND);
    expect(held).toBeLessThan(HELD_BOUND);
    const res = await open('arrow_stream');
    expect(res.headers['transfer-encoding']).toBe('chunked');
    expect(res.headers['content-type']).toBe('application/vnd.apache.arrow.stream');
    let rows = 0, batches = 0, lastTs: unknown = null;
    for await (const b of await RecordBatchReader.from(res as AsyncIterable<Uint8Array>)) {
      batches++;
      rows += b.numRows;
      lastTs = b.getChild('ts')!.get(b.numRows - 1);
    }
    expect(rows).toBe(ROWS);
    expect(batches).toBe(Math.ceil(ROWS / 16_384));
    expect(Number(lastTs)).toBe(ROWS - 1);
  }, 120_000);

  it('format=arrow (GreptimeDB\'s IPC file, zstd bodies): sent batch by batch, the footer indexes every batch', async () => {
    const res = await open('arrow&compression=zstd');
    expect(res.headers['transfer-encoding']).toBe('chunked');
    expect(res.headers['content-type']).toBe('application/arrow');
    const chunks: Buffer[] = [];
    for await (const c of res as AsyncIterable<Buffer>) chunks.push(c);
    const file = Buffer.concat(chunks);
    const table = tableFromIPC(file);
    expect(table.numRows).toBe(ROWS);
    expect(table.batches.length).toBe(Math.ceil(ROWS / 16_384));
    expect(Number(table.getChild('ts')!.get(ROWS - 1))).toBe(ROWS - 1);
    expect(table.getChild('h')!.get(ROWS - 1)).toBe(`${PREFIX}${(ROWS - 1) % 1000}`);
    const held = await heldMax();
    console.log(`arrow file (zstd): ${file.length} bytes streamed, at most ${held} held unsent`);
    expect(held).toBeLessThan(HELD_BOUND);
  }, 120_000);

  it('csvWithNames and csvWithNamesAndTypes put GreptimeDB\'s header lines first', async () => {
    const names = await (await sql('SELECT h, v FROM big ORDER BY ts LIMIT 2', '&format=csvWithNames')).text();
    expect(names).toBe(`h,v\n${PREFIX}0,0\n${PREFIX}1,1.5\n`);
    const types = await (await sql('SELECT h, v FROM big ORDER BY ts LIMIT 1', '&format=csvWithNamesAndTypes')).text();
    expect(types).toBe(`h,v\nString,Float64\n${PREFIX}0,0\n`);
  });
});
