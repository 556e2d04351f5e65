// Argument and return types of PromQL's functions, so the parser can reject `rate(x)` as Prometheus does (bad_data).
import type { ValueType } from './ast.ts';

export interface FuncSig {
  args: ValueType[];
  /** How many trailing args may be left out (or, when variadic, repeated past args.length). */
  optional?: number;
  variadic?: boolean;
  ret: ValueType;
}

const V: ValueType = 'vector';
const M: ValueType = 'matrix';
const S: ValueType = 'scalar';
const STR: ValueType = 'string';

const sigs: Record<string, FuncSig> = {
  absent: { args: [V], ret: V },
  absent_over_time: { args: [M], ret: V },
  clamp: { args: [V, S, S], ret: V },
  clamp_max: { args: [V, S], ret: V },
  clamp_min: { args: [V, S], ret: V },
  histogram_quantile: { args: [S, V], ret: V },
  histogram_fraction: { args: [S, S, V], ret: V },
  holt_winters: { args: [M, S, S], ret: V },
  double_exponential_smoothing: { args: [M, S, S], ret: V },
  info: { args: [V, V], optional: 1, ret: V },
  label_join: { args: [V, STR, STR], variadic: true, ret: V },
  label_replace: { args: [V, STR, STR, STR, STR], ret: V },
  pi: { args: [], ret: S },
  start: { args: [], ret: S },
  end: { args: [], ret: S },
  step: { args: [], ret: S },
  range: { args: [], ret: S },
  min_of: { args: [S, S], ret: S },
  max_of: { args: [S, S], ret: S },
  predict_linear: { args: [M, S], ret: V },
  quantile_over_time: { args: [S, M], ret: V },
  round: { args: [V, S], optional: 1, ret: V },
  scalar: { args: [V], ret: S },
  sort: { args: [V], ret: V },
  sort_desc: { args: [V], ret: V },
  sort_by_label: { args: [V, STR], variadic: true, ret: V },
  sort_by_label_desc: { args: [V, STR], variadic: true, ret: V },
  time: { args: [], ret: S },
  timestamp: { args: [V], ret: V },
  vector: { args: [S], ret: V },
};
for (const f of ['abs', 'ceil', 'exp', 'floor', 'ln', 'log2', 'log10', 'sqrt', 'sgn', 'acos', 'acosh', 'asin', 'asinh', 'atan',
  'atanh', 'cos', 'cosh', 'sin', 'sinh', 'tan', 'tanh', 'deg', 'rad']) sigs[f] = { args: [V], ret: V };
for (const f of ['changes', 'delta', 'deriv', 'idelta', 'increase', 'irate', 'rate', 'resets', 'avg_over_time', 'min_over_time',
  'max_over_time', 'sum_over_time', 'count_over_time', 'stddev_over_time', 'stdvar_over_time', 'last_over_time',
  'present_over_time', 'first_over_time', 'mad_over_time', 'ts_of_first_over_time', 'ts_of_last_over_time',
  'ts_of_min_over_time', 'ts_of_max_over_time']) sigs[f] = { args: [M], ret: V };
for (const f of ['day_of_month', 'day_of_week', 'day_of_year', 'days_in_month', 'hour', 'minute', 'month', 'year']) {
  sigs[f] = { args: [V], optional: 1, ret: V };
}

export function funcSignature(name: string): FuncSig | undefined {
  return Object.prototype.hasOwnProperty.call(sigs, name) ? sigs[name] : undefined;
}
