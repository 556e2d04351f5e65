// End to end with real nats-server processes: writes on eddy.write / eddy.ingest / HTTP, read back, crash and recover.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstream } from '@nats-io/jetstream';
import { headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { Subjects, decodeBatches } from '../../core/index.ts';
import { followChanges } from '../../actors/runtime/interest.ts';
import { freePort, natsClient, readTable, startNodeProcess, tempDir, until, writeLp, type NodeProcess } from '../harness/index.ts';

const enc = new TextEncoder();
const T0 = 1_700_000_000_000_000_000n;

function lpRows(table: string, from: number, n: number): string {
  const lines: string[] = [];
  for (let i = from; i < from + n; i++) {
    lines.push(`${table},host=h${i % 7},dc=d${i % 3} v=${i}.5,n=${i}i ${T0 + BigInt(i) * 1_000_000_000n}`);
  }
  return lines.join('\n');
}

describe('standalone node over NATS', () => {
  const dir = tempDir();
  let node: NodeProcess;
  let nc: NatsConnection;
  let natsUrl: string;

  beforeAll(async () => {
    node = await startNodeProcess({ data: dir.path, natsPort: await freePort(), args: ['--max-write-bytes', String(1024 * 1024)] });
    natsUrl = `nats://127.0.0.1:${node.natsPort}`;
    nc = await natsClient(natsUrl);
  });
  afterAll(async () => {
    await nc?.close();
    await node?.stop();
    dir.cleanup();
  });

  it('answers /health with 200 once ready', async () => {
    const r = await fetch(`${node.url}/health`);
    expect(r.status).toBe(200);
  });

  it('takes line protocol on eddy.write.<db> and reads every row back', async () => {
    const reply = await writeLp(nc, 'public', lpRows('cpu', 0, 500));
    expect(reply).toEqual({ ok: true, rows: 500 });
    const rows = await readTable(nc, 'public', 'cpu');
    expect(rows.length).toBe(500);
    const byTs = new Map(rows.map((r) => [r.ts, r]));
    for (let i = 0; i < 500; i++) {
      const r = byTs.get((T0 + BigInt(i) * 1_000_000_000n).toString())!;
      expect(r).toMatchObject({ host: `h${i % 7}`, dc: `d${i % 3}`, v: i + 0.5 });
      expect(String(r.n)).toBe(String(i));
    }
  });

  it('last write wins on the same tags and time', async () => {
    await writeLp(nc, 'public', `lww,host=a v=1 1000\nlww,host=a v=2 1000\nlww,host=b v=3 1000`);
    await writeLp(nc, 'public', `lww,host=a v=4 1000`);
    const rows = (await readTable(nc, 'public', 'lww')).sort((x, y) => String(x.host).localeCompare(String(y.host)));
    expect(rows.map((r) => [r.host, r.v])).toEqual([['a', 4], ['b', 3]]);
  });

  it('/v1/stats counts rows exactly once writes pause, and on ?exact=true', async () => {
    await writeLp(nc, 'public', `st,host=a v=1 1000\nst,host=a v=2 1000\nst,host=b v=3 1000\nst,host=b v=4 2000`);
    const stats = async (q = '') => (await (await fetch(`${node.url}/v1/stats?db=public&table=st${q}`)).json()) as { rows: number; exact: boolean };
    expect(await stats('&exact=true')).toMatchObject({ rows: 3, exact: true });
    await writeLp(nc, 'public', `st,host=b v=5 2000\nst,host=c v=6 2000`);
    expect(await stats('&exact=true')).toMatchObject({ rows: 4, exact: true });
    // Without exact, a count taken while writes stream in may be an estimate; once they pause it is exact.
    for (let k = 0; k < 100; k++) {
      const s = await stats();
      if (s.exact) {
        expect(s.rows).toBe(4);
        return;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('stats never became exact');
  });

  it('takes JSON rows on eddy.write.<db>.<table>', async () => {
    const h = natsHeaders();
    h.set('Content-Type', 'application/json');
    const rows = [{ host: 'x', ts: 1_700_000_000_000, v: 1.5 }, { host: 'y', ts: 1_700_000_001_000, v: 2.5 }];
    await writeLp(nc, 'public', 'jt,host=x v=0 1');  // creates the table with host as a tag
    const m = await nc.request(Subjects.writeTable('public', 'jt'), enc.encode(JSON.stringify(rows)), { headers: h, timeout: 10_000 });
    expect(JSON.parse(new TextDecoder().decode(m.data))).toEqual({ ok: true, rows: 2 });
    const back = await readTable(nc, 'public', 'jt');
    expect(back.length).toBe(3);
    expect(back.find((r) => r.host === 'y')).toMatchObject({ v: 2.5, ts: (1_700_000_001_000n * 1_000_000n).toString() });
  });

  it("takes writes on eddy.write_at.<its server>.<db>[.<table>] as on eddy.write; another server's subject has no responder", async () => {
    const server = nc.info!.server_name;
    const m = await nc.request(Subjects.writeAt(server, 'public'), enc.encode(lpRows('wat', 0, 10)), { timeout: 10_000 });
    expect(JSON.parse(new TextDecoder().decode(m.data))).toEqual({ ok: true, rows: 10 });
    const h = natsHeaders();
    h.set('Content-Type', 'application/json');
    const j = await nc.request(Subjects.writeAtTable(server, 'public', 'wat'), enc.encode(JSON.stringify([{ host: 'j', ts: 1_700_000_000_000, v: 7 }])), { headers: h, timeout: 10_000 });
    expect(JSON.parse(new TextDecoder().decode(j.data))).toEqual({ ok: true, rows: 1 });
    expect((await readTable(nc, 'public', 'wat')).length).toBe(11);
    const bad = await nc.request(Subjects.writeAt(server, 'public'), enc.encode('wat,host=a v=1 1\nwat,host=b v= 2'), { timeout: 10_000 });
    expect(JSON.parse(new TextDecoder().decode(bad.data))).toMatchObject({ ok: false, error: { message: expect.stringMatching(/line 2/) } });
    await expect(nc.request(Subjects.writeAt(`not-${server}`, 'public'), enc.encode(lpRows('wat', 20, 1)), { timeout: 5_000 })).rejects.toThrow(/no responders/i);
  });

  it('applies messages published on eddy.ingest.<db> (JetStream) and reports bad ones on eddy.errors.<db>', async () => {
    const js = jetstream(nc);
    const errors = nc.subscribe(Subjects.errors('public'), { max: 1 });
    for (let k = 0; k < 10; k++) await js.publish(Subjects.ingest('public'), enc.encode(lpRows('ing', k * 100, 100)));
    await js.publish(Subjects.ingest('public'), enc.encode('ing,host=a v=1 1\ning,host=a v="x" 2'));
    for await (const m of errors) {
      const e = JSON.parse(new TextDecoder().decode(m.data));
      expect(e.error.message).toMatch(/line 2/);
      break;
    }
    // The changes subject tells us each batch the regions committed; wait until all 1,000 rows are there.
    const rows = await waitRows(nc, 'public', 'ing', 1000);
    expect(new Set(rows.map((r) => r.ts)).size).toBe(1000);
  });

  it('takes InfluxDB writes over HTTP (v1 and v2 paths)', async () => {
    let r = await fetch(`${node.url}/v1/influxdb/write?db=public&precision=ms`, { method: 'POST', body: 'web,host=a v=1 1700000000000' });
    expect(r.status).toBe(204);
    r = await fetch(`${node.url}/v1/influxdb/api/v2/write?bucket=public&precision=s`, { method: 'POST', body: 'web,host=b v=2 1700000001' });
    expect(r.status).toBe(204);
    const rows = await readTable(nc, 'public', 'web');
    expect(rows.map((x) => x.ts).sort()).toEqual(['1700000000000000000', '1700000001000000000']);
  });

  it('rejects bad input with a clear positioned error and writes nothing', async () => {
    const bad = await writeLp(nc, 'public', 'badt,host=a v=1 1\nbadt,host=a v=oops 2');
    expect(bad.ok).toBe(false);
    expect(bad.error!.message).toMatch(/line 2/);
    const conflict = await writeLp(nc, 'public', 'cpu,host=h1,dc=d1 v=1i 5\ncpu,host=h1,dc=d1 v=2 6');
    expect(conflict.ok).toBe(false);
    const typeConflict = await writeLp(nc, 'public', 'cpu,host=h1,dc=d1 v="str" 7');
    expect(typeConflict.ok).toBe(false);
    expect(typeConflict.error!.message).toMatch(/column 'v'/);
    const nodb = await writeLp(nc, 'nosuchdb', 'x v=1 1');
    expect(nodb.ok).toBe(false);
    expect(nodb.error!.message).toMatch(/Database not found: nosuchdb/);
    const big = 'big,host=a v=1 1\n'.repeat(130_000); // 2.2 MB: under the server's max payload, over the node's 1 MiB limit
    const tooBig = await writeLp(nc, 'public', big);
    expect(tooBig.ok).toBe(false);
    expect(tooBig.error!.message).toMatch(/exceeds the limit/);
    const http = await fetch(`${node.url}/v1/influxdb/write?db=public`, { method: 'POST', body: 'h,host=a v=1 1\nh,host=a v=tru 2' });
    expect(http.status).toBe(400);
    expect(((await http.json()) as { error: string }).error).toMatch(/line 2/);
    const httpDb = await fetch(`${node.url}/v1/influxdb/write?db=nope`, { method: 'POST', body: 'h v=1 1' });
    expect(httpDb.status).toBe(404);
    // Nothing of the bad batches landed.
    expect(await readTable(nc, 'public', 'cpu').then((r) => r.length)).toBe(500);
    await expect(readTable(nc, 'public', 'badt')).rejects.toThrow(/not found/);
  });

  it('parses large payloads in a parse worker: rows, last-write-wins order and positioned errors as in place', async () => {
    await until(async () => /^eddy_parse_workers_ready [1-9]\d*$/m.test(await (await fetch(`${node.url}/metrics`)).text()), 'a parse worker ready', 60_000);
    const counter = async (name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(await (await fetch(`${node.url}/metrics`)).text())![1]);
    const offThread = () => counter('eddy_writes_parsed_off_thread_total');
    const before = await offThread();
    const records = await counter('eddy_wal_records_off_thread_total');
    // Two 200 KB payloads on the same keys, the second sent before the first is answered: the second wins.
    const first = lpRows('wide', 0, 3000);
    const second = first.replace(/ v=(\d+)\.5,/g, ' v=$1.25,');
    const [a, b] = await Promise.all([writeLp(nc, 'public', first), writeLp(nc, 'public', second)]);
    expect([a, b]).toEqual([{ ok: true, rows: 3000 }, { ok: true, rows: 3000 }]);
    const js = jetstream(nc);
    await js.publish(Subjects.ingest('public'), enc.encode(lpRows('wide', 3000, 3000)));
    const rows = await waitRows(nc, 'public', 'wide', 6000);
    expect(rows.length).toBe(6000);
    for (const r of rows) {
      const i = Number((BigInt(r.ts as string) - T0) / 1_000_000_000n);
      expect(r.v).toBe(i < 3000 ? i + 0.25 : i + 0.5);
    }
    const bad = await writeLp(nc, 'public', `${lpRows('wide', 0, 2999)}\nwide,host=a v=oops 1`);
    expect(bad.ok).toBe(false);
    expect(bad.error!.message).toMatch(/line 3000/);
    expect(await offThread()).toBeGreaterThanOrEqual(before + 4);
    // The three good payloads' WAL records were the ones the worker encoded (each went whole to the table's one region).
    expect(await counter('eddy_wal_records_off_thread_total')).toBe(records + 3);
  });
});

/** Reads the table each time a batch is committed on eddy.changes (followed: published only then), until it has n rows. */
describe('WAL records encoded by a parse worker', () => {
  const dir = tempDir();
  let node: NodeProcess;
  let nc: NatsConnection;
  const counter = async (name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(await (await fetch(`${node.url}/metrics`)).text())![1]);

  beforeAll(async () => {
    node = await startNodeProcess({ data: dir.path, natsPort: await freePort() });
    nc = await natsClient(`nats://127.0.0.1:${node.natsPort}`);
    await until(async () => /^eddy_parse_workers_ready [1-9]\d*$/m.test(await (await fetch(`${node.url}/metrics`)).text()), 'a parse worker ready', 60_000);
  });
  afterAll(async () => {
    await nc?.close();
    await node?.stop();
    dir.cleanup();
  });

  it('are encoded again when the table converts the batch (integers into a DOUBLE column, a time index named otherwise)', async () => {
    const sql = await fetch(`${node.url}/v1/sql`, { method: 'POST', body: new URLSearchParams({ sql: 'CREATE TABLE conv (host STRING, v DOUBLE, t TIMESTAMP(9) TIME INDEX, PRIMARY KEY (host))' }) });
    expect(sql.status).toBe(200);
    const sub = nc.subscribe(Subjects.changes('public', 'conv'), { max: 1 });
    const follow = await followChanges(nc, 'public', 'conv');
    try {
      const before = await counter('eddy_wal_records_off_thread_total');
      const lp = Array.from({ length: 3000 }, (_, i) => `conv,host=h${i % 7} v=${i}i ${T0 + BigInt(i)}`).join('\n');
      expect(await writeLp(nc, 'public', lp)).toEqual({ ok: true, rows: 3000 });
      // The committed record (what the WAL holds and replays) has the table's types and names, not the parser's.
      for await (const m of sub) {
        const [b] = decodeBatches(m.data);
        expect(b!.columns.map((c) => [c.name, c.type])).toEqual([['host', 'string'], ['v', 'float64'], ['t', 'timestamp']]);
        expect((b!.columns[1]!.values as Float64Array)[2999]).toBe(2999);
      }
      expect(await counter('eddy_wal_records_off_thread_total')).toBe(before);
      // Floats need no conversion, but the time column is still renamed (line protocol's 'ts' is this table's 't').
      expect(await writeLp(nc, 'public', lp.replace(/i /g, '.5 '))).toEqual({ ok: true, rows: 3000 });
      expect(await counter('eddy_wal_records_off_thread_total')).toBe(before);
    } finally {
      follow.stop();
    }
  });

  it('are not encoded for a table whose batches are split over regions, once a write showed it', async () => {
    const sql = await fetch(`${node.url}/v1/sql`, { method: 'POST', body: new URLSearchParams({ sql: "CREATE TABLE parted (host STRING, dc STRING, v DOUBLE, n BIGINT, ts TIMESTAMP(9) TIME INDEX, PRIMARY KEY (host, dc)) PARTITION ON COLUMNS (host) (host < 'h3', host >= 'h3')" }) });
    expect(sql.status).toBe(200);
    const unused = () => counter('eddy_wal_records_unused_total');
    const before = await unused();
    // 200 KB payloads (parsed by the worker), each with rows for both regions.
    expect(await writeLp(nc, 'public', lpRows('parted', 0, 3000))).toEqual({ ok: true, rows: 3000 });
    // The first payload's record was encoded and thrown away; the next ones come without one.
    expect(await unused()).toBe(before + 1);
    for (let k = 1; k <= 3; k++) expect(await writeLp(nc, 'public', lpRows('parted', k * 3000, 3000))).toEqual({ ok: true, rows: 3000 });
    expect(await unused()).toBe(before + 1);
    // A table written whole to its one region in the same payload still gets its record.
    const records = await counter('eddy_wal_records_off_thread_total');
    expect(await writeLp(nc, 'public', `${lpRows('parted', 12_000, 1500)}\n${lpRows('whole', 0, 1500)}`)).toEqual({ ok: true, rows: 3000 });
    expect(await counter('eddy_wal_records_off_thread_total')).toBe(records + 1);
    expect(await unused()).toBe(before + 1);
    const rows = await readTable(nc, 'public', 'parted');
    expect(rows.length).toBe(13_500);
    for (const r of rows) expect(r.v).toBe(Number((BigInt(r.ts as string) - T0) / 1_000_000_000n) + 0.5);
  });
});

async function waitRows(nc: NatsConnection, db: string, table: string, n: number) {
  const sub = nc.subscribe(Subjects.changes(db, table));
  const follow = await followChanges(nc, db, table);
  try {
    let rows: Awaited<ReturnType<typeof readTable>> = await readTable(nc, db, table).catch(() => []);
    if (rows.length >= n) return rows;
    for await (const _ of sub) {
      rows = await readTable(nc, db, table).catch(() => []);
      if (rows.length >= n) return rows;
    }
    return rows;
  } finally {
    follow.stop();
    sub.unsubscribe();
  }
}

describe('crash recovery', () => {
  it('kill -9 mid-stream: every acknowledged row is there after restart, none twice', async () => {
    const dir = tempDir();
    const natsPort = await freePort();
    let node = await startNodeProcess({ data: dir.path, natsPort });
    const natsUrl = `nats://127.0.0.1:${natsPort}`;
    let nc = await natsClient(natsUrl);
    const acked = new Set<string>();
    let i = 0;
    let killed = false;
    const writer = (async () => {
      for (;;) {
        const from = i;
        i += 200;
        try {
          const r = await writeLp(nc, 'public', lpRows('crash', from, 200));
          if (r.ok) for (let k = from; k < from + 200; k++) acked.add((T0 + BigInt(k) * 1_000_000_000n).toString());
        } catch {
          return;
        }
        if (acked.size >= 3000 && !killed) {
          killed = true;
          node.child.kill('SIGKILL');
        }
      }
    })();
    await node.exited;
    // The request in flight when the node died gets no reply: closing the connection ends it.
    await nc.close().catch(() => undefined);
    await writer;
    expect(acked.size).toBeGreaterThanOrEqual(3000);
    // The embedded nats-server was the child's child: kill -9 left it running or not; a restart must cope either way.
    node = await startNodeProcess({ data: dir.path, natsPort: await freePort() });
    nc = await natsClient(`nats://127.0.0.1:${node.natsPort}`);
    const rows = await readTable(nc, 'public', 'crash');
    const seen = new Set(rows.map((r) => String(r.ts)));
    expect(seen.size).toBe(rows.length);
    for (const ts of acked) expect(seen.has(ts)).toBe(true);
    await nc.close();
    await node.stop();
    dir.cleanup();
  });

  it('kill -9 while draining eddy.ingest: after restart every published row is applied once', async () => {
    const dir = tempDir();
    let node = await startNodeProcess({ data: dir.path });
    let nc = await natsClient(`nats://127.0.0.1:${node.natsPort}`);
    const js = jetstream(nc);
    const applied = nc.subscribe(Subjects.changes('public', 'buf'), { max: 3 });
    const follow = await followChanges(nc, 'public', 'buf');
    for (let k = 0; k < 40; k++) await js.publish(Subjects.ingest('public'), enc.encode(lpRows('buf', k * 250, 250)));
    // Kill once a few batches have been committed: the rest is still in the stream or in flight.
    for await (const _ of applied) { /* wait for three commits */ }
    follow.stop();
    node.child.kill('SIGKILL');
    await node.exited;
    await nc.close().catch(() => undefined);
    node = await startNodeProcess({ data: dir.path });
    nc = await natsClient(`nats://127.0.0.1:${node.natsPort}`);
    const rows = await waitRows(nc, 'public', 'buf', 10_000);
    expect(rows.length).toBe(10_000);
    expect(new Set(rows.map((r) => r.ts)).size).toBe(10_000);
    await nc.close();
    await node.stop();
    dir.cleanup();
  });

  it('restart after a clean stop: flushed segments and WAL give back the same rows', async () => {
    const dir = tempDir();
    let node = await startNodeProcess({ data: dir.path });
    let nc = await natsClient(`nats://127.0.0.1:${node.natsPort}`);
    await writeLp(nc, 'public', lpRows('keep', 0, 300));
    await fetch(`${node.url}/v1/admin/flush?db=public&table=keep`, { method: 'POST' });
    await writeLp(nc, 'public', lpRows('keep', 300, 200));
    const before = (await readTable(nc, 'public', 'keep')).sort((a, b) => String(a.ts).localeCompare(String(b.ts)));
    await nc.close();
    expect(await node.stop('SIGTERM')).toBe(0);
    node = await startNodeProcess({ data: dir.path });
    nc = await natsClient(`nats://127.0.0.1:${node.natsPort}`);
    const after = (await readTable(nc, 'public', 'keep')).sort((a, b) => String(a.ts).localeCompare(String(b.ts)));
    expect(after).toEqual(before);
    expect(after.length).toBe(500);
    await nc.close();
    await node.stop();
    dir.cleanup();
  });
});
