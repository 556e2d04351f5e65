// Prometheus's query annotations: the `warnings` and `infos` an answer carries beside its data (Prometheus 2.46+), each
// "PromQL warning: ..." / "PromQL info: ..." with the line:column of the expression it is about, each text once.
import type { PromExpr } from '../parser/ast.ts';
import { positionOf } from '../parser/lexer.ts';
import { formatGoG } from '../go_float.ts';

export class Annotations {
  readonly warnings = new Set<string>();
  readonly infos = new Set<string>();

  /** `query`: the text the positions are counted in (without it, annotations carry no position). */
  constructor(private readonly query?: string) {}

  warn(message: string, at?: PromExpr): void {
    this.warnings.add(`PromQL warning: ${message}${this.where(at)}`);
  }

  info(message: string, at?: PromExpr): void {
    this.infos.add(`PromQL info: ${message}${this.where(at)}`);
  }

  private where(at: PromExpr | undefined): string {
    if (at === undefined || this.query === undefined) return '';
    const p = positionOf(this.query, startOf(at));
    return ` (${p.line}:${p.column})`;
  }
}

/** Where an expression begins in the query text (Prometheus's PositionRange start): a binary operation at its left side, a range at its selector. */
export function startOf(e: PromExpr): number {
  switch (e.kind) {
    case 'binary': return startOf(e.lhs);
    case 'matrix': return startOf(e.vector);
    case 'subquery': return startOf(e.expr);
    default: return e.pos;
  }
}

// The annotations Prometheus's engine gives for float data (native-histogram ones have no cause here).

/** rate/increase over a series whose name is not a counter's (PossibleNonCounterInfo). */
export function possibleNonCounter(metric: string): string {
  return `metric might not be a counter, name does not end in _total/_sum/_count/_bucket: ${JSON.stringify(metric)}`;
}

export function isCounterName(metric: string): boolean {
  return metric.endsWith('_total') || metric.endsWith('_sum') || metric.endsWith('_count') || metric.endsWith('_bucket');
}

/** quantile, quantile_over_time, histogram_quantile with φ outside [0, 1] or NaN (InvalidQuantileWarning). */
export function invalidQuantile(q: number): string {
  return `quantile value should be between 0 and 1, got ${formatGoG(q)}`;
}

/** limit_ratio with r outside [-1, 1] (InvalidRatioWarning). */
export function invalidRatio(r: number, capped: number): string {
  return `ratio value should be between -1 and 1, got ${formatGoG(r)}, capping to ${formatGoG(capped)}`;
}

/** histogram_quantile/histogram_fraction over a series whose `le` is missing or not a number (BadBucketLabelWarning). */
export function badBucketLabel(metric: string, le: string): string {
  return `bucket label "le" is missing or has a malformed value of ${JSON.stringify(le)} for metric name ${JSON.stringify(metric)}`;
}

/** histogram_quantile had to raise a bucket's count to keep the counts monotonic (HistogramQuantileForcedMonotonicityInfo). */
export function forcedMonotonicity(metric: string): string {
  return `input to histogram_quantile needed to be fixed for monotonicity (see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile) for metric name ${JSON.stringify(metric)}`;
}
