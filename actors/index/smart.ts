// Hosts the node's SmartIndex actor: listens to regions' batched scan reports on eddy.index.workload.*.*, resolves each
// filtered column against the table's schema, and applies the machine's decisions as schema changes (SET / UNSET
// SKIPPING or FULLTEXT INDEX marked automatic); the regions' IndexBuilders then build or remove the files.
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { createActor, fromPromise, waitFor, type Actor } from 'xstate';
import { Subjects, setIndex, smart, unsetIndex, wantedIndexes, type Clock, type ColumnSchema, type IndexAdviceRow, type TableSchema } from '../../core/index.ts';
import { SmartIndexEvents, smartIndexMachine, type Candidate } from './smart_machine.ts';
import { decodeWorkload, type WorkloadReport } from './workload_wire.ts';

export interface SmartIndexDeps {
  nc: NatsConnection;
  clock: Clock;
  config: smart.SmartConfig;
  getTable(db: string, table: string): Promise<TableSchema | null>;
  /** The query context's ALTER (catalog change, then every region adopts the schema). */
  alterTable(db: string, table: string, change: (s: TableSchema) => TableSchema): Promise<TableSchema>;
  log: (m: string) => void;
  /** Publishes this node's batched scan reports now (drained() reads what they said). */
  flushReports?: () => void;
  /** Ticks (drops of unused automatic indexes) this often in ms; 0: only when tick() is called. */
  tickMs?: number;
}

const KIND_OF: Record<string, smart.SmartKind | undefined> = { in: 'skipping', fulltext: 'fulltext' };

/** Where an index of this kind on the column stands in the schema. */
export function existingIndex(schema: TableSchema, col: ColumnSchema, kind: smart.SmartKind): smart.Existing {
  const ix = col.indexes;
  if (ix?.[kind]) return ix.auto?.includes(kind) ? 'auto' : 'declared';
  // = and IN on a column with an inverted index (declared, or the primary-key default) are answered already
  if (kind === 'skipping' && wantedIndexes(schema).some((w) => w.kind === 'inverted' && w.columns[0] === col.name)) return 'declared';
  return 'none';
}

/** Whether scans could use an index on the column, and the table lets the smart index act. */
export function eligibility(schema: TableSchema, col: ColumnSchema): { eligible: boolean; why?: string } {
  const flag = Object.entries(schema.options.extra ?? {}).find(([k]) => k.toLowerCase() === 'smart_index')?.[1];
  if (flag?.toLowerCase() === 'false') return { eligible: false, why: "table option smart_index = 'false'" };
  if (col.type !== 'string') return { eligible: false, why: `column type ${col.type}` };
  if (!schema.options.appendMode && !schema.primaryKey.includes(col.name)) return { eligible: false, why: 'a field of a last-write-wins table: its index could not prune before the merge' };
  return { eligible: true };
}

function withColumn(s: TableSchema, column: string, f: (c: ColumnSchema) => ColumnSchema): TableSchema {
  return { ...s, version: s.version + 1, columns: s.columns.map((c) => (c.name === column ? f(c) : c)) };
}

export class SmartIndex {
  private readonly actor: Actor<typeof smartIndexMachine>;
  private sub: Subscription | null = null;
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly deps: SmartIndexDeps) {
    const machine = smartIndexMachine.provide({ actors: { apply: fromPromise(async ({ input }: { input: Candidate }) => this.apply(input)) } });
    this.actor = createActor(machine, { input: { config: deps.config } });
  }

  start(): void {
    this.actor.start();
    this.sub = this.deps.nc.subscribe(Subjects.indexWorkloadAll, {
      callback: (err, msg) => {
        if (err) return;
        // one report after the other: each resolves the schema, in arrival order
        for (const r of decodeWorkload(msg.data)) this.chain = this.chain.then(() => this.observe(r)).catch((e) => this.deps.log(`smart index: ${(e as Error).message}`));
      },
    });
    if (this.deps.tickMs) this.timer = setInterval(() => this.tick(), this.deps.tickMs).unref();
  }

  /** Reports received so far are observed (tests wait on this, then on idle()). */
  async drained(): Promise<void> {
    this.deps.flushReports?.();
    await this.deps.nc.flush();
    await this.chain;
  }

  private async observe(r: WorkloadReport): Promise<void> {
    const schema = await this.deps.getTable(r.db, r.table);
    if (!schema) return;
    const seen = new Set<string>();
    for (const p of r.preds) {
      const kind = KIND_OF[p.op];
      const col = schema.columns.find((c) => c.name === p.column);
      if (!kind || !col || seen.has(`${p.column}/${kind}`)) continue;
      seen.add(`${p.column}/${kind}`);
      const el = eligibility(schema, col);
      const obs: smart.Observation = { at: r.at, rowsRead: r.rowsRead, rowsOut: r.rowsOut, existing: existingIndex(schema, col, kind), eligible: el.eligible, ...(el.why ? { why: el.why } : {}) };
      this.actor.send({ type: SmartIndexEvents.observed, db: r.db, table: r.table, column: p.column, kind, obs });
    }
  }

  /** Evaluates every candidate at the clock's time (drops automatic indexes unused for dropAfterMs). */
  tick(): void {
    if (this.actor.getSnapshot().status === 'active') this.actor.send({ type: SmartIndexEvents.tick, at: this.deps.clock.now() });
  }

  configure(config: Partial<smart.SmartConfig>): void {
    this.actor.send({ type: SmartIndexEvents.configured, config });
  }

  private async apply(c: Candidate): Promise<{ existing: smart.Existing; at: number }> {
    const kindSql = c.kind === 'skipping' ? 'SKIPPING' : 'FULLTEXT';
    let existing: smart.Existing = c.state.existing;
    await this.deps.alterTable(c.db, c.table, (s) => {
      const col = s.columns.find((x) => x.name === c.column);
      if (!col) return s;
      const now = existingIndex(s, col, c.kind);
      existing = now;
      if (c.state.decision === 'create' && now === 'none') {
        existing = 'auto';
        // GreptimeDB's defaults (FULLTEXT: English, case-insensitive: what matches() reads the column with anyway)
        return withColumn(s, c.column, (x) => { const y = setIndex(x, kindSql, {}); return { ...y, indexes: { ...y.indexes, auto: [...(y.indexes?.auto ?? []), c.kind] } }; });
      }
      if (c.state.decision === 'drop' && now === 'auto') {
        existing = 'none';
        return withColumn(s, c.column, (x) => unsetIndex(x, kindSql));
      }
      return s; // someone else changed it meanwhile: nothing to do
    });
    this.deps.log(`smart index: ${c.state.decision} ${c.kind} index on ${c.db}.${c.table}.${c.column} (${c.state.reason})`);
    return { existing, at: this.deps.clock.now() };
  }

  /** Resolves when no decision waits to be applied. */
  async idle(): Promise<void> {
    await waitFor(this.actor, (s) => (s.matches('observing') && s.context.pending.length === 0) || s.status !== 'active', { timeout: 600_000 });
  }

  advice(): IndexAdviceRow[] {
    return Object.values(this.actor.getSnapshot().context.candidates).map((c) => ({
      db: c.db, table: c.table, column: c.column, kind: c.kind, queries: c.state.queries, rowsRead: c.state.rowsRead, rowsKept: c.state.rowsOut,
      benefit: c.state.benefit, decision: c.state.decision, existing: c.state.existing, reason: c.state.reason, at: c.state.decidedAt,
    }));
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.sub?.unsubscribe();
    await this.chain;
    if (this.actor.getSnapshot().status === 'active') {
      this.actor.send({ type: SmartIndexEvents.stopRequested });
    }
    this.actor.stop();
  }
}
