// A node: the process that hosts an actor system. Standalone runs every role, with an embedded nats-server.
import { mkdirSync, readFileSync } from 'node:fs';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { connectNats } from './runtime/nats_connect.ts';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { AccessDeniedError, UsageError, Buckets, Subjects, smart, systemClock, type Clock, type TableSchema } from '../core/index.ts';
import { Authenticator, currentPrincipal, guardContext, natsAuthorization, parseUserProvider, serviceCredentials, type NatsCredentials } from './auth/index.ts';
import { Catalog } from './catalog/catalog.ts';
import { Supervisor } from './region/supervisor.ts';
import { SmartIndex } from './index/smart.ts';
import { WorkloadReporter } from './index/workload_wire.ts';
import { SharedSegments } from './runtime/segment_mirror.ts';
import { INDEX_CACHE_BYTES, sharedDecodedCache, sharedIndexReaders } from '../storage/index.ts';
import { WritePath } from './gateway/write.ts';
import { NatsIngest } from './gateway/nats_ingest.ts';
import { HttpGateway, type NodeState } from './gateway/http/server.ts';
import { PgServer } from './gateway/postgres/server.ts';
import { apiRoutes } from './gateway/http/api.ts';
import type { RouteTable as HttpRouteTable } from './gateway/http/routes.ts';
import { ensureAsset, ensureJetStreamAssets } from './runtime/js_assets.ts';
import { PerRegionWalStreams, SHARED_WAL } from './runtime/wal_streams.ts';
import { makeQueryContext, type QueryDeps } from './gateway/query_context.ts';
import { RegionRouter, type ClusterRouting } from './region/router.ts';
import { watchCatalog, tableOfRegion } from './catalog/watch.ts';
import { ProcessList, type QueryContext } from '../core/query/index.ts';
import { FlowNode } from './flow/flownode.ts';
import { Metrics } from './runtime/metrics.ts';
import { MetaServices, RouteTable, listNodes, regionPeersOf, clusterPeersOf, procedureOps, natsClientName } from './meta/index.ts';
import { listenMigration } from './region/handle_migration.ts';
import { startEmbeddedNats, type EmbeddedNats } from './runtime/embedded_nats.ts';
import { presizeNatsMessageBuffers } from './runtime/nats_presize.ts';
import { natsLinkOf, type NatsLink } from './runtime/nats_link.ts';
import { jsCall } from './runtime/js_call.ts';
import { ParsePool } from './runtime/parse_pool.ts';
import { ChangesInterest } from './runtime/interest.ts';
import { silentLogger, type Logger } from './runtime/logger.ts';
import { EsTemplateStore, LogIngest, NatsLogs, PipelineStore, SyslogServer } from './logs/index.ts';
import { WriteGate, gatedWriter } from './gateway/write_gate.ts';
import { MemoryBudget, defaultMemoryLimitMb } from './runtime/memory_budget.ts';
import { currentLimits, limitContext } from './gateway/query_limits.ts';
import { queryTimeoutMs, splitHostPort, isStandalone, parseRoles, Roles, StorageKinds, type NodeConfig } from './config.ts';

const VERSION = '0.1.0';

/** A PEM file named by a flag; a file that cannot be read stops the start naming the flag. */
function readTlsFile(path: string, flag: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new UsageError(`${flag}: cannot read ${path}: ${(e as Error).message}`);
  }
}

export class EddyNode {
  nc!: NatsConnection;
  js!: JetStreamClient;
  jsm!: JetStreamManager;
  catalog!: Catalog;
  supervisor!: Supervisor;
  /** Local regions' scan reports for the smart index, published in batches. */
  private workload: WorkloadReporter | null = null;
  /** The smart index (frontends): workload observer, index advice and automatic indexes. */
  smartIndex: SmartIndex | null = null;
  router!: RegionRouter;
  writes!: WritePath;
  /** Cluster: the live copy of the region routes this node follows (datanode) and routes by (frontend). */
  routeTable: RouteTable | null = null;
  private catalogWatch: { stop(): Promise<void> } | null = null;
  readonly metrics = new Metrics();
  /** Every HTTP endpoint (one table); routes other than health and metrics answer 503 until the node is ready. */
  readonly routes: HttpRouteTable;
  private embedded: EmbeddedNats | null = null;
  private ingest: NatsIngest | null = null;
  /** Parse worker threads for large line protocol writes (--parse-workers). */
  private parsePool: ParsePool | null = null;
  private http: HttpGateway | null = null;
  private postgres: PgServer | null = null;
  private state: NodeState = 'starting';
  private contextOf: ((db: string) => QueryContext) | null = null;
  /** Cluster membership (registry, meta election, placement); null when standalone. */
  meta: MetaServices | null = null;
  /** Cluster datanode: the meta leader's migration steps for this node. */
  private migrationSub: Subscription | null = null;
  /** The flownode (continuous aggregations); null on nodes without the flownode role. */
  flows: FlowNode | null = null;
  /** The logs engine: pipelines (in the catalog bucket) and their ingest. */
  logs: LogIngest | null = null;
  /** Elasticsearch index templates (in the catalog bucket). */
  private esTemplates: EsTemplateStore | null = null;
  private natsLogs: NatsLogs | null = null;
  private changesInterest: ChangesInterest | null = null;
  /** The syslog receiver (--syslog); null when off. */
  syslog: SyslogServer | null = null;
  httpAddress: { host: string; port: number } | null = null;
  /** Authentication and permissions (--user-provider); null when off. */
  auth: Authenticator | null = null;
  /** EddyDB's own NATS user on the embedded server when authentication is on. */
  private natsCredentials: NatsCredentials | null = null;
  /** Where the PostgreSQL wire protocol listens (null: --postgres off, or no frontend role). */
  postgresAddress: { host: string; port: number } | null = null;
  /** Ingest back-pressure (--max-inflight-write-bytes and the memory budget), shared by HTTP and NATS writes. */
  readonly writeGate: WriteGate;
  /** The node's memory budget (--memory-limit-mb): memtables, writes in flight and the decoded cache share it. */
  readonly memory: MemoryBudget;
  natsUrl = '';

  /** Plain progress lines, as the actors take them. */
  readonly log: (m: string) => void;

  constructor(readonly config: NodeConfig, readonly clock: Clock = systemClock, readonly logger: Logger = silentLogger()) {
    this.log = logger.info;
    const limitMb = config.memoryLimitMb > 0 ? config.memoryLimitMb : defaultMemoryLimitMb();
    this.memory = new MemoryBudget(limitMb * 1024 * 1024, () => this.supervisor?.all() ?? [], () => this.writeGate.inflight, sharedDecodedCache);
    this.writeGate = new WriteGate(config.maxInflightWriteBytes, this.metrics, this.memory);
    this.routes = apiRoutes({
      state: () => this.state,
      metrics: this.metrics,
      clock,
      logger,
      writes: () => this.writes,
      contextOf: (db) => this.limited(this.guarded(this.contextOf!(db))),
      auth: () => this.auth,
      stats: (db, t, o) => this.stats(db, t, o),
      flush: (db, t) => this.flush(db, t),
      compact: (db, t) => this.compact(db, t),
      flows: { flows: () => this.flows, js: () => this.js, jsm: () => this.jsm },
      logs: {
        logs: () => this.logs!, esTemplates: () => this.esTemplates!, clock, nodeId: config.nodeId, maxBodyBytes: () => config.maxWriteBytes,
        httpAddress: () => (this.httpAddress ? `${this.httpAddress.host}:${this.httpAddress.port}` : config.http),
        tail: { nc: () => this.nc, catalog: () => this.catalog, contextOf: (db) => this.guarded(this.contextOf!(db)), clock },
      },
    });
  }

  async start(): Promise<void> {
    const cfg = this.config;
    mkdirSync(cfg.data, { recursive: true });
    sharedDecodedCache.resize(this.memory.cacheShare(cfg.cacheMb * 1024 * 1024));
    sharedIndexReaders.resize(this.memory.indexShare(INDEX_CACHE_BYTES));
    this.log(`memory budget ${Math.round(this.memory.limitBytes / 1048576)} MiB: writes ${Math.round(this.memory.writeLimitBytes / 1048576)} MiB, memtables flush past ${Math.round(this.memory.flushAtBytes / 1048576)} MiB, decoded cache ${Math.round(sharedDecodedCache.budgetBytes / 1048576)} MiB, index files ${Math.round(sharedIndexReaders.budgetBytes / 1048576)} MiB`);
    // HTTP first, so /health can say "starting" while recovery runs.
    const hp = splitHostPort(cfg.http);
    if (cfg.userProvider) this.auth = new Authenticator(parseUserProvider(cfg.userProvider, (p) => readFileSync(p, 'utf8')), { clock: this.clock });
    const limits = { queryTimeoutMs: () => queryTimeoutMs(cfg), queryMemoryBytes: () => cfg.queryMemoryMb * 1024 * 1024, writeGate: this.writeGate, metrics: this.metrics };
    this.http = new HttpGateway({ routes: this.routes, state: () => this.state, maxBodyBytes: () => cfg.maxWriteBytes, logger: this.logger, auth: this.auth, limits, keepAliveTimeoutMs: cfg.httpKeepAliveTimeout });
    const tls = cfg.tlsCert ? { cert: readTlsFile(cfg.tlsCert, '--tls-cert'), key: readTlsFile(cfg.tlsKey, '--tls-key') } : undefined;
    this.httpAddress = await this.http.listen(hp.host, hp.port, tls);
    this.log(`http${tls ? 's' : ''} listening on ${this.httpAddress.host}:${this.httpAddress.port}`);

    if (cfg.nats) {
      this.natsUrl = cfg.nats;
    } else {
      // With authentication on, the server knows EddyDB's service user and one NATS user per EddyDB user.
      if (this.auth) this.natsCredentials = serviceCredentials();
      const authorization = this.auth && this.natsCredentials ? natsAuthorization(this.auth.entries(), this.natsCredentials) : undefined;
      this.embedded = await startEmbeddedNats({ dataDir: cfg.data, port: cfg.natsPort, ...(authorization ? { authorization } : {}), log: (l) => { if (/\[(ERR|FTL|WRN)\]/.test(l)) this.log(`nats: ${l}`); } });
      this.natsUrl = this.embedded.url;
      this.embedded.process.once('exit', (code, signal) => {
        if (this.stopping) return;
        this.logger.warn(`embedded nats-server exited (${code ?? signal}) while the node was running`);
        this.onFatal();
      });
      this.log(`embedded nats-server (pid ${this.embedded.pid}) on ${this.natsUrl}`);
    }
    presizeNatsMessageBuffers();
    // noAsyncTraces: nats.js otherwise builds an Error (a stack capture) for every request and JetStream publish, ~6% of ingest CPU in a profile
    this.nc = await connectNats({ servers: this.natsUrl, name: natsClientName(cfg.nodeId), ...(this.natsCredentials ?? {}), maxReconnectAttempts: -1, pingInterval: 10_000, noAsyncTraces: true });
    this.natsLink = natsLinkOf(this.nc);
    void (async () => {
      for await (const s of this.nc.status()) if (s.type === 'disconnect' || s.type === 'reconnect') this.log(`nats: ${s.type === 'disconnect' ? 'lost' : 'reconnected to'} ${'server' in s ? String(s.server) : 'its server'}`);
    })().catch(() => undefined);
    this.js = jetstream(this.nc, { timeout: 30_000 });
    this.jsm = await jetstreamManager(this.nc, { timeout: 30_000 });
    const { perRegionWal } = await ensureJetStreamAssets(this.nc, { replicas: cfg.replicas, segments: cfg.storage === StorageKinds.nats, cluster: !isStandalone(cfg), perRegionWal: cfg.walStreams === 'region' });
    // A cluster's regions each have their own WAL stream, placed on their leader's nats-server (runtime/wal_streams.ts).
    const walStreams = perRegionWal ? new PerRegionWalStreams(this.jsm, cfg.replicas, () => this.nc.info?.server_name, this.log) : SHARED_WAL;
    const kv = await ensureAsset(`KV ${Buckets.catalog}`, () => new Kvm(this.js).create(Buckets.catalog, { history: 1, replicas: cfg.replicas }));
    this.catalog = new Catalog(kv, this.clock);
    await this.catalog.init();
    // Who follows eddy.changes, known before any region opens: regions publish a table's batches only while it is wanted.
    if (cfg.publishChanges) {
      this.changesInterest = new ChangesInterest(this.nc, await new Kvm(this.js).open(Buckets.interest), this.clock);
      await this.changesInterest.start();
    }
    const interest = this.changesInterest;

    const maxPayload = this.nc.info?.max_payload ?? 1024 * 1024;
    const standalone = isStandalone(cfg);
    const roles = parseRoles(cfg.role);
    const hostsRegions = standalone || roles.has(Roles.datanode);
    // --storage nats: segments and manifests in the shared object store, so any datanode can open any region.
    const shared = cfg.storage === StorageKinds.nats ? await SharedSegments.open(this.js, cfg.replicas) : undefined;
    this.workload = new WorkloadReporter(this.nc);
    this.supervisor = new Supervisor({
      shared, workload: this.workload,
      nc: this.nc, js: this.js, jsm: this.jsm, walStreams, dataDir: cfg.data, clock: this.clock, metrics: this.metrics,
      flushBytes: cfg.flushBytes, publishChanges: interest ? (db, t) => interest.wanted(db, t) : false, log: this.log,
      maxChunkBytes: Math.max(64 * 1024, maxPayload - 64 * 1024),
      flushIntervalMs: cfg.flushInterval, compactIntervalMs: cfg.compactInterval, memory: this.memory, cacheWarm: cfg.cacheWarm,
    }, hostsRegions ? {} : { refuse: `node ${cfg.nodeId} has no datanode role` });
    // Recovery, standalone: open every region, replaying their WALs. A cluster datanode opens what the routes assign it.
    if (standalone) for (const db of await this.catalog.listDatabases()) {
      for (const t of await this.catalog.listTables(db)) {
        const schema = await this.catalog.getTable(db, t);
        // A region that cannot open (a corrupted file) is reported and left closed: the others serve, and its own
        // requests try to open it again and answer the error with the file's name.
        if (schema) for (let n = 0; n < schema.regions; n++) {
          await this.supervisor.region(schema, n).catch((e: unknown) => this.logger.error('region.open', `region ${n} of ${db}.${t} failed to open; the node starts without it`, { db, table: t, error: (e as Error).message }));
        }
      }
    }
    let cluster: ClusterRouting | null = null;
    if (!standalone) {
      this.meta = new MetaServices({
        js: this.js, nc: this.nc, catalog: this.catalog, nodeId: cfg.nodeId, roles, clock: this.clock, log: this.log, replicas: cfg.replicas,
        rebalance: cfg.rebalance === 'on',
        http: `${this.httpAddress.host}:${this.httpAddress.port}`,
        sample: () => ({
          regions: this.supervisor.all().length, rowsTotal: this.metrics.rowsWritten, memoryBytes: process.memoryUsage().rss,
          regionTotals: Object.fromEntries(this.supervisor.all().map((h) => [h.regionId, h.loadTotals()])),
        }),
      });
      await this.meta.start();
      // Schemas other nodes change reach this node's catalog cache through a watch.
      this.catalogWatch = await watchCatalog(this.catalog, await new Kvm(this.js).open(Buckets.catalog));
      this.routeTable = new RouteTable(this.meta.routesKv);
      await this.routeTable.start();
      cluster = { routes: this.routeTable, nodeId: cfg.nodeId, kick: () => this.nc.publish(Subjects.placementKick) };
      if (hostsRegions) {
        this.supervisor.startFollowing({ routes: this.routeTable, nodeId: cfg.nodeId, schemaOf: (id) => tableOfRegion(this.catalog, id) });
        const meta = this.meta;
        this.migrationSub = listenMigration(this.nc, cfg.nodeId, this.supervisor, this.log, () => jsCall(() => meta.routeWriter.term(), { what: 'reading the meta term', safe: true }));
      }
      this.log(`cluster node ${cfg.nodeId} (${[...roles].join(',')}) registered`);
    }
    this.router = new RegionRouter(this.nc, this.supervisor, cluster);
    this.parsePool = new ParsePool(cfg.parseWorkers, this.log);
    this.parsePool.start();
    this.writes = new WritePath(this.catalog, this.router, this.metrics, this.clock, cfg.maxWriteBytes, undefined, this.parsePool);
    const pipelines = new PipelineStore(kv, this.clock);
    await pipelines.start();
    this.esTemplates = new EsTemplateStore(kv);
    await this.esTemplates.start();
    this.logs = new LogIngest(this.catalog, () => this.writes, pipelines, this.clock);
    this.metrics.gauges = () => ({
      eddy_log_lines_total: this.logs!.counters.lines,
      eddy_log_rows_total: this.logs!.counters.rows,
      eddy_log_failed_lines_total: this.logs!.counters.failedLines,
      eddy_log_filtered_lines_total: this.logs!.counters.filteredLines,
      eddy_log_failed_requests_total: this.logs!.counters.failedRequests,
      ...(this.syslog ? {
        eddy_syslog_messages_total: this.syslog.counters.messages,
        eddy_syslog_invalid_frames_total: this.syslog.counters.invalidFrames,
        eddy_syslog_failed_messages_total: this.syslog.counters.failedMessages,
        eddy_syslog_dropped_messages_total: this.syslog.counters.droppedMessages,
        eddy_syslog_reading_paused: this.syslog.readingPaused ? 1 : 0,
      } : {}),
      eddy_regions: this.supervisor.all().length,
      eddy_parse_workers_ready: this.parsePool?.readyCount ?? 0,
      eddy_memtable_rows: this.supervisor.all().reduce((a, r) => a + Number((r.stats() as { memRows?: number }).memRows ?? 0), 0),
      eddy_memory_writes_waiting_bytes: this.writeGate.waiting,
      ...this.memory.gauges(),
    });
    const frontend = this.httpAddress ? `${this.httpAddress.host}:${this.httpAddress.port}` : cfg.nodeId;
    const queryDeps: QueryDeps = {
      catalog: this.catalog, supervisor: this.supervisor, router: this.router, writes: this.writes, clock: this.clock,
      processes: new ProcessList(frontend, () => this.clock.now()),
      runtimeMetrics: () => this.memory.gauges(),
      pipelines: async () => this.logs ? this.logs.pipelines.names().flatMap((n) => this.logs!.pipelines.versions(n).map((v) => ({
        name: v.name, schema: '', contentType: 'yaml', pipeline: v.yaml, createdAtNs: BigInt(v.ns),
      }))) : [],
      ...(this.meta && this.routeTable ? this.clusterViews(this.meta, this.routeTable) : {}),
    };
    const contextOf = (db: string): QueryContext => this.withFlows(makeQueryContext(queryDeps, db));
    // Flows write their sinks through the write path, which reaches every region wherever it lives.
    if (standalone || roles.has(Roles.flownode)) {
      this.flows = new FlowNode({
        nc: this.nc, js: this.js, jsm: this.jsm, walStreams, catalog: this.catalog, writes: gatedWriter(this.writes, this.writeGate), query: (db) => makeQueryContext(queryDeps, db),
        clock: this.clock, log: this.log, nodeId: cfg.nodeId,
      });
      await this.flows.start();
    }
    this.contextOf = contextOf;
    if (standalone || roles.has(Roles.frontend)) {
      // one observer per frontend; its ALTERs are idempotent, so frontends deciding alike change nothing twice
      this.smartIndex = new SmartIndex({
        nc: this.nc, clock: this.clock, log: this.log, tickMs: 60_000, flushReports: () => this.workload?.flush(),
        config: { ...smart.DEFAULT_SMART_CONFIG, enabled: cfg.smartIndex, minRowsRead: cfg.smartIndexMinRows, minQueries: cfg.smartIndexMinQueries, dropAfterMs: cfg.smartIndexDropAfter },
        getTable: (db, t) => this.catalog.getTable(db, t),
        alterTable: (db, t, change) => makeQueryContext(queryDeps, db).alterTable(db, t, change),
      });
      this.smartIndex.start();
      queryDeps.indexAdvice = async () => this.smartIndex?.advice() ?? [];
    }
    if (standalone || roles.has(Roles.frontend)) {
      this.ingest = new NatsIngest(this.nc, this.js, this.writes, this.metrics, this.logger, this.writeGate);
      this.ingest.start();
      this.natsLogs = new NatsLogs(this.nc, this.js, this.jsm, this.logs, this.catalog, this.logger, this.clock, { replicas: cfg.replicas, tail: cfg.publishChanges }, this.writeGate);
      await this.natsLogs.start();
      if (cfg.postgres !== 'off') {
        // With --user-provider: cleartext password checked by the one Authenticator, the session's grants on every query.
        const auth = this.auth;
        const tls = cfg.postgresTlsCert ? { cert: readFileSync(cfg.postgresTlsCert), key: readFileSync(cfg.postgresTlsKey) } : undefined;
        this.postgres = new PgServer({
          logger: this.logger,
          ...(tls ? { tls } : {}),
          // each statement's limits (statement_timeout, cancel, memory budget) are read by the session's scans
          contextOf: (db, user) => {
            if (!auth) return limitContext(contextOf(db), currentLimits);
            const p = auth.principalOf(user);
            if (!p) throw new AccessDeniedError(`user '${user}' is not authenticated`);
            return limitContext(guardContext(contextOf(db), auth, p), currentLimits);
          },
          queryTimeoutMs: () => queryTimeoutMs(cfg),
          queryMemoryBytes: () => cfg.queryMemoryMb * 1024 * 1024,
          // failures are counted per user name (the hook sees no address): a user locked out is refused for a while
          ...(auth ? { authenticate: async (user: string, password: string) => void auth.authenticate(user, password, `pg-user:${user}`) } : {}),
        });
        const pg = splitHostPort(cfg.postgres);
        this.postgresAddress = await this.postgres.listen(pg.host, pg.port);
        this.log(`postgres listening on ${this.postgresAddress.host}:${this.postgresAddress.port}`);
      }
      if (cfg.syslog) {
        const a = splitHostPort(cfg.syslog);
        this.syslog = new SyslogServer({ host: a.host, port: a.port, db: cfg.syslogDb, table: cfg.syslogTable }, this.logs, this.clock, this.logger, this.writeGate);
        const at = await this.syslog.start();
        this.log(`syslog listening on ${at.host}:${at.port} (tcp, udp) into ${cfg.syslogDb}.${cfg.syslogTable}`);
      }
    }
    // A stop that began during the start-up wins: the node does not come back to 'ready' under it.
    if (this.stopping) return;
    this.state = 'ready';
    this.log('ready');
  }

  /** A query context under the request's limits (deadline, cancellation, memory budget), when it has them. */
  private limited(ctx: QueryContext): QueryContext {
    const l = currentLimits();
    return l ? limitContext(ctx, () => l) : ctx;
  }

  /** With authentication on, a request's query context checks its principal's grants on every database it touches. */
  private guarded(ctx: QueryContext): QueryContext {
    if (!this.auth) return ctx;
    const p = currentPrincipal();
    if (!p) throw new AccessDeniedError('no authenticated user for this query');
    return guardContext(ctx, this.auth, p);
  }

  /** information_schema.region_peers and .cluster_info from the routes and the registry, and the placement kick. */
  private clusterViews(meta: MetaServices, routes: RouteTable): Pick<QueryDeps, 'regionPeers' | 'clusterInfo' | 'kick' | 'procedures'> {
    return {
      procedures: procedureOps(this.nc, meta.proceduresKv),
      regionPeers: async () => regionPeersOf(routes.entries(), await listNodes(meta.nodesKv), this.clock.now()),
      clusterInfo: async () => clusterPeersOf(await listNodes(meta.nodesKv), this.clock.now(), VERSION),
      kick: () => this.nc.publish(Subjects.placementKick),
    };
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
    return this.state === 'ready';
  }

  /** Every region of a table (or of every table of a database), wherever it lives. */
  private async regionsOf(db: string, table?: string): Promise<{ schema: TableSchema; n: number }[]> {
    await this.catalog.requireDatabase(db);
    const tables = table !== undefined ? [table] : await this.catalog.listTables(db);
    const out = [];
    for (const t of tables) {
      const s = await this.catalog.requireTable(db, t);
      for (let n = 0; n < s.regions; n++) out.push({ schema: s, n });
    }
    return out;
  }

  /** Table or database stats; `rows` is exact when asked or when no write is in flight (see RegionHost.rowCount). */
  async stats(db: string, table?: string, opts: { exact?: boolean } = {}): Promise<unknown> {
    const targets = await this.regionsOf(db, table);
    const regions = await Promise.all(targets.map((t) => this.router.stats(t.schema, t.n)));
    let rows = 0;
    let exact = true;
    for (const t of targets) {
      const c = await this.router.rowCount(t.schema, t.n, opts.exact === true);
      rows += c.rows;
      exact &&= c.exact;
    }
    return { db, ...(table !== undefined ? { table } : {}), rows, exact, regions };
  }

  async flush(db: string, table?: string): Promise<void> {
    for (const t of await this.regionsOf(db, table)) await this.router.flush(t.schema, t.n);
  }

  async compact(db: string, table?: string): Promise<void> {
    for (const t of await this.regionsOf(db, table)) await this.router.compact(t.schema, t.n);
  }

  /** Called when the node cannot go on (its embedded nats-server died); the CLI stops and exits non-zero. */
  onFatal: () => void = () => {};
  private stopping: Promise<void> | null = null;
  /** The connection's status (a stop knows not to wait on a server that is gone; writes are refused while it is down). */
  private natsLink: NatsLink | null = null;

  /**
   * Stops cleanly: no new requests, ingest and flows stop, memtables flush, NATS (embedded) stops. Every step is
   * bounded, and when the NATS server is gone (killed with the node's process group, say) the connection is closed
   * first, so that nothing waits on replies that cannot come: a stop finishes in bounded time in every order.
   * The steps up to the regions' close share --stop-timeout: a flush that cannot finish within it (a big memtable on a
   * loaded machine) is left behind, as a kill would leave it; nothing acknowledged is lost, the WAL replays on start.
   */
  stop(): Promise<void> {
    this.stopping ??= this.stopOnce();
    return this.stopping;
  }

  private async stopOnce(): Promise<void> {
    this.state = 'stopping';
    const deadline = Date.now() + this.config.stopTimeout;
    // A step's own bound, cut to what is left of the stop's budget (at least a second). The steps after the regions'
    // close (leaving the cluster, the connection, the nats-server) keep their own short bounds.
    const left = (ms: number) => Math.max(1000, Math.min(ms, deadline - Date.now()));
    const step = async (what: string, p: Promise<unknown> | undefined, ms: number) => {
      if (!p) return;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => { timer = setTimeout(() => { this.logger.warn(`${what} took over ${ms} ms; going on`); resolve(); }, ms); });
      await Promise.race([p.catch((e) => this.logger.warn(`${what} failed: ${(e as Error).message}`)), timeout]);
      clearTimeout(timer);
    };
    const serverGone = () => {
      const e = this.embedded?.process;
      return (e !== undefined && (e.exitCode !== null || e.signalCode !== null)) || (this.natsLink !== null && !this.natsLink.connected);
    };
    const dropNats = () => {
      if (this.nc && !this.nc.isClosed()) void this.nc.close().catch(() => undefined);
    };
    // The server may die at any point of the stop (same signal, other order): close the client then too.
    const onServerExit = () => { this.log('nats-server exited during the stop; closing the connection'); dropNats(); };
    this.embedded?.process.once('exit', onServerExit);
    if (serverGone()) {
      this.log('nats-server is gone: stopping without it');
      dropNats();
    }
    const natsUp = () => this.nc !== undefined && !this.nc.isClosed() && !serverGone();
    await step('stopping ingest', this.ingest?.stop(), left(10_000));
    await step('stopping syslog', this.syslog?.stop(), left(10_000));
    await step('stopping logs ingest', this.natsLogs?.stop(), left(10_000));
    this.changesInterest?.stop();
    this.logs?.pipelines.stop();
    this.esTemplates?.stop();
    await step('closing http', this.http?.close(), left(5_000));
    await step('closing postgres', this.postgres?.close(), left(5_000));
    await step('stopping parse workers', this.parsePool?.stop(), left(5_000));
    this.writeGate.close();
    await step('stopping flows', this.flows?.stop(), left(30_000));
    await step('stopping the smart index', this.smartIndex?.stop(), left(5_000));
    // Regions close (flushed) before the node leaves the cluster: their routes move only once nothing here serves them,
    // so a region is never open on two nodes at once. Without NATS they close unflushed: their WAL replays on restart.
    this.migrationSub?.unsubscribe();
    if (this.supervisor) await step('flushing and closing regions (what is not flushed replays from the WAL on the next start)', this.supervisor.closeAll(natsUp()), left(120_000));
    await step('leaving the cluster', this.meta?.stop(), natsUp() ? 10_000 : 2_000);
    if (this.meta && natsUp()) this.nc.publish(Subjects.placementKick);
    this.router?.stop();
    await step('stopping the route watch', this.routeTable?.stop(), 5_000);
    await step('stopping the catalog watch', this.catalogWatch?.stop(), 5_000);
    if (this.nc) {
      if (natsUp()) this.workload?.flush();
      if (natsUp()) await step('draining nats', this.nc.drain(), 5_000);
      if (!this.nc.isClosed()) await step('closing nats', this.nc.close(), 2_000);
    }
    this.embedded?.process.off('exit', onServerExit);
    await step('stopping nats-server', this.embedded?.stop(), 15_000);
  }
}
