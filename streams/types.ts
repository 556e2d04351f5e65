// Shapes shared by the flow compiler, the operators and the flow runtime: plans, values, emitted rows.
import type { Expr, Select } from '../core/index.ts';
import type { TimeUnit } from '../core/schema.ts';
import type { Rel, Vec } from './core_eval.ts';

/** A scalar inside a flow: numbers (int64 columns widen to number), strings, booleans, timestamps as int64 ns. */
export type FlowValue = number | bigint | string | boolean | null;

/** Tumbling windows have slide === size; hopping windows slide < size. All int64 ns. */
export interface WindowSpec {
  sizeNs: bigint;
  slideNs: bigint;
  originNs: bigint;
}

export type AggregateKind =
  | 'count' | 'count_distinct' | 'sum' | 'avg' | 'min' | 'max' | 'first_value' | 'last_value' | 'percentile' | 'sketch';

/** GreptimeDB's sketch-state aggregates: a HyperLogLog or UDDSketch state (text) per group. */
export interface SketchSpec {
  fn: 'hll' | 'hll_merge' | 'uddsketch_state' | 'uddsketch_merge';
  /** uddsketch_*: the bucket count and error rate. */
  buckets?: number;
  alpha?: number;
}

export interface AggregateSpec {
  kind: AggregateKind;
  /** The SQL text that names it (dedupes identical calls in projection and HAVING). */
  text: string;
  /** Argument over the source row; null for count(*). */
  arg: RowExpr | null;
  /** percentile: fraction in [0, 1]. */
  fraction?: number;
  /** sketch: which state and its parameters. */
  sketch?: SketchSpec;
  /** first_value/last_value ordering key over the source row (the time index when not given). */
  orderBy?: RowExpr | null;
  /** The core type of the argument, recorded by the first batch (what SELECT would type the aggregate from). */
  argDt?: string;
  /** Where the argument sits in a row's value vector (-1 for count(*)); slot 0 is always the row's time index. */
  slot: number;
  /** Where the ordering key of first_value/last_value sits (0: the time index). */
  orderSlot: number;
  /** sum/avg/percentile: the argument is converted to a number when the row is decoded. */
  numeric: boolean;
}

/**
 * An expression over the columns of the source rows, evaluated batch-wise by core's evaluator (streams/core_eval.ts)
 * over a relation of the batch's columns (see batchRel).
 */
export interface RowExpr {
  vector(rows: Rel): Vec;
  /** Source column names it reads. */
  columns: string[];
  text: string;
}

/** An expression over one output group: group-key values, aggregate results and the window bounds. */
export interface OutExpr {
  eval(group: OutScope): FlowValue;
  text: string;
}
export interface OutScope {
  keys: FlowValue[];
  aggs: FlowValue[];
  windowStart: bigint | null;
  windowEnd: bigint | null;
}

/** One entry of a row's value vector: an aggregate argument, converted to a number for sum/avg/percentiles. */
export interface ValueSlot {
  expr: RowExpr;
  numeric: boolean;
}

export interface GroupKeySpec {
  /** Output name (alias or DataFusion-style name). */
  name: string;
  /** Evaluated per source row; the window key is not here (it is the WindowSpec). */
  expr: RowExpr;
}

export type SinkRole = 'tag' | 'field' | 'timestamp';
export interface SinkColumn {
  name: string;
  role: SinkRole;
  expr: OutExpr;
  /** A column the flow adds on its own (not in the query): `update_at` (emission time) or `__ts_placeholder`. */
  auto?: 'update_at' | 'placeholder';
}

/** Everything the runtime needs to run one flow; plain data plus compiled closures. */
export interface FlowPlan {
  name: string;
  sinkTable: string;
  sourceTable: string;
  /** Source column names the row expressions read, by slot ('$time' is the batch's time index). */
  rowColumns: string[];
  /** The table name (or alias) row expressions may qualify columns with. */
  rowQualifier: string;
  /** Timestamp precision of source columns (from the source schema when known; ms otherwise), as SELECT reads them. */
  rowUnits?: Record<string, TimeUnit>;
  /** Per-row predicate (WHERE); null keeps every row. */
  filter: RowExpr | null;
  /** Event time of a row: the window function's time argument (null = the batch's time index). */
  eventTime: RowExpr | null;
  window: WindowSpec | null;
  groupKeys: GroupKeySpec[];
  /** The core type of each group key, recorded by the first batch (output expressions are typed as SELECT's). */
  groupKeyDts: (string | undefined)[];
  aggregates: AggregateSpec[];
  /** What each row keeps per (group, window): slot 0 is the time index, then the aggregate arguments. */
  valueSlots: (ValueSlot | null)[];
  having: OutExpr | null;
  /** Sink columns in table order: projection items, `update_at`, and `__ts_placeholder` when nothing is a time index. */
  columns: SinkColumn[];
  /** Name of the sink's time index column. */
  timeIndex: string;
  /** Names of tag (primary key) columns of the sink. */
  primaryKey: string[];
  /** Rows whose event time is older than max event time - expireAfter are dropped (null: never by age). */
  expireAfterNs: bigint | null;
  /**
   * Watermark = max event time - allowedLateness; windows ending at or before it are final. null (GreptimeDB's
   * semantics, the default): no watermark, every window stays open to late rows; EXPIRE AFTER bounds the state then.
   */
  allowedLatenessNs: bigint | null;
  /** Emit updates at most this often. */
  intervalMs: number;
  /** The query as written aggregates (aggregate functions, GROUP BY, DISTINCT or HAVING): GreptimeDB's batching flows. */
  aggregating: boolean;
  /** The source is append-only: every row is distinct (no overwrites), so rows get unique keys. */
  appendOnly: boolean;
  /** The SELECT it came from. */
  select: Select;
  /** WHERE conjuncts on now() that became expireAfter (roadmap tasks). */
  where?: Expr;
}

/** One output row: a (group, window) of the flow as it stands now. */
export interface FlowRow {
  /** Stable identity of the group and window (for upserts and deletes downstream). */
  key: string;
  windowStart: bigint | null;
  windowEnd: bigint | null;
  /** Sink column name -> value (update_at included). */
  values: Record<string, FlowValue>;
  /** The watermark passed the window end: this row will not change again. */
  final: boolean;
  /** The group no longer exists (its rows were overwritten away, or HAVING now rejects it): delete it from the sink. */
  deleted: boolean;
}

export interface FlowEmission {
  rows: FlowRow[];
  watermark: bigint | null;
}

export interface FlowStats {
  batchesIn: number;
  rowsIn: number;
  /** Rows applied to the state (not late, expired or failed; WHERE-rejected rows count: they may retract). */
  rowsAggregated: number;
  rowsOut: number;
  emissions: number;
  lateRowsDropped: number;
  errors: number;
  openWindows: number;
  openGroups: number;
  maxEventTime: bigint | null;
  watermark: bigint | null;
  /** Wall-clock ms (scheduler time) minus max event time in ms; null before any row. */
  lagMs: number | null;
}
