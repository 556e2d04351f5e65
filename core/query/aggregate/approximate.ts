// Approximate aggregates: percentiles from a t-digest (approx_median, approx_percentile_cont[_with_weight]) and the
// mergeable sketch states (hll, uddsketch_state and their merges, in sketch.ts).
import { PlanError, StatusCode } from '../../errors.ts';
import type { AggImpl, AggInput } from './common.ts';
import { numArg } from './common.ts';
import { rowsByGroup } from './grouping.ts';
import { digestOf, estimateQuantile, weightedDigestOf } from './tdigest.ts';
import { sketchAggregate } from './sketch.ts';
import type { Vec } from '../vector.ts';
import { INT_TYPES, getValue, isNull, numVec, setNull } from '../vector.ts';

/** The percentile argument (default 0.5), checked to lie in [0, 1]. */
export function percentileArg(a: AggInput, pArg: Vec | undefined): number {
  const pv = pArg && pArg.v.length ? getValue(pArg, 0) : 0.5;
  if (typeof pv !== 'number' || pv < 0 || pv > 1) throw new PlanError('Percentile value must be between 0.0 and 1.0 inclusive', a.call.pos, StatusCode.InvalidArguments);
  return pv;
}

/** approx_median, approx_percentile_cont, approx_percentile_cont_with_weight (argument and WITHIN GROUP forms). */
export const approxPercentile: AggImpl = (a, g) => {
  const name = a.name, x = a.args[0];
  const weighted = name === 'approx_percentile_cont_with_weight';
  const within = a.call.withinGroup?.length ? a.call.withinGroup : null;
  const src = within ? a.order[0]?.vec : x;
  const wArg = weighted ? (within ? a.args[0] : a.args[1]) : undefined;
  const pArg = name === 'approx_median' ? undefined : weighted ? (within ? a.args[1] : a.args[2]) : (within ? a.args[0] : a.args[1]);
  const v = numArg(a, src);
  const w = wArg ? numArg(a, wArg) : null;
  let p = pArg ? percentileArg(a, pArg) : 0.5;
  if (within?.[0]?.asc === false) p = 1 - p;
  const { start, rows } = rowsByGroup(g, a.mask);
  const isInt = INT_TYPES.has(v.dt);
  const out = numVec(isInt ? v.dt : 'Float64', g.count);
  for (let k = 0; k < g.count; k++) {
    const vals: number[] = [], ws: number[] = [];
    for (let j = start[k]!; j < start[k + 1]!; j++) {
      const i = rows[j]!;
      if (isNull(v, i) || (w && isNull(w, i))) continue;
      vals.push(v.v[i] as number);
      if (w) ws.push(w.v[i] as number);
    }
    const d = w ? weightedDigestOf(Float64Array.from(vals), Float64Array.from(ws)) : digestOf(Float64Array.from(vals));
    if (!d) { setNull(out, k); continue; }
    const q = estimateQuantile(d, p);
    out.v[k] = isInt ? Math.trunc(q) : q;
  }
  return out;
};

export const sketch: AggImpl = (a, g) => sketchAggregate(a.name, a.args, g.ids, g.count, a.mask, a.call.pos);

export const APPROX_PERCENTILE_NAMES = ['approx_median', 'approx_percentile_cont', 'approx_percentile_cont_with_weight'];
export const SKETCH_NAMES = ['hll', 'hll_merge', 'uddsketch_state', 'uddsketch_merge'];
