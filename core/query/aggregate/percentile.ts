// Exact order statistics: median and percentile_cont (argument and WITHIN GROUP forms). An integer median keeps its
// type and, for int64 beyond 2^53, every digit.
import type { AggImpl } from './common.ts';
import { numArg } from './common.ts';
import { rowsByGroup } from './grouping.ts';
import { percentileArg } from './approximate.ts';
import { INT_TYPES, fromValues, isNull, numVec, setNull } from '../vector.ts';

export const median: AggImpl = (a, g) => {
  const v = numArg(a, a.args[0]);
  const { start, rows } = rowsByGroup(g, a.mask);
  const isInt = INT_TYPES.has(v.dt);
  if (v.kind === 'num' && v.big) {
    // rare: values beyond 2^53 sorted and averaged as bigints, per group
    const out: (bigint | null)[] = new Array(g.count).fill(null);
    for (let k = 0; k < g.count; k++) {
      const vals: bigint[] = [];
      for (let j = start[k]!; j < start[k + 1]!; j++) { const i = rows[j]!; if (!isNull(v, i)) vals.push(v.big[i]!); }
      if (!vals.length) continue;
      vals.sort((p, q) => (p < q ? -1 : p > q ? 1 : 0));
      const h = vals.length >> 1;
      out[k] = vals.length % 2 ? vals[h]! : (vals[h - 1]! + vals[h]!) / 2n;
    }
    return fromValues(v.dt, out);
  }
  const out = numVec(isInt ? v.dt : 'Float64', g.count);
  for (let k = 0; k < g.count; k++) {
    const vals: number[] = [];
    for (let j = start[k]!; j < start[k + 1]!; j++) { const i = rows[j]!; if (!isNull(v, i)) vals.push(v.v[i] as number); }
    if (!vals.length) { setNull(out, k); continue; }
    vals.sort((p, q) => p - q);
    const h = vals.length >> 1;
    out.v[k] = vals.length % 2 ? vals[h]! : isInt ? Math.trunc((vals[h - 1]! + vals[h]!) / 2) : (vals[h - 1]! + vals[h]!) / 2;
  }
  return out;
};

export const percentileCont: AggImpl = (a, g) => {
  let src = a.args[0];
  let pArg = a.args[1];
  if (a.call.withinGroup?.length) { src = a.order[0]?.vec; pArg = a.args[0]; }
  const v = numArg(a, src);
  const pv = percentileArg(a, pArg);
  const p = a.call.withinGroup?.[0]?.asc === false ? 1 - pv : pv;
  const { start, rows } = rowsByGroup(g, a.mask);
  const out = numVec('Float64', g.count);
  for (let k = 0; k < g.count; k++) {
    const vals: number[] = [];
    for (let j = start[k]!; j < start[k + 1]!; j++) { const i = rows[j]!; if (!isNull(v, i)) vals.push(v.v[i] as number); }
    if (!vals.length) { setNull(out, k); continue; }
    vals.sort((p1, q1) => p1 - q1);
    const at = p * (vals.length - 1);
    const lo = Math.floor(at), hi = Math.ceil(at);
    out.v[k] = vals[lo]! + (vals[hi]! - vals[lo]!) * (at - lo);
  }
  return out;
};
