// PostgreSQL wire benchmark: a 100k-row fetch and point-query latency through the `pg` driver, against the same
// queries over HTTP /v1/sql (JSON) in the same run, on one `eddy start` process.
import { loadavg } from 'node:os';
import pg from 'pg';
import { startEddy } from './eddy.ts';
import { fmtNum, freePort, httpRequest, median, table, tempDir, type BenchOptions } from './util.ts';

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const r = await fn();
  return [performance.now() - t0, r];
}

const HELP = `npm run bench -- pg [flags]   (each flag also as env BENCH_<FLAG>)
  --rows N            rows of the table read over the PostgreSQL wire (default 100000)
  --runs N            fetch runs, median reported (default 5)
  --points N          parameterized point queries per run (default 500)`;
export async function run(opts: BenchOptions): Promise<void> {
  if (opts.bool('help')) {
    console.log(HELP);
    return;
  }
  const rows = opts.num('rows', 100_000);
  const runs = opts.num('runs', 5);
  const points = opts.num('points', 500);
  const pgPort = await freePort();
  const eddy = await startEddy({ logDir: tempDir('eddy-bench-pg-logs-'), name: 'eddy-pg', extraArgs: ['--postgres', `127.0.0.1:${pgPort}`] });
  const sqlUrl = (sql: string) => `${eddy.httpUrl}/v1/sql?db=public&sql=${encodeURIComponent(sql)}`;
  const http = async (sql: string) => {
    const r = await httpRequest('GET', sqlUrl(sql));
    if (r.status !== 200) throw new Error(`HTTP ${r.status}: ${r.body.toString().slice(0, 300)}`);
    return JSON.parse(r.body.toString('utf8')) as { output: { records: { rows: unknown[][] } }[] };
  };
  const client = new pg.Client({ host: '127.0.0.1', port: pgPort, user: 'greptime', database: 'public' });
  try {
    await client.connect();
    await client.query('CREATE TABLE big (host STRING, v DOUBLE, n BIGINT, ts TIMESTAMP TIME INDEX, PRIMARY KEY (host))');
    await client.query(`INSERT INTO big SELECT concat('h', number % 100), number * 1.5, number, number FROM numbers LIMIT ${rows}`);
    await httpRequest('POST', `${eddy.httpUrl}/v1/admin/flush?db=public&table=big`).catch(() => undefined);
    const fetchSql = 'SELECT host, v, n, ts FROM big';
    const pgFetch: number[] = [], pgRaw: number[] = [], httpFetch: number[] = [];
    // the driver's own cost apart: rows as arrays of the server's text, no per-value type parsing (Dates, numbers)
    const raw = { text: fetchSql, rowMode: 'array' as const, types: { getTypeParser: () => (v: string) => v } };
    for (let i = 0; i < runs + 1; i++) {
      const [a, r] = await timed(() => client.query(fetchSql));
      if (r.rowCount !== rows) throw new Error(`pg fetched ${r.rowCount} rows, want ${rows}`);
      const [c] = await timed(() => client.query(raw));
      if (i > 0) pgRaw.push(c);
      const [b, h] = await timed(() => http(fetchSql));
      if (h.output[0]!.records.rows.length !== rows) throw new Error('HTTP fetched the wrong row count');
      if (i > 0) { pgFetch.push(a); httpFetch.push(b); } // the first run warms the caches
    }
    const pointPg: number[] = [], pointPgSimple: number[] = [], pointHttp: number[] = [];
    for (let i = 0; i < points; i++) {
      const k = (i * 7919) % rows;
      const host = `h${k % 100}`;
      pointPg.push((await timed(() => client.query('SELECT v FROM big WHERE host = $1 AND ts = $2', [host, new Date(k).toISOString()])))[0]);
      pointPgSimple.push((await timed(() => client.query(`SELECT v FROM big WHERE host = '${host}' AND ts = ${k}`)))[0]);
      pointHttp.push((await timed(() => http(`SELECT v FROM big WHERE host = '${host}' AND ts = ${k}`)))[0]);
    }
    const load = loadavg().map((x) => x.toFixed(1)).join(' ');
    console.log(`\nPostgreSQL wire vs HTTP /v1/sql, ${fmtNum(rows)} rows (4 columns), ${runs} fetch runs, ${points} point queries; load average ${load}\n`);
    console.log(table(['what', 'pg driver', 'HTTP JSON'], [
      [`fetch ${fmtNum(rows)} rows, median ms`, fmtNum(median(pgFetch), 0), fmtNum(median(httpFetch), 0)],
      ['fetch rows/s', fmtNum(rows / (median(pgFetch) / 1000)), fmtNum(rows / (median(httpFetch) / 1000))],
      ['fetch, driver without type parsing (rowMode array), ms', fmtNum(median(pgRaw), 0), '-'],
      ['point query p50 ms (pg: extended, $1 $2)', fmtNum(pct(pointPg, 50), 2), fmtNum(pct(pointHttp, 50), 2)],
      ['point query p99 ms (pg: extended)', fmtNum(pct(pointPg, 99), 2), fmtNum(pct(pointHttp, 99), 2)],
      ['point query p50 ms (pg: simple)', fmtNum(pct(pointPgSimple, 50), 2), '-'],
    ]));

  } finally {
    await client.end().catch(() => undefined);
    await eddy.stop();
  }
}
