// The index bench as a user runs it: a real node (CLI process), the same rows written over HTTP line protocol into two
// append-mode tables, one with every index and one with none, flushed as often and compacted; each needle query as
// SQL over HTTP against both, in the same run, warm (default decoded cache) and then cold (the node restarted on the
// same data with --cache-mb 0). Server CPU per query (the node's process tree) and HTTP round trip.
import { eddyCompact, eddyFlush, startEddy, type EddyServer } from './eddy.ts';
import { BOX, hostName, latencyOf, msgOf, podOf, pointOf, svcOf, traceOf, tsOf } from './index_data.ts';
import { fmtNum, httpRequest, median, removeDir, table, tempDir, treeCpuMs, waitFor, type BenchOptions } from './util.ts';

const COLS = 'host STRING, svc STRING, pod STRING, trace_id STRING%T, msg STRING%M, latency DOUBLE%L, lat DOUBLE, lng DOUBLE, ts TIMESTAMP(9) TIME INDEX, PRIMARY KEY (host, svc, pod)';
/** With every index of the storage-level run (the inverted index on the tags is the default). */
const INDEXED = `CREATE TABLE logs_ix (${COLS.replace('%T', ` SKIPPING INDEX WITH (granularity = '10240', false_positive_rate = '0.01')`)
  .replace('%M', ` FULLTEXT INDEX WITH (analyzer = 'English', case_sensitive = 'false', backend = 'bloom', granularity = '10240')`)
  .replace('%L', '')}, SPATIAL INDEX (lat, lng)) WITH (append_mode = 'true', 'smart_index' = 'false')`;
/** None: an INVERTED INDEX declared on a numeric column (kept without a file) turns the tags' default off. */
const PLAIN = `CREATE TABLE logs_plain (${COLS.replace('%T', '').replace('%M', '').replace('%L', ' INVERTED INDEX')}) WITH (append_mode = 'true', 'smart_index' = 'false')`;

async function sql(url: string, q: string): Promise<{ ms: number; body: string }> {
  const t0 = performance.now();
  const r = await httpRequest('POST', `${url}/v1/sql?db=public`, `sql=${encodeURIComponent(q)}`, { 'content-type': 'application/x-www-form-urlencoded' }, 300_000);
  const ms = performance.now() - t0;
  const body = r.body.toString('utf8');
  if (r.status !== 200) throw new Error(`${q.slice(0, 100)}: HTTP ${r.status} ${body.slice(0, 300)}`);
  return { ms, body };
}

/** The rows of an answer, as JSON text (compared between the two tables). */
const rowsOf = (body: string): string => JSON.stringify((JSON.parse(body) as { output: { records: { rows: unknown[][] } }[] }).output[0]!.records.rows);

async function load(url: string, series: number, rounds: number): Promise<number> {
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) {
    for (let from = 0; from < series; from += 25_000) {
      const lines: string[] = [];
      for (let i = from; i < Math.min(series, from + 25_000); i++) {
        const [lat, lng] = pointOf(r, i, series);
        lines.push(`%t,host=${hostName(i)},svc=svc-${svcOf(i)},pod=${podOf(i)} trace_id="${traceOf(r, i)}",msg="${msgOf(r, i, series)}",latency=${latencyOf(r, i)},lat=${lat},lng=${lng} ${tsOf(r, i)}`);
      }
      const body = lines.join('\n');
      for (const t of ['logs_ix', 'logs_plain']) {
        const res = await httpRequest('POST', `${url}/v1/influxdb/write?db=public&precision=ns`, body.replaceAll('%t,', `${t},`), {}, 300_000);
        if (res.status >= 300) throw new Error(`write: HTTP ${res.status} ${res.body.toString('utf8').slice(0, 300)}`);
      }
    }
    for (const t of ['logs_ix', 'logs_plain']) await eddyFlush(url, 'public', t);
  }
  for (const t of ['logs_ix', 'logs_plain']) await eddyCompact(url, 'public', t);
  return performance.now() - t0;
}

/** Waits until every index of logs_ix covers every segment. */
async function indexesReady(url: string): Promise<string> {
  const q = `SELECT index_name, state, segments, segments_covered, index_bytes FROM information_schema.index_status WHERE table_name = 'logs_ix'`;
  return waitFor('logs_ix indexes built', async () => {
    const { body } = await sql(url, q);
    const rows = (JSON.parse(body) as { output: { records: { rows: [string, string, number, number, number][] } }[] }).output[0]!.records.rows;
    return rows.length >= 6 && rows.every((r) => r[1] === 'ready' && r[2] > 0 && r[3] === r[2]) ? rows.map((r) => `${r[0]} ${fmtNum(r[4])} B`).join(', ') : undefined;
  }, 600_000, 500);
}

interface Timing { ms: number; cpu: number; rows: string }

/** Median HTTP time and mean server CPU of `runs` runs (after three unmeasured ones: files opened, code compiled). */
async function time(node: EddyServer, q: string, runs: number): Promise<Timing> {
  const first = await sql(node.httpUrl, q);
  for (let i = 0; i < 2; i++) await sql(node.httpUrl, q);
  const times: number[] = [];
  const cpu0 = treeCpuMs(node.proc.pid);
  for (let i = 0; i < runs; i++) times.push((await sql(node.httpUrl, q)).ms);
  return { ms: median(times), cpu: (treeCpuMs(node.proc.pid) - cpu0) / runs, rows: rowsOf(first.body) };
}

export async function runSql(opts: BenchOptions): Promise<void> {
  const series = opts.num('series', 100_000), rounds = opts.num('rounds', 10), runs = opts.num('sql-runs', 20);
  const logDir = tempDir('eddy-bench-index-sql-log-');
  let node = await startEddy({ logDir, name: 'eddy-index-sql', keepData: true, extraArgs: ['--smart-index', 'false'] });
  const dataDir = node.dataDir;
  try {
    await sql(node.httpUrl, INDEXED);
    await sql(node.httpUrl, PLAIN);
    const loadMs = await load(node.httpUrl, series, rounds);
    const t0 = performance.now();
    const sizes = await indexesReady(node.httpUrl);
    console.log(`SQL run: ${fmtNum(series * rounds)} rows into each table over HTTP, ${rounds} flushes, one compaction: ${fmtNum(loadMs / 1000, 1)} s; indexes ready ${fmtNum((performance.now() - t0) / 1000, 1)} s later (${sizes})`);
    const needle = hostName(Math.floor(series * 0.4242)), pod = podOf(Math.floor(series * 0.2424)), trace = traceOf(7, Math.floor(series * 0.777));
    const queries: [string, string][] = [
      [`host = '${needle}'`, `SELECT host, latency, ts FROM %t WHERE host = '${needle}'`],
      [`pod = (a tag after the sort key)`, `SELECT host, latency, ts FROM %t WHERE pod = '${pod}'`],
      [`host ~ regex (10 series)`, `SELECT host, latency, ts FROM %t WHERE host ~ '^${needle.slice(0, -1)}[0-9]$'`],
      [`host LIKE 'host-00042%'`, `SELECT host, latency, ts FROM %t WHERE host LIKE 'host-00042%'`],
      [`trace_id = (1 row)`, `SELECT trace_id, host, ts FROM %t WHERE trace_id = '${trace}'`],
      [`trace_id IN (3 ids)`, `SELECT trace_id, host, ts FROM %t WHERE trace_id IN ('${trace}', '${traceOf(2, 17)}', '${traceOf(9, series - 1)}')`],
      [`matches_term(msg, 'zq9xw')`, `SELECT msg, host, ts FROM %t WHERE matches_term(msg, 'zq9xw')`],
      [`0.5 x 0.5 degree box`, `SELECT lat, lng, ts FROM %t WHERE lat BETWEEN ${BOX.minLat} AND ${BOX.maxLat} AND lng BETWEEN ${BOX.minLng} AND ${BOX.maxLng}`],
    ];
    const out: string[][] = [];
    for (const cache of ['warm', 'cold'] as const) {
      if (cache === 'cold') {
        await node.stop();
        node = await startEddy({ logDir, name: 'eddy-index-sql-cold', keepData: true, dataDir, extraArgs: ['--smart-index', 'false', '--cache-mb', '0'] });
      }
      for (const [name, q] of queries) {
        const a = await time(node, q.replace('%t', 'logs_ix'), runs), b = await time(node, q.replace('%t', 'logs_plain'), runs);
        if (a.rows !== b.rows) throw new Error(`${name}: the indexed table answered ${a.rows.slice(0, 200)}, the plain one ${b.rows.slice(0, 200)}`);
        out.push([cache, name, String((JSON.parse(a.rows) as unknown[]).length), b.cpu.toFixed(1), a.cpu.toFixed(1), `${(b.cpu / Math.max(a.cpu, 0.01)).toFixed(1)}x`,
          b.ms.toFixed(1), a.ms.toFixed(1), `${(b.ms / a.ms).toFixed(1)}x`]);
      }
    }
    console.log(table(['cache', 'SQL over HTTP', 'rows', 'no index CPU ms', 'index CPU ms', 'CPU ratio', 'no index ms', 'index ms', 'ratio'], out));
  } finally {
    await node.stop();
    removeDir(dataDir);
  }
}
