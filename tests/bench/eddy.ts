// Starting an EddyDB standalone node for benchmarks, and what the benchmarks ask it over HTTP.
//
// Contract the benchmarks rely on (see the report in ingest.ts):
//   node actors/bin/eddy.mjs start --data <dir> --http 127.0.0.1:<port> --nats-port <port>
//   GET  /health                               -> 200 when ready
//   GET  /v1/stats?db=<db>&table=<table>       -> {"rows": N}  rows applied (queryable)
//   POST /v1/admin/flush?db=<db>&table=<table> -> 2xx once the memtables are flushed to segments
//   POST /v1/admin/compact?db=&table=          -> 2xx once compacted (optional; 404 = skipped)
//   SIGTERM                                    -> clean stop (embedded nats-server included)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  freePort,
  httpRequest,
  removeDir,
  startProcess,
  tempDir,
  waitFor,
  waitForHttp,
  type ManagedProcess,
} from './util.ts';

export interface EddyServer {
  httpUrl: string;
  natsUrl: string;
  dataDir: string;
  proc: ManagedProcess;
  stop(): Promise<void>;
}

export interface EddyStartOptions {
  logDir: string;
  name?: string;
  keepData?: boolean;
  /** Start on this data directory (a restart of an earlier node kept with keepData) instead of a new one. */
  dataDir?: string;
  /** Path of the CLI (default actors/bin/eddy.mjs, or env BENCH_EDDY_BIN). */
  bin?: string;
  extraArgs?: string[];
  readyTimeoutMs?: number;
}

const prepared = new Set<string>();

/**
 * Runs `eddy --help` once per CLI before the first measured start: the eddy command (re)builds its esbuild bundle on
 * the first start after a source changed, and that build's CPU and memory (esbuild's ~90 MiB) are not the server's.
 */
function prepareBundle(bin: string): void {
  if (prepared.has(bin)) return;
  prepared.add(bin);
  spawnSync(process.execPath, [bin, '--help'], { stdio: 'ignore', timeout: 180_000 });
}

export async function startEddy(opts: EddyStartOptions): Promise<EddyServer> {
  const bin = resolve(opts.bin ?? process.env.BENCH_EDDY_BIN ?? 'actors/bin/eddy.mjs');
  if (!existsSync(bin)) throw new Error(`EddyDB CLI not found at ${bin} (use --skip-eddy to run only the peers)`);
  prepareBundle(bin);
  const httpPort = await freePort();
  let natsPort = await freePort();
  while (natsPort === httpPort) natsPort = await freePort();
  const dataDir = opts.dataDir ?? tempDir(opts.name ?? 'eddy');
  // BENCH_EDDY_NODE_ARGS adds Node flags for the server only, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = (process.env.BENCH_EDDY_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const args = [
    ...nodeArgs,
    bin,
    'start',
    '--data',
    dataDir,
    '--http',
    `127.0.0.1:${httpPort}`,
    '--nats-port',
    String(natsPort),
    // The PostgreSQL listener's default port is fixed (4003): another node on the machine would make start fail.
    ...(opts.extraArgs?.includes('--postgres') ? [] : ['--postgres', 'off']),
    ...(opts.extraArgs ?? []),
    // BENCH_EDDY_ARGS adds `eddy start` flags, e.g. "--flush-bytes 67108864 --parse-workers 0".
    ...(process.env.BENCH_EDDY_ARGS ?? '').split(' ').filter(Boolean),
  ];
  const proc = startProcess(opts.name ?? 'eddy', process.execPath, args, { logDir: opts.logDir });
  const httpUrl = `http://127.0.0.1:${httpPort}`;
  try {
    await waitForHttp(`${httpUrl}/health`, { proc, timeoutMs: opts.readyTimeoutMs ?? 60_000 });
    // Steady state: the parse workers the node starts with are ready (until then it parses in place, as a node does
    // only in its first seconds), unless the run asked for none.
    if (!/--parse-workers[ =]0\b/.test(args.join(' '))) {
      await waitFor('the node\'s parse workers', async () => {
        const m = /^eddy_parse_workers_ready (\d+)/m.exec((await httpRequest('GET', `${httpUrl}/metrics`)).body.toString('utf8'));
        return m && Number(m[1]) > 0 ? true : undefined;
      }, 60_000, 100);
    }
  } catch (e) {
    await proc.stop(3_000);
    if (!opts.keepData) removeDir(dataDir);
    throw e;
  }
  return {
    httpUrl,
    natsUrl: `127.0.0.1:${natsPort}`,
    dataDir,
    proc,
    async stop() {
      await proc.stop(20_000);
      if (!opts.keepData) removeDir(dataDir);
    },
  };
}

/**
 * Rows of `db.table` that EddyDB has applied (visible to queries). Uses
 * GET /v1/stats?db=&table= -> {"rows":N}; if that endpoint is missing (404), falls back to
 * GET /v1/sql?sql=select count(*) from <table>&db=<db> and takes the single number it returns.
 */
export async function eddyRowCount(httpUrl: string, db: string, table: string): Promise<number> {
  const r = await httpRequest('GET', `${httpUrl}/v1/stats?db=${encodeURIComponent(db)}&table=${encodeURIComponent(table)}`);
  if (r.status === 200) {
    const j = JSON.parse(r.body.toString('utf8')) as { rows?: unknown };
    if (typeof j.rows !== 'number') throw new Error(`/v1/stats answered without a numeric "rows": ${r.body.toString('utf8').slice(0, 200)}`);
    return j.rows;
  }
  if (r.status !== 404) throw new Error(`/v1/stats: HTTP ${r.status}: ${r.body.toString('utf8').slice(0, 300)}`);
  const sql = `select count(*) from ${table}`;
  const s = await httpRequest('GET', `${httpUrl}/v1/sql?db=${encodeURIComponent(db)}&sql=${encodeURIComponent(sql)}`);
  if (s.status !== 200) {
    // A table that does not exist yet simply has no rows applied.
    if (s.status === 404 || /not (exist|found)/i.test(s.body.toString('utf8'))) return 0;
    throw new Error(`/v1/stats is missing (404) and ${sql} failed: HTTP ${s.status}: ${s.body.toString('utf8').slice(0, 300)}`);
  }
  const nums: number[] = [];
  const collect = (v: unknown): void => {
    if (typeof v === 'number') nums.push(v);
    else if (typeof v === 'string' && /^\d+$/.test(v)) nums.push(Number(v));
    else if (Array.isArray(v)) v.forEach(collect);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) if (!/^(execution_time|time|took|elapsed)/i.test(k)) collect(x);
    }
  };
  collect(JSON.parse(s.body.toString('utf8')));
  if (nums.length === 0) throw new Error(`could not find a count in ${s.body.toString('utf8').slice(0, 300)}`);
  return Math.max(...nums);
}

/**
 * Flush (and compact, below) take minutes on a loaded machine: each goes on a connection of its own. On a pooled
 * kept-alive socket a compact of 1M log lines was reset by the node after ~70 s (its keep-alive timeout is 65 s).
 */
export async function eddyFlush(httpUrl: string, db: string, table: string): Promise<void> {
  const r = await httpRequest('POST', `${httpUrl}/v1/admin/flush?db=${encodeURIComponent(db)}&table=${encodeURIComponent(table)}`, '', {}, 300_000, true);
  if (r.status < 200 || r.status >= 300) {
    throw new Error(`POST /v1/admin/flush: HTTP ${r.status}: ${r.body.toString('utf8').slice(0, 300)}`);
  }
}

/** Compact the table's segments if the node offers it; returns false when the route is missing (404). */
export async function eddyCompact(httpUrl: string, db: string, table: string): Promise<boolean> {
  const r = await httpRequest('POST', `${httpUrl}/v1/admin/compact?db=${encodeURIComponent(db)}&table=${encodeURIComponent(table)}`, '', {}, 600_000, true);
  if (r.status === 404) return false;
  if (r.status < 200 || r.status >= 300) {
    throw new Error(`POST /v1/admin/compact: HTTP ${r.status}: ${r.body.toString('utf8').slice(0, 300)}`);
  }
  return true;
}

/** The data directory minus the embedded NATS / JetStream store: `<data>/regions` if present. */
export function eddyStorageDir(dataDir: string): { dir: string; exclude: string[] } {
  const regions = join(dataDir, 'regions');
  if (existsSync(regions)) return { dir: regions, exclude: [] };
  return { dir: dataDir, exclude: [join(dataDir, 'nats')] };
}
