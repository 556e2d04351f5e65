// Micro-benchmark: rows/s through a flow with 10,000 groups and 1-minute windows (node --import tsx tests/streams/flow.perf.ts).
import { VirtualTimeScheduler } from 'rxjs';
import type { Column, WriteBatch } from '../../core/index.ts';
import { compileFlowSql, createFlow } from '../../streams/index.ts';

const GROUPS = 10_000;
const BATCH = 10_000;
const SECONDS = Number(process.argv[2] ?? 120);
const SEC = 1_000_000_000n;

const hosts = Array.from({ length: GROUPS }, (_, i) => `host_${i}`);

/** One sample per host per second: rows ts = second, host = i; dictionary-coded tag like the line-protocol parser makes. */
function batches(): WriteBatch[] {
  const out: WriteBatch[] = [];
  let row = 0;
  const total = GROUPS * SECONDS;
  while (row < total) {
    const n = Math.min(BATCH, total - row);
    const codes = new Int32Array(n);
    const ts = new BigInt64Array(n);
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const r = row + i;
      codes[i] = r % GROUPS;
      ts[i] = BigInt(Math.floor(r / GROUPS)) * SEC;
      v[i] = (r * 7919) % 1000;
    }
    const columns: Column[] = [
      { name: 'host', type: 'string', semantic: 'tag', values: codes, valid: null, dict: hosts },
      { name: 'usage', type: 'float64', semantic: 'field', values: v, valid: null },
      { name: 'ts', type: 'timestamp', semantic: 'timestamp', values: ts, valid: null },
    ];
    out.push({ table: 'cpu', rows: n, columns });
    row += n;
  }
  return out;
}

function run(label: string, sql: string, data: WriteBatch[], overwrite = false): void {
  const flow = createFlow(compileFlowSql(sql), { scheduler: new VirtualTimeScheduler() });
  let emitted = 0;
  flow.output$.subscribe((e) => { emitted += e.rows.length; });
  const t0 = performance.now();
  let rows = 0;
  for (const b of data) {
    flow.push(b);
    rows += b.rows;
    if (overwrite) { flow.push(b); rows += b.rows; }
  }
  flow.close();
  const ms = performance.now() - t0;
  const s = flow.stats();
  console.log(`${label.padEnd(44)} ${(rows / (ms / 1000)).toFixed(0).padStart(10)} rows/s  (${rows} rows, ${ms.toFixed(0)} ms, ${emitted} rows out, ${s.openWindows} open windows)`);
}

const data = batches();
run('count/sum/avg/min/max, tumble 1m', `CREATE FLOW f SINK TO o AS SELECT host, count(*), sum(usage), avg(usage), min(usage), max(usage),
  date_bin(INTERVAL '1 minute', ts) AS w FROM cpu GROUP BY host, w`, data);
run('sum only, tumble 1m', `CREATE FLOW f SINK TO o AS SELECT host, sum(usage), date_bin(INTERVAL '1 minute', ts) AS w FROM cpu GROUP BY host, w`, data);
run('same + WHERE + HAVING', `CREATE FLOW f SINK TO o AS SELECT host, avg(usage) AS a, date_bin(INTERVAL '1 minute', ts) AS w
  FROM cpu WHERE usage > 10 GROUP BY host, w HAVING count(*) > 1`, data);
run('min/max/last_value/p90, hop 5m/1m', `CREATE FLOW f SINK TO o AS SELECT host, min(usage), max(usage), last_value(usage),
  approx_percentile_cont(usage, 0.9), hop(ts, '5 minutes', '1 minute') AS w FROM cpu GROUP BY host, w`, data.slice(0, Math.ceil(data.length / 2)));
run('count/sum/avg/min/max, every batch written twice', `CREATE FLOW f SINK TO o AS SELECT host, count(*), sum(usage), avg(usage), min(usage), max(usage),
  date_bin(INTERVAL '1 minute', ts) AS w FROM cpu GROUP BY host, w`, data, true);
