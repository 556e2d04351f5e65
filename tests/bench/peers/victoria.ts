// VictoriaMetrics (Debian package `victoria-metrics`, single-node binary
// /usr/bin/victoria-metrics) as an ingest peer: InfluxDB line protocol over HTTP /write.
import { spawnSync } from 'node:child_process';
import type { CpuData } from '../tsbs.ts';
import {
  diskUsage,
  ensureDebianBinary,
  freePort,
  httpJson,
  httpRequest,
  removeDir,
  startProcess,
  tempDir,
  treeCpuMs,
  treeMemory,
  peakSplitNote,
  waitFor,
  waitForHttp,
  type ManagedProcess,
} from '../util.ts';
import { postBatches, type IngestResult } from './common.ts';

export interface VictoriaOptions {
  workers?: number;
  logDir: string;
  keepData?: boolean;
  /** Max seconds to wait until all values are queryable. */
  queryableTimeoutS?: number;
}

export interface VictoriaServer {
  url: string;
  dataDir: string;
  proc: ManagedProcess;
  version: string;
  stop(): Promise<void>;
}

export function debianVersion(pkg: string): string {
  const r = spawnSync('dpkg-query', ['-W', '-f', '${Version}', pkg], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : 'unknown';
}

/** Start VictoriaMetrics on a free port with a temporary data dir and 100y retention. */
export async function startVictoria(logDir: string, keepData = false): Promise<VictoriaServer> {
  const bin = ensureDebianBinary('victoria-metrics', 'victoria-metrics');
  const port = await freePort();
  const dataDir = tempDir('victoria');
  const proc = startProcess(
    'victoria-metrics',
    bin,
    [
      `-httpListenAddr=127.0.0.1:${port}`,
      `-storageDataPath=${dataDir}`,
      '-retentionPeriod=100y',
      '-search.disableCache',
      '-loggerLevel=WARN',
    ],
    { logDir },
  );
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/health`, { proc, timeoutMs: 30_000 });
  } catch (e) {
    await proc.stop(2_000);
    removeDir(dataDir);
    throw e;
  }
  return {
    url,
    dataDir,
    proc,
    version: debianVersion('victoria-metrics'),
    async stop() {
      await proc.stop(20_000);
      if (!keepData) removeDir(dataDir);
    },
  };
}

/** Total number of samples of the data set that VictoriaMetrics can answer queries with. */
export async function victoriaCount(url: string, data: CpuData): Promise<number> {
  const rangeS = Math.ceil((data.endMs - data.startMs) / 1000) + Math.ceil(data.intervalMs / 1000);
  const q = `sum(count_over_time({__name__=~"${data.measurement}_usage_.+"}[${rangeS}s]))`;
  const time = (data.endMs + 500) / 1000;
  const r = await httpJson<{ status: string; data: { result: Array<{ value: [number, string] }> } }>(
    'GET',
    `${url}/api/v1/query?query=${encodeURIComponent(q)}&time=${time}&nocache=1`,
  );
  const v = r.data.result[0]?.value[1];
  return v === undefined ? 0 : Number(v);
}

/** Forces buffered rows into searchable parts until VictoriaMetrics answers with every value; returns its count. */
export async function victoriaQueryable(url: string, data: CpuData, timeoutMs: number, everyMs: number): Promise<number> {
  let seen = 0;
  await waitFor(
    'VictoriaMetrics to answer with every value',
    async () => {
      await httpRequest('GET', `${url}/internal/force_flush`);
      seen = await victoriaCount(url, data);
      return seen >= data.values ? seen : undefined;
    },
    timeoutMs,
    everyMs,
  ).catch((e: Error) => {
    throw new Error(`${e.message}; last count ${seen} of ${data.values} values`);
  });
  return seen;
}

/**
 * Merges every partition. /internal/force_merge only starts the merge in the background, so this waits for it to
 * show in vm_active_force_merges (a short merge may come and go between two looks: bounded) and then to end.
 */
export async function victoriaForceMerge(url: string): Promise<void> {
  await httpRequest('GET', `${url}/internal/force_merge`);
  await waitFor('a force merge to start', async () => ((await victoriaMetric(url, 'vm_active_force_merges')) > 0 ? true : undefined), 2_000, 20).catch(() => undefined);
  await waitFor('the force merge to end', async () => ((await victoriaMetric(url, 'vm_active_force_merges')) === 0 ? true : undefined), 300_000, 200);
}

/** Sum of every sample of metric `name` on VictoriaMetrics' /metrics page. */
export async function victoriaMetric(url: string, name: string): Promise<number> {
  const r = await httpRequest('GET', `${url}/metrics`);
  let sum = 0;
  for (const line of r.body.toString('utf8').split('\n')) {
    if (line.startsWith(name + ' ') || line.startsWith(name + '{')) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

export async function runVictoria(data: CpuData, opts: VictoriaOptions): Promise<IngestResult> {
  const workers = opts.workers ?? 2;
  const server = await startVictoria(opts.logDir, opts.keepData);
  const notes: string[] = [];
  try {
    const { url } = server;
    const cpu0 = treeCpuMs(server.proc.pid);
    const t0 = performance.now();
    const ackedSeconds = await postBatches(`${url}/write`, data, workers);

    // Until queryable: force the in-memory buffers into searchable parts and count.
    const seen = await victoriaQueryable(url, data, (opts.queryableTimeoutS ?? 300) * 1000, 100);
    const queryableSeconds = (performance.now() - t0) / 1000;
    const cpuSeconds = (treeCpuMs(server.proc.pid) - cpu0) / 1000;
    const memAfterIngest = treeMemory(server.proc.pid);

    // Bytes on disk after a forced merge of every partition.
    await victoriaForceMerge(url);
    await httpRequest('GET', `${url}/internal/force_flush`);
    const disk = diskUsage(server.dataDir);
    const vmDataSize = await victoriaMetric(url, 'vm_data_size_bytes');
    notes.push(`vm_data_size_bytes=${vmDataSize} (${(vmDataSize / data.values).toFixed(3)} B/value); du=${disk.allocated}`);
    const verify = await victoriaCount(url, data);
    if (verify !== data.values) notes.push(`after merge VictoriaMetrics counts ${verify} values, expected ${data.values}`);
    const mem = treeMemory(server.proc.pid);
    notes.push(peakSplitNote(memAfterIngest, mem, 'force merge'));

    return {
      system: 'VictoriaMetrics',
      version: server.version,
      rows: data.rows,
      values: data.values,
      ackedSeconds,
      ackedRowsPerSec: data.rows / ackedSeconds,
      queryableSeconds,
      queryableRowsPerSec: data.rows / queryableSeconds,
      cpuSeconds,
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
