// The logs benchmark's shipper protocols: the same nginx lines through Elasticsearch _bulk (the nginx pipeline; once
// untailed, once into a table a NATS eddy.tail reader announced), Loki push (snappy protobuf, Loki's layout) and syslog
// (TCP, octet-counted RFC 5424), each timed until every line is written.
import { connect as tcpConnect } from 'node:net';
import { connect } from '@nats-io/transport-node';
import { Subjects } from '../../core/index.ts';
import { LokiPushRequestType } from '../../core/proto/loki_push.ts';
import { snappyEncode } from '../../core/codec/prometheus/snappy.ts';

export interface ShipperFigures {
  bulk_lines_per_s: number;
  bulk_mb_per_s: number;
  /** The same _bulk into a table a NATS eddy.tail reader has announced (each batch also republished as NDJSON). */
  bulk_tailed_lines_per_s: number;
  bulk_tailed_lines_seen: number;
  loki_lines_per_s: number;
  loki_mb_per_s: number;
  syslog_lines_per_s: number;
  syslog_mb_per_s: number;
}

async function count(url: string, table: string): Promise<number> {
  const r = await fetch(`${url}/v1/sql?db=public`, { method: 'POST', body: new URLSearchParams({ sql: `SELECT count(*) FROM "${table}"` }) });
  if (r.status !== 200) return 0;
  return Number(((await r.json()) as { output: { records: { rows: unknown[][] } }[] }).output[0]!.records.rows[0]![0]);
}

/** Sends payloads with `inflight` requests at a time; each must answer `ok`. */
async function post(payloads: { body: Uint8Array | string; headers: Record<string, string> }[], url: string, inflight: number, ok: (r: Response) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < payloads.length) {
      const p = payloads[next++]!;
      await ok(await fetch(url, { method: 'POST', body: p.body, headers: p.headers }));
    }
  };
  await Promise.all(Array.from({ length: inflight }, worker));
}

/** _bulk of the batches into one index through the nginx pipeline; seconds taken. */
async function bulkSeconds(httpUrl: string, index: string, batches: string[][], inflight: number): Promise<number> {
  const action = `{"index":{"_index":"${index}"}}\n`;
  const bodies = batches.map((b) => ({ body: b.map((l) => `${action}${JSON.stringify({ message: l })}\n`).join(''), headers: { 'Content-Type': 'application/x-ndjson' } }));
  const t0 = performance.now();
  await post(bodies, `${httpUrl}/v1/elasticsearch/_bulk?pipeline=nginx`, inflight, async (r) => {
    const j = (await r.json()) as { errors: boolean; items: unknown[] };
    if (r.status !== 200 || j.errors) throw new Error(`_bulk failed: ${JSON.stringify(j).slice(0, 300)}`);
  });
  return (performance.now() - t0) / 1000;
}

/** _bulk into a table whose eddy.tail a NATS reader announced and reads: seconds, and the tail lines it got. */
async function bulkTailedSeconds(httpUrl: string, natsUrl: string, batches: string[][], inflight: number, n: number): Promise<{ s: number; seen: number }> {
  const nc = await connect({ servers: natsUrl });
  const table = 'bulk_nginx_tailed';
  let seen = 0;
  let all!: () => void;
  const done = new Promise<void>((r) => { all = r; });
  const sub = nc.subscribe(Subjects.tail('public', table), {
    callback: (_e, m) => {
      for (const b of m.data) if (b === 10) seen++;
      if (seen >= n) all();
    },
  });
  const announce = () => nc.request(Subjects.tailInterest('public', table), undefined, { timeout: 10_000 });
  await announce();
  const renew = setInterval(() => void announce().catch(() => undefined), 10_000);
  try {
    const s = await bulkSeconds(httpUrl, table, batches, inflight);
    await Promise.race([done, new Promise((r) => setTimeout(r, 60_000).unref())]);
    return { s, seen };
  } finally {
    clearInterval(renew);
    sub.unsubscribe();
    await nc.close();
  }
}

export async function shipperFigures(httpUrl: string, natsUrl: string, syslogPort: number, lines: string[], batch: number, inflight: number): Promise<ShipperFigures> {
  const n = lines.length;
  const rawMb = lines.reduce((a, l) => a + Buffer.byteLength(l) + 1, 0) / 1e6;
  const batches: string[][] = [];
  for (let i = 0; i < n; i += batch) batches.push(lines.slice(i, i + batch));

  // Elasticsearch _bulk through the nginx pipeline (as NATS does above): nobody tails the table, then a NATS reader does
  const bulkS = await bulkSeconds(httpUrl, 'bulk_nginx', batches, inflight);
  const tailed = await bulkTailedSeconds(httpUrl, natsUrl, batches, inflight, n);

  // Loki push, snappy protobuf, one stream per batch
  const base = Date.parse('2024-05-01T00:00:00Z') / 1000;
  const lokiBodies = batches.map((b, k) => ({
    body: snappyEncode(LokiPushRequestType.encode(LokiPushRequestType.fromObject({
      streams: [{ labels: `{job="nginx", shard="${k % 4}"}`, entries: b.map((l, i) => ({ timestamp: { seconds: base + k * batch + i, nanos: 0 }, line: l })) }],
    })).finish()),
    headers: { 'Content-Type': 'application/x-protobuf', 'x-greptime-log-table-name': 'loki_nginx' },
  }));
  let t0 = performance.now();
  await post(lokiBodies, `${httpUrl}/v1/loki/api/v1/push`, inflight, async (r) => {
    if (r.status !== 204) throw new Error(`loki push failed: ${r.status} ${await r.text()}`);
  });
  const lokiS = (performance.now() - t0) / 1000;

  // syslog over TCP, octet-counted RFC 5424, `inflight` connections; timed until the table holds every line
  const frames = batches.map((b, k) => Buffer.concat(b.map((l, i) => {
    const msg = Buffer.from(`<134>1 ${new Date((base + k * batch + i) * 1000).toISOString()} web${k % 4} nginx - - - ${l}`);
    return Buffer.concat([Buffer.from(`${msg.length} `), msg]);
  })));
  t0 = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: inflight }, () => new Promise<void>((resolve, reject) => {
    const s = tcpConnect(syslogPort, '127.0.0.1', () => {
      const pump = () => {
        while (next < frames.length) { if (!s.write(frames[next++]!)) { s.once('drain', pump); return; } }
        s.end();
      };
      pump();
    });
    s.on('close', () => resolve());
    s.on('error', reject);
  })));
  while ((await count(httpUrl, 'syslog')) < n) await new Promise((r) => setTimeout(r, 25));
  const syslogS = (performance.now() - t0) / 1000;
  return {
    bulk_lines_per_s: Math.round(n / bulkS), bulk_mb_per_s: +(rawMb / bulkS).toFixed(1),
    bulk_tailed_lines_per_s: Math.round(n / tailed.s), bulk_tailed_lines_seen: tailed.seen,
    loki_lines_per_s: Math.round(n / lokiS), loki_mb_per_s: +(rawMb / lokiS).toFixed(1),
    syslog_lines_per_s: Math.round(n / syslogS), syslog_mb_per_s: +(rawMb / syslogS).toFixed(1),
  };
}
