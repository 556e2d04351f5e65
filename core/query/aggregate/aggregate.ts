// The aggregate registry: each aggregate function's name to its implementation (one file per family), and
// computeAggregate, which runs one call over grouped rows. Hash grouping is in grouping.ts.
import { StatusCode } from '../../errors.ts';
import { ExecError } from '../expr/eval.ts';
import { numVec } from '../vector.ts';
import type { Vec } from '../vector.ts';
import type { AggImpl, AggInput } from './common.ts';
import type { Groups } from './grouping.ts';
import { avg, count, countDistinct, sum } from './count_sum.ts';
import { max, min } from './min_max.ts';
import { firstNonNull, firstValue, lastNonNull, lastValue } from './first_last.ts';
import { TWO_VARIABLE_NAMES, VARIANCE_NAMES, twoVariable, variance } from './statistical.ts';
import { APPROX_PERCENTILE_NAMES, SKETCH_NAMES, approxPercentile, sketch } from './approximate.ts';
import { median, percentileCont } from './percentile.ts';
import { bitwise, boolAndOr, collect } from './collect.ts';
import { welfordMerge, welfordState } from './state_welford.ts';
import { vecProduct, vecSum } from './vector_sum.ts';
import { geoPath, jsonEncodePath } from './geo_path.ts';

export type { AggImpl, AggInput } from './common.ts';
export type { Groups } from './grouping.ts';
export { groupRows, rowsByGroup } from './grouping.ts';
export { keyAt, valueAt } from './common.ts';

const REGISTRY = new Map<string, AggImpl>([
  ['count', count], ['sum', sum], ['avg', avg], ['mean', avg],
  // DataFusion's approx_distinct takes numbers, strings and bytes: a NULL literal or a DATE column is refused
  ['approx_distinct', (a, g) => {
    const dt = a.args[0]?.dt;
    if (dt === 'Null' || dt === 'Date') throw new ExecError(`This feature is not implemented: Support for 'approx_distinct' for data type ${dt === 'Date' ? 'Date32' : dt} is not implemented`, a.call.pos, StatusCode.Unsupported);
    return countDistinct(a, g);
  }],
  ['count_distinct', countDistinct],
  // GreptimeDB's count_hash(x): the number of distinct values (counted by their hashes there, exactly here)
  ['count_hash', (a, g) => {
    if (a.args.length !== 1) throw new ExecError('This feature is not implemented: count_hash with multiple arguments', a.call.pos, StatusCode.Unsupported);
    return countDistinct(a, g);
  }],
  ['min', min], ['max', max],
  ['first_value', firstValue], ['last_value', lastValue], ['first_non_null', firstNonNull], ['last_non_null', lastNonNull],
  ['median', median], ['percentile_cont', percentileCont],
  ['array_agg', collect], ['string_agg', collect], ['bool_and', boolAndOr], ['bool_or', boolAndOr],
  ['bit_and', bitwise], ['bit_or', bitwise], ['bit_xor', bitwise],
  ['welford_state', welfordState], ['welford_merge', welfordMerge], ['vec_sum', vecSum], ['vec_product', vecProduct],
  ['json_encode_path', jsonEncodePath], ['geo_path', geoPath],
  // GROUPING() of a plain GROUP BY: no grouping sets, so every key is grouped
  ['grouping', (_a, g) => numVec('Int32', g.count)],
  ...VARIANCE_NAMES.map((n) => [n, variance] as const),
  ...TWO_VARIABLE_NAMES.map((n) => [n, twoVariable] as const),
  ...APPROX_PERCENTILE_NAMES.map((n) => [n, approxPercentile] as const),
  ...SKETCH_NAMES.map((n) => [n, sketch] as const),
]);

/** The implementation of an aggregate function by its lower-case name, or undefined. */
export function aggregateImpl(name: string): AggImpl | undefined {
  return REGISTRY.get(name);
}

/** Aggregates of exactly one argument: SUM(1, 2) is a planning error, as DataFusion's signatures make it. */
const ONE_ARGUMENT = new Set(['sum', 'avg', 'mean', 'min', 'max', 'median', 'bool_and', 'bool_or', 'bit_and', 'bit_or', 'bit_xor']);

/** One aggregate call over grouped rows: one value per group. */
export function computeAggregate(a: AggInput, g: Groups): Vec {
  const impl = REGISTRY.get(a.name);
  if (!impl) throw new ExecError(`Unsupported aggregate function ${a.name}`, a.call.pos, StatusCode.Unsupported);
  if (ONE_ARGUMENT.has(a.name) && a.call.args.length !== 1) {
    throw new ExecError(`${a.name} function requires 1 argument, got ${a.call.args.length}`, a.call.pos, StatusCode.PlanQuery);
  }
  return impl(a, g);
}
