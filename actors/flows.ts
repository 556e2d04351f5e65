// The flownode: keeps flow definitions in the catalog KV, runs one FlowHost per flow (all of them at boot, new ones on
// CREATE FLOW), and answers the QueryContext's flow methods.
import { Kvm, type KV } from '@nats-io/kv';
import {
  Buckets, EddyError, InvalidArgumentError, KvKeys, StatusCode, formatExpr,
  type CreateFlow, type CreateTask, type Expr,
} from '../core/index.ts';
import type { FlowInfo, QueryContext } from '../core/query/index.ts';
import { FlowHost, compileDef, type FlowDef, type FlowHostDeps } from './flow_host.ts';
import { sinkTableDraft } from './flow_sink.ts';

/** What each FlowHost needs, but the flow state KV, which the flownode opens itself and hands on. */
export type FlowNodeDeps = Omit<FlowHostDeps, 'state'>;

const enc = new TextEncoder();
const dec = new TextDecoder();
const id = (db: string, name: string) => `${db}\u0000${name}`;

/** Seconds of an EXPIRE AFTER interval (INTERVAL '1h', '1 hour', 3600). */
function expireSeconds(e: Expr | undefined): number | null {
  if (!e) return null;
  const text = formatExpr(e).replace(/^INTERVAL\s+/i, '').replace(/^'|'$/g, '');
  const n = Number(text);
  if (Number.isFinite(n)) return n;
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]+)$/i.exec(text.trim());
  if (!m) return null;
  const unit = m[2]!.toLowerCase().replace(/s$/, '');
  const mult: Record<string, number> = { s: 1, sec: 1, second: 1, m: 60, min: 60, minute: 60, h: 3600, hour: 3600, d: 86400, day: 86400, w: 604800, week: 604800 };
  return mult[unit] !== undefined ? Number(m[1]) * mult[unit]! : null;
}

export class FlowNode {
  private defs!: KV;
  private state!: KV;
  private readonly hosts = new Map<string, FlowHost>();
  /** Serializes create/drop so two statements on one flow cannot interleave. */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: FlowNodeDeps) {}

  /** Opens the buckets and starts every flow the catalog holds. */
  async start(): Promise<void> {
    const kvm = new Kvm(this.deps.js);
    this.defs = await kvm.create(Buckets.catalog, { history: 1 });
    this.state = await kvm.create(Buckets.flowState, { history: 1 });
    const defs: FlowDef[] = [];
    for await (const k of await this.defs.keys(KvKeys.flowDefAll)) {
      const e = await this.defs.get(k);
      if (e && e.operation === 'PUT' && e.value.length) defs.push(JSON.parse(dec.decode(e.value)) as FlowDef);
    }
    for (const def of defs) {
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

  private async launch(def: FlowDef): Promise<FlowHost> {
    const source = await this.deps.catalog.getTable(def.db, def.sourceTable);
    const host = new FlowHost(def, { ...this.deps, state: this.state }, source);
    this.hosts.set(id(def.db, def.name), host);
    await host.start();
    return host;
  }

  get(db: string, name: string): FlowHost | undefined {
    return this.hosts.get(id(db, name));
  }

  create(db: string, stmt: CreateFlow | CreateTask): Promise<{ created: boolean }> {
    return this.serialize(async () => {
      const name = stmt.name[stmt.name.length - 1]!.value;
      const options: Record<string, string> = {};
      if (stmt.type === 'create_flow') for (const [k, v] of Object.entries(stmt.options ?? {})) options[k.toLowerCase()] = v;
      const now = this.deps.clock.now();
      const existing = this.get(db, name);
      const def: FlowDef = {
        db, name, id: existing?.def.id ?? this.nextId(), sql: stmt.span.text.trim().replace(/;\s*$/, ''),
        sinkTable: '', sourceTable: '', comment: stmt.type === 'create_flow' ? stmt.comment ?? null : null,
        expireAfterSeconds: stmt.type === 'create_flow' ? expireSeconds(stmt.expireAfter) : null,
        options, createdAt: existing?.def.createdAt ?? now, updatedAt: now,
      };
      // Compiling first: a flow the engine cannot run is the user's mistake, reported before anything changes.
      const q = stmt.query;
      const from = q.type !== 'tql' && q.body.type === 'select' ? q.body.from[0] : undefined;
      const source = from?.type === 'table' ? await this.deps.catalog.getTable(db, from.name[from.name.length - 1]!.value) : null;
      const plan = source ? compileDef(def, source) : compileDef(def);
      def.sinkTable = plan.sinkTable;
      def.sourceTable = plan.sourceTable;
      if (existing) {
        const replace = stmt.type === 'create_flow' && stmt.orReplace;
        if (!replace) {
          if (stmt.type === 'create_flow' && stmt.ifNotExists) return { created: false };
          throw new EddyError(StatusCode.FlowAlreadyExists, `Flow already exists: ${db}.${name}`);
        }
      }
      if (!source && options.defer_on_missing_source?.toLowerCase() !== 'true') {
        throw new InvalidArgumentError(`missing source tables for flow '${name}'; use WITH (defer_on_missing_source = true) to create a pending flow`);
      }
      if (source && !(await this.deps.catalog.getTable(db, plan.sinkTable))) {
        await this.deps.query(db).createTable(sinkTableDraft(db, plan, source, now), true);
      }
      if (existing) {
        await existing.destroy();
        this.hosts.delete(id(db, name));
      }
      await this.defs.put(KvKeys.flowDef(db, name), enc.encode(JSON.stringify(def)));
      await this.launch(def);
      return { created: true };
    });
  }

  private nextId(): number {
    let max = 1023;
    for (const h of this.hosts.values()) max = Math.max(max, h.def.id);
    return max + 1;
  }

  drop(db: string, name: string, ifExists: boolean): Promise<boolean> {
    return this.serialize(async () => {
      const host = this.get(db, name);
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

  /** DROP DATABASE: its flows go with it. */
  async dropDatabase(db: string): Promise<void> {
    for (const h of [...this.hosts.values()]) if (h.def.db === db) await this.drop(db, h.def.name, true);
  }

  list(db?: string): FlowInfo[] {
    return [...this.hosts.values()].filter((h) => db === undefined || h.def.db === db).map((h) => h.info());
  }

  async flush(db: string, name: string): Promise<number> {
    const host = this.get(db, name);
    if (!host) throw new EddyError(StatusCode.FlowNotFound, `Flow not found: ${db}.${name}`);
    return host.flush();
  }

  /** The QueryContext methods that run flow statements on this node. */
  contextMethods(): Pick<QueryContext, 'createFlow' | 'dropFlow' | 'listFlows' | 'flushFlow'> {
    return {
      createFlow: (db, stmt) => this.create(db, stmt),
      dropFlow: (db, name, ifExists) => this.drop(db, name, ifExists),
      listFlows: async (db) => this.list(db),
      flushFlow: (db, name) => this.flush(db, name),
    };
  }

  /** Clean stop: every flow checkpoints. */
  async stop(): Promise<void> {
    await this.chain;
    await Promise.allSettled([...this.hosts.values()].map((h) => h.stop()));
  }
}
