// Cluster benchmark: TSBS cpu ingest and query latency on one node vs the 3-node local cluster, and how long a
// region is unavailable while it reopens on another datanode.
//
//   npm run bench -- cluster [--rows 300000] [--batch 5000] [--inflight 8] [--runs 5] [--warmup 1] [--seed 42]
//                            [--configs 1x1,1x3,3x3] [--no-failover] [--keep-data] [--out .bench/cluster.json]
//
// Configurations (nodes x regions of the cpu table, created with SQL before the load):
//   1x1  one standalone node, one region            (the baseline)
//   1x3  one standalone node, PARTITION ON COLUMNS (hostname) into 3 regions
//   3x3  `eddy cluster` (3 clustered nats-servers, 3 nodes, every node datanode+frontend), 3 regions spread over them,
//        --storage nats so a region reopens anywhere
// Ingest: request-reply on eddy.write.public (3x3: one NATS connection per server, lanes round-robin, so every
// frontend takes a share), acked rows/s and rows/s until /v1/stats counts every row. Then flush, then the TSBS query
// set through node 0's /v1/sql (median of the timed runs; answers are checked equal across configurations).
// Failover (3x3): writes of one row per region through a node that stays up, one after another, while a datanode
// is stopped with SIGTERM (flush, leave) and then another with SIGKILL (heartbeat expiry); unavailability is the
// longest gap between acknowledged writes.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { Buckets, KvKeys, Subjects, regionIdOf } from '../../core/index.ts';
import { RouteTable } from '../../actors/meta/index.ts';
import { LocalCluster, DEFAULT_ROLES } from '../../actors/tools/cluster.ts';
import { CPU_FIELDS, CPU_TAGS, generateCpu, type CpuData } from './tsbs.ts';
import { eddyFlush, eddyRowCount, startEddy } from './eddy.ts';
import { dataRange, makeParams, QUERY_TYPES } from './query/queries.ts';
import { eddySql } from './query/systems.ts';
import { evenOut, migrations } from './cluster_moves.ts';
import { keyCost, type KeysFigures } from './cluster_keys.ts';
import { loadavg } from 'node:os';
import { fmtNum, freePort, httpRequest, median, table, tempDir, threadCpuMs, treeCpuByProcess, treeCpuMs, waitFor, type BenchOptions } from './util.ts';

const HELP = `npm run bench -- cluster [flags]   (each flag also as env BENCH_<FLAG>)
  --rows N        rows to load (default 300000; 1000 hosts)
  --batch N       rows per write request (default 5000)
  --inflight K    write requests in flight (default 8)
  --runs N        timed runs per query type (default 5)   --warmup N   untimed runs first (default 1)
  --seed N        RNG seed of the query parameters (default 42)
  --configs LIST  nodes x regions to run (default 1x1,1x3,3x3)
  --no-failover   skip the region unavailability measurement
  --no-queries    ingest only (no TSBS queries)
  --moves N       migrations under ingest for the unavailability figures (default 20; 0 skips them and the rebalancer)
  --keys N        WAL-like appends per round to measure what a message id costs (default 20000; 0 skips it)
  --local-writes  3x3: each connection writes to eddy.write_at.<its server>.public (a frontend on its own server)
  --node-args="S" extra \`eddy start\` flags for the 3x3 nodes (e.g. "--parse-workers 1", an A side without a launcher default)
  --only-cluster  skip ingest and queries: migrations, rebalancer and failover only (3x3)
  --keep-data     keep temp data dirs    --out FILE   JSON output (default .bench/cluster.json)`;

const SPLITS = ["hostname < 'host_4'", "hostname >= 'host_4' AND hostname < 'host_7'", "hostname >= 'host_7'"];

function createSql(regions: number): string {
  const cols = [...CPU_TAGS.map((t) => `${t} STRING`), ...CPU_FIELDS.map((f) => `${f} DOUBLE`), 'ts TIMESTAMP(9) TIME INDEX'];
  const part = regions > 1 ? ` PARTITION ON COLUMNS (hostname) (${SPLITS.join(', ')})` : '';
  return `CREATE TABLE cpu (${cols.join(', ')}, PRIMARY KEY (${CPU_TAGS.join(', ')}))${part}`;
}

async function sqlOk(url: string, q: string): Promise<unknown> {
  const r = await httpRequest('POST', `${url}/v1/sql?db=public`, `sql=${encodeURIComponent(q)}`, { 'content-type': 'application/x-www-form-urlencoded' });
  if (r.status !== 200) throw new Error(`${q.slice(0, 80)}: HTTP ${r.status} ${r.body.toString('utf8').slice(0, 300)}`);
  return JSON.parse(r.body.toString('utf8'));
}

interface Target {
  name: string;
  /** HTTP of the node queries go to. */
  url: string;
  /** Write connections (one per NATS server in a cluster). */
  ncs: NatsConnection[];
  /** The subject the write requests of connection k go to (default eddy.write.public). */
  writeSubject?(k: number): string;
  /** CPU time (ms) the servers have used so far: the nodes, their threads and children, and the nats-servers. */
  cpuMs(): number;
  /** The same, split by process name (node, nats-server). */
  cpuByName(): Map<string, number>;
  /** Bytes the nats-servers have sent so far: to clients, and to each other over routes (0 with one server). */
  natsBytes?(): Promise<{ clients: number; routes: number }>;
  /** The EddyDB node processes (their threads are read apart: main, parse worker, V8's helpers). */
  nodePids(): number[];
  stop(): Promise<void>;
}

interface Ingested { ackedRps: number; queryableRps: number; flushS: number; cpuS: number; cpuSplit: string; threads: string; clientCpuS: number; load: number[]; natsBytesPerRow?: { clients: number; routes: number } }

/** Bytes the nats-servers behind these monitoring ports have sent: to clients and over routes. */
async function natsBytesOf(monitors: number[]): Promise<{ clients: number; routes: number }> {
  let clients = 0, routes = 0;
  for (const port of monitors) {
    const varz = JSON.parse((await httpRequest('GET', `http://127.0.0.1:${port}/varz`, undefined, {}, 10_000)).body.toString('utf8')) as { out_bytes: number };
    const routez = JSON.parse((await httpRequest('GET', `http://127.0.0.1:${port}/routez`, undefined, {}, 10_000)).body.toString('utf8')) as { routes?: { out_bytes: number }[] };
    const r = (routez.routes ?? []).reduce((a, x) => a + x.out_bytes, 0);
    routes += r;
    clients += varz.out_bytes - r;
  }
  return { clients, routes };
}

/** CPU ms per process name of the process trees rooted at `pids`. */
function cpuByName(pids: number[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const pid of pids) for (const { name, ms } of treeCpuByProcess(pid).values()) out.set(name, (out.get(name) ?? 0) + ms);
  return out;
}

async function ingest(t: Target, data: CpuData, inflight: number): Promise<Ingested> {
  let next = 0;
  const cpu0 = t.cpuMs();
  const split0 = t.cpuByName();
  const nats0 = await t.natsBytes?.();
  const threads0 = t.nodePids().map((p) => threadCpuMs(p));
  const client0 = process.cpuUsage();
  const t0 = performance.now();
  const lane = async (k: number): Promise<void> => {
    const nc = t.ncs[k % t.ncs.length]!;
    const subject = t.writeSubject?.(k % t.ncs.length) ?? Subjects.write('public');
    for (;;) {
      const i = next++;
      if (i >= data.batches.length) return;
      const m = await nc.request(subject, data.batches[i], { timeout: 120_000 });
      const reply = JSON.parse(m.string()) as { ok?: boolean; rows?: number; error?: { message?: string } };
      if (!reply.ok) throw new Error(`batch ${i}: ${reply.error?.message ?? m.string().slice(0, 200)}`);
    }
  };
  await Promise.all(Array.from({ length: inflight }, (_, k) => lane(k)));
  const acked = (performance.now() - t0) / 1000;
  process.stdout.write('acked ... ');
  await waitFor('every row queryable', async () => ((await eddyRowCount(t.url, 'public', 'cpu')) >= data.rows ? true : undefined), 300_000, 100);
  const queryable = (performance.now() - t0) / 1000;
  const cpuS = (t.cpuMs() - cpu0) / 1000;
  const nats1 = await t.natsBytes?.();
  const natsBytesPerRow = nats0 && nats1 ? { clients: (nats1.clients - nats0.clients) / data.rows, routes: (nats1.routes - nats0.routes) / data.rows } : undefined;
  const client = process.cpuUsage(client0);
  const threads = nodeThreads(t.nodePids(), threads0);
  const cpuSplit = [...t.cpuByName()].map(([name, ms]) => `${name} ${((ms - (split0.get(name) ?? 0)) / 1000).toFixed(1)} s`).join(', ');
  const load = loadavg();
  const tf = performance.now();
  await eddyFlush(t.url, 'public', 'cpu');
  return { ackedRps: data.rows / acked, queryableRps: data.rows / queryable, flushS: (performance.now() - tf) / 1000, cpuS, cpuSplit, threads, clientCpuS: (client.user + client.system) / 1e6, load, ...(natsBytesPerRow ? { natsBytesPerRow } : {}) };
}

/**
 * The node processes' threads between two readings, summed over the nodes: main threads, each node's busiest other
 * thread (its parse worker while ingesting), and the rest (V8's GC and compiler helpers, libuv's pool); and per node.
 */
function nodeThreads(pids: number[], before: Map<number, number>[]): string {
  let main = 0, busiest = 0, rest = 0;
  const per: string[] = [];
  pids.forEach((pid, i) => {
    const used = [...threadCpuMs(pid)].map(([tid, ms]) => [tid, ms - (before[i]?.get(tid) ?? 0)] as const);
    const m = used.find(([tid]) => tid === pid)?.[1] ?? 0;
    const others = used.filter(([tid]) => tid !== pid).map(([, ms]) => ms).sort((a, b) => b - a);
    main += m;
    busiest += others[0] ?? 0;
    rest += others.slice(1).reduce((a, b) => a + b, 0);
    per.push(((m + others.reduce((a, b) => a + b, 0)) / 1000).toFixed(1));
  });
  const s = (ms: number) => (ms / 1000).toFixed(1);
  return `nodes' main threads ${s(main)} s, busiest other thread ${s(busiest)} s, other threads ${s(rest)} s${pids.length > 1 ? ` (per node ${per.join(' / ')} s)` : ''}`;
}

/** Median latency per query type, and each answer's (rows, checksum) for the cross-check. */
async function queries(t: Target, data: CpuData, runs: number, warmup: number, seed: number): Promise<Map<string, { ms: number; answers: string[] }>> {
  const out = new Map<string, { ms: number; answers: string[] }>();
  const range = dataRange(data);
  for (const q of QUERY_TYPES) {
    const ps = makeParams(q, range, warmup + runs, seed);
    const times: number[] = [];
    const answers: string[] = [];
    for (let i = 0; i < ps.length; i++) {
      const t0 = performance.now();
      const r = await httpRequest('GET', `${t.url}/v1/sql?db=public&sql=${encodeURIComponent(eddySql(q, ps[i]!))}`, undefined, {}, 600_000);
      const ms = performance.now() - t0;
      if (r.status !== 200) throw new Error(`${q.name}: HTTP ${r.status} ${r.body.toString('utf8').slice(0, 300)}`);
      if (i < warmup) continue;
      times.push(ms);
      const rows = (JSON.parse(r.body.toString('utf8')) as { output: { records: { rows: unknown[][] } }[] }).output[0]!.records.rows;
      let sum = 0;
      for (const row of rows) for (const v of row) if (typeof v === 'number') sum += v;
      answers.push(`${rows.length}/${sum.toFixed(3)}`);
    }
    out.set(q.name, { ms: median(times), answers });
  }
  return out;
}

async function standalone(regions: number, logDir: string, keepData: boolean): Promise<Target> {
  const server = await startEddy({ logDir, name: `eddy-1x${regions}`, keepData });
  await sqlOk(server.httpUrl, createSql(regions));
  const nc = await connect({ servers: server.natsUrl, noEcho: true });
  return { name: `1 node, ${regions} region${regions > 1 ? 's' : ''}`, url: server.httpUrl, ncs: [nc], cpuMs: () => treeCpuMs(server.proc.pid), cpuByName: () => cpuByName([server.proc.pid]), nodePids: () => [server.proc.pid], async stop() { await nc.close(); await server.stop(); } };
}

async function consecutivePorts(n: number): Promise<number> {
  for (;;) {
    const p = await freePort();
    const ok = await Promise.all(Array.from({ length: n - 1 }, async (_, i) => {
      try {
        await httpRequest('GET', `http://127.0.0.1:${p + i + 1}/`, undefined, {}, 200);
        return false;
      } catch {
        return true;
      }
    }));
    if (p + n < 65536 && ok.every(Boolean)) return p;
  }
}

interface ClusterTarget extends Target {
  cluster: LocalCluster;
  routes: RouteTable;
  leader(): Promise<string | null>;
  http(i: number): string;
}

const isCluster = (t: Target): t is ClusterTarget => 'cluster' in t;

async function clustered(dataDir: string, extraArgs: string[], localWrites = false): Promise<ClusterTarget> {
  const base = await consecutivePorts(3);
  // the nodes' log lines go to cluster.log beside the data (a failed migration says why there)
  mkdirSync(dataDir, { recursive: true });
  const logFile = join(dataDir, '..', 'cluster.log');
  const cluster = new LocalCluster({ nodes: 3, data: dataDir, httpPort: base, roles: DEFAULT_ROLES, nodeArgs: ['--storage', 'nats', '--rebalance', 'off', ...extraArgs],
    // BENCH_EDDY_NODE_ARGS: Node flags for the servers (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"), as tests/bench/eddy.ts
    nodeFlags: (process.env.BENCH_EDDY_NODE_ARGS ?? '').split(' ').filter(Boolean),
    // BENCH_EDDY_BIN: another build's `eddy` script (main's, as the A side), as for the standalone node
    ...(process.env.BENCH_EDDY_BIN ? { bin: resolve(process.env.BENCH_EDDY_BIN) } : {}), log: (m) => appendFileSync(logFile, m + '\n') });
  await cluster.start();
  const http = (i: number) => `http://127.0.0.1:${base + i}`;
  await sqlOk(http(0), createSql(3));
  const ncs = await Promise.all(cluster.manifest.nats.map((s) => connect({ servers: s.url, noEcho: true })));
  const kvm = new Kvm(jetstream(ncs[0]!));
  const routes = new RouteTable(await kvm.open(Buckets.routes));
  await routes.start();
  const nodes = await kvm.open(Buckets.nodes);
  return {
    name: '3 nodes, 3 regions', url: http(0), ncs, cluster, routes, http,
    ...(localWrites ? { writeSubject: (k: number) => Subjects.writeAt(ncs[k]!.info!.server_name, 'public') } : {}),
    cpuMs: () => [...cluster.manifest.nats, ...cluster.manifest.nodes].reduce((a, p) => a + treeCpuMs(p.pid), 0),
    cpuByName: () => cpuByName([...cluster.manifest.nats, ...cluster.manifest.nodes].map((p) => p.pid)),
    natsBytes: () => natsBytesOf(cluster.manifest.nats.map((n) => n.monitorPort)),
    nodePids: () => cluster.manifest.nodes.map((n) => n.pid),
    async leader() {
      const e = await nodes.get(KvKeys.metaLease);
      return e && e.operation === 'PUT' && e.value.length ? (JSON.parse(e.string()) as { holder: string }).holder : null;
    },
    async stop() {
      await routes.stop();
      for (const nc of ncs) await nc.close();
      await cluster.stop();
    },
  };
}

/**
 * Writes one row per region (one after another) through `via` while `victim` is stopped with `signal`; returns the
 * longest gap between acknowledged writes once the victim is signalled, and the time until its regions are routed away.
 */
async function unavailability(t: ClusterTarget, via: number, victim: string, signal: NodeJS.Signals, tableId: number): Promise<{ gapMs: number; rerouteMs: number; writes: number }> {
  const hosts = ['host_1', 'host_5', 'host_8'];
  const ids = [0, 1, 2].map((n) => regionIdOf(tableId, n));
  let stop = false;
  let ts = Date.now() - 120_000;
  const acks: number[] = [];
  const loop = (async () => {
    while (!stop) {
      const t0 = ts++;
      const r = await httpRequest('POST', `${t.http(via)}/v1/influxdb/write?db=public&precision=ms`, hosts.map((h) => `cpu,hostname=${h} usage_user=1 ${t0}`).join('\n'), {}, 120_000);
      if (r.status !== 204) throw new Error(`write during failover: HTTP ${r.status} ${r.body.toString('utf8').slice(0, 300)}`);
      acks.push(performance.now());
    }
  })();
  await waitFor('writes flowing', async () => (acks.length >= 20 ? true : undefined), 30_000, 10);
  const tk = performance.now();
  const exited = t.cluster.signalNode(victim, signal);
  await new Promise<void>((res, rej) => {
    const moved = () => ids.every((id) => { const r = t.routes.get(id); return r !== undefined && r.node !== victim; });
    if (moved()) return res();
    const timer = setTimeout(() => { off(); rej(new Error(`regions not routed away from ${victim} in 60 s`)); }, 60_000);
    const off = t.routes.onChange(() => { if (moved()) { clearTimeout(timer); off(); res(); } });
  });
  const rerouteMs = performance.now() - tk;
  const n = acks.length;
  await waitFor('writes after the move', async () => (acks.length >= n + 20 ? true : undefined), 60_000, 10);
  stop = true;
  await loop;
  await exited;
  let gap = 0;
  let prev = tk;
  for (const a of acks) {
    if (a < tk) continue;
    gap = Math.max(gap, a - prev);
    prev = a;
  }
  return { gapMs: gap, rerouteMs, writes: acks.length };
}

export async function run(opts: BenchOptions): Promise<unknown> {
  if (opts.bool('help')) {
    console.log(HELP);
    return undefined;
  }
  const rows = opts.num('rows', 300_000);
  const batch = opts.num('batch', 5_000);
  const inflight = opts.num('inflight', 8);
  const runs = Math.max(1, opts.num('runs', 5));
  const warmup = Math.max(0, opts.num('warmup', 1));
  const seed = opts.num('seed', 42);
  const keepData = opts.bool('keep-data');
  const configs = opts.str('configs', '1x1,1x3,3x3').split(',').filter(Boolean);
  const out = resolve(opts.str('out', '.bench/cluster.json'));
  const logDir = tempDir('cluster-logs');
  const data = generateCpu({ rows, batch, tags: CPU_TAGS });
  console.log(`data: ${fmtNum(data.rows)} rows, ${data.hosts} hosts, ${data.batches.length} batches of ${batch}; logs ${logDir}`);

  const results: ({ config: string; queries: Record<string, number> } & Ingested)[] = [];
  const answers = new Map<string, Map<string, string[]>>();
  let failover: Record<string, unknown> | null = null;
  let moved: Moved | null = null;
  let keys: KeysFigures | null = null;
  for (const c of configs) {
    const [nodes, regions] = c.split('x').map(Number);
    if (!((nodes === 1 && (regions === 1 || regions === 3)) || (nodes === 3 && regions === 3))) throw new Error(`--configs: ${c} is not one of 1x1, 1x3, 3x3`);
    const t: Target | ClusterTarget = nodes === 1 ? await standalone(regions!, logDir, keepData) : await clustered(join(logDir, 'cluster-data'), opts.str('node-args', '').split(' ').filter(Boolean), opts.bool('local-writes'));
    try {
      if (isCluster(t) && opts.bool('only-cluster')) {
        moved = await moveFigures(t, opts.num('moves', 20));
        keys = await keyFigures(t, opts.num('keys', 20_000));
        failover = await failoverFigures(t);
        continue;
      }
      process.stdout.write(`${t.name}: ingest ... `);
      const ing = await ingest(t, data, inflight);
      console.log(`${fmtNum(ing.ackedRps)} rows/s acked, ${fmtNum(ing.queryableRps)} rows/s queryable, server CPU ${ing.cpuS.toFixed(1)} s (${ing.cpuSplit}; ${ing.threads}), bench client ${ing.clientCpuS.toFixed(1)} s,${ing.natsBytesPerRow ? ` nats-servers sent ${fmtNum(ing.natsBytesPerRow.clients)} B/row to clients, ${fmtNum(ing.natsBytesPerRow.routes)} B/row over routes,` : ''} flush ${ing.flushS.toFixed(1)} s, load average ${ing.load.map((l) => l.toFixed(1)).join(' ')}`);
      let qs = new Map<string, { ms: number; answers: string[] }>();
      if (!opts.bool('no-queries')) {
        process.stdout.write(`${t.name}: queries ... `);
        qs = await queries(t, data, runs, warmup, seed);
        console.log('done');
      }
      answers.set(t.name, new Map([...qs].map(([k, v]) => [k, v.answers])));
      results.push({ config: t.name, ...ing, queries: Object.fromEntries([...qs].map(([k, v]) => [k, v.ms])) });
      if (isCluster(t) && opts.num('moves', 20) > 0) moved = await moveFigures(t, opts.num('moves', 20));
      if (isCluster(t)) keys = await keyFigures(t, opts.num('keys', 20_000));
      if (isCluster(t) && !opts.bool('no-failover')) failover = await failoverFigures(t);
    } finally {
      await t.stop();
    }
  }
  return report(results, answers, failover, moved, keys, out, { rows, batch, inflight, runs, warmup, seed });
}

async function tableIdOf(t: ClusterTarget): Promise<number> {
  const [[tableId]] = ((await sqlOk(t.url, "SELECT table_id FROM information_schema.tables WHERE table_name = 'cpu'")) as { output: { records: { rows: [[number]] } }[] }).output[0]!.records.rows;
  return tableId;
}

type Moved = { migrations: Awaited<ReturnType<typeof migrations>>; evenOut: Awaited<ReturnType<typeof evenOut>> };

async function moveFigures(t: ClusterTarget, n: number): Promise<Moved | null> {
  if (n <= 0) return null;
  const tableId = await tableIdOf(t);
  process.stdout.write(`${t.name}: ${n} migrations under ingest ... `);
  const m = await migrations(t, tableId, n);
  console.log(`write gap p50 ${fmtNum(m.p50)} ms, p99 ${fmtNum(m.p99)} ms, max ${fmtNum(m.max)} ms; procedure p50 ${fmtNum(m.procedureMs.p50)} ms; ${m.failed} failed`);
  process.stdout.write(`${t.name}: rebalancer evening out 3 regions from one node ... `);
  const e = await evenOut(t, tableId);
  console.log(`${fmtNum(e.ms)} ms, ${e.rounds} rounds, ${e.moves} moves; ingest ${fmtNum(e.steadyRowsPerSec)} rows/s steady, ${fmtNum(e.rebalancingRowsPerSec)} rows/s while rebalancing`);
  return { migrations: m, evenOut: e };
}

async function keyFigures(t: ClusterTarget, appends: number): Promise<KeysFigures | null> {
  if (appends <= 0) return null;
  process.stdout.write(`${t.name}: ${appends} WAL-like appends per round, without and with a message id ... `);
  const k = await keyCost({ ncs: t.ncs, monitors: t.cluster.manifest.nats.map((n) => n.monitorPort) }, appends);
  console.log(`${fmtNum(k.plainPerSec)} vs ${fmtNum(k.keyedPerSec)} appends/s; leader memory ${fmtNum(k.plainKiBPerK, 1)} vs ${fmtNum(k.keyedKiBPerK, 1)} KiB per 1,000 appends`);
  return k;
}

async function failoverFigures(t: ClusterTarget): Promise<Record<string, unknown>> {
  const tableId = await tableIdOf(t);
  // SIGTERM a datanode that is not the meta leader (clean: flush, leave), writing through the leader's node.
  const leader = (await t.leader()) ?? 'eddy-0';
  const li = Number(leader.slice(-1));
  const termVictim = ['eddy-0', 'eddy-1', 'eddy-2'].find((id) => id !== leader && t.routes.ownedBy(id).length > 0)!;
  process.stdout.write(`${t.name}: SIGTERM ${termVictim} while writing through ${leader} ... `);
  const term = await unavailability(t, li, termVictim, 'SIGTERM', tableId);
  console.log(`longest write gap ${fmtNum(term.gapMs)} ms, regions rerouted after ${fmtNum(term.rerouteMs)} ms`);
  const killVictim = ['eddy-0', 'eddy-1', 'eddy-2'].find((id) => id !== leader && id !== termVictim)!;
  process.stdout.write(`${t.name}: SIGKILL ${killVictim} while writing through ${leader} ... `);
  const kill = await unavailability(t, li, killVictim, 'SIGKILL', tableId);
  console.log(`longest write gap ${fmtNum(kill.gapMs)} ms, regions rerouted after ${fmtNum(kill.rerouteMs)} ms`);
  return { sigterm: { victim: termVictim, ...term }, sigkill: { victim: killVictim, ...kill } };
}

function report(results: ({ config: string; queries: Record<string, number> } & Ingested)[], answers: Map<string, Map<string, string[]>>,
  failover: Record<string, unknown> | null, moved: Moved | null, keys: KeysFigures | null, out: string, options: Record<string, number>): unknown {
  const names = results.map((r) => r.config);
  console.log('\n' + table(['', ...names], [
    ['ingest rows/s acked', ...results.map((r) => fmtNum(r.ackedRps))],
    ['ingest rows/s queryable', ...results.map((r) => fmtNum(r.queryableRps))],
    ['server CPU until queryable (s)', ...results.map((r) => r.cpuS.toFixed(1))],
    ['server CPU per 1k rows (ms)', ...results.map((r) => ((r.cpuS * 1e6) / options.rows!).toFixed(2))],
    ['load average after ingest', ...results.map((r) => r.load.map((l) => l.toFixed(1)).join(' '))],
    ['flush (s)', ...results.map((r) => r.flushS.toFixed(1))],
    ...QUERY_TYPES.map((q) => [`${q.name} (ms)`, ...results.map((r) => fmtNum(r.queries[q.name], 1))]),
  ]));
  const one = results.find((r) => r.config.startsWith('1 node, 1 region')), three = results.find((r) => r.config.startsWith('3 nodes'));
  if (one && three) console.log(`\n3 nodes / 1 node: acked rows/s ${(three.ackedRps / one.ackedRps).toFixed(2)}x, server CPU ${(three.cpuS / one.cpuS).toFixed(2)}x`);
  // Every configuration must give the same answers (the regions' scans merged into one table's).
  const first = answers.get(names[0]!);
  for (const n of names.slice(1)) {
    for (const [q, a] of answers.get(n) ?? []) {
      if (JSON.stringify(a) !== JSON.stringify(first?.get(q))) console.log(`WARNING: ${n} answered ${q} differently from ${names[0]}: ${a.join(' ')} vs ${first?.get(q)?.join(' ')}`);
    }
  }
  if (failover) {
    const f = failover as { sigterm: { victim: string; gapMs: number; rerouteMs: number }; sigkill: { victim: string; gapMs: number; rerouteMs: number } };
    console.log(`\nregion unavailable while it reopens elsewhere (longest gap between acknowledged writes):` +
      `\n  datanode stopped (SIGTERM, flush + leave): ${fmtNum(f.sigterm.gapMs)} ms (routes moved after ${fmtNum(f.sigterm.rerouteMs)} ms)` +
      `\n  datanode killed (SIGKILL, heartbeat expiry): ${fmtNum(f.sigkill.gapMs)} ms (routes moved after ${fmtNum(f.sigkill.rerouteMs)} ms)`);
  }
  if (moved) {
    const m = moved.migrations, e = moved.evenOut;
    console.log(`\nregion migration under ingest (${m.moves} moves, longest gap between acknowledged writes during each): p50 ${fmtNum(m.p50)} ms, p99 ${fmtNum(m.p99)} ms, max ${fmtNum(m.max)} ms` +
      `\n  procedure time p50 ${fmtNum(m.procedureMs.p50)} ms, max ${fmtNum(m.procedureMs.max)} ms; ${m.failed} failed; ${fmtNum(m.ackedRowsPerSec)} rows/s acked meanwhile (sequential writer)` +
      `\nrebalancer: 3 regions on one node evened out in ${fmtNum(e.ms)} ms (${e.rounds} rounds, ${e.moves} moves); ingest ${fmtNum(e.steadyRowsPerSec)} rows/s steady vs ${fmtNum(e.rebalancingRowsPerSec)} rows/s while rebalancing`);
  }
  if (keys) {
    console.log(`\nidempotency keys (${fmtNum(keys.appends)} appends of ${keys.recordBytes} B, 64 in flight, median of 4 rounds, order alternated): ${fmtNum(keys.plainPerSec)} appends/s without, ${fmtNum(keys.keyedPerSec)} with a message id` +
      ` (${fmtNum((keys.keyedPerSec / keys.plainPerSec) * 100, 0)}%); the stream leader's memory grows ${fmtNum(keys.plainKiBPerK, 1)} vs ${fmtNum(keys.keyedKiBPerK, 1)} KiB per 1,000 appends (ids kept 10 minutes)`);
  }
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify({ benchmark: 'cluster', date: new Date().toISOString(), options, results, failover, moved, keys }, null, 2) + '\n');
  console.log(`\nresults written to ${out}`);
  return results;
}
