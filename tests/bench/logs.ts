// Logs benchmark: nginx access lines through a dissect + date pipeline into a log table over NATS (eddy.logs request-reply).
//
//   npm run bench -- logs [--lines 1000000] [--app-lines 1000000] [--batch 5000] [--inflight 4] [--runs 5] [--shipper-lines 200000] [--keep-data]
//
// Reports: ingest lines/s and MB/s until acked (durable); bytes on disk per line after flush + compaction against the raw
// file and `zstd -3` of it; a rare-term search (SQL matches_term on the message, and an equality on the path column)
// against `grep -F` on the raw file; then ingest lines/s through Elasticsearch _bulk, Loki push and syslog (TCP) of the
// first --shipper-lines lines (logs_shippers.ts); then --app-lines JSON application lines (logs_app.ts): their bytes on
// disk, "last 100 lines of service X" and live tail latency from a NATS publish to the SSE event (p50 / p99).
// Prints the load average: the machine is shared, absolute times drift.
import { execFileSync, execSync } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { connect, headers as natsHeaders } from '@nats-io/transport-node';
import { eddyCompact, eddyFlush, eddyStorageDir, startEddy } from './eddy.ts';
import { diskUsage, fmtNum, freePort, median, removeDir, table, tempDir, which, type BenchOptions } from './util.ts';
import { shipperFigures } from './logs_shippers.ts';
import { appFigures, appInput, sql } from './logs_app.ts';

const PIPELINE = `
processors:
  - dissect:
      fields: [message]
      patterns:
        - '%{ip} - %{user} [%{ts}] "%{method} %{path} %{proto}" %{status} %{size} "%{referer}" "%{agent}"'
  - date:
      fields: [ts]
      formats: ['%d/%b/%Y:%H:%M:%S %z']
transform:
  - fields: [method]
    type: string
    index: tag
  - fields: [ip, path, referer, agent, user, proto]
    type: string
  - fields: [status]
    type: uint16
  - fields: [size]
    type: uint32
  - fields: [message]
    type: string
    index: fulltext
  - field: ts
    type: time
    index: timestamp
`;

const NEEDLE = 'needle-7f3a9c';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const PATHS = ['/', '/index.html', '/api/v1/users', '/api/v1/orders', '/static/app.js', '/static/app.css', '/login', '/search', '/favicon.ico', '/health'];
const AGENTS = ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36', 'curl/8.5.0', 'Go-http-client/1.1', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) Safari/605.1.15', 'python-requests/2.31'];
const STATUS = [200, 200, 200, 200, 200, 200, 304, 301, 404, 500];

/** Deterministic nginx combined-format lines, one second apart, one line with a rare term. */
function nginxLines(n: number): string[] {
  let seed = 42;
  const rnd = (k: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % k; };
  const t0 = Date.parse('2024-05-01T00:00:00Z') / 1000;
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const d = new Date((t0 + i) * 1000);
    const ts = `${String(d.getUTCDate()).padStart(2, '0')}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${d.toISOString().slice(11, 19)} +0000`;
    const path = i === Math.floor(n * 0.7) ? `/search?q=${NEEDLE}` : `${PATHS[rnd(PATHS.length)]}${rnd(4) === 0 ? `?id=${rnd(100000)}` : ''}`;
    out[i] = `10.${rnd(4)}.${rnd(256)}.${rnd(256)} - - [${ts}] "${rnd(5) === 0 ? 'POST' : 'GET'} ${path} HTTP/1.1" ${STATUS[rnd(STATUS.length)]} ${rnd(50000)} "-" "${AGENTS[rnd(AGENTS.length)]}"`;
  }
  return out;
}

async function timed<T>(runs: number, f: () => Promise<T> | T): Promise<{ ms: number; last: T }> {
  const ms: number[] = [];
  let last!: T;
  for (let i = 0; i < runs; i++) { const t0 = performance.now(); last = await f(); ms.push(performance.now() - t0); }
  return { ms: median(ms), last };
}

const HELP = `npm run bench -- logs [flags]   (each flag also as env BENCH_<FLAG>)
  --lines N           nginx access lines through the pipeline (default 1000000)
  --app-lines N       JSON application lines (default: --lines)
  --shipper-lines N   lines sent through Elasticsearch _bulk, Loki push and syslog (default 200000)
  --batch N           lines per request (default 5000)   --inflight K   requests in flight (default 4)
  --runs N            runs per timed step, median reported (default 5)
  --keep-data         keep the temp data dir`;
export async function run(opts: BenchOptions): Promise<unknown> {
  if (opts.bool('help')) {
    console.log(HELP);
    return null;
  }
  const n = opts.num('lines', 1_000_000);
  const batch = opts.num('batch', 5000);
  const inflight = opts.num('inflight', 4);
  const runs = opts.num('runs', 5);
  const work = tempDir('eddy-logs-bench');
  const raw = join(work, 'access.log');
  const lines = nginxLines(n);
  writeFileSync(raw, lines.join('\n') + '\n');
  const rawBytes = statSync(raw).size;
  // The yardstick needs the zstd CLI (Debian package zstd); without it the figure is left out.
  const zstdBytes = which('zstd') ? Number(execSync(`zstd -3 -c -q ${raw} | wc -c`).toString().trim()) : NaN;
  // The app lines and their zstd yardstick too, before the node starts: a minute of blocking zstd with the node's HTTP
  // sockets idle in the client's pool let the server close them (keep-alive 65 s), and the next request died on reuse.
  const appIn = appInput(work, opts.num('app-lines', n));
  console.log(`load average before: ${loadavg().map((x) => x.toFixed(2)).join(' ')} (shared machine)`);
  const syslogPort = await freePort();
  const server = await startEddy({ logDir: work, name: 'eddy-logs', keepData: opts.bool('keep-data'), extraArgs: ['--max-write-bytes', String(32 * 1024 * 1024), '--syslog', `127.0.0.1:${syslogPort}`] });
  try {
    const put = await fetch(`${server.httpUrl}/v1/pipelines/nginx`, { method: 'POST', body: PIPELINE });
    if (put.status !== 200) throw new Error(`pipeline: ${await put.text()}`);
    const nc = await connect({ servers: server.natsUrl });
    const h = natsHeaders();
    h.set('Eddy-Pipeline', 'nginx');
    const enc = new TextEncoder();
    const payloads: Uint8Array[] = [];
    for (let i = 0; i < n; i += batch) payloads.push(enc.encode(lines.slice(i, i + batch).join('\n')));
    const t0 = performance.now();
    let next = 0;
    let acked = 0;
    const worker = async () => {
      while (next < payloads.length) {
        const p = payloads[next++]!;
        const m = await nc.request('eddy.logs.public.nginx', p, { headers: h, timeout: 300_000 });
        const r = m.json<{ ok: boolean; rows?: number; error?: { message: string } }>();
        if (!r.ok) throw new Error(`ingest failed: ${r.error?.message}`);
        acked += r.rows!;
      }
    };
    await Promise.all(Array.from({ length: inflight }, worker));
    const ingestS = (performance.now() - t0) / 1000;
    await nc.close();
    const count = (await sql(server.httpUrl, 'SELECT count(*) FROM nginx'))[0]![0];
    await eddyFlush(server.httpUrl, 'public', 'nginx');
    await eddyCompact(server.httpUrl, 'public', 'nginx');
    const { dir, exclude } = eddyStorageDir(server.dataDir);
    const disk = diskUsage(dir, exclude);
    const term = await timed(runs, () => sql(server.httpUrl, `SELECT ts, ip, path, status FROM nginx WHERE matches_term(message, '${NEEDLE}')`));
    const eq = await timed(runs, () => sql(server.httpUrl, `SELECT ts, ip, path, status FROM nginx WHERE path = '/search?q=${NEEDLE}'`));
    const last = await timed(runs, () => sql(server.httpUrl, "SELECT ts, path FROM nginx WHERE method = 'POST' ORDER BY ts DESC LIMIT 100"));
    const grep = await timed(runs, () => execFileSync('grep', ['-F', NEEDLE, raw]).toString());
    const app = await appFigures(server, appIn, batch, inflight, runs);
    const shippers = await shipperFigures(server.httpUrl, server.natsUrl, syslogPort, lines.slice(0, Math.min(n, opts.num('shipper-lines', 200_000))), batch, inflight);
    const result = {
      lines: n, acked, count,
      ingest_lines_per_s: Math.round(n / ingestS), ingest_mb_per_s: +(rawBytes / 1e6 / ingestS).toFixed(1),
      raw_bytes_per_line: +(rawBytes / n).toFixed(1), zstd3_bytes_per_line: +(zstdBytes / n).toFixed(2),
      disk_bytes_per_line: +(disk.allocated / n).toFixed(2), disk_apparent_bytes_per_line: +(disk.apparent / n).toFixed(2),
      rare_term_matches_term_ms: +term.ms.toFixed(1), rare_term_rows: term.last.length, rare_path_eq_ms: +eq.ms.toFixed(1),
      last_100_post_ms: +last.ms.toFixed(1), grep_f_ms: +grep.ms.toFixed(1),
      ...app,
      shipper_lines: Math.min(n, opts.num('shipper-lines', 200_000)), ...shippers,
      load_average: loadavg().map((x) => +x.toFixed(2)),
    };
    console.log(table(['figure', 'value'], Object.entries(result).map(([k, v]) => [k, Array.isArray(v) ? v.join(' ') : typeof v === 'number' ? fmtNum(v, Number.isInteger(v) ? 0 : 2) : String(v)])));
    return result;
  } finally {
    await server.stop();
    if (!opts.bool('keep-data')) removeDir(work);
  }
}
