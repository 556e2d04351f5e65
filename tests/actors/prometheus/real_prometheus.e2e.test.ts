// A real client: Debian's Prometheus (2.42) scrapes itself and EddyDB's /metrics, remote-writes to EddyDB, and reads
// EddyDB's data back through remote_read. Waits on events (Prometheus's ready log line, EddyDB's commits on its
// eddy.changes subjects), never on sleeps.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snappyEncode } from '../../../core/codec/prometheus/snappy.ts';
import { encodeWriteRequest } from '../../../core/proto/prometheus_remote.ts';
import { Subjects } from '../../../core/subjects.ts';
import { freePort, startNode, tempDir } from '../../harness/index.ts';
import { followChanges } from '../../../actors/runtime/interest.ts';

const PROMETHEUS = '/usr/bin/prometheus';

async function getJson(url: string): Promise<any> {
  try {
    const r = await fetch(url);
    return await r.json();
  } catch {
    return null;
  }
}


describe('real Prometheus 2.42 against EddyDB', () => {
  const dir = tempDir();
  const promDir = tempDir('eddy-prom-');
  let node: Awaited<ReturnType<typeof startNode>>;
  let prom: ChildProcess;
  let promUrl: string;
  const promLog: string[] = [];
  const T = Date.now();

  /**
   * check()'s first truthy answer: asked once now, then again each time EddyDB commits a batch to a table of `public`
   * (its eddy.changes subject, followed for the whole database), so it waits on writes arriving, not on a timer. The
   * deadline only bounds a failure.
   */
  async function onCommits<V>(check: () => Promise<V | null | undefined | false>, what: string, timeoutMs = 40_000): Promise<V> {
    const sub = node.nc.subscribe(Subjects.changes('public', 'any').replace(/[^.]+$/, '*'));
    const follow = await followChanges(node.nc, 'public');
    const deadline = setTimeout(() => sub.unsubscribe(), timeoutMs);
    try {
      const now = await check();
      if (now) return now;
      for await (const _ of sub) {
        const v = await check();
        if (v) return v;
      }
      throw new Error(`timed out waiting for ${what}`);
    } finally {
      clearTimeout(deadline);
      follow.stop();
      sub.unsubscribe();
    }
  }

  beforeAll(async () => {
    if (!existsSync(PROMETHEUS)) throw new Error(`${PROMETHEUS} is missing: run bash deploy/setup.sh --test (installs Debian's prometheus)`);
    node = await startNode({ data: dir.path });
    const eddy = node.url.replace('http://', '');
    const port = await freePort();
    promUrl = `http://127.0.0.1:${port}`;
    // Only a few metrics are forwarded (write_relabel_configs) so the test stays small: each metric is a table.
    writeFileSync(join(promDir.path, 'prometheus.yml'), `
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: prometheus
    static_configs: [{ targets: ['127.0.0.1:${port}'] }]
  - job_name: eddydb
    static_configs: [{ targets: ['${eddy}'] }]
remote_write:
  - url: http://${eddy}/v1/prometheus/write?db=public
    queue_config: { batch_send_deadline: 500ms, min_backoff: 100ms, max_backoff: 1s }
    write_relabel_configs:
      - source_labels: [__name__]
        regex: 'up|scrape_samples_scraped|prometheus_build_info|eddy_.*'
        action: keep
remote_read:
  - url: http://${eddy}/v1/prometheus/read?db=public
    read_recent: true
`);
    prom = spawn(PROMETHEUS, [
      `--config.file=${join(promDir.path, 'prometheus.yml')}`, `--storage.tsdb.path=${join(promDir.path, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`, '--log.level=info',
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    // Ready when it logs so (its own event), or failed when it exits first.
    await new Promise<void>((resolve, reject) => {
      const seen = (d: Buffer): void => {
        promLog.push(d.toString());
        if (promLog.join('').includes('Server is ready to receive web requests')) resolve();
      };
      prom.stdout!.on('data', seen);
      prom.stderr!.on('data', seen);
      prom.once('exit', (code) => reject(new Error(`prometheus exited (${code}) before it was ready: ${promLog.join('').slice(-800)}`)));
    });
    expect((await fetch(`${promUrl}/-/ready`)).status).toBe(200);
  }, 60_000);

  afterAll(async () => {
    if (prom && prom.exitCode === null) {
      const exited = new Promise((r) => prom.once('exit', r));
      prom.kill('SIGTERM');
      await exited;
    }
    await node?.stop();
    dir.cleanup();
    promDir.cleanup();
  });

  it('remote-writes scraped samples: `up` of both targets answers through EddyDB\'s query API', async () => {
    const q = `${node.url}/v1/prometheus/api/v1/query?query=${encodeURIComponent('up')}`;
    const result = await onCommits(async () => {
      const j = await getJson(`${q}&time=${Date.now() / 1000}`);
      const r = j?.data?.result as { metric: Record<string, string>; value: [number, string] }[] | undefined;
      return r && r.length >= 2 ? r : null;
    }, `up for both targets in EddyDB (Prometheus log: ${promLog.join('').slice(-500)})`);
    const byJob = Object.fromEntries(result.map((r) => [r.metric.job, r.value[1]]));
    // 1 for both: EddyDB's /metrics parses as the Prometheus text format
    expect(byJob).toEqual({ prometheus: '1', eddydb: '1' });
    expect(result[0]!.metric.__name__).toBe('up');
    expect(result.every((r) => r.metric.instance)).toBe(true);
  }, 60_000);

  it('forwards EddyDB\'s own metrics (a table per metric, labels as tags)', async () => {
    const names = await onCommits(async () => {
      const j = await getJson(`${node.url}/v1/prometheus/api/v1/label/__name__/values`);
      const d = j?.data as string[] | undefined;
      return d && d.some((n) => n.startsWith('eddy_')) ? d : null;
    }, 'an eddy_ metric in EddyDB');
    expect(names).toContain('up');
    expect(names).toContain('scrape_samples_scraped');
  }, 60_000);

  it('Prometheus reads EddyDB\'s data through remote_read', async () => {
    // a metric only EddyDB has: written straight to EddyDB, then asked of Prometheus
    const body = snappyEncode(encodeWriteRequest([{ labels: [['__name__', 'only_in_eddy'], ['site', 'x']], t: [T], v: new Float64Array([42.5]) }]));
    const w = await fetch(`${node.url}/v1/prometheus/write?db=public`, { method: 'POST', body, headers: { 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'snappy' } });
    expect(w.status).toBe(204);
    const j = await getJson(`${promUrl}/api/v1/query?query=only_in_eddy&time=${(T + 1000) / 1000}`);
    expect(j.status).toBe('success');
    expect(j.data.result).toEqual([{ metric: { __name__: 'only_in_eddy', site: 'x' }, value: [(T + 1000) / 1000, '42.5'] }]);
    const r = await getJson(`${promUrl}/api/v1/query_range?query=only_in_eddy&start=${(T - 5000) / 1000}&end=${(T + 5000) / 1000}&step=5`);
    expect(r.data.result[0].values.map((v: [number, string]) => v[1])).toEqual(['42.5', '42.5']);
  }, 60_000);
});
