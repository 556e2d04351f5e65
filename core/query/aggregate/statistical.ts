// Statistical aggregates over doubles: stddev / variance (sample and population, Welford's update) and the
// two-variable family corr / covar / regr_*.
import type { AggImpl } from './common.ts';
import { numArg } from './common.ts';
import { rowsByGroup } from './grouping.ts';
import { isNull, numVec, setNull } from '../vector.ts';

/**
 * stddev, stddev_samp, stddev_pop, var, var_samp, var_pop; and GreptimeDB's MySQL aliases std (= stddev_pop) and
 * variance (= var_pop).
 */
export const variance: AggImpl = (a, g) => {
  const v = numArg(a, a.args[0]), name = a.name, ids = g.ids, n = ids.length, m = a.mask, G = g.count;
  const cnt = new Float64Array(G), mean = new Float64Array(G), m2 = new Float64Array(G);
  if (v.kind === 'num') {
    for (let i = 0; i < n; i++) {
      if ((m && !m[i]) || isNull(v, i)) continue;
      const k = ids[i]!;
      cnt[k]!++;
      const d = v.v[i]! - mean[k]!;
      mean[k]! += d / cnt[k]!;
      m2[k]! += d * (v.v[i]! - mean[k]!);
    }
  }
  const pop = name.endsWith('_pop') || name === 'std' || name === 'variance';
  const out = numVec('Float64', G);
  for (let k = 0; k < G; k++) {
    const c = cnt[k]!;
    if (c === 0 || (!pop && c < 2)) { setNull(out, k); continue; }
    const s2 = m2[k]! / (pop ? c : c - 1);
    out.v[k] = name.startsWith('std') ? Math.sqrt(s2) : s2;
  }
  return out;
};

/** corr, covar[_samp|_pop], regr_slope / intercept / count / r2 / avgx / avgy / sxx / syy / sxy: (y, x) pairs. */
export const twoVariable: AggImpl = (a, g) => {
  const name = a.name;
  const yv = numArg(a, a.args[0]), xv = numArg(a, a.args[1]);
  const { start, rows } = rowsByGroup(g, a.mask);
  const out = numVec(name === 'regr_count' ? 'UInt64' : 'Float64', g.count);
  for (let k = 0; k < g.count; k++) {
    let c = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    for (let j = start[k]!; j < start[k + 1]!; j++) {
      const i = rows[j]!;
      if (isNull(yv, i) || isNull(xv, i)) continue;
      const Y = yv.v[i] as number, X = xv.v[i] as number;
      c++; sx += X; sy += Y; sxx += X * X; syy += Y * Y; sxy += X * Y;
    }
    const Sxx = sxx - (sx * sx) / c, Syy = syy - (sy * sy) / c, Sxy = sxy - (sx * sy) / c;
    let r: number | null;
    switch (name) {
      case 'corr': r = c < 2 || Sxx === 0 || Syy === 0 ? null : Sxy / Math.sqrt(Sxx * Syy); break;
      case 'covar': case 'covar_samp': r = c < 2 ? null : Sxy / (c - 1); break;
      case 'covar_pop': r = c < 1 ? null : Sxy / c; break;
      case 'regr_slope': r = c < 2 || Sxx === 0 ? null : Sxy / Sxx; break;
      case 'regr_intercept': r = c < 2 || Sxx === 0 ? null : sy / c - (Sxy / Sxx) * (sx / c); break;
      case 'regr_count': r = c; break;
      case 'regr_r2': r = c < 2 || Sxx === 0 ? null : Syy === 0 ? 1 : (Sxy * Sxy) / (Sxx * Syy); break;
      case 'regr_avgx': r = c ? sx / c : null; break;
      case 'regr_avgy': r = c ? sy / c : null; break;
      case 'regr_sxx': r = c ? Sxx : null; break;
      case 'regr_syy': r = c ? Syy : null; break;
      default: r = c ? Sxy : null;
    }
    if (r === null || Number.isNaN(r)) setNull(out, k);
    else out.v[k] = r;
  }
  return out;
};

export const VARIANCE_NAMES = ['stddev', 'stddev_samp', 'stddev_pop', 'std', 'var', 'variance', 'var_samp', 'var_pop'];
export const TWO_VARIABLE_NAMES = ['corr', 'covar', 'covar_samp', 'covar_pop', 'regr_slope', 'regr_intercept', 'regr_count', 'regr_r2',
  'regr_avgx', 'regr_avgy', 'regr_sxx', 'regr_syy', 'regr_sxy'];
