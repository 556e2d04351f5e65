// The sink side of a flow: the auto-created sink table's schema, and flow rows -> batches typed by the sink table.
// (Source-table scans -> WriteBatches for back-fill are core/codec/arrow_rows.ts: they need apache-arrow.)
import { EddyError, StatusCode, allocValues, conformBatch } from '../core/index.ts';
import type { Column, ColumnSchema, DataType, Expr, TableSchema, WriteBatch } from '../core/index.ts';
import type { FlowPlan, FlowRow, FlowValue } from './types.ts';

const INT_AGGS = new Set(['count', 'approx_distinct']);
const FLOAT_AGGS = new Set(['avg', 'mean', 'approx_percentile_cont', 'percentile_cont', 'median', 'approx_median', 'stddev', 'variance']);
const SAME_AGGS = new Set(['min', 'max', 'first_value', 'last_value']);

type Typed = Pick<ColumnSchema, 'type' | 'sqlType' | 'unit'>;

function typeOfExpr(e: Expr, source: TableSchema): Typed {
  switch (e.type) {
    case 'column': {
      const c = source.columns.find((x) => x.name === e.path[e.path.length - 1]!.value);
      return c ? { type: c.type, ...(c.sqlType ? { sqlType: c.sqlType } : {}), ...(c.unit ? { unit: c.unit } : {}) } : { type: 'string' };
    }
    case 'string': return { type: 'string' };
    case 'number': return { type: /^-?\d+$/.test(e.value) ? 'int64' : 'float64' };
    case 'function': {
      const fn = e.name[e.name.length - 1]!.value.toLowerCase();
      if (INT_AGGS.has(fn)) return { type: 'int64' };
      if (FLOAT_AGGS.has(fn)) return { type: 'float64' };
      const arg = e.args[0];
      if (fn === 'sum') return arg && typeOfExpr(arg, source).type === 'int64' ? { type: 'int64' } : { type: 'float64' };
      if (SAME_AGGS.has(fn) && arg) return typeOfExpr(arg, source);
      if (['date_bin', 'date_trunc', 'tumble_start', 'tumble_end', 'hop_start', 'hop_end', 'now'].includes(fn)) return { type: 'timestamp', unit: 'ms' };
      if (['concat', 'lower', 'upper', 'substr', 'to_string', 'trim'].includes(fn)) return { type: 'string' };
      if (['hll', 'hll_merge', 'uddsketch_state', 'uddsketch_merge'].includes(fn)) return { type: 'string', sqlType: 'BINARY' };
      return { type: 'float64' };
    }
    case 'cast': {
      const raw = e.dataType.raw.toUpperCase();
      if (/INT/.test(raw)) return { type: 'int64' };
      if (/CHAR|TEXT|STRING/.test(raw)) return { type: 'string' };
      if (/TIMESTAMP/.test(raw)) return { type: 'timestamp', unit: 'ms' };
      if (/BOOL/.test(raw)) return { type: 'boolean' };
      return { type: 'float64' };
    }
    case 'binary': {
      if (['AND', 'OR', '=', '<>', '!=', '<', '<=', '>', '>='].includes(e.op)) return { type: 'boolean' };
      const l = typeOfExpr(e.left, source).type;
      const r = typeOfExpr(e.right, source).type;
      if (e.op !== '/' && l === 'int64' && r === 'int64') return { type: 'int64' };
      return { type: 'float64' };
    }
    default: return { type: 'float64' };
  }
}

/** The sink table GreptimeDB would create: projection columns, the window start as time index, group keys as tags, update_at. */
/** The comment GreptimeDB gives a sink table a flow creates (SHOW CREATE TABLE, information_schema.tables.table_comment). */
export const AUTO_SINK_COMMENT = 'Auto created table by flow engine';

export function sinkTableDraft(db: string, plan: FlowPlan, source: TableSchema, now: number): Omit<TableSchema, 'id'> {
  const columns: ColumnSchema[] = plan.columns.map((c, i) => {
    if (c.name === 'update_at' || c.name === '__ts_placeholder') return { name: c.name, type: 'timestamp', unit: 'ms', semantic: c.role, nullable: c.role !== 'timestamp' };
    if (c.role === 'timestamp') {
      const unit = source.columns.find((x) => x.name === source.timeIndex)?.unit ?? 'ms';
      return { name: c.name, type: 'timestamp', unit, semantic: 'timestamp', nullable: false };
    }
    const item = plan.select.projection[i];
    const typed: Typed = item && item.expr.type !== 'wildcard' ? typeOfExpr(item.expr, source)
      : source.columns.find((x) => x.name === c.name) ?? { type: 'string' };
    return { name: c.name, ...typed, semantic: c.role, nullable: true };
  });
  return { db, name: plan.sinkTable, version: 0, columns, timeIndex: plan.timeIndex, primaryKey: plan.primaryKey, options: { extra: { comment: AUTO_SINK_COMMENT } }, regions: 1, createdAt: now };
}

const AUTO_COLUMNS = new Set(['update_at', '__ts_placeholder']);
const list = (xs: string[]): string => `[${xs.map((x) => JSON.stringify(x)).join(', ')}]`;

/** GreptimeDB's (Arrow) name of a column type, for mismatch messages. */
function arrowType(t: Typed): string {
  switch (t.type) {
    case 'timestamp': return 'Timestamp(Millisecond(TimestampMillisecondType))';
    case 'int64': return /INT/i.test(t.sqlType ?? '') && !/BIGINT/i.test(t.sqlType ?? '') ? 'Int32(Int32Type)' : 'Int64(Int64Type)';
    case 'uint64': return 'UInt64(UInt64Type)';
    case 'float64': return 'Float64(Float64Type)';
    case 'boolean': return 'Boolean(BooleanType)';
    default: return 'Utf8(Utf8Type)';
  }
}

/**
 * CREATE FLOW into an existing sink table checks its schema as GreptimeDB does. An aggregating (batching) flow's
 * output columns go in by position when there are as many as the sink has; otherwise they must be the sink's by name
 * (update_at and __ts_placeholder may be left out; under merge_mode=last_non_null only the key columns are required). A plain (streaming) flow's columns go into the sink
 * by position, so their types must fit.
 */
export function checkSinkSchema(plan: FlowPlan, sink: TableSchema, source: TableSchema): void {
  const items = plan.select.projection;
  const flowCols = plan.columns.slice(0, items.length).map((c) => c.name);
  const fail = (m: string): never => { throw new EddyError(StatusCode.EngineExecuteQuery, m); };
  if (!plan.aggregating) {
    const theirs = sink.columns.filter((c) => !AUTO_COLUMNS.has(c.name));
    items.forEach((item, i) => {
      const s = theirs[i];
      if (!s || item.expr.type === 'wildcard' || flowCols[i] === s.name) return;
      const t = typeOfExpr(item.expr, source);
      if ((s.type === 'timestamp') !== (t.type === 'timestamp')) {
        fail(`Invalid query: Column ${i}(name is '${s.name}', flow inferred name is '${flowCols[i]}')'s data type mismatch, expect ${arrowType(s)} got ${arrowType(t)}`);
      }
    });
    return;
  }
  checkOutputColumns(flowCols, sink);
}

/** A batching flow's output columns against an existing sink: by position when as many, else by name. */
export function checkOutputColumns(flowCols: string[], sink: TableSchema): void {
  const sinkCols = sink.columns.map((c) => c.name);
  const fail = (m: string): never => { throw new EddyError(StatusCode.EngineExecuteQuery, m); };
  if (flowCols.length === sinkCols.length) return;
  const extra = flowCols.filter((c) => !sinkCols.includes(c));
  const missing = sinkCols.filter((c) => !flowCols.includes(c) && !AUTO_COLUMNS.has(c));
  const base = `Flow output schema does not match sink table schema: found ${flowCols.length} flow output columns and ${sinkCols.length} sink table columns. `
    + `flow output columns: ${list(flowCols)}, sink table columns: ${list(sinkCols)}, extra flow columns not in sink: ${list(extra)}, missing sink columns from flow output: ${list(missing)}`;
  const plan_ = (m: string) => `Datafusion error: Plan(${JSON.stringify(m)}) in context: Failed to rewrite plan`;
  if (sink.options.extra?.merge_mode === 'last_non_null') {
    const required = missing.filter((c) => c === sink.timeIndex || sink.primaryKey.includes(c));
    if (required.length) fail(plan_(`Column(s) ${list(required)} required by sink table are missing from flow output when merge_mode=last_non_null. ${base}`));
    if (extra.length) fail(plan_(base));
    return;
  }
  if (extra.length || missing.length) fail(plan_(base));
}

/** Flow column name -> sink column: by name, else by position when the sink declares the same number of columns. */
export function sinkMapping(plan: FlowPlan, sink: TableSchema): Map<string, ColumnSchema> {
  const out = new Map<string, ColumnSchema>();
  for (const c of plan.columns) {
    const s = sink.columns.find((x) => x.name === c.name);
    if (s) out.set(c.name, s);
  }
  if (out.size < plan.columns.length) {
    const mine = plan.columns.filter((c) => c.name !== 'update_at' && c.name !== '__ts_placeholder');
    const theirs = sink.columns.filter((c) => c.name !== 'update_at' && c.name !== '__ts_placeholder');
    if (mine.length === theirs.length) mine.forEach((c, i) => { if (!out.has(c.name)) out.set(c.name, theirs[i]!); });
  }
  return out;
}

function put(values: Column['values'], type: DataType, i: number, v: FlowValue): boolean {
  switch (type) {
    case 'timestamp': case 'int64': {
      const n = typeof v === 'bigint' ? v : typeof v === 'number' && Number.isFinite(v) ? BigInt(Math.trunc(v)) : typeof v === 'boolean' ? BigInt(v ? 1 : 0) : null;
      if (n === null) return false;
      (values as BigInt64Array)[i] = n;
      return true;
    }
    case 'uint64': {
      const n = typeof v === 'bigint' ? v : typeof v === 'number' && Number.isFinite(v) && v >= 0 ? BigInt(Math.trunc(v)) : null;
      if (n === null) return false;
      (values as BigUint64Array)[i] = n;
      return true;
    }
    case 'float64': {
      const n = typeof v === 'string' ? Number(v) : Number(v);
      if (Number.isNaN(n) && typeof v === 'string') return false;
      (values as Float64Array)[i] = n;
      return true;
    }
    case 'boolean': (values as Uint8Array)[i] = v ? 1 : 0; return true;
    case 'string': (values as (string | null)[])[i] = String(v); return true;
  }
}

function columnsFor(rows: FlowRow[], cols: [string, ColumnSchema][], table: string, sink: TableSchema): WriteBatch {
  const columns: Column[] = cols.map(([flowName, s]) => {
    const values = allocValues(s.type, rows.length);
    const valid = new Uint8Array(rows.length);
    rows.forEach((r, i) => {
      const v = r.values[flowName] ?? null;
      if (v !== null && put(values, s.type, i, v)) valid[i] = 1;
    });
    return { name: s.name, type: s.type, semantic: s.semantic, values, valid: valid.every((x) => x === 1) ? null : valid };
  });
  return conformBatch(sink, { table, rows: rows.length, columns });
}

/** Upserts (live rows, every mapped column) and deletes (key columns only) for the sink table. */
export function sinkBatches(plan: FlowPlan, sink: TableSchema, rows: FlowRow[], map = sinkMapping(plan, sink)): { upserts: WriteBatch | null; deletes: WriteBatch | null } {
  const live = rows.filter((r) => !r.deleted);
  const gone = rows.filter((r) => r.deleted);
  const all = [...map.entries()];
  const keys = all.filter(([, s]) => s.semantic !== 'field');
  return {
    upserts: live.length ? columnsFor(live, all, sink.name, sink) : null,
    deletes: gone.length && keys.some(([, s]) => s.semantic === 'timestamp') ? columnsFor(gone, keys, sink.name, sink) : null,
  };
}

/**
 * Rows of a batching flow's query (output column name -> value) as one upsert batch for its sink: columns by name,
 * else by position when there are as many as the sink has (without update_at / __ts_placeholder).
 */
export function queryRowsBatch(sink: TableSchema, names: string[], rows: Record<string, FlowValue>[]): WriteBatch {
  const theirs = sink.columns.filter((c) => !AUTO_COLUMNS.has(c.name));
  const byPosition = names.length === theirs.length;
  const cols: [string, ColumnSchema][] = [];
  names.forEach((n, i) => {
    const s = sink.columns.find((c) => c.name === n) ?? (byPosition ? theirs[i] : undefined);
    if (s) cols.push([n, s]);
  });
  for (const auto of AUTO_COLUMNS) {
    const s = sink.columns.find((c) => c.name === auto);
    if (s && !names.includes(auto)) cols.push([auto, s]);
  }
  const flowRows = rows.map((values) => ({ key: '', windowStart: null, windowEnd: null, final: false, deleted: false, values }));
  return columnsFor(flowRows, cols, sink.name, sink);
}
