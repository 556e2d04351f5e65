// The aggregate functions a flow understands (one list for the compiler's scopes).
export const AGGREGATE_NAMES = new Set([
  'count', 'sum', 'avg', 'mean', 'min', 'max', 'first_value', 'last_value', 'approx_percentile_cont',
  'percentile_cont', 'median', 'approx_median', 'approx_distinct',
  // GreptimeDB's sketch states: the sink keeps the state, a query finalizes it (hll_count, uddsketch_calc).
  'hll', 'hll_merge', 'uddsketch_state', 'uddsketch_merge',
]);

export function isAggregateName(name: string): boolean {
  return AGGREGATE_NAMES.has(name.toLowerCase());
}
