// Names of aggregate and window-only functions: what the planner and evaluator must not treat as scalars.

export const AGGREGATES = new Set([
  'count', 'sum', 'avg', 'mean', 'min', 'max', 'first_value', 'last_value', 'stddev', 'stddev_samp', 'stddev_pop', 'var', 'variance',
  'var_samp', 'var_pop', 'std', 'median', 'approx_median', 'approx_percentile_cont', 'approx_percentile_cont_with_weight', 'approx_distinct',
  'array_agg', 'string_agg', 'bool_and', 'bool_or', 'bit_and', 'bit_or', 'bit_xor', 'corr', 'covar', 'covar_samp', 'covar_pop',
  'regr_slope', 'regr_intercept', 'regr_count', 'regr_r2', 'regr_avgx', 'regr_avgy', 'regr_sxx', 'regr_syy', 'regr_sxy', 'last_non_null', 'first_non_null',
  'percentile_cont', 'grouping', 'count_hash', 'welford_state', 'welford_merge', 'vec_sum', 'vec_product', 'hll', 'hll_merge', 'uddsketch_state', 'uddsketch_merge',
  'json_encode_path', 'geo_path',
]);
export const WINDOW_ONLY = new Set(['row_number', 'rank', 'dense_rank', 'percent_rank', 'cume_dist', 'ntile', 'lag', 'lead', 'nth_value',
  'anomaly_score_zscore', 'anomaly_score_mad', 'anomaly_score_iqr']);

export function isAggregateName(name: string): boolean {
  return AGGREGATES.has(name);
}

/** How many arguments a scalar function takes: [fewest, most]. A call outside them is a planning error. */
const ARITY_LIST: [string, number, number][] = [];
function arity(names: string, min: number, max = min): void {
  for (const n of names.trim().split(/\s+/)) ARITY_LIST.push([n, min, max]);
}
arity('build pi random rand uuid timezone now current_timestamp localtimestamp current_date current_time user current_user session_user system_user', 0);
arity(`abs ceil ceiling floor sqrt cbrt exp ln log2 log10 sin cos tan asin acos atan sinh cosh tanh asinh acosh atanh cot degrees radians
  signum isnan iszero factorial length char_length character_length octet_length bit_length ascii lower upper initcap reverse md5
  sha224 sha256 sha384 sha512 ipv4_num_to_string ipv4_string_to_num ipv6_num_to_string ipv6_string_to_num isnull to_unixtime
  inet_ntoa inet_aton parse_vec vec_to_string vec_norm vec_elem_sum vec_elem_product vec_elem_avg vec_dim`, 1);
arity('round trunc log ipv4_to_cidr ipv6_to_cidr', 1, 2);
arity(`atan2 power pow gcd lcm mod nanvl clamp_min clamp_max strpos instr contains find_in_set levenshtein digest encode decode
  ipv4_in_range ipv6_in_range nullif vec_dot_product vec_cos_distance vec_l2sq_distance dot_product cos_distance l2sq_distance vec_add vec_sub vec_mul vec_div
  vec_scalar_add vec_scalar_mul vec_kth_elem date_trunc date_part datepart`, 2);
arity('clamp substring_index substr_index nvl2 vec_subvector make_date if', 3);
arity('date_add date_sub to_timezone', 2);
arity('locate', 2, 3);
arity('insert', 4);
arity('space ucase lcase', 1);
arity('mid', 2, 3);
arity('regexp_extract', 2, 3);
arity('string_to_array', 2, 3);
arity('overlay', 3, 4);
arity('regexp_count', 2, 4);
arity('regexp_match regexp_like', 2, 3);
arity('regexp_replace', 3, 4);
arity('regexp_instr', 2, 6);
arity('to_local_time', 1);
// DataFusion refuses these without arguments
arity('coalesce concat greatest least', 1, Infinity);
arity('concat_ws', 2, Infinity);
arity('struct', 1, Infinity);
arity('get_field', 2);
arity('map map_extract element_at', 2);
arity('map_keys map_values map_entries', 1);
arity('date_bin', 2, 3);
arity('hll_count', 1);
arity('uddsketch_calc', 2);
// list functions (make_array, array_concat take any number)
arity(`array_ndims array_dims array_empty array_any_value array_max array_min array_pop_back array_pop_front array_reverse
  array_distinct cardinality flatten`, 1);
arity(`array_has array_has_all array_has_any array_positions array_append array_prepend array_union array_intersect array_except
  array_remove array_remove_all array_repeat array_element array_distance`, 2);
arity('array_remove_n array_replace array_replace_all', 3);
arity('array_replace_n', 4);
arity('array_resize array_to_string array_position', 2, 3);
arity('array_length', 1, 2);
arity('array_sort range generate_series', 1, 3);
arity('date_format to_char', 2);
arity('to_date to_timestamp to_timestamp_seconds to_timestamp_millis to_timestamp_micros to_timestamp_nanos', 1, 64);
arity('array_slice', 3, 4);
export const ARITY = new Map(ARITY_LIST.map(([n, a, b]) => [n, [a, b] as const]));
