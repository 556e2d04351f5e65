// The flownode: keeps flow definitions in the catalog KV, runs one FlowHost per flow (all of them at boot, new ones on
// CREATE FLOW), and answers the QueryContext's flow methods.
import { Kvm, type KV } from '@nats-io/kv';
import {
  Buckets, EddyError, InvalidArgumentError, KvKeys, StatusCode, formatExpr, parseSql,
  type CreateFlow, type CreateTask, type Expr, type TableSchema,
} from '../../core/index.ts';
import type { FlowInfo, QueryContext } from '../../core/query/index.ts';
import { FlowHost, compileDef, type FlowDef, type FlowHostDeps } from './host.ts';
import { checkOutputColumns, checkSinkSchema, sinkTableDraft } from '../../streams/sink_table.ts';
import { BatchFlowHost, batchSinkDraft, needsBatching, queryTables, runSpec } from './batch.ts';
import { parseTqlFlow, promqlTables } from '../../core/promql/tql_flow.ts';
import { intervalNs, tryParseInterval } from '../../core/duration.ts';
import { kvKeys } from '../runtime/kv_keys.ts';

type AnyFlowHost = FlowHost | BatchFlowHost;

/** What each FlowHost needs, but the flow state KV, which the flownode opens itself and hands on. */
export type FlowNodeDeps = Omit<FlowHostDeps, 'state'>;

const enc = new TextEncoder();
const dec = new TextDecoder();
const id = (db: string, name: string) => `${db}\u0000${name}`;

/** Seconds of an EXPIRE AFTER interval (INTERVAL '1h', '1 hour', 3600). */
function expireSeconds(e: Expr | undefined): number | null {
  if (!e) return null;
  const text = formatExpr(e).replace(/^INTERVAL\s+/i, '').replace(/^'|'$/g, '');
  const iv = tryParseInterval(text, 's'); // core/duration.ts: a bare number is seconds
  return iv ? Number(intervalNs(iv)) / 1e9 : null;
}

/** How often a batching flow without EVAL INTERVAL reruns its query. */
const DEFAULT_BATCH_INTERVAL_MS = 5000;

/** True when the streaming compiler takes the flow (e.g. now() only as `ts > now() - d`, which sets its expiry). */
function compiles(def: FlowDef, source: TableSchema | null): boolean {
  try {
    compileDef(def, source);
    return true;
  } catch {
    return false;
  }
}

/** How often pending flows look for their source tables. */
const PENDING_CHECK_MS = 2000;

/** Options GreptimeDB accepts on CREATE FLOW ... WITH (...), then EddyDB's own. */
const GREPTIME_FLOW_OPTIONS = ['defer_on_missing_source', 'experimental_enable_incremental_read'];
const EDDY_FLOW_OPTIONS = ['backfill', 'output_retention', 'allowed_lateness', 'emit_interval', 'idle_advance'];

/** WITH (...) of a CREATE FLOW, keys lower-cased; an unknown key is the user's mistake. */
function flowOptions(stmt: CreateFlow | CreateTask): Record<string, string> {
  const options: Record<string, string> = {};
  if (stmt.type !== 'create_flow') return options;
  for (const [k, v] of Object.entries(stmt.options ?? {})) {
    const key = k.toLowerCase();
    if (!GREPTIME_FLOW_OPTIONS.includes(key) && !EDDY_FLOW_OPTIONS.includes(key)) {
      throw new InvalidArgumentError(`Invalid SQL, error: unknown flow option '${k}', supported options: ${GREPTIME_FLOW_OPTIONS.join(', ')}`);
    }
    options[key] = v;
  }
  return options;
}

/** information_schema.flows of a pending flow: no source, no flownode, batching (its query is not planned yet). */
function pendingInfo(d: FlowDef): FlowInfo {
  return {
    db: d.db, name: d.name, id: d.id, definition: d.sql, sinkTable: d.sinkTable, sourceTables: [], comment: d.comment,
    expireAfterSeconds: d.expireAfterSeconds, options: { ...d.options, flow_type: 'batching' }, createdAt: d.createdAt, updatedAt: d.updatedAt,
    lastExecutionTime: null, state: 'pending', rowsIn: 0, rowsOut: 0, errors: 0, lastError: null, lagMs: null, watermark: null, nodeId: '',
  };
}

export class FlowNode {
  private defs!: KV;
  private state!: KV;
  private readonly hosts = new Map<string, AnyFlowHost>();
  /** Flows created with defer_on_missing_source whose source table does not exist yet. */
  private readonly pending = new Map<string, FlowDef>();
  /** Looks for the source tables of pending flows now and then. */
  private pendingTimer: NodeJS.Timeout | null = null;
  /** Serializes create/drop so two statements on one flow cannot interleave. */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: FlowNodeDeps) {}

  /** Opens the buckets and starts every flow the catalog holds. */
  async start(): Promise<void> {
    const kvm = new Kvm(this.deps.js);
    this.defs = await kvm.create(Buckets.catalog, { history: 1 });
    this.state = await kvm.create(Buckets.flowState, { history: 1 });
    const defs: FlowDef[] = [];
    for (const k of await kvKeys(this.defs, KvKeys.flowDefAll)) {
      const e = await this.defs.get(k);
      if (e && e.operation === 'PUT' && e.value.length) defs.push(JSON.parse(dec.decode(e.value)) as FlowDef);
    }
    this.pendingTimer = setInterval(() => {
      if (this.pending.size > 0) void this.serialize(() => this.activatePending()).catch(() => undefined);
      if (this.hosts.size > 0) void this.serialize(() => this.checkSources()).catch(() => undefined);
    }, PENDING_CHECK_MS);
    this.pendingTimer.unref();
    for (const def of defs) {
      if (!def.sourceTable) { this.pending.set(id(def.db, def.name), def); continue; }
      try {
        await this.launch(def);
      } catch (e) {
        this.deps.log(`flow ${def.db}.${def.name} did not start: ${(e as Error).message}`);
      }
    }
  }

  private serialize<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async launch(def: FlowDef): Promise<AnyFlowHost> {
    const deps = { ...this.deps, state: this.state };
    const host = def.batch ? new BatchFlowHost(def, def.batch, deps) : new FlowHost(def, deps, await this.deps.catalog.getTable(def.db, def.sourceTable));
    this.hosts.set(id(def.db, def.name), host);
    await host.start();
    return host;
  }

  get(db: string, name: string): AnyFlowHost | undefined {
    return this.hosts.get(id(db, name));
  }

  create(db: string, stmt: CreateFlow | CreateTask): Promise<{ created: boolean }> {
    return this.serialize(async () => {
      const name = stmt.name[stmt.name.length - 1]!.value;
      const options = flowOptions(stmt);
      if (stmt.type === 'create_flow' && stmt.orReplace && stmt.ifNotExists) {
        throw new EddyError(StatusCode.Unsupported, 'Unsupported operation Create flow with both `IF NOT EXISTS` and `OR REPLACE`');
      }
      const now = this.deps.clock.now();
      const running = this.get(db, name);
      const existing = running?.def ?? this.pending.get(id(db, name));
      const def: FlowDef = {
        db, name, id: existing?.id ?? this.nextId(), sql: stmt.span.text.trim().replace(/;\s*$/, ''),
        sinkTable: '', sourceTable: '', comment: stmt.type === 'create_flow' ? stmt.comment ?? null : null,
        expireAfterSeconds: stmt.type === 'create_flow' ? expireSeconds(stmt.expireAfter) : null,
        options, createdAt: existing?.createdAt ?? now, updatedAt: now,
      };
      if (existing && !(stmt.type === 'create_flow' && stmt.orReplace)) {
        if (stmt.type === 'create_flow' && stmt.ifNotExists) return { created: false };
        throw new EddyError(StatusCode.FlowAlreadyExists, `Flow already exists: ${db}.${name}`);
      }
      return this.build(def, stmt, running);
    });
  }

  /** Compiles and runs a new definition (or keeps it pending while its source is missing, when it may wait). */
  private async build(def: FlowDef, stmt: CreateFlow | CreateTask, running: AnyFlowHost | undefined): Promise<{ created: boolean }> {
    const { db, name, options } = def;
    const now = this.deps.clock.now();
    const q = stmt.query;
    const from = q.type !== 'tql' && q.body.type === 'select' ? q.body.from[0] : undefined;
    const source = from?.type === 'table' ? await this.deps.catalog.getTable(db, from.name[from.name.length - 1]!.value) : null;
    if (stmt.type === 'create_flow' && (q.type === 'tql' || (needsBatching(q) && !compiles(def, source)))) return this.createBatching(def, stmt, running);
    if (!source) {
      if (options.defer_on_missing_source?.toLowerCase() !== 'true') {
        throw new InvalidArgumentError(`Invalid SQL, error: missing source tables for flow '${name}'; use WITH (defer_on_missing_source = true) to create a pending flow`);
      }
      // A pending flow (GreptimeDB's defer_on_missing_source): kept, not compiled or run until its source exists.
      def.sinkTable = stmt.type === 'create_flow' ? stmt.sink[stmt.sink.length - 1]!.value : name;
      if (running) await this.remove(running);
      await this.defs.put(KvKeys.flowDef(db, name), enc.encode(JSON.stringify(def)));
      this.pending.set(id(db, name), def);
      return { created: true };
    }
    if (options.experimental_enable_incremental_read?.toLowerCase() === 'true' && !source.options.appendMode) {
      throw new EddyError(StatusCode.EngineExecuteQuery, `Unsupported: Flow incremental read requires append-only source table, but source table \`greptime.${db}.${source.name}\` is not append-only. Consider setting append_mode='true' on the source table or disabling experimental_enable_incremental_read`);
    }
    // Compiling first: a flow the engine cannot run is the user's mistake, reported before anything changes.
    const plan = compileDef(def, source);
    def.sinkTable = plan.sinkTable;
    def.sourceTable = plan.sourceTable;
    const sink = await this.deps.catalog.getTable(db, plan.sinkTable);
    if (sink) checkSinkSchema(plan, sink, source);
    else await this.deps.query(db).createTable(sinkTableDraft(db, plan, source, now), true);
    await this.replace(def, running);
    return { created: true };
  }

  /** Pending flows whose source table exists now start (GreptimeDB activates them when the table is created). */
  private async activatePending(): Promise<void> {
    for (const def of [...this.pending.values()]) {
      const stmt = parseSql(def.sql)[0];
      if (!stmt || stmt.type !== 'create_flow' || stmt.query.type === 'tql' || stmt.query.body.type !== 'select') continue;
      const from = stmt.query.body.from[0];
      if (from?.type !== 'table' || !(await this.deps.catalog.getTable(def.db, from.name[from.name.length - 1]!.value))) continue;
      try {
        await this.build({ ...def, updatedAt: this.deps.clock.now() }, stmt, undefined);
      } catch (e) {
        this.deps.log(`pending flow ${def.db}.${def.name} cannot start: ${(e as Error).message}`);
      }
    }
  }

  /**
   * Streaming flows whose source table was dropped pause (state `paused`, last_error says why). A flow reads the table
   * it was created on, by table id, as GreptimeDB's flows do: a table created again under the same name is another
   * table, so the flow stays paused until it is dropped (or re-created to read the new table). Also run by tests
   * through checkNow().
   */
  private async checkSources(): Promise<void> {
    for (const h of [...this.hosts.values()]) {
      if (!(h instanceof FlowHost)) continue;
      const src = await this.deps.catalog.getTable(h.def.db, h.def.sourceTable);
      const gone = !src || (h.sourceId !== null && src.id !== h.sourceId);
      if (gone && (h.state === 'running' || h.state === 'checkpointing')) h.sourceLost();
    }
  }

  /** Runs the source check now (tests; the timer runs it every PENDING_CHECK_MS). */
  checkNow(): Promise<void> {
    return this.serialize(() => this.checkSources());
  }

  /** Stores the definition and runs it, in place of the flow it replaces. */
  private async replace(def: FlowDef, running: AnyFlowHost | undefined): Promise<void> {
    if (running) await this.remove(running);
    this.pending.delete(id(def.db, def.name));
    await this.defs.put(KvKeys.flowDef(def.db, def.name), enc.encode(JSON.stringify(def)));
    await this.launch(def);
  }

  /**
   * A query the streaming compiler cannot run incrementally (joins, subqueries, WITH, now()) runs as a GreptimeDB
   * batching flow: the whole query each EVAL INTERVAL and on flush. Its sink is created from a first run's columns.
   */
  private async createBatching(def: FlowDef, stmt: CreateFlow, running: AnyFlowHost | undefined): Promise<{ created: boolean }> {
    const q = stmt.query;
    const every = expireSeconds(stmt.evalInterval);
    let sources: string[];
    if (q.type === 'tql') {
      if (every === null) throw new InvalidArgumentError('Invalid query: TQL query requires EVAL INTERVAL to be set');
      sources = promqlTables(parseTqlFlow(q.promql).expr).map((t) => `${def.db}.${t}`);
      def.batch = { query: '', sources, evalIntervalMs: every * 1000, tql: { promql: q.promql, params: q.params.map((p) => formatExpr(p)) } };
    } else {
      sources = queryTables(q, def.db);
      const query = stmt.span.text.slice(q.pos.offset - stmt.span.start).trim().replace(/;\s*$/, '');
      def.batch = { query, sources, evalIntervalMs: every === null ? DEFAULT_BATCH_INTERVAL_MS : every * 1000 };
    }
    for (const s of sources) {
      if (!(await this.deps.catalog.getTable(s.slice(0, s.lastIndexOf('.')), s.slice(s.lastIndexOf('.') + 1)))) {
        throw new InvalidArgumentError(`Invalid SQL, error: missing source tables for flow '${def.name}'; use WITH (defer_on_missing_source = true) to create a pending flow`);
      }
    }
    def.sinkTable = stmt.sink[stmt.sink.length - 1]!.value;
    def.sourceTable = sources[0]?.slice(sources[0].lastIndexOf('.') + 1) ?? '';
    const now = this.deps.clock.now();
    const out = await runSpec(this.deps.query(def.db), def.db, def.batch, now);
    const sink = await this.deps.catalog.getTable(def.db, def.sinkTable);
    if (sink) checkOutputColumns(out.columns.map((c) => c.name), sink);
    else {
      const sel = q.type !== 'tql' && q.body.type === 'select' ? q.body : null;
      await this.deps.query(def.db).createTable(batchSinkDraft(def.db, def.sinkTable, sel, out, now), true);
    }
    await this.replace(def, running);
    return { created: true };
  }

  /** Takes a host off this node: `destroy` deletes its state (DROP / REPLACE), `stop` keeps it to resume from. */
  private async remove(host: AnyFlowHost, how: 'destroy' | 'stop' = 'destroy'): Promise<void> {
    if (how === 'destroy') await host.destroy();
    else await host.stop();
    this.hosts.delete(id(host.def.db, host.def.name));
  }

  private nextId(): number {
    let max = 1023;
    for (const h of this.hosts.values()) max = Math.max(max, h.def.id);
    for (const d of this.pending.values()) max = Math.max(max, d.id);
    return max + 1;
  }

  drop(db: string, name: string, ifExists: boolean): Promise<boolean> {
    return this.serialize(async () => {
      const host = this.get(db, name);
      if (!host && this.pending.delete(id(db, name))) {
        await this.defs.purge(KvKeys.flowDef(db, name));
        return true;
      }
      if (!host) {
        if (ifExists) return false;
        throw new EddyError(StatusCode.FlowNotFound, `Flow not found: ${db}.${name}`);
      }
      this.hosts.delete(id(db, name));
      await this.defs.purge(KvKeys.flowDef(db, name));
      await host.destroy();
      return true;
    });
  }

  /** COMMENT ON FLOW: the definition's comment changed and stored; the flow runs on untouched. */
  comment(db: string, name: string, comment: string | null): Promise<void> {
    return this.serialize(async () => {
      const def = this.get(db, name)?.def ?? this.pending.get(id(db, name));
      if (!def) throw new EddyError(StatusCode.FlowNotFound, `Flow not found: ${db}.${name}`);
      def.comment = comment;
      def.updatedAt = this.deps.clock.now();
      await this.defs.put(KvKeys.flowDef(db, name), enc.encode(JSON.stringify(def)));
    });
  }

  /** DROP DATABASE: its flows go with it. */
  async dropDatabase(db: string): Promise<void> {
    for (const h of [...this.hosts.values()]) if (h.def.db === db) await this.drop(db, h.def.name, true);
    for (const d of [...this.pending.values()]) if (d.db === db) await this.drop(db, d.name, true);
  }

  list(db?: string): FlowInfo[] {
    const mine = (d: FlowDef) => db === undefined || d.db === db;
    return [
      ...[...this.hosts.values()].filter((h) => mine(h.def)).map((h) => h.info()),
      ...[...this.pending.values()].filter(mine).map(pendingInfo),
    ];
  }

  async flush(db: string, name: string): Promise<number> {
    if (this.pending.has(id(db, name))) await this.serialize(() => this.activatePending());
    // A flush looks at the sources first, so a dropped source shows at once (not at the next timer tick).
    await this.checkNow();
    const host = this.get(db, name);
    if (!host) throw new EddyError(StatusCode.FlowNotFound, `Flow not found: ${db}.${name}`);
    return host.flush();
  }

  /** The QueryContext methods that run flow statements on this node. */
  contextMethods(): Pick<QueryContext, 'createFlow' | 'dropFlow' | 'listFlows' | 'flushFlow' | 'feedFlows' | 'commentFlow'> {
    return {
      feedFlows: async (db, batch) => {
        for (const h of this.hosts.values()) if (h instanceof FlowHost && h.def.db === db && h.def.sourceTable === batch.table) h.feed(batch);
      },
      createFlow: (db, stmt) => this.create(db, stmt),
      dropFlow: (db, name, ifExists) => this.drop(db, name, ifExists),
      listFlows: async (db) => this.list(db),
      flushFlow: (db, name) => this.flush(db, name),
      commentFlow: (db, name, comment) => this.comment(db, name, comment),
    };
  }

  /** Clean stop: every flow checkpoints. */
  async stop(): Promise<void> {
    if (this.pendingTimer) clearInterval(this.pendingTimer);
    await this.chain;
    await Promise.allSettled([...this.hosts.values()].map((h) => h.stop()));
  }
}
