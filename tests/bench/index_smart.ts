// Smart index benchmark: a real node (CLI process, defaults but for its thresholds), an append-mode log table
// without any index on trace_id, a needle query repeated back to back over HTTP; how many queries and seconds
// until the smart index has created and built the index, and the query's latency before and after.
import { eddyFlush, startEddy } from './eddy.ts';
import { fmtNum, httpRequest, median, table, tempDir, type BenchOptions } from './util.ts';

async function sql(url: string, q: string): Promise<{ ms: number; body: string }> {
  const t0 = performance.now();
  const r = await httpRequest('POST', `${url}/v1/sql?db=public`, `sql=${encodeURIComponent(q)}`, { 'content-type': 'application/x-www-form-urlencoded' }, 120_000);
  const ms = performance.now() - t0;
  const body = r.body.toString('utf8');
  if (r.status !== 200) throw new Error(`${q.slice(0, 80)}: HTTP ${r.status} ${body.slice(0, 300)}`);
  return { ms, body };
}

const traceOf = (i: number) => `${((i * 2654435761) >>> 0).toString(16).padStart(8, '0')}-${i.toString(16)}`;

export async function runSmart(opts: BenchOptions): Promise<string[]> {
  const rows = opts.num('smart-rows', 500_000);
  const maxQueries = opts.num('smart-queries', 300);
  const eddy = await startEddy({ logDir: tempDir('eddy-bench-smart-log-'), name: 'eddy-smart', extraArgs: ['--smart-index-min-rows', '10000', '--smart-index-min-queries', '3'] });
  try {
    await sql(eddy.httpUrl, `CREATE TABLE logs (host STRING, trace_id STRING, msg STRING, ts TIMESTAMP(9) TIME INDEX, PRIMARY KEY (host)) WITH (append_mode = 'true')`);
    const T0 = 1_700_000_000_000_000_000n;
    for (let from = 0; from < rows; from += 50_000) {
      const lines: string[] = [];
      for (let i = from; i < Math.min(rows, from + 50_000); i++) lines.push(`logs,host=h${i % 1000} trace_id="${traceOf(i)}",msg="GET /item/${i % 977} 200" ${T0 + BigInt(i) * 1000n}`);
      const r = await httpRequest('POST', `${eddy.httpUrl}/v1/influxdb/write?db=public&precision=ns`, lines.join('\n'), {}, 120_000);
      if (r.status >= 300) throw new Error(`write: HTTP ${r.status} ${r.body.toString('utf8').slice(0, 300)}`);
    }
    await eddyFlush(eddy.httpUrl, 'public', 'logs');
    const needle = `SELECT count(*) FROM logs WHERE trace_id = '${traceOf(Math.floor(rows * 0.61))}'`;
    const times: number[] = [];
    const t0 = performance.now();
    // after each query, the index state (information_schema is not a filtered scan: the smart index does not see it)
    let readyAt = -1, readySec = 0;
    const ready = async () => (await sql(eddy.httpUrl, `SELECT state FROM information_schema.index_status WHERE table_name = 'logs' AND index_name = 'SKIPPING_INDEX_trace_id'`)).body.includes('"ready"');
    for (let q = 0; q < maxQueries && (readyAt < 0 || q < readyAt + 5); q++) {
      const { ms, body } = await sql(eddy.httpUrl, needle);
      if (!body.includes('[[1]]')) throw new Error(`needle query answered ${body.slice(0, 200)}`);
      times.push(ms);
      if (readyAt < 0 && await ready()) { readyAt = q + 1; readySec = (performance.now() - t0) / 1000; }
    }
    const advice = (await sql(eddy.httpUrl, `SELECT column_name, index_type, decision, reason FROM information_schema.index_advice`)).body;
    const status = (await sql(eddy.httpUrl, `SELECT index_name, state, index_bytes FROM information_schema.index_status WHERE table_name = 'logs'`)).body;
    const before = median(times.slice(0, 3));
    const after = readyAt > 0 ? median(times.slice(readyAt)) : NaN;
    console.log(table(['smart index (real node, HTTP)', 'value'], [
      ['rows', fmtNum(rows)],
      ['needle query without index (median of first 3, ms)', before.toFixed(1)],
      ['queries until the automatic index is built', readyAt > 0 ? String(readyAt) : `not within ${maxQueries}`],
      ['seconds from first query until built', readyAt > 0 ? readySec.toFixed(2) : '-'],
      ['needle query with it (median of next 5, ms)', Number.isFinite(after) ? after.toFixed(1) : '-'],
      ['speedup', Number.isFinite(after) ? `${(before / after).toFixed(1)}x` : '-'],
    ]));
    console.log(`index_advice: ${advice.slice(0, 400)}`);
    console.log(`index_status: ${status.slice(0, 400)}`);
    return [fmtNum(rows), before.toFixed(1), String(readyAt), readySec.toFixed(2), Number.isFinite(after) ? after.toFixed(1) : '-'];
  } finally {
    await eddy.stop();
  }
}
