// Functions over range vectors: rate/irate/increase/delta/idelta (with Prometheus's extrapolation), deriv,
// predict_linear, holt_winters, changes, resets and the <agg>_over_time family; one output value per step and series.
import { PromQLExecError } from '../../errors.ts';
import { byValueNaNFirst, quantileOf } from './aggregations.ts';
import { windowIndices } from './selectors.ts';
import type { RangeValue, StepSeries, Value } from './values.ts';
import { dropName, kahanInc, mergeSameLabels, newSeries } from './values.ts';

/** Computes one value from the samples t[lo..hi) v[lo..hi) of a window; NaN-free "no value" is signalled by returning undefined. */
type WindowFn = (t: Float64Array, v: Float64Array, lo: number, hi: number, from: number, to: number, step: number) => number | undefined;


function extrapolatedRate(isCounter: boolean, isRate: boolean, rangeMs: number): WindowFn {
  return (t, v, lo, hi, from, to) => {
    if (hi - lo < 2) return undefined;
    const first = v[lo]!;
    const last = v[hi - 1]!;
    let result = last - first;
    if (isCounter) {
      let prev = 0;
      for (let k = lo; k < hi; k++) {
        if (v[k]! < prev) result += prev;
        prev = v[k]!;
      }
    }
    let toStart = (t[lo]! - from) / 1000;
    const toEnd = (to - t[hi - 1]!) / 1000;
    const sampled = (t[hi - 1]! - t[lo]!) / 1000;
    const avgStep = sampled / (hi - lo - 1);
    if (isCounter && result > 0 && first >= 0) {
      // A counter does not go below zero: do not extrapolate past the time it would have been zero.
      const toZero = sampled * (first / result);
      if (toZero < toStart) toStart = toZero;
    }
    const threshold = avgStep * 1.1;
    let interval = sampled;
    interval += toStart < threshold ? toStart : avgStep / 2;
    interval += toEnd < threshold ? toEnd : avgStep / 2;
    result = result * (interval / sampled);
    if (isRate) result /= rangeMs / 1000;
    return result;
  };
}

function instantRate(isRate: boolean): WindowFn {
  return (t, v, lo, hi) => {
    if (hi - lo < 2) return undefined;
    const last = v[hi - 1]!;
    const prev = v[hi - 2]!;
    let r = isRate && last < prev ? last : last - prev;
    const dt = t[hi - 1]! - t[hi - 2]!;
    if (dt === 0) return undefined;
    if (isRate) r /= dt / 1000;
    return r;
  };
}

export function linearRegression(t: Float64Array, v: Float64Array, lo: number, hi: number, interceptT: number): [number, number] {
  let n = 0, sx = 0, cx = 0, sy = 0, cy = 0, sxy = 0, cxy = 0, sx2 = 0, cx2 = 0;
  const initY = v[lo]!;
  let constY = true;
  for (let k = lo; k < hi; k++) {
    const y = v[k]!;
    if (constY && k > lo && y !== initY) constY = false;
    n++;
    const x = (t[k]! - interceptT) / 1000;
    [sx, cx] = kahanInc(x, sx, cx);
    [sy, cy] = kahanInc(y, sy, cy);
    [sxy, cxy] = kahanInc(x * y, sxy, cxy);
    [sx2, cx2] = kahanInc(x * x, sx2, cx2);
  }
  if (constY) return Number.isFinite(initY) || Number.isNaN(initY) ? [0, initY] : [NaN, NaN];
  sx += cx; sy += cy; sxy += cxy; sx2 += cx2;
  const cov = sxy - (sx * sy) / n;
  const varX = sx2 - (sx * sx) / n;
  const slope = cov / varX;
  return [slope, sy / n - (slope * sx) / n];
}

function overTime(f: (v: Float64Array, lo: number, hi: number) => number): WindowFn {
  return (_t, v, lo, hi) => (hi > lo ? f(v, lo, hi) : undefined);
}

const avgOverTime = overTime((v, lo, hi) => {
  let mean = 0, c = 0, count = 0;
  for (let k = lo; k < hi; k++) {
    const x = v[k]!;
    count++;
    if (mean === Infinity || mean === -Infinity) {
      if ((x === Infinity || x === -Infinity) && (mean > 0) === (x > 0)) continue;
      if (Number.isFinite(x)) continue;
    }
    [mean, c] = kahanInc(x / count - mean / count, mean, c);
  }
  return mean === Infinity || mean === -Infinity ? mean : mean + c;
});

function variance(v: Float64Array, lo: number, hi: number): number {
  let count = 0, mean = 0, cMean = 0, aux = 0, cAux = 0;
  for (let k = lo; k < hi; k++) {
    const x = v[k]!;
    count++;
    const d = x - (mean + cMean);
    [mean, cMean] = kahanInc(d / count, mean, cMean);
    [aux, cAux] = kahanInc(d * (x - (mean + cMean)), aux, cAux);
  }
  return (aux + cAux) / count;
}

const simple: Record<string, WindowFn> = {
  idelta: instantRate(false),
  irate: instantRate(true),
  avg_over_time: avgOverTime,
  sum_over_time: overTime((v, lo, hi) => {
    let s = 0, c = 0;
    for (let k = lo; k < hi; k++) [s, c] = kahanInc(v[k]!, s, c);
    return s === Infinity || s === -Infinity ? s : s + c;
  }),
  min_over_time: overTime((v, lo, hi) => {
    let m = v[lo]!;
    for (let k = lo; k < hi; k++) if (v[k]! < m || Number.isNaN(m)) m = v[k]!;
    return m;
  }),
  max_over_time: overTime((v, lo, hi) => {
    let m = v[lo]!;
    for (let k = lo; k < hi; k++) if (v[k]! > m || Number.isNaN(m)) m = v[k]!;
    return m;
  }),
  count_over_time: overTime((_v, lo, hi) => hi - lo),
  last_over_time: overTime((v, _lo, hi) => v[hi - 1]!),
  present_over_time: overTime(() => 1),
  stdvar_over_time: overTime(variance),
  stddev_over_time: overTime((v, lo, hi) => Math.sqrt(variance(v, lo, hi))),
  changes: overTime((v, lo, hi) => {
    let n = 0;
    for (let k = lo + 1; k < hi; k++) {
      const a = v[k - 1]!;
      const b = v[k]!;
      if (a !== b && !(Number.isNaN(a) && Number.isNaN(b))) n++;
    }
    return n;
  }),
  resets: overTime((v, lo, hi) => {
    let n = 0;
    for (let k = lo + 1; k < hi; k++) if (v[k]! < v[k - 1]!) n++;
    return n;
  }),
  deriv: (t, v, lo, hi) => (hi - lo < 2 ? undefined : linearRegression(t, v, lo, hi, t[lo]!)[0]),
};

export const RANGE_FUNCTIONS: ReadonlySet<string> = new Set([
  ...Object.keys(simple), 'rate', 'increase', 'delta', 'predict_linear', 'holt_winters', 'quantile_over_time', 'absent_over_time',
]);

function holtWinters(sf: number, tf: number): WindowFn {
  if (!(sf > 0 && sf < 1)) throw new PromQLExecError(`invalid smoothing factor. Expected: 0 < sf < 1, got: ${sf}`);
  if (!(tf > 0 && tf < 1)) throw new PromQLExecError(`invalid trend factor. Expected: 0 < tf < 1, got: ${tf}`);
  return (_t, v, lo, hi) => {
    if (hi - lo < 2) return undefined;
    let s0 = 0;
    let s1 = v[lo]!;
    let b = v[lo + 1]! - v[lo]!;
    for (let k = lo + 1; k < hi; k++) {
      const x = sf * v[k]!;
      if (k - 1 > lo) b = tf * (s1 - s0) + (1 - tf) * b;
      const y = (1 - sf) * (s1 + b);
      s0 = s1;
      s1 = x + y;
    }
    return s1;
  };
}

/** Evaluates a range-vector function; `scalarArgs` are the per-step values of its scalar arguments, in order. */
export function evalRangeFunction(name: string, m: RangeValue, scalarArgs: Float64Array[], steps: Float64Array): Value {
  const n = steps.length;
  const fnAt = (i: number): WindowFn => {
    switch (name) {
      case 'rate': return extrapolatedRate(true, true, m.rangeMs);
      case 'increase': return extrapolatedRate(true, false, m.rangeMs);
      case 'delta': return extrapolatedRate(false, false, m.rangeMs);
      case 'predict_linear': {
        const d = scalarArgs[0]![i]!;
        // The intercept is at the step's time even under `@`, as Prometheus computes it.
        return (t, v, lo, hi, _f, _to, step) => {
          if (hi - lo < 2) return undefined;
          const [slope, icpt] = linearRegression(t, v, lo, hi, step);
          return slope * d + icpt;
        };
      }
      case 'holt_winters': return holtWinters(scalarArgs[0]![i]!, scalarArgs[1]![i]!);
      case 'quantile_over_time': {
        const q = scalarArgs[0]![i]!;
        return (_t, v, lo, hi) => (hi > lo ? quantileOf(q, Array.from(v.subarray(lo, hi)).sort(byValueNaNFirst)) : undefined);
      }
      default: return simple[name]!;
    }
  };
  const perStep: WindowFn[] = [];
  for (let i = 0; i < n; i++) perStep.push(fnAt(i));
  const out: StepSeries[] = [];
  const keepName = name === 'last_over_time';
  const from = new Float64Array(n);
  const to = new Float64Array(n);
  for (let i = 0; i < n; i++) { const w = m.windowOf(i); from[i] = w.from; to[i] = w.to; }
  for (const s of m.series) {
    const r = newSeries(keepName ? s.labels : dropName(s.labels), n);
    let any = false;
    for (let i = 0; i < n; i++) {
      const [lo, hi] = windowIndices(s.t, from[i]!, to[i]!);
      if (hi === lo) continue;
      const x = perStep[i]!(s.t, s.v, lo, hi, from[i]!, to[i]!, steps[i]!);
      if (x === undefined) continue;
      r.v[i] = x;
      r.has[i] = 1;
      any = true;
    }
    if (any) out.push(r);
  }
  return { type: 'vector', series: mergeSameLabels(out) };
}

/** absent_over_time: 1 at steps where no series has a sample in the window, with labels from the selector's `=` matchers. */
export function absentOverTime(m: RangeValue, labels: StepSeries['labels'], n: number): Value {
  const r = newSeries(labels, n);
  for (let i = 0; i < n; i++) {
    const w = m.windowOf(i);
    const present = m.series.some((s) => { const [lo, hi] = windowIndices(s.t, w.from, w.to); return hi > lo; });
    if (!present) { r.has[i] = 1; r.v[i] = 1; }
  }
  return { type: 'vector', series: r.has.some((h) => h === 1) ? [r] : [] };
}
