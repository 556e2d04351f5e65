// Functions over range vectors: rate/irate/increase/delta/idelta (with Prometheus's extrapolation), deriv,
// predict_linear, holt_winters, changes, resets and the <agg>_over_time family; one output value per step and series.
import { PromQLExecError } from '../../errors.ts';
import { byValueNaNFirst, quantileOf } from './aggregations.ts';
import { slidingWindows, windowIndices } from './selectors.ts';
import type { RangeSeries, RangeValue, StepSeries, Value } from './values.ts';
import { kahanInc, newSeries } from './values.ts';

/**
 * Computes the value of step i from the samples t[lo..hi) v[lo..hi) of its window [from[i], to[i]] and writes it to
 * out[i], returning true; false when the window has no value. Numbers cross the call only as array elements and
 * small integers: a double passed to or returned from a call the optimizer does not inline (one call site serves every
 * range function) is a heap object, and a range query makes several per series and step.
 */
type WindowFn = (t: Float64Array, v: Float64Array, lo: number, hi: number, from: Float64Array, to: Float64Array, steps: Float64Array, out: Float64Array, i: number) => boolean;


function extrapolatedRate(isCounter: boolean, isRate: boolean, rangeMs: number): WindowFn {
  // Counter resets up to each sample of the series last seen (windows of one series come one after another): a window
  // without a reset skips the correction loop, whose additions (done as Prometheus orders them) are all it changes.
  let seen: Float64Array | undefined;
  let drops = new Int32Array(0);
  return (t, v, lo, hi, from, to, _steps, out, i) => {
    if (hi - lo < 2) return false;
    const first = v[lo]!;
    const last = v[hi - 1]!;
    let result = last - first;
    if (isCounter && v !== seen) {
      seen = v;
      if (drops.length < v.length) drops = new Int32Array(Math.max(v.length, drops.length * 2));
      let c = 0;
      drops[0] = 0;
      for (let k = 1; k < v.length; k++) { if (v[k]! < v[k - 1]!) c++; drops[k] = c; }
    }
    if (isCounter && (drops[hi - 1] !== drops[lo] || first < 0)) {
      let prev = 0;
      for (let k = lo; k < hi; k++) {
        if (v[k]! < prev) result += prev;
        prev = v[k]!;
      }
    }
    let toStart = (t[lo]! - from[i]!) / 1000;
    const toEnd = (to[i]! - t[hi - 1]!) / 1000;
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
    out[i] = result;
    return true;
  };
}

function instantRate(isRate: boolean): WindowFn {
  return (t, v, lo, hi, _from, _to, _steps, out, i) => {
    if (hi - lo < 2) return false;
    const last = v[hi - 1]!;
    const prev = v[hi - 2]!;
    let r = isRate && last < prev ? last : last - prev;
    const dt = t[hi - 1]! - t[hi - 2]!;
    if (dt === 0) return false;
    if (isRate) r /= dt / 1000;
    out[i] = r;
    return true;
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

/** A window function of the values alone, for the rarer functions (the common ones below write their value themselves). */
function overTime(f: (v: Float64Array, lo: number, hi: number) => number): WindowFn {
  return (_t, v, lo, hi, _from, _to, _steps, out, i) => {
    if (hi <= lo) return false;
    out[i] = f(v, lo, hi);
    return true;
  };
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

/** The time (seconds) of the window's largest (or smallest) value, as max_over_time/min_over_time pick it; a tie takes the later sample. */
function tsOfExtreme(max: boolean): WindowFn {
  return (t, v, lo, hi, _from, _to, _steps, out, i) => {
    if (hi <= lo) return false;
    let m = v[lo]!;
    let at = lo;
    for (let k = lo; k < hi; k++) {
      const x = v[k]!;
      if ((max ? x >= m : x <= m) || Number.isNaN(m)) { m = x; at = k; }
    }
    out[i] = t[at]! / 1000;
    return true;
  };
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
  min_over_time: (_t, v, lo, hi, _from, _to, _steps, out, i) => {
    if (hi <= lo) return false;
    let m = v[lo]!;
    for (let k = lo; k < hi; k++) if (v[k]! < m || Number.isNaN(m)) m = v[k]!;
    out[i] = m;
    return true;
  },
  max_over_time: (_t, v, lo, hi, _from, _to, _steps, out, i) => {
    if (hi <= lo) return false;
    let m = v[lo]!;
    for (let k = lo; k < hi; k++) if (v[k]! > m || Number.isNaN(m)) m = v[k]!;
    out[i] = m;
    return true;
  },
  count_over_time: (_t, _v, lo, hi, _from, _to, _steps, out, i) => {
    if (hi <= lo) return false;
    out[i] = hi - lo;
    return true;
  },
  last_over_time: (_t, v, lo, hi, _from, _to, _steps, out, i) => {
    if (hi <= lo) return false;
    out[i] = v[hi - 1]!;
    return true;
  },
  first_over_time: (_t, v, lo, hi, _from, _to, _steps, out, i) => {
    if (hi <= lo) return false;
    out[i] = v[lo]!;
    return true;
  },
  ts_of_first_over_time: (t, _v, lo, hi, _from, _to, _steps, out, i) => {
    if (hi <= lo) return false;
    out[i] = t[lo]! / 1000;
    return true;
  },
  ts_of_last_over_time: (t, _v, lo, hi, _from, _to, _steps, out, i) => {
    if (hi <= lo) return false;
    out[i] = t[hi - 1]! / 1000;
    return true;
  },
  ts_of_min_over_time: tsOfExtreme(false),
  ts_of_max_over_time: tsOfExtreme(true),
  mad_over_time: overTime((v, lo, hi) => {
    const xs = Array.from(v.subarray(lo, hi)).sort(byValueNaNFirst);
    const median = quantileOf(0.5, xs);
    return quantileOf(0.5, xs.map((x) => Math.abs(x - median)).sort(byValueNaNFirst));
  }),
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
  deriv: (t, v, lo, hi, _from, _to, _steps, out, i) => {
    if (hi - lo < 2) return false;
    out[i] = linearRegression(t, v, lo, hi, t[lo]!)[0];
    return true;
  },
};

export const RANGE_FUNCTIONS: ReadonlySet<string> = new Set([
  ...Object.keys(simple), 'rate', 'increase', 'delta', 'predict_linear', 'holt_winters', 'double_exponential_smoothing',
  'quantile_over_time', 'absent_over_time',
]);

/** Range functions whose answer is a sample of the series itself: they keep `__name__`. */
const KEEPS_NAME: ReadonlySet<string> = new Set(['last_over_time', 'first_over_time']);

function holtWinters(sf: number, tf: number): WindowFn {
  if (!(sf > 0 && sf < 1)) throw new PromQLExecError(`invalid smoothing factor. Expected: 0 < sf < 1, got: ${sf}`);
  if (!(tf > 0 && tf < 1)) throw new PromQLExecError(`invalid trend factor. Expected: 0 < tf < 1, got: ${tf}`);
  return (_t, v, lo, hi, _from, _to, _steps, out, i) => {
    if (hi - lo < 2) return false;
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
    out[i] = s1;
    return true;
  };
}

/** Range functions whose computation depends on per-step scalar arguments (one window function per step). */
const PER_STEP_ARGS: ReadonlySet<string> = new Set(['predict_linear', 'holt_winters', 'double_exponential_smoothing', 'quantile_over_time']);

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
        return (t, v, lo, hi, _f, _to, steps, out, k) => {
          if (hi - lo < 2) return false;
          const [slope, icpt] = linearRegression(t, v, lo, hi, steps[k]!);
          out[k] = slope * d + icpt;
          return true;
        };
      }
      // Prometheus 3 renamed holt_winters to double_exponential_smoothing; both names are served
      case 'holt_winters': case 'double_exponential_smoothing': return holtWinters(scalarArgs[0]![i]!, scalarArgs[1]![i]!);
      case 'quantile_over_time': {
        const q = scalarArgs[0]![i]!;
        return overTime((v, lo, hi) => quantileOf(q, Array.from(v.subarray(lo, hi)).sort(byValueNaNFirst)));
      }
      default: return simple[name]!;
    }
  };
  // One window function for the whole query unless a scalar argument changes it per step.
  const perStep: WindowFn[] | undefined = PER_STEP_ARGS.has(name) ? Array.from({ length: n }, (_, i) => fnAt(i)) : undefined;
  const fn = perStep ? undefined : fnAt(0);
  const keepName = KEEPS_NAME.has(name);
  const from = new Float64Array(n);
  const to = new Float64Array(n);
  for (let i = 0; i < n; i++) { const w = m.windowOf(i); from[i] = w.from; to[i] = w.to; }
  const los = new Int32Array(n);
  const his = new Int32Array(n);
  // a series' values go to scratch first: most series have some, but one without any takes no output space
  const vals = new Float64Array(n);
  const has = new Uint8Array(n);
  const out: StepSeries[] = [];
  for (const s of m.series) {
    slidingWindows(s.t, from, to, los, his);
    let any = false;
    for (let i = 0; i < n; i++) {
      const lo = los[i]!;
      const hi = his[i]!;
      const set = hi !== lo && (fn ?? perStep![i]!)(s.t, s.v, lo, hi, from, to, steps, vals, i);
      if (set) { has[i] = 1; any = true; } else { has[i] = 0; vals[i] = 0; }
    }
    if (!any) continue;
    const r = newSeries(s.labels, n);
    if (!keepName || s.dropName) r.dropName = true;
    r.v.set(vals);
    r.has.set(has);
    out.push(r);
  }
  return { type: 'vector', series: out };
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
