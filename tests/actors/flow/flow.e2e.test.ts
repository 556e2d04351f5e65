// Flows end to end on a real nats-server: CREATE FLOW, rows published on NATS, live updates on eddy.flow.* and over
// SSE, the sink table, and a kill -9 mid-stream after which the flow resumes with exact final windows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { Subjects } from '../../../core/index.ts';

/** Re-checks pred on each event until it holds; fails once, at the deadline, if it never does. */
async function waitEvents(pred: () => boolean, nextEvent: () => Promise<void>, what: string, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms); });
  try {
    while (!pred()) await Promise.race([nextEvent(), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
import { natsClient, startNats, startNodeProcess, tempDir, until, writeLp, type NodeProcess } from '../../harness/index.ts';

const MIN = 60_000_000_000n;
const T0 = 1_700_000_040n * 1_000_000_000n; // a minute boundary
const HOSTS = ['a', 'b', 'c'];

interface LiveRow { key: string; window_start: number; final: boolean; deleted: boolean; values: Record<string, unknown> }
interface Live { watermark: number | null; rows: LiveRow[] }

async function sql(url: string, q: string, db = 'public'): Promise<{ status: number; body: { output?: { records?: { rows: unknown[][] }; affectedrows?: number }[]; error?: string } }> {
  const r = await fetch(`${url}/v1/sql?db=${db}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ sql: q }).toString() });
  return { status: r.status, body: await r.json() as never };
}

/** Rows of minute m (0-based): each host gets v = m*100 + i at second i*10; some arrive out of order. */
function minuteLines(m: number, v: (m: number, host: string, i: number) => number): string[] {
  const lines: string[] = [];
  for (const h of HOSTS) for (const i of [3, 0, 5, 1, 4, 2]) lines.push(`src,host=${h} v=${v(m, h, i)} ${T0 + BigInt(m) * MIN + BigInt(i) * 10_000_000_000n}`);
  return lines;
}

/** Collects SSE events from a fetch response body. */
function sse(url: string, headers: Record<string, string> = {}) {
  const events: { id?: string; event: string; data: unknown }[] = [];
  const ctl = new AbortController();
  const waiters: (() => void)[] = [];
  const done = (async () => {
    const r = await fetch(url, { headers, signal: ctl.signal });
    const reader = r.body!.getReader();
    const dec = new TextDecoder();
    let buf = '';
    for (;;) {
      const { value, done: end } = await reader.read();
      if (end) return;
      buf += dec.decode(value, { stream: true });
      let at: number;
      while ((at = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, at);
        buf = buf.slice(at + 2);
        const ev: { id?: string; event: string; data: unknown } = { event: 'message', data: null };
        for (const line of block.split('\n')) {
          if (line.startsWith('id: ')) ev.id = line.slice(4);
          else if (line.startsWith('event: ')) ev.event = line.slice(7);
          else if (line.startsWith('data: ')) ev.data = JSON.parse(line.slice(6));
        }
        if (block.startsWith(':')) continue;
        events.push(ev);
        for (const w of waiters.splice(0)) w();
      }
    }
  })().catch(() => undefined);
  const next = () => new Promise<void>((r) => waiters.push(r));
  return {
    events,
    async until(pred: () => boolean, what: string, ms = 60_000) {
      await waitEvents(pred, next, what, ms);
    },
    close: async () => { ctl.abort(); await done; },
  };
}

describe('flows end to end', () => {
  const dir = tempDir();
  let nats: Awaited<ReturnType<typeof startNats>>;
  let node: NodeProcess;
  let nc: NatsConnection;
  let live: Live[] = [];
  let sub: Subscription;
  const liveWaiters: (() => void)[] = [];

  const start = async () => {
    node = await startNodeProcess({ data: dir.path, nats: nats.url });
    // The ingest subscription may reach the server a moment after "ready": wait until a write finds a responder.
    await until(async () => (await writeLp(nc, 'public', 'warmup v=1 0').catch(() => null))?.ok, 'a responder on eddy.write', 60_000);
  };

  beforeAll(async () => {
    nats = await startNats();
    nc = await natsClient(nats.url);
    await start();
    sub = nc.subscribe(Subjects.flow('public', 'per_minute'), { callback: (_e, m) => { live.push(m.json<Live>()); for (const w of liveWaiters.splice(0)) w(); } });
  }, 120_000);
  afterAll(async () => {
    sub?.unsubscribe();
    await nc?.close();
    await node?.stop();
    await nats?.cleanup();
    dir.cleanup();
  });

  const liveUntil = async (pred: () => boolean, what: string) => {
    await waitEvents(pred, () => new Promise<void>((r) => liveWaiters.push(r)), what, 60_000);
  };

  /** Runs a statement that must succeed; its rows. */
  const run = async (q: string) => {
    const r = await sql(node.url, q);
    expect(r.status, `${q}: ${JSON.stringify(r.body)}`).toBe(200);
    return r.body.output?.[0]?.records?.rows ?? [];
  };

  const finals = () => {
    const m = new Map<string, LiveRow>();
    for (const e of live) for (const r of e.rows) if (r.final) m.set(r.key, r);
    return m;
  };

  it('back-fills, streams live updates on NATS and SSE, and writes the sink table', async () => {
    // Rows written before the flow exists are back-filled.
    expect((await writeLp(nc, 'public', minuteLines(0, (m, _h, i) => m * 100 + i).join('\n'))).ok).toBe(true);
    const created = await sql(node.url, `CREATE FLOW per_minute SINK TO per_minute_out WITH (emit_interval = '50ms', output_retention = '1h', allowed_lateness = '0s', backfill = 'true') AS
      SELECT host, count(*) AS c, sum(v) AS s, max(v) AS mx, date_bin(INTERVAL '1 minute', ts) AS w FROM src GROUP BY host, w`);
    expect(created.status).toBe(200);
    const stream = sse(`${node.url}/v1/flows/per_minute/subscribe?db=public&snapshot=true`);
    await stream.until(() => stream.events.some((e) => e.event === 'snapshot'), 'the SSE snapshot');
    const snap = stream.events.find((e) => e.event === 'snapshot')!.data as { rows: LiveRow[] };
    expect(snap.rows.map((r) => r.values.c).sort()).toEqual([6, 6, 6]);

    // Minute 1 closes minute 0: its rows become final.
    expect((await writeLp(nc, 'public', minuteLines(1, (m, _h, i) => m * 100 + i).join('\n'))).ok).toBe(true);
    await liveUntil(() => finals().size >= 3, 'final rows of minute 0 on eddy.flow.public.per_minute');
    for (const r of finals().values()) expect(r.values).toMatchObject({ c: 6, s: 15, mx: 5 });
    await stream.until(() => stream.events.some((e) => e.event === 'update' && (e.data as Live).rows.some((r) => r.final)), 'a final row over SSE');
    const lastId = stream.events.filter((e) => e.event === 'update').at(-1)!.id!;
    expect(Number(lastId)).toBeGreaterThan(0);
    await stream.close();

    // A subscriber that was away resumes after its Last-Event-ID: it gets what came later, nothing before.
    expect((await writeLp(nc, 'public', minuteLines(2, (m, _h, i) => m * 100 + i).join('\n'))).ok).toBe(true);
    await liveUntil(() => finals().size >= 6, 'final rows of minute 1');
    const resumed = sse(`${node.url}/v1/flows/per_minute/subscribe?db=public`, { 'Last-Event-ID': lastId });
    await resumed.until(() => resumed.events.some((e) => e.event === 'update' && (e.data as Live).rows.some((r) => r.final && r.window_start === Number((T0 + MIN) / 1_000_000n))), 'minute 1 finals after Last-Event-ID');
    expect(resumed.events.filter((e) => e.event === 'update').every((e) => Number(e.id) > Number(lastId))).toBe(true);
    await resumed.close();

    const flushed = await sql(node.url, `ADMIN flush_flow('per_minute')`);
    expect(flushed.status).toBe(200);
    const out = await sql(node.url, 'SELECT host, c, s, mx FROM per_minute_out ORDER BY w, host');
    expect(out.body.output![0]!.records!.rows).toEqual([
      ['a', 6, 15, 5], ['b', 6, 15, 5], ['c', 6, 15, 5],
      ['a', 6, 615, 105], ['b', 6, 615, 105], ['c', 6, 615, 105],
      ['a', 6, 1215, 205], ['b', 6, 1215, 205], ['c', 6, 1215, 205],
    ]);
    const info = await sql(node.url, `SELECT state, rows_in, errors FROM information_schema.flows WHERE flow_name = 'per_minute'`);
    expect(info.body.output![0]!.records!.rows[0]).toEqual(['running', 54, 0]);
  }, 240_000);

  it('COMMENT ON FLOW sets and removes the comment of a running flow; a restart keeps it', async () => {
    const shown = async () => String((await run('SHOW CREATE FLOW per_minute'))[0]![1]);
    // the sink the flow created says so, as GreptimeDB's do (a streaming and a batching flow's alike)
    expect(await run(`SELECT table_name, table_comment FROM information_schema.tables WHERE table_name IN ('per_minute_out', 'join_out') ORDER BY table_name`))
      .toEqual([['per_minute_out', 'Auto created table by flow engine']]);
    await run(`COMMENT ON FLOW per_minute IS 'per host, per minute'`);
    expect(await run(`SELECT comment FROM information_schema.flows WHERE flow_name = 'per_minute'`)).toEqual([['per host, per minute']]);
    expect((await shown()).split('\n')).toContain(`COMMENT 'per host, per minute'`);
    await node.stop();
    await start();
    expect(await run(`SELECT comment, state FROM information_schema.flows WHERE flow_name = 'per_minute'`)).toEqual([['per host, per minute', 'running']]);
    await run('COMMENT ON FLOW per_minute IS NULL');
    expect(await run(`SELECT comment FROM information_schema.flows WHERE flow_name = 'per_minute'`)).toEqual([[null]]);
    expect(await shown()).not.toMatch(/COMMENT/);
    const missing = await sql(node.url, `COMMENT ON FLOW no_such_flow IS 'x'`);
    expect(missing.status).toBeGreaterThanOrEqual(400);
    expect(missing.status).toBeLessThan(500);
    expect(JSON.stringify(missing.body)).toMatch(/Flow not found: public\.no_such_flow/);
  }, 120_000);

  it('survives kill -9 mid-stream: overwrites and late rows still give exact final windows', async () => {
    // Overwrite minute 2 (v doubled) and write minutes 3-5, killing the node between batches.
    const v2 = (m: number, _h: string, i: number) => (m === 2 ? 2 * (m * 100 + i) : m * 100 + i);
    expect((await writeLp(nc, 'public', minuteLines(2, v2).join('\n'))).ok).toBe(true);
    expect((await writeLp(nc, 'public', minuteLines(3, v2).slice(0, 9).join('\n'))).ok).toBe(true);
    await node.stop('SIGKILL');
    await start();
    expect((await writeLp(nc, 'public', minuteLines(3, v2).slice(9).join('\n'))).ok).toBe(true);
    expect((await writeLp(nc, 'public', minuteLines(4, v2).join('\n'))).ok).toBe(true);
    await node.stop('SIGKILL');
    await start();
    // A row far ahead closes every earlier window.
    expect((await writeLp(nc, 'public', `src,host=z v=0 ${T0 + 10n * MIN}`)).ok).toBe(true);
    const want = (m: number) => ({ c: 6, s: [0, 1, 2, 3, 4, 5].reduce((a, i) => a + v2(m, 'a', i), 0), mx: v2(m, 'a', 5) });
    const lastFinal = (m: number, h: string) => [...live].reverse().flatMap((e) => e.rows).find((r) => r.final && r.values.host === h && r.window_start === Number((T0 + BigInt(m) * MIN) / 1_000_000n));
    await liveUntil(() => [2, 3, 4].every((m) => HOSTS.every((h) => lastFinal(m, h) !== undefined)), 'final rows of minutes 2-4 after the restarts');
    for (const m of [2, 3, 4]) for (const h of HOSTS) expect(lastFinal(m, h)!.values).toMatchObject(want(m));

    await until(async () => (await sql(node.url, `ADMIN flush_flow('per_minute')`)).status === 200, 'flush_flow');
    const out = await sql(node.url, `SELECT host, c, s, mx FROM per_minute_out WHERE host != 'z' ORDER BY w, host`);
    const rows = out.body.output![0]!.records!.rows;
    expect(rows).toHaveLength(15);
    for (const m of [2, 3, 4]) for (let k = 0; k < 3; k++) expect(rows[m * 3 + k]!.slice(1)).toEqual([want(m).c, want(m).s, want(m).mx]);
  }, 300_000);

  it('a DELETE on the source retracts the rows from their windows: the sink row updates, or goes when its window empties', async () => {
    await run(`CREATE TABLE del_src (host STRING, v DOUBLE, ts TIMESTAMP TIME INDEX, PRIMARY KEY (host))`);
    await run(`CREATE FLOW del_flow SINK TO del_out AS SELECT host, count(v) AS c, sum(v) AS s, date_bin(INTERVAL '1 minute', ts) AS w FROM del_src GROUP BY host, w`);
    await run(`INSERT INTO del_src VALUES ('a', 1, 0), ('a', 2, 1000), ('b', 5, 1000), ('b', 6, 61000)`);
    await run(`ADMIN flush_flow('del_flow')`);
    expect(await run('SELECT host, c, s, w FROM del_out ORDER BY host, w')).toEqual([['a', 2, 3, 0], ['b', 1, 5, 0], ['b', 1, 6, 60000]]);
    await run(`DELETE FROM del_src WHERE host = 'a' AND ts = 1000`);
    await run(`DELETE FROM del_src WHERE host = 'b' AND ts = 1000`);
    await run(`ADMIN flush_flow('del_flow')`);
    expect(await run('SELECT host, c, s, w FROM del_out ORDER BY host, w')).toEqual([['a', 1, 1, 0], ['b', 1, 6, 60000]]);
    await run('DROP FLOW del_flow');
  }, 120_000);

  it('no back-fill by default: a flow sees later rows, and a window they touch is computed over all its rows', async () => {
    await run(`CREATE TABLE lazy_src (host STRING, v DOUBLE, ts TIMESTAMP TIME INDEX, PRIMARY KEY (host))`);
    await run(`INSERT INTO lazy_src VALUES ('a', 1, 0), ('a', 2, 61000)`);
    await run(`CREATE FLOW lazy_flow SINK TO lazy_out AS SELECT host, sum(v) AS s, date_bin(INTERVAL '1 minute', ts) AS w FROM lazy_src GROUP BY host, w`);
    await run(`ADMIN flush_flow('lazy_flow')`);
    expect(await run('SELECT host, s, w FROM lazy_out')).toEqual([]);
    await run(`INSERT INTO lazy_src VALUES ('a', 10, 1000)`);
    await run(`ADMIN flush_flow('lazy_flow')`);
    // Minute 0 is dirty: it holds the row written before the flow; minute 1 was not touched.
    expect(await run('SELECT host, s, w FROM lazy_out ORDER BY w')).toEqual([['a', 11, 0]]);
    await run('DROP FLOW lazy_flow');
  }, 120_000);

  it('a join runs as a batching flow: the whole query on flush, its rows upserted into the sink', async () => {
    await run(`CREATE TABLE jl (id STRING, lv DOUBLE, ts TIMESTAMP TIME INDEX, PRIMARY KEY (id))`);
    await run(`CREATE TABLE jr (id STRING, rv DOUBLE, ts TIMESTAMP TIME INDEX, PRIMARY KEY (id))`);
    await run(`CREATE FLOW join_flow SINK TO join_out AS SELECT l.id, l.lv, r.rv FROM (SELECT id, max(lv) AS lv FROM jl GROUP BY id) l LEFT JOIN jr r ON l.id = r.id`);
    expect(await run(`SELECT table_comment FROM information_schema.tables WHERE table_name = 'join_out'`)).toEqual([['Auto created table by flow engine']]);
    await run(`INSERT INTO jl VALUES ('a', 1, 0), ('a', 5, 1000), ('b', 2, 0)`);
    await run(`INSERT INTO jr VALUES ('a', 10, 0)`);
    await run(`ADMIN flush_flow('join_flow')`);
    expect(await run('SELECT id, lv, rv FROM join_out ORDER BY id')).toEqual([['a', 5, 10], ['b', 2, null]]);
    expect(await run(`SELECT options FROM information_schema.flows WHERE flow_name = 'join_flow'`)).toEqual([['{"flow_type":"batching"}']]);
    const sub = await fetch(`${node.url}/v1/flows/join_flow/subscribe?db=public`);
    expect(sub.status).toBe(400); // no live output: it reruns a query into its sink
    await run('DROP FLOW join_flow');
    // now() only as `ts > now() - d` is an expiry the streaming engine takes: that flow stays incremental.
    await run(`CREATE FLOW recent_flow SINK TO recent_out AS SELECT id, count(*) AS c FROM jl WHERE ts > now() - INTERVAL '1 day' GROUP BY id`);
    await run(`INSERT INTO jl VALUES ('c', 3, 2000)`);
    await run(`ADMIN flush_flow('recent_flow')`);
    expect(await run(`SELECT rows_in > 0 FROM information_schema.flows WHERE flow_name = 'recent_flow'`)).toEqual([[true]]);
    await run('DROP FLOW recent_flow');
  }, 120_000);

  it('a TQL flow evaluates its PromQL over the EVAL range on flush and writes the series to the sink', async () => {
    await run(`CREATE TABLE readings (v DOUBLE, ts TIMESTAMP TIME INDEX, sensor STRING, loc STRING, PRIMARY KEY (sensor, loc))`);
    await run(`CREATE TABLE readings_avg (v DOUBLE, ts TIMESTAMP TIME INDEX, sensor STRING, PRIMARY KEY (sensor))`);
    await run(`INSERT INTO readings VALUES (20, now() - '30s'::interval, 'x', 'A'), (30, now() - '40s'::interval, 'x', 'B'), (7, now() - '10s'::interval, 'y', 'A')`);
    await run(`CREATE FLOW tql_flow SINK TO readings_avg EVAL INTERVAL '1m' AS TQL EVAL (now() - '1m'::interval, now(), '1m') avg by(sensor) (readings) AS v`);
    await run(`ADMIN flush_flow('tql_flow')`);
    // Steps at now - 1m (nothing in the lookback yet) and now.
    expect(await run('SELECT sensor, v FROM readings_avg ORDER BY sensor')).toEqual([['x', 25], ['y', 7]]);
    await run('DROP FLOW tql_flow');
  }, 120_000);

  it('a pending flow (defer_on_missing_source) starts once its source table exists', async () => {
    await run(`CREATE FLOW later_flow SINK TO later_out WITH (defer_on_missing_source = true) AS SELECT count(*) AS c, date_bin(INTERVAL '1 minute', ts) AS w FROM later_src GROUP BY w`);
    expect(await run(`SELECT state, source_table_names FROM information_schema.flows WHERE flow_name = 'later_flow'`)).toEqual([['pending', '']]);
    await run(`CREATE TABLE later_src (host STRING, ts TIMESTAMP TIME INDEX, PRIMARY KEY (host))`);
    await run(`ADMIN flush_flow('later_flow')`);
    await run(`INSERT INTO later_src VALUES ('a', 0), ('b', 0)`);
    await run(`ADMIN flush_flow('later_flow')`);
    expect(await run('SELECT c, w FROM later_out')).toEqual([[2, 0]]);
    await run('DROP FLOW later_flow');
  }, 120_000);

  it('a ttl = instant source keeps nothing, but its inserts still reach its flows', async () => {
    await run(`CREATE TABLE inst (n INT, ts TIMESTAMP TIME INDEX, PRIMARY KEY (n)) WITH ('ttl' = 'instant')`);
    await run(`CREATE FLOW inst_flow SINK TO inst_out AS SELECT DISTINCT n AS d FROM inst`);
    expect((await sql(node.url, `INSERT INTO inst VALUES (20, 1000), (20, 1000), (22, 2000)`)).body.output![0]!.affectedrows).toBe(0);
    await run(`ADMIN flush_flow('inst_flow')`);
    expect(await run('SELECT d FROM inst_out ORDER BY d')).toEqual([[20], [22]]);
    expect(await run(`SELECT options FROM information_schema.flows WHERE flow_name = 'inst_flow'`)).toEqual([['{"flow_type":"streaming"}']]);
    await run('DROP FLOW inst_flow');
  }, 120_000);

  it('a flow whose source table is dropped shows paused with the reason, and does not read a new table of that name', async () => {
    await run(`CREATE TABLE gone_src (host STRING, v DOUBLE, ts TIMESTAMP TIME INDEX, PRIMARY KEY (host))`);
    await run(`CREATE FLOW gone_flow SINK TO gone_out AS SELECT host, sum(v) AS s, date_bin(INTERVAL '1 minute', ts) AS w FROM gone_src GROUP BY host, w`);
    await run(`INSERT INTO gone_src VALUES ('a', 1, 0)`);
    await run(`ADMIN flush_flow('gone_flow')`);
    expect(await run('SELECT host, s FROM gone_out')).toEqual([['a', 1]]);
    await run('DROP TABLE gone_src');
    // flushing a paused flow flushes nothing (GreptimeDB answers it too); its state says why
    expect(await run(`ADMIN flush_flow('gone_flow')`)).toEqual([[0]]);
    const [[state, err]] = await run(`SELECT state, last_error FROM information_schema.flows WHERE flow_name = 'gone_flow'`) as [[string, string]];
    expect(state).toBe('paused');
    expect(err).toMatch(/source table public\.gone_src was dropped/);
    // A table created again under that name is another table (a new table id), as in GreptimeDB: the flow stays
    // paused and its sink does not take the new table's rows.
    await run(`CREATE TABLE gone_src (host STRING, v DOUBLE, ts TIMESTAMP TIME INDEX, PRIMARY KEY (host))`);
    await run(`INSERT INTO gone_src VALUES ('b', 5, 0)`);
    expect(await run(`ADMIN flush_flow('gone_flow')`)).toEqual([[0]]);
    expect((await run(`SELECT state FROM information_schema.flows WHERE flow_name = 'gone_flow'`))[0]![0]).toBe('paused');
    expect(await run('SELECT host, s FROM gone_out ORDER BY host')).toEqual([['a', 1]]);
    // Created again, the flow reads the new table.
    await run('DROP FLOW gone_flow');
    await run(`CREATE FLOW gone_flow SINK TO gone_out WITH (backfill = 'true') AS SELECT host, sum(v) AS s, date_bin(INTERVAL '1 minute', ts) AS w FROM gone_src GROUP BY host, w`);
    await run(`ADMIN flush_flow('gone_flow')`);
    expect(await run('SELECT host, s FROM gone_out ORDER BY host')).toEqual([['a', 1], ['b', 5]]);
    await run('DROP FLOW gone_flow');
  }, 120_000);

  it('DROP FLOW removes it; SHOW FLOWS and information_schema follow', async () => {
    expect((await sql(node.url, 'SHOW FLOWS')).body.output![0]!.records!.rows).toEqual([['per_minute']]);
    expect((await sql(node.url, 'DROP FLOW per_minute')).status).toBe(200);
    expect((await sql(node.url, 'SHOW FLOWS')).body.output![0]!.records!.rows).toEqual([]);
    expect((await sql(node.url, 'DROP FLOW per_minute')).status).toBeGreaterThanOrEqual(400);
    expect((await sql(node.url, 'DROP FLOW IF EXISTS per_minute')).status).toBe(200);
  }, 120_000);
});
