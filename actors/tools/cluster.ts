// `eddy cluster`: a local cluster in the foreground: N clustered nats-servers with JetStream and N EddyDB nodes, stopped together on SIGINT/SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { connectNats as connect } from '../runtime/nats_connect.ts';
import { jetstreamManager } from '@nats-io/jetstream';
import { findNatsServer, waitForPort } from '../runtime/embedded_nats.ts';
import { PACKAGE_ROOT } from '../runtime/package_root.ts';
import { serverTag } from '../runtime/wal_streams.ts';
import { freePort } from './ports.ts';
import { parseRoles } from '../config.ts';
import { flagHelp, parseFlags, type CommandSpec } from '../flags.ts';
import { InvalidArgumentError, StartupError, UsageError } from '../../core/errors.ts';

export interface LocalClusterOptions {
  nodes: number;
  data: string;
  httpPort: number;
  /** Roles of each node, in order; the last entry repeats for further nodes. */
  roles: string[];
  /** Extra `eddy start` flags for every node (e.g. --storage nats, --flush-interval 1000). */
  nodeArgs?: string[];
  /** Node.js flags for every node process, before the script (e.g. --cpu-prof, refused in NODE_OPTIONS). */
  nodeFlags?: string[];
  /** The `eddy` script every node runs (default this checkout's actors/bin/eddy.mjs; a bench's A side runs another build). */
  bin?: string;
  log: (m: string) => void;
}

/**
 * Every node is a datanode and a frontend (regions spread over all three, HTTP on each); two meta nodes so that one
 * takes over when the leader dies; one flownode.
 */
export const DEFAULT_ROLES = ['meta,datanode,frontend', 'meta,datanode,frontend', 'datanode,frontend,flownode'];

interface Child {
  name: string;
  proc: ChildProcess;
  exited: Promise<void>;
}

export interface ClusterManifest {
  nats: { name: string; url: string; routePort: number; monitorPort: number; pid: number }[];
  nodes: { id: string; roles: string; http: string; nats: string; pid: number }[];
}

const ROOT = PACKAGE_ROOT;

/** Tries of a node's start-up (see spawnNode). */
const START_ATTEMPTS = 2;

export class LocalCluster {
  private readonly children: Child[] = [];
  private stopping = false;
  private readonly signalled = new Set<string>();
  manifest: ClusterManifest = { nats: [], nodes: [] };

  constructor(private readonly o: LocalClusterOptions) {}

  private spawnChild(name: string, cmd: string, args: string[], onLine: (l: string) => void): Child {
    const proc = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const feed = (d: Buffer) => d.toString().split('\n').filter(Boolean).forEach(onLine);
    proc.stdout!.on('data', feed);
    proc.stderr!.on('data', feed);
    const exited = new Promise<void>((r) =>
      proc.once('exit', (code, sig) => {
        if (!this.stopping && !this.signalled.has(name)) this.o.log(`${name} exited unexpectedly (${code ?? sig})`);
        r();
      }),
    );
    const child = { name, proc, exited };
    this.children.push(child);
    return child;
  }

  async start(): Promise<ClusterManifest> {
    await this.startNats();
    const ready: Promise<void>[] = [];
    for (let i = 0; i < this.o.nodes; i++) ready.push(this.spawnNode(`eddy-${i}`, this.o.roles[Math.min(i, this.o.roles.length - 1)]!, i, i));
    await Promise.all(ready);
    writeFileSync(join(this.o.data, 'cluster.json'), JSON.stringify(this.manifest, null, 2));
    return this.manifest;
  }

  /** Starts only the clustered nats-servers (tests of JetStream on a cluster); resolves once JetStream answers. */
  async startNats(): Promise<ClusterManifest['nats']> {
    const { nodes, data } = this.o;
    const bin = findNatsServer();
    mkdirSync(data, { recursive: true });
    const ports = [];
    for (let i = 0; i < nodes; i++) ports.push({ client: await freePort(), route: await freePort(), monitor: await freePort() });
    const routes = ports.map((p) => `nats://127.0.0.1:${p.route}`);
    for (let i = 0; i < nodes; i++) {
      const dir = join(data, `nats-${i}`);
      mkdirSync(join(dir, 'store'), { recursive: true });
      const conf = join(dir, 'nats-server.conf');
      writeFileSync(conf, [
        `server_name: "eddy-nats-${i}"`,
        // A region's own WAL stream is placed on its leader's server by this tag (runtime/wal_streams.ts).
        `server_tags: [ "${serverTag(`eddy-nats-${i}`)}" ]`,
        `host: "127.0.0.1"`,
        `port: ${ports[i]!.client}`,
        `http: "127.0.0.1:${ports[i]!.monitor}"`,
        `max_payload: ${8 * 1024 * 1024}`,
        `max_pending: ${256 * 1024 * 1024}`,
        `jetstream { store_dir: "${join(dir, 'store')}", max_memory_store: ${256 * 1024 * 1024} }`,
        `cluster {`,
        `  name: "eddy-local"`,
        `  listen: "127.0.0.1:${ports[i]!.route}"`,
        `  routes: [ ${routes.join(', ')} ]`,
        `}`,
        '',
      ].join('\n'));
      const c = this.spawnChild(`nats-${i}`, bin, ['-c', conf], (l) => {
        // Routes to servers not started yet are refused at first: expected while the cluster forms.
        if (/\[(ERR|FTL)\]/.test(l) && !/Error trying to connect to route \(attempt [1-9]\)/.test(l)) this.o.log(`[nats-${i}] ${l}`);
      });
      this.manifest.nats.push({ name: `eddy-nats-${i}`, url: `nats://127.0.0.1:${ports[i]!.client}`, routePort: ports[i]!.route, monitorPort: ports[i]!.monitor, pid: c.proc.pid! });
    }
    for (const p of ports) await waitForPort('127.0.0.1', p.client, 20_000);
    await this.waitForJetStream(this.manifest.nats.map((n) => n.url));
    this.o.log(`nats cluster of ${nodes} formed, JetStream ready`);
    return this.manifest.nats;
  }

  /**
   * Starts one more EddyDB node (a datanode joining, say) on HTTP port httpPort + index, connected to nats-server
   * `server`; resolves once it is ready.
   */
  async addNode(roles: string, server = 0): Promise<{ id: string; http: string }> {
    const i = this.manifest.nodes.length;
    await this.spawnNode(`eddy-${i}`, roles, i, server);
    writeFileSync(join(this.o.data, 'cluster.json'), JSON.stringify(this.manifest, null, 2));
    return { id: `eddy-${i}`, http: this.manifest.nodes[i]!.http };
  }

  /**
   * Starts a node; one that exits during start-up is started once more. With `--replicas 3` every node creates the
   * same replicated streams at once, and nats-server answers nothing to the loser of such a race nor to a request to a
   * new stream whose group has no leader yet: the node waited out its 30 s request timeout and exited (the procedures
   * bucket was created outside the bounded start-up creates). Every start-up create now goes through `ensureAsset`
   * (js_call.ts); this second start stays as a safety net for what else a loaded machine may do to a start-up.
   */
  private async spawnNode(id: string, roles: string, i: number, server: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.spawnNodeOnce(id, roles, i, server);
      } catch (e) {
        if (!(e instanceof StartupError) || this.stopping || attempt >= START_ATTEMPTS) throw e;
        this.o.log(`${id} exited during start-up; starting it again (attempt ${attempt + 1} of ${START_ATTEMPTS})`);
        const dead = this.children.findIndex((c) => c.name === id);
        if (dead >= 0) this.children.splice(dead, 1);
      }
    }
  }

  private spawnNodeOnce(id: string, roles: string, i: number, server: number): Promise<void> {
    parseRoles(roles);
    const http = `127.0.0.1:${this.o.httpPort + i}`;
    const nats = this.manifest.nats[server]!.url;
    let resolveReady!: () => void;
    const ready = new Promise<void>((r) => (resolveReady = r));
    // Nodes on one host cannot all take the PostgreSQL port: it is off unless the node arguments name one.
    const pg = (this.o.nodeArgs ?? []).some((a) => a.startsWith('--postgres')) ? [] : ['--postgres', 'off'];
    const args = [...(this.o.nodeFlags ?? []), this.o.bin ?? 'actors/bin/eddy.mjs', 'start', '--role', roles, '--node-id', id, '--data', join(this.o.data, id), '--http', http, '--nats', nats, ...pg, ...parseWorkerArgs(this.o.nodeArgs ?? [], Math.max(this.o.nodes, i + 1)), ...(this.o.nodeArgs ?? [])];
    const c = this.spawnChild(id, process.execPath, args, (l) => {
      this.o.log(`[${id}] ${l.replace(/^\S+ eddy: /, '')}`);
      if (/eddy: ready$/.test(l)) resolveReady();
    });
    const entry = { id, roles, http, nats, pid: c.proc.pid! };
    const at = this.manifest.nodes.findIndex((n) => n.id === id); // started again: keeps its place
    if (at >= 0) this.manifest.nodes[at] = entry;
    else this.manifest.nodes.push(entry);
    // A node that dies during start-up fails the launch.
    return Promise.race([ready, c.exited.then(() => { throw new StartupError(`${id} exited during start-up`); })]);
  }

  /** JetStream in a cluster answers once its meta group has a leader. */
  private async waitForJetStream(urls: string[]): Promise<void> {
    const nc = await connect({ servers: urls, maxReconnectAttempts: -1 });
    try {
      const deadline = Date.now() + 30_000;
      for (;;) {
        try {
          const jsm = await jetstreamManager(nc, { timeout: 2000 });
          await jsm.getAccountInfo();
          return;
        } catch (e) {
          if (Date.now() > deadline) throw new StartupError(`JetStream did not become ready in the nats cluster: ${(e as Error).message}`, e);
          await new Promise((r) => setTimeout(r, 250));
        }
      }
    } finally {
      await nc.close();
    }
  }

  /** Sends one EddyDB node a signal (SIGTERM: clean stop; SIGKILL: a crash); resolves once it exited. */
  async signalNode(id: string, signal: NodeJS.Signals): Promise<void> {
    const c = this.children.find((x) => x.name === id);
    if (!c) throw new InvalidArgumentError(`no node ${id} in this cluster`);
    this.signalled.add(id);
    if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill(signal);
    await c.exited;
  }

  /** Stops the EddyDB nodes first (they flush and leave the cluster), then the nats-servers; SIGKILL after a grace period. */
  async stop(): Promise<void> {
    this.stopping = true;
    const halt = async (cs: Child[], graceMs: number) => {
      await Promise.all(cs.map(async (c) => {
        if (c.proc.exitCode !== null || c.proc.signalCode !== null) return;
        c.proc.kill('SIGTERM');
        const t = setTimeout(() => c.proc.kill('SIGKILL'), graceMs);
        await c.exited;
        clearTimeout(t);
      }));
    };
    await halt(this.children.filter((c) => c.name.startsWith('eddy-')), 60_000);
    await halt(this.children.filter((c) => c.name.startsWith('nats-')), 10_000);
  }
}

/**
 * `--parse-workers 0` for the nodes of a local cluster with at least as many nodes as the host has cores (unless the
 * node arguments name it): N nodes on one host already run N main threads, so a parse worker per node adds an
 * isolate (its own JIT warm-up, GC and payload copies), not parallelism. Measured on 2 cores, 3 nodes, 300k TSBS rows
 * (cluster bench, load 11-14): 3.2-3.3 s of server CPU against 3.5-4.0 s with one worker per node.
 */
export function parseWorkerArgs(nodeArgs: string[], nodes: number, cores = availableParallelism()): string[] {
  if (nodeArgs.some((a) => a.startsWith('--parse-workers'))) return [];
  return nodes >= cores ? ['--parse-workers', '0'] : [];
}

/** Every flag of `eddy cluster`: the parser and the --help text are both made from this table. */
export const CLUSTER_COMMAND: CommandSpec = {
  name: 'cluster',
  summary: 'Runs a local cluster in the foreground: clustered nats-servers and EddyDB nodes, stopped together on SIGINT/SIGTERM.',
  flags: [
    { name: 'nodes', key: 'nodes', kind: 'int', arg: 'N', min: 1, max: 9, help: 'how many nats-servers and nodes', env: false },
    { name: 'data', key: 'data', kind: 'string', arg: 'DIR', nonEmpty: true, help: 'parent of every node\'s data directory', env: false },
    { name: 'http-port', key: 'httpPort', kind: 'port', arg: 'P', help: 'HTTP port of the first node (the next ones count up)', env: false },
    { name: 'roles', key: 'roles', kind: 'string', arg: '"R1,R2;R1;..."', help: 'roles of each node, `;` between nodes (the last repeats)', env: false },
    { name: 'storage', key: 'storage', kind: 'choice', arg: 'KIND', choices: ['local', 'nats'], help: 'passed to every node as --storage', env: false },
    { name: 'replicas', key: 'replicas', kind: 'int', arg: 'N', min: 1, max: 5, help: 'passed to every node as --replicas', env: false },
  ],
};

const CLUSTER_DEFAULTS = { nodes: 3, data: './data-cluster', httpPort: 4000, roles: DEFAULT_ROLES.join(';'), storage: undefined as string | undefined, replicas: undefined as number | undefined };

export function clusterHelp(): string {
  return flagHelp(CLUSTER_COMMAND, CLUSTER_DEFAULTS);
}

function parseArgs(argv: string[]): LocalClusterOptions {
  const f = parseFlags(CLUSTER_COMMAND, argv, {}, CLUSTER_DEFAULTS);
  const o: LocalClusterOptions = { nodes: f.nodes, data: resolve(f.data), httpPort: f.httpPort, roles: f.roles.split(';').map((r) => r.trim()).filter(Boolean), log: () => {} };
  const nodeArgs = [...(f.storage ? ['--storage', f.storage] : []), ...(f.replicas ? ['--replicas', String(f.replicas)] : [])];
  if (nodeArgs.length) o.nodeArgs = nodeArgs;
  if (o.httpPort < 1 || o.httpPort + o.nodes > 65536) throw new UsageError(`--http-port: '${o.httpPort}' leaves no room for ${o.nodes} nodes`);
  if (o.roles.length === 0) throw new UsageError('--roles: name the roles of at least one node');
  for (const r of o.roles) parseRoles(r);
  return o;
}

/** The `eddy cluster` command: runs until SIGINT/SIGTERM, then stops every process it started. */
export async function clusterCommand(argv: string[]): Promise<void> {
  const opts = parseArgs(argv);
  const log = (m: string) => process.stderr.write(`${new Date().toISOString()} cluster: ${m}\n`);
  const cluster = new LocalCluster({ ...opts, log });
  let stopping: Promise<void> | null = null;
  const shutdown = (sig: string, code: number) => {
    if (stopping) return;
    log(`${sig}: stopping`);
    stopping = cluster.stop().then(() => {
      log('stopped');
      process.exit(code);
    });
  };
  process.on('SIGINT', () => shutdown('SIGINT', 0));
  process.on('SIGTERM', () => shutdown('SIGTERM', 0));
  try {
    const m = await cluster.start();
    for (const n of m.nodes) log(`${n.id} (${n.roles}) http://${n.http} on ${n.nats}`);
    log(`ready: ${m.nodes.length} nodes, manifest in ${join(opts.data, 'cluster.json')}`);
  } catch (e) {
    log(`failed to start: ${(e as Error).message}`);
    shutdown('start-up failure', 1);
  }
}
