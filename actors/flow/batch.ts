// A batching flow: a query the streaming compiler cannot run incrementally (joins, subqueries, WITH, now() bounds),
// run as GreptimeDB's batching engine runs it: the whole query every EVAL INTERVAL (and on ADMIN flush_flow),
// its rows upserted into the sink table. now() is the scheduled instant (aligned to the interval).
import type { ColumnSchema, Expr, Query, Select, TableSchema } from '../../core/index.ts';
import { EddyError, StatusCode, formatExpr } from '../../core/index.ts';
import { executeSql, type FlowInfo, type QueryContext, type QueryOutput } from '../../core/query/index.ts';
import type { FlowValue } from '../../streams/index.ts';
import { durationMs, type FlowDef, type FlowHostDeps } from './host.ts';
import { evalTqlFlow, parseTqlFlow, type TqlFlowResult as TqlResult } from '../../core/promql/tql_flow.ts';
import { AUTO_SINK_COMMENT, queryRowsBatch } from '../../streams/sink_table.ts';

/** What a batching flow keeps in its definition besides the statement. */
export interface BatchSpec {
  /** The query text (after AS). */
  query: string;
  /** Source tables as `db.table`. */
  sources: string[];
  evalIntervalMs: number | null;
  /** A TQL flow: its PromQL and the EVAL (start, end, step) parameters as SQL text. */
  tql?: { promql: string; params: string[] };
}

const UNIT_NS: Record<string, bigint> = {
  TimestampSecond: 1_000_000_000n, TimestampMillisecond: 1_000_000n, TimestampMicrosecond: 1_000n, TimestampNanosecond: 1n,
};

function fnName(e: Expr): string | null {
  return e.type === 'function' ? e.name[e.name.length - 1]!.value.toLowerCase() : null;
}

/** Every table a query reads (`db.table`), CTE names left out. */
export function queryTables(q: Query, db: string): string[] {
  const ctes = new Set((q.with?.ctes ?? []).map((c) => c.name.value));
  const out = new Set<string>();
  const visit = (x: unknown): void => {
    if (!x || typeof x !== 'object') return;
    if (Array.isArray(x)) { x.forEach(visit); return; }
    const o = x as Record<string, unknown>;
    if (o.type === 'table' && Array.isArray(o.name)) {
      const parts = (o.name as { value: string }[]).map((p) => p.value);
      const name = parts[parts.length - 1]!;
      if (!(parts.length === 1 && ctes.has(name))) out.add(`${parts.length > 1 ? parts[parts.length - 2] : db}.${name}`);
    }
    for (const [k, v] of Object.entries(o)) if (k !== 'pos' && k !== 'span') visit(v);
  };
  visit(q);
  return [...out];
}

/** True when the query may be beyond the streaming compiler: more than one table, a subquery, WITH, or now(). */
export function needsBatching(q: Query): boolean {
  if (q.with || q.body.type !== 'select') return true;
  const sel = q.body;
  if (sel.from.length !== 1 || sel.from[0]!.type !== 'table') return true;
  let now = false;
  const visit = (x: unknown): void => {
    if (now || !x || typeof x !== 'object') return;
    if (Array.isArray(x)) { x.forEach(visit); return; }
    const o = x as Record<string, unknown>;
    if (o.type === 'function' && ['now', 'current_timestamp'].includes(fnName(o as unknown as Expr) ?? '')) now = true;
    if (o.type === 'subquery' || o.type === 'in_subquery' || o.type === 'exists') now = true;
    for (const [k, v] of Object.entries(o)) if (k !== 'pos' && k !== 'span') visit(v);
  };
  visit(sel);
  return now;
}

function columnType(dt: string): Pick<ColumnSchema, 'type' | 'unit'> {
  if (dt.startsWith('Timestamp')) return { type: 'timestamp', unit: dt === 'TimestampSecond' ? 's' : dt === 'TimestampMicrosecond' ? 'us' : dt === 'TimestampNanosecond' ? 'ns' : 'ms' };
  if (/^Int/.test(dt)) return { type: 'int64' };
  if (/^UInt/.test(dt)) return { type: 'uint64' };
  if (/^Float|^Decimal/.test(dt)) return { type: 'float64' };
  if (dt === 'Boolean') return { type: 'boolean' };
  return { type: 'string' };
}

/**
 * The sink for a batching flow: the output columns, a time window column in GROUP BY as time index (else
 * __ts_placeholder), the other grouped output columns as tags, and update_at. Without GROUP BY, the first timestamp
 * column is the time index and the string columns are tags, so distinct output rows stay apart.
 */
export function batchSinkDraft(db: string, name: string, sel: Select | null, out: Pick<TqlResult, 'columns'>, now: number): Omit<TableSchema, 'id'> {
  const grouped = new Set<string>();
  let timeIndex: string | null = null;
  if (!sel || sel.groupBy.length === 0) {
    // No grouping to key the rows by: each distinct output row is kept, keyed by its first timestamp and its strings.
    timeIndex = out.columns.find((c) => c.dataType.startsWith('Timestamp'))?.name ?? null;
    for (const c of out.columns) if (c.dataType === 'Utf8' || c.dataType === 'String') grouped.add(c.name);
  } else {
    const texts = sel.groupBy.map((g) => formatExpr(g));
    sel.projection.forEach((p, i) => {
      const col = out.columns[i];
      if (!col) return;
      const byAlias = sel.groupBy.some((g) => g.type === 'column' && g.path.length === 1 && g.path[0]!.value === p.alias?.value);
      if (!byAlias && !texts.includes(formatExpr(p.expr))) return;
      const f = fnName(p.expr);
      if (timeIndex === null && col.dataType.startsWith('Timestamp') && (f === 'date_bin' || f === 'date_trunc' || f === 'tumble')) timeIndex = col.name;
      else grouped.add(col.name);
    });
  }
  const columns: ColumnSchema[] = out.columns.map((c) => ({
    name: c.name, ...columnType(c.dataType),
    semantic: c.name === timeIndex ? 'timestamp' : grouped.has(c.name) ? 'tag' : 'field', nullable: c.name !== timeIndex,
  }));
  columns.push({ name: 'update_at', type: 'timestamp', unit: 'ms', semantic: 'field', nullable: true });
  if (timeIndex === null) {
    timeIndex = '__ts_placeholder';
    columns.push({ name: timeIndex, type: 'timestamp', unit: 'ms', semantic: 'timestamp', nullable: false });
  }
  return { db, name, version: 0, columns, timeIndex, primaryKey: [...grouped], options: { extra: { comment: AUTO_SINK_COMMENT } }, regions: 1, createdAt: now };
}

/** One run of a batching flow's query (SQL, or TQL evaluated over its range): columns and JSON rows. */
export async function runSpec(ctx: QueryContext, db: string, spec: BatchSpec, nowMs: number): Promise<TqlResult> {
  if (!spec.tql) return runAt(ctx, spec.query, nowMs);
  const [start, end, step] = spec.tql.params;
  if (!start || !end || !step) throw new EddyError(StatusCode.InvalidArguments, 'TQL EVAL expects (start, end, step)');
  const bounds = await runAt(ctx, `SELECT ${start}, ${end}`, nowMs);
  const ns = (j: number): bigint => {
    const v = bounds.rows[0]?.[j];
    const unit = UNIT_NS[bounds.columns[j]!.dataType];
    // A time beyond 2^53 in its unit (ns) comes as a bigint: exact, so it is taken as is.
    if (typeof v === 'bigint' && unit !== undefined) return v * unit;
    if (typeof v !== 'number') throw new EddyError(StatusCode.InvalidArguments, `TQL EVAL bound ${j === 0 ? start : end} is not a time`);
    return unit !== undefined ? BigInt(v) * unit : BigInt(Math.round(v * 1000)) * 1_000_000n;
  };
  const stepText = step.replace(/^'|'$/g, '');
  const stepNs = /^\d+(\.\d+)?$/.test(stepText) ? BigInt(Math.round(Number(stepText) * 1e9)) : BigInt(Math.round(durationMs(stepText, 'TQL step'))) * 1_000_000n;
  return evalTqlFlow(ctx, db, parseTqlFlow(spec.tql.promql), ns(0), ns(1), stepNs);
}

/** Runs the query with now() fixed at `nowMs` (what GreptimeDB's batching engine does for a scheduled run). */
export async function runAt(ctx: QueryContext, query: string, nowMs: number): Promise<QueryOutput & { kind: 'records' }> {
  const at = new Proxy(ctx, {
    get(t, k) {
      if (k === 'now') return () => nowMs;
      const v = Reflect.get(t, k, t) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
    },
  });
  const out = (await executeSql(at, query)).at(-1);
  if (!out || out.kind !== 'records') throw new EddyError(StatusCode.InvalidArguments, 'A flow query must return rows');
  return out;
}

export class BatchFlowHost {
  /** A batching flow writes only its sink table: no live output on eddy.flow.* or SSE. */
  readonly live = false;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> = Promise.resolve(0);
  private stopped = false;
  private lastExecutionTime: number | null = null;
  private lastError: string | null = null;
  private rowsOut = 0;
  private runs = 0;

  constructor(readonly def: FlowDef, private readonly spec: BatchSpec, private readonly deps: FlowHostDeps) {}

  get state(): string {
    return this.stopped ? 'stopped' : 'running';
  }

  async start(): Promise<void> {
    this.schedule();
  }

  /** The next run at the next multiple of the interval. */
  private schedule(): void {
    const every = this.spec.evalIntervalMs;
    if (!every || this.stopped) return;
    const now = this.deps.clock.now();
    const at = Math.floor(now / every) * every + every;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.run(at).catch(() => undefined).finally(() => this.schedule());
    }, at - now);
    this.timer.unref();
  }

  /** One run: the query's rows upserted into the sink. */
  run(nowMs: number): Promise<number> {
    const next = this.running.catch(() => 0).then(async () => {
      try {
        const n = await this.execute(nowMs);
        this.lastError = null;
        return n;
      } catch (e) {
        this.lastError = (e as Error).message;
        throw e;
      }
    });
    this.running = next;
    return next;
  }

  private async execute(nowMs: number): Promise<number> {
    const out = await runSpec(this.deps.query(this.def.db), this.def.db, this.spec, nowMs);
    this.lastExecutionTime = this.deps.clock.now();
    this.runs++;
    if (out.rows.length === 0) return 0;
    const sink = await this.deps.catalog.getTable(this.def.db, this.def.sinkTable);
    if (!sink) throw new EddyError(StatusCode.TableNotFound, `sink table ${this.def.db}.${this.def.sinkTable} does not exist`);
    const names = out.columns.map((c) => c.name);
    const updateAt = BigInt(Math.round(this.lastExecutionTime)) * 1_000_000n;
    const rows = out.rows.map((r) => {
      const values: Record<string, FlowValue> = { update_at: updateAt, __ts_placeholder: 0n };
      out.columns.forEach((c, j) => {
        const v = r[j];
        const unit = UNIT_NS[c.dataType];
        values[c.name] = v === null || v === undefined ? null : unit !== undefined ? BigInt(v as number) * unit : (v as FlowValue);
      });
      return values;
    });
    await this.deps.writes.write(this.def.db, [queryRowsBatch(sink, names, rows)]);
    this.rowsOut += rows.length;
    return rows.length;
  }

  /** ADMIN flush_flow: a run now. */
  flush(): Promise<number> {
    return this.run(this.deps.clock.now());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running.catch(() => undefined);
  }

  destroy(): Promise<void> {
    return this.stop();
  }

  watermarkMs(): number | null {
    return null;
  }

  currentRows(): Record<string, unknown>[] {
    return [];
  }

  info(): FlowInfo {
    const d = this.def;
    return {
      db: d.db, name: d.name, id: d.id, definition: d.sql, sinkTable: d.sinkTable, sourceTables: this.spec.sources.map((s) => (s.startsWith(`${d.db}.`) ? s.slice(d.db.length + 1) : s)),
      comment: d.comment, expireAfterSeconds: d.expireAfterSeconds, options: { ...d.options, flow_type: 'batching' }, createdAt: d.createdAt,
      updatedAt: d.updatedAt, lastExecutionTime: this.lastExecutionTime, state: this.state, rowsIn: 0, rowsOut: this.rowsOut,
      errors: this.lastError ? 1 : 0, lastError: this.lastError, lagMs: null, watermark: null, nodeId: this.deps.nodeId,
    };
  }
}
