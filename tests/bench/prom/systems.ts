// The three systems of the prom bench behind one interface: where to remote-write, where the
// Prometheus HTTP API is, how to make the data durable on disk and what the size counts.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { eddyFlush, eddyStorageDir, startEddy } from '../eddy.ts';
import { startVictoria, victoriaForceMerge } from '../peers/victoria.ts';
import { metricNames, SCRAPE_MS, type PromWorkload } from './workload.ts';
import {
  diskUsage,
  ensureDebianBinary,
  freePort,
  httpRequest,
  removeDir,
  startProcess,
  tempDir,
  waitForHttp,
  type ManagedProcess,
} from '../util.ts';

export type PromSystemKey = 'eddy' | 'base' | 'victoria' | 'prometheus';
export const PROM_SYSTEM_NAMES: Record<PromSystemKey, string> = { eddy: 'EddyDB', base: 'EddyDB base', victoria: 'VictoriaMetrics', prometheus: 'Prometheus' };

/** `base`: another EddyDB checkout (env BENCH_EDDY_BASE, a directory holding actors/bin/eddy.mjs) run beside this one. */
export const baseDir = (): string => {
  const d = process.env.BENCH_EDDY_BASE;
  if (!d) throw new Error('system "base" needs BENCH_EDDY_BASE=<dir of another EddyDB checkout> (e.g. git archive <commit> | tar -x -C dir)');
  return d;
};

export interface PromSystem {
  key: PromSystemKey;
  name: string;
  version: string;
  writeUrl: string;
  /** Base of the Prometheus HTTP API: `${apiUrl}/query`, `${apiUrl}/query_range`. */
  apiUrl: string;
  proc: ManagedProcess;
  /** Called before each count while waiting until queryable (VictoriaMetrics: force_flush, as peers/victoria.ts does). */
  beforeCount?: () => Promise<void>;
  /** Makes the data durable (flush / merge); returns the bytes on disk and what they include. */
  settle(): Promise<{ diskBytes: number; includes: string }>;
  stop(): Promise<void>;
}

export async function startPromSystem(key: PromSystemKey, logDir: string, keepData: boolean, db: string): Promise<PromSystem> {
  if (key === 'eddy' || key === 'base') {
    // no PostgreSQL listener: its default port may be taken by another node on the machine
    const bin = key === 'base' ? join(baseDir(), 'actors/bin/eddy.mjs') : undefined;
    const s = await startEddy({ logDir, keepData, name: key === 'base' ? 'eddy-base' : 'eddy-prom', extraArgs: ['--postgres', 'off'], ...(bin ? { bin } : {}) });
    return {
      key,
      name: PROM_SYSTEM_NAMES[key],
      version: key === 'base' ? `${baseDir()}` : gitDescribe(),
      writeUrl: `${s.httpUrl}/v1/prometheus/write?db=${encodeURIComponent(db)}`,
      apiUrl: `${s.httpUrl}/v1/prometheus/api/v1`,
      proc: s.proc,
      async settle() {
        await eddyFlush(s.httpUrl, db, 'greptime_physical_table');
        const { dir, exclude } = eddyStorageDir(s.dataDir);
        return { diskBytes: diskUsage(dir, exclude).allocated, includes: `${dir === s.dataDir ? 'data dir minus nats/' : 'regions/'} after POST /v1/admin/flush (segments, manifests, catalog; no JetStream WAL)` };
      },
      stop: () => s.stop(),
    };
  }
  if (key === 'victoria') {
    const s = await startVictoria(logDir, keepData);
    return {
      key,
      name: PROM_SYSTEM_NAMES[key],
      version: s.version,
      writeUrl: `${s.url}/api/v1/write`,
      apiUrl: `${s.url}/api/v1`,
      proc: s.proc,
      async beforeCount() {
        await httpRequest('GET', `${s.url}/internal/force_flush`);
      },
      async settle() {
        await httpRequest('GET', `${s.url}/internal/force_flush`);
        await victoriaForceMerge(s.url);
        await httpRequest('GET', `${s.url}/internal/force_flush`);
        return { diskBytes: diskUsage(s.dataDir).allocated, includes: 'whole -storageDataPath after force_flush + force_merge (data parts and indexdb)' };
      },
      stop: () => s.stop(),
    };
  }
  const bin = ensureDebianBinary('prometheus', 'prometheus');
  const port = await freePort();
  const dataDir = tempDir('prometheus');
  const config = join(dataDir, 'prometheus.yml');
  writeFileSync(config, 'global:\n  scrape_interval: 1h\n');
  const tsdb = join(dataDir, 'tsdb');
  const proc = startProcess(
    'prometheus',
    bin,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${tsdb}`,
      '--storage.tsdb.retention.time=100y',
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-remote-write-receiver',
      '--log.level=warn',
    ],
    { logDir },
  );
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/-/ready`, { proc, timeoutMs: 30_000 });
  } catch (e) {
    await proc.stop(2_000);
    removeDir(dataDir);
    throw e;
  }
  return {
    key,
    name: PROM_SYSTEM_NAMES[key],
    version: debVersion('prometheus'),
    writeUrl: `${url}/api/v1/write`,
    apiUrl: `${url}/api/v1`,
    proc,
    async settle() {
      // Prometheus keeps the last ~2-3 h in its head (memory + WAL + mmapped head chunks); there is no flush.
      return { diskBytes: diskUsage(tsdb).allocated, includes: 'TSDB dir: WAL + head chunks (data younger than 2 h is never cut into a block)' };
    },
    async stop() {
      await proc.stop(20_000);
      if (!keepData) removeDir(dataDir);
    },
  };
}

function debVersion(pkg: string): string {
  const r = spawnSync('dpkg-query', ['-W', '-f', '${Version}', pkg], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : 'unknown';
}

function gitDescribe(): string {
  const r = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' });
  return r.status === 0 ? `git ${r.stdout.trim()}` : 'unknown';
}

/**
 * POST every payload with up to `inflight` requests outstanding. Like Prometheus's remote-write shards, each worker
 * owns some host groups and sends their requests in order, so no series ever has two requests in flight (Prometheus
 * rejects a sample older than the series' last one). Seconds until the last ack.
 */
export async function remoteWrite(url: string, w: { payloads: Buffer[]; groupOf: Int32Array; groups: number }, inflight: number): Promise<number> {
  const headers = {
    'content-type': 'application/x-protobuf',
    'content-encoding': 'snappy',
    'x-prometheus-remote-write-version': '0.1.0',
  };
  const workers = Math.max(1, Math.min(inflight, w.groups));
  const t0 = performance.now();
  const worker = async (k: number): Promise<void> => {
    for (let i = 0; i < w.payloads.length; i++) {
      if (w.groupOf[i]! % workers !== k) continue;
      const r = await httpRequest('POST', url, w.payloads[i], headers);
      if (r.status < 200 || r.status >= 300) throw new Error(`POST ${url} request ${i}: HTTP ${r.status}: ${r.body.toString('utf8').slice(0, 300)}`);
    }
  };
  await Promise.all(Array.from({ length: workers }, (_, k) => worker(k)));
  return (performance.now() - t0) / 1000;
}

export interface PromAnswer {
  series: number;
  points: number;
  /** Sum of every value (NaN and Inf skipped), to compare systems that compute the same function. */
  sum: number;
}

/** One query through the Prometheus HTTP API (form POST); the answer reduced to series / points / sum. */
export async function promQuery(apiUrl: string, kind: 'query' | 'query_range', params: Record<string, string>): Promise<PromAnswer> {
  const body = new URLSearchParams(params).toString();
  const r = await httpRequest('POST', `${apiUrl}/${kind}`, body, { 'content-type': 'application/x-www-form-urlencoded' }, 300_000);
  const text = r.body.toString('utf8');
  if (r.status !== 200) throw new Error(`${kind} ${params.query}: HTTP ${r.status}: ${text.slice(0, 300)}`);
  const j = JSON.parse(text) as { status: string; error?: string; data?: { resultType: string; result: unknown } };
  if (j.status !== 'success' || !j.data) throw new Error(`${kind} ${params.query}: ${j.error ?? text.slice(0, 300)}`);
  const ans: PromAnswer = { series: 0, points: 0, sum: 0 };
  const add = (v: string): void => {
    ans.points++;
    const x = Number(v);
    if (Number.isFinite(x)) ans.sum += x;
  };
  if (j.data.resultType === 'scalar') {
    add((j.data.result as [number, string])[1]);
    ans.series = 1;
  } else {
    for (const s of j.data.result as Array<{ value?: [number, string]; values?: Array<[number, string]> }>) {
      ans.series++;
      if (s.value) add(s.value[1]);
      if (s.values) for (const p of s.values) add(p[1]);
    }
  }
  return ans;
}

/**
 * Samples the system can answer with: count_over_time over the whole span at the last scrape, summed per metric
 * name and added up (a single count_over_time({__name__=~".+"}) is an error in PromQL: without their names,
 * two metrics of one host have the same label set).
 */
export async function countSamples(sys: PromSystem, w: PromWorkload): Promise<number> {
  const spanS = (w.endMs - w.startMs + SCRAPE_MS) / 1000;
  await sys.beforeCount?.();
  const query = metricNames(w).map((n) => `sum(count_over_time(${n}[${spanS}s]))`).join(' + ');
  const a = await promQuery(sys.apiUrl, 'query', { query, time: String(w.endMs / 1000) });
  return a.points ? a.sum : 0;
}
