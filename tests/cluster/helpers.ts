// Shared by the cluster tests: consecutive free HTTP ports, SQL and line-protocol writes over HTTP, waiting on route changes and procedures.
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { Buckets, KvKeys, RegionOps, Subjects } from '../../core/index.ts';
import { RouteTable, peerIdOf, type ProcedureRecord } from '../../actors/meta/index.ts';
import { LocalCluster, DEFAULT_ROLES } from '../../actors/tools/cluster.ts';
import { freePortRun } from '../../actors/tools/ports.ts';
import { tempDir } from '../harness/index.ts';
import { afterAll, beforeAll } from 'vitest';

/** A 3-node cluster (real nats-servers and node processes), a NATS client on it and a live copy of its routes. */
export interface TestCluster {
  cluster: LocalCluster;
  /** HTTP port of node 0 (node i serves on base + i). */
  base: number;
  nc: NatsConnection;
  kvm: Kvm;
  routes: RouteTable;
}

/** `roles`: each node's (default: DEFAULT_ROLES); `spare`: free HTTP ports kept after the three for nodes added later. */
export async function startTestCluster(data: string, log: { push(line: string): unknown }, nodeArgs: string[], opts: { roles?: string[]; spare?: number } = {}): Promise<TestCluster> {
  const base = await freePortRun(3 + (opts.spare ?? 0));
  const cluster = new LocalCluster({ nodes: 3, data, httpPort: base, roles: opts.roles ?? DEFAULT_ROLES, nodeArgs, log: (m) => log.push(m) });
  // a start-up that fails leaves no nats-server or node behind (the test's afterAll has no cluster to stop)
  await cluster.start().catch(async (e: unknown) => { await cluster.stop().catch(() => undefined); throw e; });
  const nc = await connect({ servers: cluster.manifest.nats.map((n) => n.url), maxReconnectAttempts: -1 });
  const kvm = new Kvm(jetstream(nc));
  const routes = new RouteTable(await kvm.open(Buckets.routes));
  await routes.start();
  return { cluster, base, nc, kvm, routes };
}

/** Stops the cluster; a node a test paused (SIGSTOP) and left paused is resumed first, so that it can stop. */
export async function stopTestCluster(t: TestCluster | undefined): Promise<void> {
  for (const n of t?.cluster.manifest.nodes ?? []) {
    try {
      process.kill(n.pid, 'SIGCONT');
    } catch {
      /* exited */
    }
  }
  await t?.routes.stop();
  await t?.nc.close();
  await t?.cluster.stop();
}

/**
 * A test cluster shared by a file's tests (`--storage nats --rebalance off` and `nodeArgs`): started before them in a
 * temp directory, stopped and removed after; `url(i)` is node i's HTTP address.
 */
export function clusterPerFile(prefix: string, log: { push(line: string): unknown }, nodeArgs: string[] = []): { readonly tc: TestCluster; url(i: number): string } {
  const dir = tempDir(prefix);
  let tc: TestCluster | undefined;
  beforeAll(async () => {
    tc = await startTestCluster(dir.path, log, ['--storage', 'nats', '--rebalance', 'off', ...nodeArgs]);
  }, 120_000);
  afterAll(async () => {
    await stopTestCluster(tc);
    dir.cleanup();
  }, 120_000);
  return { get tc() { return tc!; }, url: (i) => `http://127.0.0.1:${tc!.base + i}` };
}

/**
 * A bare 3-server NATS cluster (JetStream, no EddyDB node) shared by a file's tests, started before them, stopped and
 * removed after: `conns[i]` is a client on server i (`eddy-nats-<i>`).
 */
export function natsClusterPerFile(prefix: string): { readonly conns: NatsConnection[] } {
  const dir = tempDir(prefix);
  const cluster = new LocalCluster({ nodes: 3, data: dir.path, httpPort: 1, roles: ['datanode'], log: () => undefined });
  const conns: NatsConnection[] = [];
  beforeAll(async () => {
    for (const n of await cluster.startNats()) conns.push(await connect({ servers: n.url }));
  }, 60_000);
  afterAll(async () => {
    for (const c of conns) await c.close();
    await cluster.stop();
    dir.cleanup();
  }, 60_000);
  return { conns };
}

export interface SqlReply {
  status: number;
  body: { output?: { records?: { rows: unknown[][] }; affectedrows?: number }[]; error?: string };
}

export async function sql(url: string, q: string): Promise<SqlReply> {
  const r = await fetch(`${url}/v1/sql?db=public`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ sql: q }) });
  return { status: r.status, body: (await r.json()) as SqlReply['body'] };
}

/** `ADMIN migrate_region` through a frontend; the procedure id. */
export async function migrateRegion(url: string, id: string, from: string, to: string, timeoutSecs?: number): Promise<string> {
  const r = await sql(url, `ADMIN migrate_region(${id}, ${peerIdOf(from)}, ${peerIdOf(to)}${timeoutSecs ? `, ${timeoutSecs}` : ''})`);
  if (r.status !== 200) throw new Error(`migrate_region(${id}, ${from} -> ${to}): HTTP ${r.status} ${JSON.stringify(r.body)}`);
  return String(r.body.output![0]!.records!.rows[0]![0]);
}

/** Resolves with the first value of a JSON KV key that `ok` accepts (a KV watch: the current value, then updates). */
export async function untilKey<T>(kv: KV, key: string, ok: (v: T) => boolean, what: string, timeoutMs = 40_000): Promise<T> {
  const w = await kv.watch({ key });
  const timer = setTimeout(() => w.stop(), timeoutMs);
  try {
    for await (const e of w) {
      if (e.operation !== 'PUT' || !e.value.length) continue;
      const v = JSON.parse(new TextDecoder().decode(e.value)) as T;
      if (ok(v)) return v;
    }
    throw new Error(`timed out waiting for ${what}`);
  } finally {
    clearTimeout(timer);
    w.stop();
  }
}

/** Rows of a query that must succeed. */
export async function rows(url: string, q: string): Promise<unknown[][]> {
  const r = await sql(url, q);
  if (r.status !== 200) throw new Error(`${q}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.output![0]!.records!.rows;
}

/** Line protocol with millisecond timestamps, through the InfluxDB endpoint. */
export async function writeLines(url: string, lines: string[]): Promise<{ status: number; text: string }> {
  const r = await fetch(`${url}/v1/influxdb/write?db=public&precision=ms`, { method: 'POST', body: lines.join('\n') });
  return { status: r.status, text: await r.text() };
}

/** Resolves once `ok()` holds, re-checking on every route change; fails after the deadline. */
export function untilRoutes(routes: RouteTable, ok: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (ok()) return resolve();
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out waiting for ${what}`));
    }, timeoutMs);
    const off = routes.onChange(() => {
      if (!ok()) return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}

/**
 * Writes batches (one row per host, a fresh millisecond each) through a frontend until stopped, counting what was
 * acknowledged; `acked(n)` resolves once n batches are in. Every batch is sent only after the previous one answered.
 */
export class Writer {
  batches = 0;
  readonly failures: string[] = [];
  maxLatencyMs = 0;
  /** Batches that took over a second: when they were sent (ISO time) and how long they took. */
  readonly slow: string[] = [];
  private stopped = false;
  private readonly waiters: { n: number; resolve: () => void }[] = [];
  private loop: Promise<void> | null = null;

  constructor(private readonly url: string, private readonly table: string, private readonly hosts: string[], private ts: number) {}

  start(): this {
    this.loop = (async () => {
      while (!this.stopped) {
        const t = this.ts++;
        const t0 = performance.now();
        const r = await writeLines(this.url, this.hosts.map((h) => `${this.table},host=${h} usage=${t % 100} ${t}`)).catch((e: Error) => ({ status: 0, text: e.message }));
        const ms = performance.now() - t0;
        this.maxLatencyMs = Math.max(this.maxLatencyMs, ms);
        if (ms > 1000) this.slow.push(`${new Date(Date.now() - ms).toISOString().slice(11, 23)} ${Math.round(ms)} ms`);
        if (r.status !== 204) {
          this.failures.push(`${r.status} ${r.text}`);
          continue;
        }
        this.batches++;
        for (const w of this.waiters.filter((x) => x.n <= this.batches)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve();
        }
      }
    })();
    return this;
  }

  acked(n: number, timeoutMs = 40_000): Promise<void> {
    if (this.batches >= n) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${this.batches} of ${n} batches acknowledged in ${timeoutMs} ms; failures: ${this.failures.join('; ')}`)), timeoutMs);
      this.waiters.push({ n, resolve: () => { clearTimeout(timer); resolve(); } });
    });
  }

  get rows(): number {
    return this.batches * this.hosts.length;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }
}

/** Resolves with a procedure's record once it ended (a KV watch on its key), or once `until` holds for it. */
export async function untilProcedure(kv: KV, id: string, until: (r: ProcedureRecord) => boolean = (r) => r.status === 'Done' || r.status === 'Failed', timeoutMs = 60_000): Promise<ProcedureRecord> {
  const w = await kv.watch({ key: KvKeys.procedure(id) });
  const timer = setTimeout(() => w.stop(), timeoutMs);
  let last: ProcedureRecord | null = null;
  try {
    for await (const e of w) {
      if (e.operation !== 'PUT' || !e.value.length) continue;
      last = JSON.parse(new TextDecoder().decode(e.value)) as ProcedureRecord;
      if (until(last)) return last;
    }
    throw new Error(`procedure ${id} did not get there within ${timeoutMs} ms (last: ${last?.state} ${last?.status} ${last?.error ?? ''})`);
  } finally {
    clearTimeout(timer);
    w.stop();
  }
}

/** The cluster's log lines, and a wait for a line matching a pattern (told by each new line, no polling). */
export class LogLines {
  readonly lines: string[] = [];
  private readonly waiters: { re: RegExp; resolve: (l: string) => void }[] = [];

  push(line: string): number {
    if (process.env.EDDY_CLUSTER_LOG) process.stderr.write(`${new Date().toISOString().slice(11, 23)} ${line}\n`);
    this.lines.push(line);
    for (const w of this.waiters.filter((x) => x.re.test(line))) {
      this.waiters.splice(this.waiters.indexOf(w), 1);
      w.resolve(line);
    }
    return this.lines.length;
  }

  until(re: RegExp, timeoutMs = 30_000): Promise<string> {
    const seen = this.lines.find((l) => re.test(l));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no log line matching ${re} within ${timeoutMs} ms; last lines:\n${this.lines.slice(-30).join('\n')}`)), timeoutMs);
      this.waiters.push({ re, resolve: (l) => { clearTimeout(timer); resolve(l); } });
    });
  }
}

/** How many processes answer a region's stats subject (a region is served by exactly one). */
export async function responders(nc: NatsConnection, regionId: string): Promise<number> {
  let n = 0;
  const it = await nc.requestMany(Subjects.region(regionId, RegionOps.stats), '', { maxWait: 400 });
  for await (const m of it) if (m.data.length) n++;
  return n;
}
