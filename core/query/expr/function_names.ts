// Names of aggregate and window-only functions: what the planner and evaluator must not treat as scalars.

export const AGGREGATES = new Set([
  'count', 'sum', 'avg', 'mean', 'min', 'max', 'first_value', 'last_value', 'stddev', 'stddev_samp', 'stddev_pop', 'var', 'variance',
  'var_samp', 'var_pop', 'median', 'approx_median', 'approx_percentile_cont', 'approx_percentile_cont_with_weight', 'approx_distinct',
  'array_agg', 'string_agg', 'bool_and', 'bool_or', 'bit_and', 'bit_or', 'bit_xor', 'corr', 'covar', 'covar_samp', 'covar_pop',
  'regr_slope', 'regr_intercept', 'regr_count', 'regr_r2', 'regr_avgx', 'regr_avgy', 'regr_sxx', 'regr_syy', 'regr_sxy', 'last_non_null', 'first_non_null',
  'percentile_cont', 'grouping', 'hll', 'hll_merge', 'uddsketch_state', 'uddsketch_merge',
]);
export const WINDOW_ONLY = new Set(['row_number', 'rank', 'dense_rank', 'percent_rank', 'cume_dist', 'ntile', 'lag', 'lead', 'nth_value']);

export function isAggregateName(name: string): boolean {
  return AGGREGATES.has(name);
}
