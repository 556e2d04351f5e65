// The memory budget's back-pressure on the write paths that are not line protocol over HTTP or eddy.write: NATS logs
// (request and buffered), syslog over TCP and UDP, and a flow's sink. A real node with a tiny --memory-limit-mb, its
// flushes held at the storage failpoint until the memtables fill the writes' share; then each path must slow its
// producer its own way (a logs request's reply waits and the next gets RateLimited, the buffered loop waits, syslog
// stops reading its TCP socket and drops UDP, the flow's sink write waits), and after the flush goes on, every
// accepted line and row is there exactly once.
import { beforeAll, describe, expect, it } from 'vitest';
import { createSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import { jetstream } from '@nats-io/jetstream';
import { Subjects } from '../../../core/index.ts';
import { heldNodeForFile, type HeldFlush } from './held_flush.ts';
import { natsClient, startNode, until } from '../../harness/index.ts';

type Node = Awaited<ReturnType<typeof startNode>>;
const dec = new TextDecoder();
const enc = new TextEncoder();
const sqlOf = async (node: Node, q: string) => {
  const r = await fetch(`${node.url}/v1/sql?db=public`, { method: 'POST', body: new URLSearchParams({ sql: q }) });
  const body = await r.json() as { output?: { records?: { rows: unknown[][] }; affectedrows?: number }[]; error?: string };
  expect(r.status, `${q}: ${JSON.stringify(body)}`).toBe(200);
  return body.output![0]!.records?.rows ?? [];
};
const metric = async (node: Node, name: string) =>
  Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(await (await fetch(`${node.url}/metrics`)).text())?.[1] ?? NaN);
const lp = (table: string, writer: string, rows: number) =>
  Array.from({ length: rows }, (_, i) => `${table},writer=${writer} v=${i},w=${i * 3} ${1_700_000_000_000 + i}000000`).join('\n');
/** `rows` log lines marked with `tag`, ~100 KB for 1000. */
const lines = (tag: string, rows: number) => Array.from({ length: rows }, (_, i) => `${tag} line ${String(i).padStart(5, '0')} ${'x'.repeat(70)}`).join('\n');

describe('memory budget on logs, syslog and flow sink writes', () => {
  const ctx = heldNodeForFile({ syslog: '127.0.0.1:0' });
  let node: Node;
  let held: HeldFlush;
  beforeAll(() => { ({ node, held } = ctx()); });

  it('each path waits (or refuses) while memtables hold the share, and everything accepted lands once after the flush', async () => {
    // A flow that emits its first update at once and the next ones only when flushed (emit_interval 1h).
    await sqlOf(node, 'CREATE TABLE fsrc (host STRING, v DOUBLE, ts TIMESTAMP TIME INDEX, PRIMARY KEY (host))');
    await sqlOf(node, "CREATE FLOW fl SINK TO fsink WITH (emit_interval = '1h') AS SELECT host, count(*) AS c, date_bin(INTERVAL '1 minute', ts) AS w FROM fsrc GROUP BY host, w");
    await sqlOf(node, "INSERT INTO fsrc VALUES ('a', 1, 1700000000000)");
    await until(async () => (await sqlOf(node, 'SELECT count(*) FROM fsink'))[0]![0] === 1, 'the flow to write its first row');
    await sqlOf(node, "INSERT INTO fsrc VALUES ('b', 2, 1700000000000)");

    // Fill the writes' share until even a one-row write is refused (the flush the budget starts is held).
    for (const rows of [2000, 200, 20, 1]) {
      for (let k = 0; k < 500; k++) {
        const r = await fetch(`${node.url}/v1/influxdb/write?db=public`, { method: 'POST', body: lp('mem', `h${rows}_${k}`, rows) });
        if (r.status !== 204) { expect(r.status).toBe(503); break; }
      }
    }
    await held.reached;
    const waited = () => metric(node, 'eddy_writes_waited_total');

    const nc = await natsClient(node.natsUrl);
    const tcp: Socket[] = [];
    try {
      // NATS logs request: the reply waits; one more, with the first waiting, gets RateLimited.
      let w0 = await waited();
      const first = nc.request(Subjects.logs('public', 'nlogs'), enc.encode(lines('first', 1000)), { timeout: 120_000 });
      await until(async () => (await waited()) > w0, 'the logs request to wait');
      const refused = JSON.parse(dec.decode((await nc.request(Subjects.logs('public', 'nlogs'), enc.encode(lines('second', 1000)), { timeout: 30_000 })).data));
      expect(refused).toMatchObject({ ok: false, error: { code: 6001, name: 'RateLimited' } });
      expect(refused.error.message).toMatch(/--memory-limit-mb/);

      // Buffered logs: acked by the stream, not applied while memory is short.
      const js = jetstream(nc);
      await js.publish(Subjects.logsIngest('public', 'blogs'), enc.encode(lines('buffered', 50)));

      // Syslog over TCP: its batch waits and the socket is no longer read; UDP datagrams are dropped and counted.
      w0 = await waited();
      const port = node.syslog!.address!.port;
      const s = connect(port, '127.0.0.1');
      tcp.push(s);
      await new Promise<void>((r) => s.once('connect', () => r()));
      s.write(Array.from({ length: 50 }, (_, i) => `<13>1 2026-12-07T05:00:00Z h app - - - tcp held ${i}\n`).join(''));
      await until(async () => (await metric(node, 'eddy_syslog_reading_paused')) === 1, 'syslog to stop reading TCP');
      expect(await waited()).toBeGreaterThan(w0);
      const udp = createSocket('udp4');
      try {
        await until(async () => {
          await new Promise<void>((r) => udp.send('<13>1 2026-12-07T05:00:00Z h app - - - udp dropped', port, '127.0.0.1', () => r()));
          return (await metric(node, 'eddy_syslog_dropped_messages_total')) > 0;
        }, 'a UDP datagram to be dropped');
      } finally {
        udp.close();
      }

      // The flow's sink write waits too: flush_flow (which waits for its sink) answers only after the flush.
      w0 = await waited();
      let flowDone = false;
      const flowFlush = sqlOf(node, "ADMIN flush_flow('fl')").then((r) => { flowDone = true; return r; });
      await until(async () => (await waited()) > w0, "the flow's sink write to wait");
      expect(flowDone).toBe(false);
      expect(await sqlOf(node, 'SELECT count(*) FROM fsink')).toEqual([[1]]);
      expect(await sqlOf(node, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'blogs'")).toEqual([[0]]);

      // The flush goes on: every waiting write is admitted and applied.
      held.go();
      expect(JSON.parse(dec.decode((await first).data))).toEqual({ ok: true, rows: 1000 });
      await flowFlush;
      expect(await sqlOf(node, 'SELECT host, c FROM fsink ORDER BY host')).toEqual([['a', 1], ['b', 1]]);
      await until(async () => (await metric(node, 'eddy_syslog_reading_paused')) === 0, 'syslog to read TCP again');
      s.write('<13>1 2026-12-07T05:00:00Z h app - - - tcp after\n');
      await until(async () => node.syslog!.counters.messages >= 51, 'the syslog line sent after');
      await node.syslog!.drain();
      expect(await sqlOf(node, "SELECT count(*) FROM syslog WHERE message LIKE 'tcp %'")).toEqual([[51]]);
      expect(await sqlOf(node, "SELECT count(*) FROM syslog WHERE message LIKE 'udp %'")).toEqual([[0]]);
      await until(async () => (await sqlOf(node, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'blogs'"))[0]![0] === 1 || undefined, 'the buffered logs table');
      await until(async () => (await sqlOf(node, 'SELECT count(*) FROM blogs'))[0]![0] === 50 || undefined, 'the buffered lines');
      expect(await sqlOf(node, "SELECT count(*), count(DISTINCT message) FROM blogs WHERE message LIKE 'buffered %'")).toEqual([[50, 50]]);
      expect(await sqlOf(node, "SELECT count(*) FROM nlogs WHERE message LIKE 'first %'")).toEqual([[1000]]);
      expect(await sqlOf(node, "SELECT count(*) FROM nlogs WHERE message LIKE 'second %'")).toEqual([[0]]);
    } finally {
      for (const s of tcp) s.destroy();
      await nc.close();
    }
  }, 180_000);
});
