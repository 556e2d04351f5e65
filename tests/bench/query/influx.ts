// InfluxDB 1.x server for the query benchmark: the same generated config as the ingest
// peer (peers/influx.ts: temp dirs, free ports, reporting off, short cold durations so the
// cache is snapshotted into TSM files soon after the load), but kept running so queries can
// be sent to it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
import { debianVersion } from '../peers/victoria.ts';

export const INFLUX_DB = 'bench';

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

export async function startInflux(logDir: string, keepData = false): Promise<InfluxServer> {
  const bin = ensureDebianBinary('influxd', 'influxdb');
  const dir = tempDir('influx-q');
  const port = await freePort();
  let rpcPort = await freePort();
  while (rpcPort === port) rpcPort = await freePort();
  for (const d of ['meta', 'data', 'wal']) mkdirSync(join(dir, d));
  const conf = join(dir, 'influxdb.conf');
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

[coordinator]
  query-timeout = "0s"
  max-select-point = 0
  max-select-series = 0
  max-select-buckets = 0

[retention]
  enabled = false

[shard-precreation]
  enabled = false

[monitor]
  store-enabled = false

[http]
  enabled = true
  bind-address = "127.0.0.1:${port}"
  log-enabled = false
  max-row-limit = 0

[logging]
  level = "warn"

[continuous_queries]
  enabled = false
`,
  );
  const proc = startProcess('influxd-query', bin, ['run', '-config', conf], { logDir });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/ping`, { proc, timeoutMs: 30_000, accept: [204] });
    const c = await httpRequest('POST', `${url}/query?q=${encodeURIComponent(`CREATE DATABASE ${INFLUX_DB}`)}`, '');
    if (c.status !== 200) throw new Error(`CREATE DATABASE: HTTP ${c.status}: ${c.body.toString('utf8')}`);
  } catch (e) {
    await proc.stop(3_000);
    if (!keepData) removeDir(dir);
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
      if (!keepData) removeDir(dir);
    },
  };
}
