// InfluxDB 1.x (Debian package `influxdb`, binary /usr/bin/influxd) as an ingest peer:
// line protocol over HTTP /write?db=bench. Generated config: temp dirs, free ports,
// reporting off, short cold durations so the TSM files get snapshotted and fully compacted
// soon after ingest (for bytes on disk). `startInflux` is shared with the query benchmark
// (query/systems.ts), which keeps the server running and lifts the query limits.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CpuData } from '../tsbs.ts';
import {
  diskUsage,
  ensureDebianBinary,
  freePort,
  httpJson,
  httpRequest,
  removeDir,
  sleep,
  startProcess,
  tempDir,
  treeMemory,
  waitFor,
  waitForHttp,
  type ManagedProcess,
} from '../util.ts';
import { postBatches, type IngestResult } from './common.ts';
import { debianVersion } from './victoria.ts';

export interface InfluxOptions {
  workers?: number;
  logDir: string;
  keepData?: boolean;
  queryableTimeoutS?: number;
  /** Max seconds to wait for compaction to settle before measuring bytes on disk. */
  compactionTimeoutS?: number;
}

export const INFLUX_DB = 'bench';

interface InfluxQueryResult {
  results: Array<{ error?: string; series?: Array<{ columns: string[]; values: unknown[][] }> }>;
  error?: string;
}

async function influxCount(url: string, measurement: string): Promise<number> {
  const r = await httpJson<InfluxQueryResult>(
    'GET',
    `${url}/query?db=${INFLUX_DB}&epoch=ms&q=${encodeURIComponent(`SELECT count(*) FROM "${measurement}"`)}`,
  );
  const res = r.results[0];
  if (r.error || res?.error) throw new Error(`InfluxDB count: ${r.error ?? res?.error}`);
  const row = res?.series?.[0]?.values?.[0];
  if (!row) return 0;
  return row.slice(1).reduce<number>((a, v) => a + (typeof v === 'number' ? v : 0), 0);
}

export interface InfluxServer {
  url: string;
  dir: string;
  proc: ManagedProcess;
  version: string;
  /** Bytes (apparent) still in the WAL directory. */
  walBytes(): number;
  /** Bytes (apparent) in the TSM data directory. */
  dataBytes(): number;
  stop(): Promise<void>;
}

export interface InfluxStartOptions {
  logDir: string;
  keepData?: boolean;
  /** Process name (names its log file in `logDir`). */
  name?: string;
  /** Prefix of the temp directory holding meta/data/wal. */
  dirPrefix?: string;
  /** Lift the query limits (coordinator timeouts/maxima, HTTP max-row-limit): for the query benchmark. */
  unlimitedQueries?: boolean;
  /** SIGTERM grace when start-up fails (ping or CREATE DATABASE). */
  failGraceMs?: number;
}

/**
 * Start influxd with a generated config (temp dirs, free ports, reporting off, short cold
 * durations), wait for /ping and create the database `INFLUX_DB`.
 */
export async function startInflux(o: InfluxStartOptions): Promise<InfluxServer> {
  const bin = ensureDebianBinary('influxd', 'influxdb');
  const dir = tempDir(o.dirPrefix ?? 'influx');
  const port = await freePort();
  let rpcPort = await freePort();
  while (rpcPort === port) rpcPort = await freePort();
  for (const d of ['meta', 'data', 'wal']) mkdirSync(join(dir, d));
  const conf = join(dir, 'influxdb.conf');
  const coordinator = o.unlimitedQueries
    ? `
[coordinator]
  query-timeout = "0s"
  max-select-point = 0
  max-select-series = 0
  max-select-buckets = 0
`
    : '';
  const maxRowLimit = o.unlimitedQueries ? '\n  max-row-limit = 0' : '';
  writeFileSync(
    conf,
    `reporting-enabled = false
bind-address = "127.0.0.1:${rpcPort}"

[meta]
  dir = "${join(dir, 'meta')}"
  logging-enabled = false

[data]
  dir = "${join(dir, 'data')}"
  wal-dir = "${join(dir, 'wal')}"
  query-log-enabled = false
  cache-snapshot-write-cold-duration = "5s"
  compact-full-write-cold-duration = "10s"
  max-values-per-tag = 0
${coordinator}
[retention]
  enabled = false

[shard-precreation]
  enabled = false

[monitor]
  store-enabled = false

[http]
  enabled = true
  bind-address = "127.0.0.1:${port}"
  log-enabled = false${maxRowLimit}

[logging]
  level = "warn"

[continuous_queries]
  enabled = false
`,
  );
  const proc = startProcess(o.name ?? 'influxd', bin, ['run', '-config', conf], { logDir: o.logDir });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/ping`, { proc, timeoutMs: 30_000, accept: [204] });
    const c = await httpRequest('POST', `${url}/query?q=${encodeURIComponent(`CREATE DATABASE ${INFLUX_DB}`)}`, '');
    if (c.status !== 200) throw new Error(`CREATE DATABASE: HTTP ${c.status}: ${c.body.toString('utf8')}`);
  } catch (e) {
    await proc.stop(o.failGraceMs ?? 3_000);
    if (!o.keepData) removeDir(dir);
    throw e;
  }
  return {
    url,
    dir,
    proc,
    version: debianVersion('influxdb'),
    walBytes: () => diskUsage(join(dir, 'wal')).apparent,
    dataBytes: () => diskUsage(join(dir, 'data')).apparent,
    async stop() {
      await proc.stop(20_000);
      if (!o.keepData) removeDir(dir);
    },
  };
}

export async function runInflux(data: CpuData, opts: InfluxOptions): Promise<IngestResult> {
  const server = await startInflux({ logDir: opts.logDir, keepData: opts.keepData, name: 'influxd', dirPrefix: 'influx', failGraceMs: 20_000 });
  const { url, dir, proc } = server;
  const notes: string[] = [];
  try {
    const t0 = performance.now();
    const ackedSeconds = await postBatches(`${url}/write?db=${INFLUX_DB}&precision=ns`, data, opts.workers ?? 2);
    let seen = 0;
    await waitFor(
      'InfluxDB to answer with every value',
      async () => {
        seen = await influxCount(url, data.measurement);
        return seen >= data.values ? seen : undefined;
      },
      (opts.queryableTimeoutS ?? 300) * 1000,
      100,
    ).catch((e: Error) => {
      throw new Error(`${e.message}; last count ${seen} of ${data.values} values`);
    });
    const queryableSeconds = (performance.now() - t0) / 1000;
    const memAfterIngest = treeMemory(proc.pid);

    // Wait for the cache snapshot and full compaction (cold after 5 s / 10 s) to settle.
    const deadline = Date.now() + (opts.compactionTimeoutS ?? 120) * 1000;
    const started = Date.now();
    let last = -1;
    let stable = 0;
    let disk = diskUsage(dir);
    while (Date.now() < deadline) {
      await sleep(2_000);
      disk = diskUsage(dir);
      const wal = diskUsage(join(dir, 'wal')).apparent;
      stable = disk.allocated === last ? stable + 1 : 0;
      last = disk.allocated;
      if (Date.now() - started > 20_000 && stable >= 3 && wal < 1_000_000) break;
    }
    notes.push(`du after ${((Date.now() - started) / 1000).toFixed(0)} s of compaction: ${disk.allocated} bytes (${disk.apparent} apparent)`);
    const mem = treeMemory(proc.pid);
    return {
      system: 'InfluxDB',
      version: debianVersion('influxdb'),
      rows: data.rows,
      values: data.values,
      ackedSeconds,
      ackedRowsPerSec: data.rows / ackedSeconds,
      queryableSeconds,
      queryableRowsPerSec: data.rows / queryableSeconds,
      valuesVerified: seen,
      peakRssBytes: mem.peakBytes,
      rssAfterBytes: memAfterIngest.rssBytes,
      diskBytes: disk.allocated,
      diskBytesPerValue: disk.allocated / data.values,
      notes,
    };
  } finally {
    await server.stop();
  }
}
