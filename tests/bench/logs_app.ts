// The logs benchmark's JSON application logs: 1M lines of {ts, service, level, trace_id, msg} into a log table whose
// pipeline makes `service` a tag; "last 100 lines of service X" over both tables' lines, and live tail latency (a line
// published on NATS until its SSE event arrives, p50 / p99).
import { execSync } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, headers as natsHeaders } from '@nats-io/transport-node';
import { eddyCompact, eddyFlush, eddyStorageDir } from './eddy.ts';
import { diskUsage, median, which } from './util.ts';

const APP_PIPELINE = `
processors:
  - date:
      fields: [ts]
      formats: ['%Y-%m-%dT%H:%M:%S%.3fZ']
transform:
  - fields: [service, level]
    type: string
    index: tag
  - fields: [trace_id]
    type: string
    index: skipping
  - fields: [msg]
    type: string
    index: fulltext
  - fields: [latency_ms]
    type: uint32
  - field: ts
    type: time
    index: timestamp
`;

const SERVICES = Array.from({ length: 20 }, (_, i) => `svc-${String(i).padStart(2, '0')}`);
const LEVELS = ['info', 'info', 'info', 'info', 'info', 'info', 'debug', 'debug', 'warn', 'error'];
const MSGS = ['request served', 'cache miss for key user:%d', 'retrying upstream call (attempt %d)', 'slow query took %d ms', 'connection reset by peer', 'user %d logged in', 'order %d created'];

/** Deterministic JSON application log lines, 10 a millisecond. */
export function appLines(n: number): string[] {
  let seed = 7;
  const rnd = (k: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return (seed >>> 8) % k; };
  const t0 = Date.parse('2024-05-01T00:00:00Z');
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const ts = new Date(t0 + Math.floor(i / 10)).toISOString();
    const msg = MSGS[rnd(MSGS.length)]!.replace('%d', String(rnd(100000)));
    out[i] = `{"ts":"${ts}","service":"${SERVICES[rnd(SERVICES.length)]}","level":"${LEVELS[rnd(LEVELS.length)]}","trace_id":"${rnd(2 ** 30).toString(16).padStart(8, '0')}${rnd(2 ** 30).toString(16).padStart(8, '0')}","latency_ms":${rnd(2000)},"msg":"${msg}"}`;
  }
  return out;
}

/**
 * fetch, tried again when the connection fails before an answer: a kept-alive socket the server closed while the
 * bench's event loop was blocked is reset on reuse. Only for requests that are safe to repeat.
 */
export async function fetchAgain(url: string, init?: RequestInit): Promise<Response> {
  // The pool may hold several such sockets (one per request that was in flight): each is tried and dropped.
  for (let attempt = 1; ; attempt++) {
    try { return await fetch(url, init); } catch (e) {
      if (!(e instanceof TypeError) || attempt >= 8) throw e;
    }
  }
}

/** Rows of one SQL statement over HTTP. */
export async function sql(url: string, q: string): Promise<unknown[][]> {
  const r = await fetchAgain(`${url}/v1/sql?db=public`, { method: 'POST', body: new URLSearchParams({ sql: q }) });
  const body = await r.json() as { output?: { records: { rows: unknown[][] } }[]; error?: string };
  if (r.status >= 400) throw new Error(`${q}: ${body.error}`);
  return body.output![0]!.records.rows;
}

export interface AppFigures {
  app_lines: number; app_raw_bytes_per_line: number; app_zstd3_bytes_per_line: number; app_disk_bytes_per_line: number;
  app_ingest_lines_per_s: number; last_100_of_service_ms: number; last_100_rows: number;
  tail_lines: number; tail_p50_ms: number; tail_p99_ms: number;
}

/** Ingests the app lines over NATS, then times the service query and the live tail. */
/** The app lines, written to a raw file and measured (raw, zstd -3) before the node starts: nothing waits on the node meanwhile. */
export interface AppInput { lines: string[]; rawBytes: number; zstdBytes: number }

export function appInput(work: string, n: number): AppInput {
  const lines = appLines(n);
  const raw = join(work, 'app.log');
  writeFileSync(raw, lines.join('\n') + '\n');
  return { lines, rawBytes: statSync(raw).size, zstdBytes: which('zstd') ? Number(execSync(`zstd -3 -c -q ${raw} | wc -c`).toString().trim()) : NaN };
}

export async function appFigures(server: { httpUrl: string; natsUrl: string; dataDir: string }, input: AppInput, batch: number, inflight: number, runs: number): Promise<AppFigures> {
  const { lines, rawBytes, zstdBytes } = input;
  const n = lines.length;
  const put = await fetchAgain(`${server.httpUrl}/v1/pipelines/app`, { method: 'POST', body: APP_PIPELINE });
  if (put.status !== 200) throw new Error(`pipeline: ${await put.text()}`);
  const { dir, exclude } = eddyStorageDir(server.dataDir);
  const before = diskUsage(dir, exclude).allocated;
  const nc = await connect({ servers: server.natsUrl });
  const h = natsHeaders();
  h.set('Eddy-Pipeline', 'app');
  h.set('Content-Type', 'application/x-ndjson');
  const enc = new TextEncoder();
  const payloads: Uint8Array[] = [];
  for (let i = 0; i < n; i += batch) payloads.push(enc.encode(lines.slice(i, i + batch).join('\n')));
  const t0 = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: inflight }, async () => {
    while (next < payloads.length) {
      const m = await nc.request('eddy.logs.public.app', payloads[next++]!, { headers: h, timeout: 300_000 });
      const r = m.json<{ ok: boolean; error?: { message: string } }>();
      if (!r.ok) throw new Error(`app ingest failed: ${r.error?.message}`);
    }
  }));
  const ingestS = (performance.now() - t0) / 1000;
  await eddyFlush(server.httpUrl, 'public', 'app');
  await eddyCompact(server.httpUrl, 'public', 'app');
  const disk = diskUsage(dir, exclude).allocated - before;
  // "last 100 lines of service X": newest first over the whole table.
  const q = "SELECT ts, level, msg FROM app WHERE service = 'svc-07' ORDER BY ts DESC LIMIT 100";
  const ms: number[] = [];
  let rows = 0;
  for (let i = 0; i < runs; i++) { const a = performance.now(); rows = (await sql(server.httpUrl, q)).length; ms.push(performance.now() - a); }
  const tail = await tailLatency(server.httpUrl, nc, h);
  await nc.close();
  return {
    app_lines: n, app_raw_bytes_per_line: +(rawBytes / n).toFixed(1), app_zstd3_bytes_per_line: +(zstdBytes / n).toFixed(2),
    app_disk_bytes_per_line: +(disk / n).toFixed(2), app_ingest_lines_per_s: Math.round(n / ingestS),
    last_100_of_service_ms: +median(ms).toFixed(1), last_100_rows: rows, ...tail,
  };
}

/**
 * Live tail: an SSE client on /v1/logs/tail (where = one service), then 40 requests of 50 lines published on NATS,
 * one at a time; each line's latency is from its request's publish to its SSE event.
 */
async function tailLatency(httpUrl: string, nc: Awaited<ReturnType<typeof connect>>, h: ReturnType<typeof natsHeaders>): Promise<{ tail_lines: number; tail_p50_ms: number; tail_p99_ms: number }> {
  const ac = new AbortController();
  const res = await fetch(`${httpUrl}/v1/logs/tail?db=public&table=app&where=${encodeURIComponent("service = 'tail'")}`, { signal: ac.signal });
  if (res.status !== 200 || !res.body) throw new Error(`tail: HTTP ${res.status}`);
  const sentAt = new Map<string, number>();
  const lat: number[] = [];
  const total = 40 * 50;
  let done!: () => void;
  const all = new Promise<void>((r) => { done = r; });
  const reader = (async () => {
    const dec = new TextDecoder();
    let buf = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buf += dec.decode(chunk, { stream: true });
      let k: number;
      while ((k = buf.indexOf('\n\n')) >= 0) {
        const ev = buf.slice(0, k);
        buf = buf.slice(k + 2);
        const data = ev.split('\n').find((l) => l.startsWith('data: '));
        if (!data) continue;
        const id = /"msg":"tail (\d+)"/.exec(data)?.[1];
        const t = id === undefined ? undefined : sentAt.get(id);
        if (t !== undefined) { lat.push(performance.now() - t); if (lat.length === total) done(); }
      }
    }
  })().catch(() => undefined);
  // The subscription is live once the first keepalive or row could arrive; a probe line proves it.
  const base = Date.now();
  for (let r = 0; r < 40; r++) {
    const batch: string[] = [];
    for (let i = 0; i < 50; i++) {
      const id = r * 50 + i;
      batch.push(`{"ts":"${new Date(base + id).toISOString()}","service":"tail","level":"info","trace_id":"t${id}","latency_ms":1,"msg":"tail ${id}"}`);
    }
    const t = performance.now();
    for (let i = 0; i < 50; i++) sentAt.set(String(r * 50 + i), t);
    const m = await nc.request('eddy.logs.public.app', new TextEncoder().encode(batch.join('\n')), { headers: h, timeout: 60_000 });
    if (!m.json<{ ok: boolean }>().ok) throw new Error('tail ingest failed');
  }
  const timeout = setTimeout(done, 30_000);
  await all;
  clearTimeout(timeout);
  ac.abort();
  await reader;
  lat.sort((a, b) => a - b);
  const pct = (p: number) => +(lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] ?? NaN).toFixed(1);
  return { tail_lines: lat.length, tail_p50_ms: pct(0.5), tail_p99_ms: pct(0.99) };
}
