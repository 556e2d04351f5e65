// The PromQL engine's contract: what it reads (a SeriesSource over any storage) and what it answers (Prometheus's
// value types), shared by the HTTP API, TQL statements and TQL flows. Times are Unix milliseconds, as in Prometheus.
import type { Annotations } from './engine/annotations.ts';

/** A label matcher: `=`, `!=`, `=~` (fully anchored RE2-style regex), `!~`. */
export interface LabelMatcher {
  name: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

/** Labels of one series, sorted by name; `__name__` is the metric name. */
export type Labels = ReadonlyArray<readonly [name: string, value: string]>;

/**
 * The samples of one series in a time range, columnar: `t` ascending Unix ms, `v` the values. A staleness marker
 * (Prometheus's special NaN, bit pattern 0x7ff0000000000002) is kept as that NaN in `v`: the engine honours it.
 */
export interface SeriesSamples {
  labels: Labels;
  t: Float64Array;
  v: Float64Array;
}

/** Where the engine reads series from: EddyDB's tables (metric engine or plain tables), or an in-memory store in tests. */
export interface SeriesSource {
  /** Every series matching all matchers (one of them names the metric, or selects `__name__` by regex) with its samples in [startMs, endMs]. */
  select(matchers: LabelMatcher[], startMs: number, endMs: number): Promise<SeriesSamples[]>;
  /** Label names of the series matching any of the matcher sets (all series when empty) in the range. */
  labelNames(matcherSets: LabelMatcher[][], startMs: number, endMs: number): Promise<string[]>;
  /** Values of one label over the series matching any of the matcher sets in the range. */
  labelValues(name: string, matcherSets: LabelMatcher[][], startMs: number, endMs: number): Promise<string[]>;
  /** Label sets of the series matching any of the matcher sets in the range. */
  series(matcherSets: LabelMatcher[][], startMs: number, endMs: number): Promise<Labels[]>;
}

/** Prometheus's result types, as its HTTP API shapes them (`resultType` + `result`). */
export type PromValue =
  | { type: 'scalar'; t: number; v: number }
  | { type: 'string'; t: number; v: string }
  | { type: 'vector'; samples: { labels: Labels; t: number; v: number }[] }
  | { type: 'matrix'; series: SeriesSamples[] };

export interface EvalOptions {
  /** Lookback delta, default 5 minutes. */
  lookbackMs?: number;
  /** Evaluation deadline (Unix ms, wall clock); past it evaluation fails with a timeout error. */
  deadlineMs?: number;
  /** Cancels the evaluation: checked before each node is evaluated, its reason thrown (the SeriesSource checks its own before each scan). */
  signal?: AbortSignal;
  /** Most samples one query may hold in memory (Prometheus's --query.max-samples, default 50,000,000). */
  maxSamples?: number;
  /** Step of a subquery written without one (`x[5m:]`): Prometheus's global evaluation interval, default 1 minute. */
  defaultStepMs?: number;
  /** Collects the answer's warnings and infos, as Prometheus annotates a query (none are collected without it). */
  annotations?: Annotations;
}
