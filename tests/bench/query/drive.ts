// Server CPU per query over one persistent data directory, for profiling the query path without reloading:
//
//   node --import tsx tests/bench/query/drive.ts --data DIR [--bin actors/bin/eddy.mjs] [--queries a,b]
//        [--runs 200] [--warmup 50] [--cpu-prof DIR] [--distinct] [--jit-warm N] [--env K=V,...] [--node-args '...']
//
// The first run into an empty DIR loads the bench's 1M TSBS cpu rows and flushes them (kept for the next runs).
// Each query type then runs warm-up + runs times (host sets and windows from the bench's seeded parameters,
// repeated cyclically; --distinct draws runs new parameters instead, so reads are mostly cold) and prints the
// server's CPU per query (user + system from /proc, 10 ms ticks, total over the runs / runs).
import { connect } from '@nats-io/transport-node';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { generateCpu } from '../tsbs.ts';
import { cpuMs, freePort, httpRequest, startProcess, tempDir, waitForHttp, parseOptions } from '../util.ts';
import { eddyFlush } from '../eddy.ts';
import { dataRange, makeParams, QUERY_TYPES } from './queries.ts';
import { eddySql } from './systems.ts';

const opts = parseOptions(process.argv.slice(2));
const dataDir = resolve(opts.str('data', ''));
if (!opts.str('data', '')) throw new Error('--data DIR is required');
const bin = resolve(opts.str('bin', 'actors/bin/eddy.mjs'));
const runs = opts.num('runs', 200);
const warmup = opts.num('warmup', 50);
const wanted = opts.str('queries', '').split(',').filter(Boolean);
const queries = wanted.length ? QUERY_TYPES.filter((q) => wanted.includes(q.name)) : QUERY_TYPES;
const prof = opts.str('cpu-prof', '');
const fresh = !existsSync(dataDir) || readdirSync(dataDir).length === 0;

const httpPort = await freePort();
const natsPort = await freePort();
const env: Record<string, string> = {};
for (const kv of opts.str('env', '').split(',').filter(Boolean)) { const [k, v] = kv.split('='); env[k!] = v ?? ''; }
Object.assign(process.env, env);
const proc = startProcess('eddy-drive', process.execPath, [
  ...(prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : []),
  ...opts.str('node-args', '').split(' ').filter(Boolean),
  bin, 'start', '--data', dataDir, '--http', `127.0.0.1:${httpPort}`, '--nats-port', String(natsPort), '--postgres', 'off',
], { logDir: tempDir('drive-logs') });
const url = `http://127.0.0.1:${httpPort}`;
const startedAt = performance.now();
try {
  await waitForHttp(`${url}/health`, { proc, timeoutMs: 120_000 });
  // the data's end time is kept beside the directory: the queries' windows must fall on the rows loaded then
  const meta = `${dataDir}.json`;
  const endMs = fresh ? undefined : (JSON.parse(readFileSync(meta, 'utf8')) as { endMs: number }).endMs;
  const data = generateCpu({ rows: 1_000_000, batch: 5_000, ...(endMs ? { endMs } : {}) });
  if (fresh) {
    writeFileSync(meta, JSON.stringify({ endMs: data.endMs }));
    const nc = await connect({ servers: `127.0.0.1:${natsPort}`, noEcho: true });
    let next = 0;
    await Promise.all(Array.from({ length: 8 }, async () => {
      for (let i = next++; i < data.batches.length; i = next++) await nc.request('eddy.write.public', data.batches[i]!, { timeout: 60_000 });
    }));
    await nc.close();
    await eddyFlush(url, 'public', data.measurement);
    console.log('loaded and flushed');
  }
  const range = dataRange(data);
  // --jit-warm N: every query type N times over a small table of its own first (the code warm, the big table's reads cold)
  const jitWarm = opts.num('jit-warm', 0);
  if (jitWarm > 0) {
    const small = generateCpu({ rows: 20_000, hosts: 20, batch: 5_000, measurement: 'cpu_warm' });
    const nc = await connect({ servers: `127.0.0.1:${natsPort}`, noEcho: true });
    for (const b of small.batches) await nc.request('eddy.write.public', b, { timeout: 60_000 });
    await nc.close();
    await eddyFlush(url, 'public', 'cpu_warm');
    const sr = dataRange(small);
    for (const q of queries) {
      for (const p of makeParams(q, sr, jitWarm, 7)) {
        const sql = eddySql(q, p).replace(' FROM cpu ', ' FROM cpu_warm ');
        const r = await httpRequest('GET', `${url}/v1/sql?db=public&sql=${encodeURIComponent(sql)}`);
        if (r.status !== 200) throw new Error(`warm ${q.name}: HTTP ${r.status} ${r.body.toString().slice(0, 300)}`);
      }
    }
  }
  console.log(`measuring from ${((performance.now() - startedAt) / 1000).toFixed(1)} s after the node's start (profile --after)`);
  for (const q of queries) {
    const params = makeParams(q, range, opts.bool('distinct') ? warmup + runs : 12, 42);
    const run = async (i: number): Promise<void> => {
      const sql = eddySql(q, params[i % params.length]!);
      const r = await httpRequest('GET', `${url}/v1/sql?db=public&sql=${encodeURIComponent(sql)}`);
      if (r.status !== 200) throw new Error(`${q.name}: HTTP ${r.status} ${r.body.toString().slice(0, 300)}`);
    };
    for (let i = 0; i < warmup; i++) await run(i);
    const c0 = cpuMs(proc.pid);
    const t0 = performance.now();
    for (let i = 0; i < runs; i++) await run(warmup + i);
    const cpu = (cpuMs(proc.pid) - c0) / runs;
    console.log(`${q.name.padEnd(24)} CPU ${cpu.toFixed(2)} ms/query, wall ${((performance.now() - t0) / runs).toFixed(2)} ms/query`);
  }
} finally {
  await proc.stop(30_000);
}
