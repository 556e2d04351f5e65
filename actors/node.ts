// A node: the process that hosts an actor system. Standalone runs every role, with an embedded nats-server.
import { mkdirSync } from 'node:fs';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { Buckets, systemClock, type Clock } from '../core/index.ts';
import { Catalog } from './catalog.ts';
import { Supervisor } from './supervisor.ts';
import { SharedSegments } from './runtime/segment_mirror.ts';
import { WritePath } from './gateway/write.ts';
import { NatsIngest, ensureIngestStream } from './gateway/nats_ingest.ts';
import { HttpGateway, type Handler } from './gateway/http.ts';
import { ensureWalStream } from './runtime/wal.ts';
import { sqlHandler } from './gateway/sql_http.ts';
import { makeQueryContext } from './gateway/query_context.ts';
import type { QueryContext } from '../core/query/index.ts';
import { FlowNode } from './flows.ts';
import { FLOW_ROUTE, flowHttpHandler } from './gateway/flow_http.ts';
import { Metrics } from './runtime/metrics.ts';
import { MetaServices } from './meta/index.ts';
import { startEmbeddedNats, type EmbeddedNats } from './runtime/embedded_nats.ts';
import { presizeNatsMessageBuffers } from './runtime/nats_presize.ts';
import { splitHostPort, isStandalone, parseRoles, Roles, StorageKinds, type NodeConfig } from './config.ts';

export class EddyNode {
  nc!: NatsConnection;
  js!: JetStreamClient;
  jsm!: JetStreamManager;
  catalog!: Catalog;
  supervisor!: Supervisor;
  writes!: WritePath;
  readonly metrics = new Metrics();
  readonly routes = new Map<string, Handler>();
  private embedded: EmbeddedNats | null = null;
  private ingest: NatsIngest | null = null;
  private http: HttpGateway | null = null;
  private isReady = false;
  /** Cluster membership (registry, meta election, placement); null when standalone. */
  meta: MetaServices | null = null;
  /** The flownode (continuous aggregations); null on nodes without the flownode role. */
  flows: FlowNode | null = null;
  httpAddress: { host: string; port: number } | null = null;
  natsUrl = '';

  constructor(readonly config: NodeConfig, readonly clock: Clock = systemClock, readonly log: (m: string) => void = () => {}) {}

  async start(): Promise<void> {
    const cfg = this.config;
    mkdirSync(cfg.data, { recursive: true });
    // HTTP first, so /health can say "starting" while recovery runs.
    const hp = splitHostPort(cfg.http);
    this.http = new HttpGateway({
      writes: {
        get maxWriteBytes() { return cfg.maxWriteBytes; },
        parseAndWrite: (input) => this.writes.parseAndWrite(input),
      } as WritePath,
      metrics: this.metrics,
      ready: () => this.isReady,
      stats: (db, t, o) => this.stats(db, t, o),
      flush: (db, t) => this.flush(db, t),
      compact: (db, t) => this.compact(db, t),
      routes: this.routes,
    });
    this.httpAddress = await this.http.listen(hp.host, hp.port);
    this.log(`http listening on ${this.httpAddress.host}:${this.httpAddress.port}`);

    if (cfg.nats) {
      this.natsUrl = cfg.nats;
    } else {
      this.embedded = await startEmbeddedNats({ dataDir: cfg.data, port: cfg.natsPort, log: (l) => { if (/\[(ERR|FTL|WRN)\]/.test(l)) this.log(`nats: ${l}`); } });
      this.natsUrl = this.embedded.url;
      this.embedded.process.once('exit', (code, signal) => {
        if (this.stopping) return;
        this.log(`embedded nats-server exited (${code ?? signal}) while the node was running`);
        this.onFatal();
      });
      this.log(`embedded nats-server (pid ${this.embedded.pid}) on ${this.natsUrl}`);
    }
    presizeNatsMessageBuffers();
    this.nc = await connect({ servers: this.natsUrl, name: 'eddy', maxReconnectAttempts: -1, pingInterval: 10_000 });
    this.js = jetstream(this.nc, { timeout: 30_000 });
    this.jsm = await jetstreamManager(this.nc, { timeout: 30_000 });
    await ensureWalStream(this.jsm);
    await ensureIngestStream(this.jsm);
    const kv = await new Kvm(this.js).create(Buckets.catalog, { history: 1 });
    this.catalog = new Catalog(kv, this.clock);
    await this.catalog.init();

    const maxPayload = this.nc.info?.max_payload ?? 1024 * 1024;
    // A cluster node without the datanode role hosts no regions: until writes and scans follow the routes, it refuses rather than open a second copy.
    const hostsRegions = isStandalone(cfg) || parseRoles(cfg.role).has(Roles.datanode);
    // --storage nats: segments and manifests in the shared object store, so any datanode can open any region.
    const shared = cfg.storage === StorageKinds.nats ? await SharedSegments.open(this.js) : undefined;
    this.supervisor = new Supervisor({
      shared,
      nc: this.nc, js: this.js, jsm: this.jsm, dataDir: cfg.data, clock: this.clock, metrics: this.metrics,
      flushBytes: cfg.flushBytes, publishChanges: cfg.publishChanges, log: this.log,
      maxChunkBytes: Math.max(64 * 1024, maxPayload - 64 * 1024),
      flushIntervalMs: cfg.flushInterval, compactIntervalMs: cfg.compactInterval,
    }, hostsRegions ? {} : { refuse: `node ${cfg.nodeId} has no datanode role` });
    // Recovery: open every region this node owns (standalone: all of them), replaying their WALs.
    if (hostsRegions) for (const db of await this.catalog.listDatabases()) {
      for (const t of await this.catalog.listTables(db)) {
        const schema = await this.catalog.getTable(db, t);
        if (schema) for (let n = 0; n < schema.regions; n++) await this.supervisor.region(schema, n);
      }
    }
    this.writes = new WritePath(this.catalog, this.supervisor, this.metrics, this.clock, cfg.maxWriteBytes);
    this.metrics.gauges = () => ({
      eddy_regions: this.supervisor.all().length,
      eddy_memtable_rows: this.supervisor.all().reduce((a, r) => a + Number((r.stats() as { memRows?: number }).memRows ?? 0), 0),
    });
    const queryDeps = { catalog: this.catalog, supervisor: this.supervisor, writes: this.writes, clock: this.clock };
    const contextOf = (db: string): QueryContext => this.withFlows(makeQueryContext(queryDeps, db));
    // Flows write their sinks through this node's write path, so (until writes follow routes) they run where regions are hosted.
    if (hostsRegions && (isStandalone(cfg) || parseRoles(cfg.role).has(Roles.flownode))) {
      this.flows = new FlowNode({
        nc: this.nc, js: this.js, jsm: this.jsm, catalog: this.catalog, writes: this.writes, query: (db) => makeQueryContext(queryDeps, db),
        clock: this.clock, log: this.log, nodeId: cfg.nodeId,
      });
      await this.flows.start();
    }
    this.routes.set(FLOW_ROUTE, flowHttpHandler({ flows: () => this.flows, js: () => this.js, jsm: () => this.jsm }));
    this.routes.set('/v1/sql', async (req, url, body) => {
      const t0 = performance.now();
      this.metrics.queries++;
      const reply = await sqlHandler(contextOf)(req, url, body);
      if (reply.status >= 400) this.metrics.queryErrors++;
      this.metrics.queryLatency.observe((performance.now() - t0) / 1000);
      return reply;
    });
    if (hostsRegions) {
      this.ingest = new NatsIngest(this.nc, this.js, this.writes, this.metrics, this.log);
      this.ingest.start();
    }
    if (!isStandalone(cfg)) {
      this.meta = new MetaServices({
        js: this.js, catalog: this.catalog, nodeId: cfg.nodeId, roles: parseRoles(cfg.role), clock: this.clock, log: this.log,
        http: `${this.httpAddress.host}:${this.httpAddress.port}`,
        sample: () => ({ regions: this.supervisor.all().length, rowsTotal: this.metrics.rowsWritten, memoryBytes: process.memoryUsage().rss }),
      });
      await this.meta.start();
      this.log(`cluster node ${cfg.nodeId} (${[...parseRoles(cfg.role)].join(',')}) registered`);
    }
    this.isReady = true;
    this.log('ready');
  }

  /** Adds the flow methods to a query context, and makes DROP DATABASE drop the database's flows. */
  private withFlows(ctx: QueryContext): QueryContext {
    const flows = this.flows;
    if (!flows) return ctx;
    const dropDatabase = ctx.dropDatabase.bind(ctx);
    return Object.assign(ctx, flows.contextMethods(), {
      dropDatabase: async (name: string, ifExists: boolean) => {
        await flows.dropDatabase(name);
        return dropDatabase(name, ifExists);
      },
    });
  }

  get ready(): boolean {
    return this.isReady;
  }

  private async regionsOf(db: string, table?: string) {
    await this.catalog.requireDatabase(db);
    const tables = table !== undefined ? [table] : await this.catalog.listTables(db);
    const hosts = [];
    for (const t of tables) {
      const s = await this.catalog.requireTable(db, t);
      for (let n = 0; n < s.regions; n++) hosts.push(await this.supervisor.region(s, n));
    }
    return hosts;
  }

  /** Table or database stats; `rows` is exact when asked or when no write is in flight (see RegionHost.rowCount). */
  async stats(db: string, table?: string, opts: { exact?: boolean } = {}): Promise<unknown> {
    const hosts = await this.regionsOf(db, table);
    const regions = hosts.map((h) => h.stats() as Record<string, unknown>);
    let rows = 0;
    let exact = true;
    for (const h of hosts) {
      const c = await h.rowCount(opts.exact === true);
      rows += c.rows;
      exact &&= c.exact;
    }
    return { db, ...(table !== undefined ? { table } : {}), rows, exact, regions };
  }

  async flush(db: string, table?: string): Promise<void> {
    for (const h of await this.regionsOf(db, table)) await h.flush();
  }

  async compact(db: string, table?: string): Promise<void> {
    for (const h of await this.regionsOf(db, table)) await h.compact();
  }

  /** Stops cleanly: no new writes, in-flight ones finish, memtables flush, NATS (embedded) stops. */
  /** Called when the node cannot go on (its embedded nats-server died); the CLI stops and exits non-zero. */
  onFatal: () => void = () => {};
  private stopping = false;

  async stop(): Promise<void> {
    this.stopping = true;
    this.isReady = false;
    // Each step is bounded: when NATS is already gone, flushing or draining would wait forever.
    const step = async (what: string, p: Promise<unknown> | undefined, ms: number) => {
      if (!p) return;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => { timer = setTimeout(() => { this.log(`${what} took over ${ms} ms; going on`); resolve(); }, ms); });
      await Promise.race([p.catch((e) => this.log(`${what} failed: ${(e as Error).message}`)), timeout]);
      clearTimeout(timer);
    };
    const natsUp = () => this.nc !== undefined && !this.nc.isClosed();
    await step('leaving the cluster', this.meta?.stop(), 10_000);
    await step('stopping ingest', this.ingest?.stop(), 10_000);
    await step('closing http', this.http?.close(), 5_000);
    await step('stopping flows', this.flows?.stop(), 30_000);
    if (this.supervisor) await step('closing regions', this.supervisor.closeAll(natsUp()), 120_000);
    if (this.nc) {
      await step('draining nats', this.nc.drain(), 5_000);
      if (!this.nc.isClosed()) await this.nc.close().catch(() => undefined);
    }
    await step('stopping nats-server', this.embedded?.stop(), 15_000);
  }
}
