// GreptimeDB's anomaly-score window functions: how far the current row's value lies from the rest of its frame.
//  - anomaly_score_zscore(x): |x - mean| / stddev (population) of the frame's values;
//  - anomaly_score_mad(x): |x - median| / (1.4826 * MAD), MAD the median of the absolute deviations from the median;
//  - anomaly_score_iqr(x, k): how far x lies outside [Q1 - k*IQR, Q3 + k*IQR] in units of IQR (0 inside), quartiles
//    by linear interpolation.
// NULL values take no part; a NULL current value, or a frame with fewer than 3 values, scores NULL. A frame whose
// spread is 0 gives 0 / 0 = NaN for zscore and mad, as GreptimeDB reports it.

export const ANOMALY_FUNCTIONS = new Set(['anomaly_score_zscore', 'anomaly_score_mad', 'anomaly_score_iqr']);

const MIN_SAMPLES = 3;
/** MAD * 1.4826 estimates the standard deviation of normally distributed values. */
const MAD_SCALE = 1.4826;

/** The score of `x` against the frame's values (NULLs already left out); null when it has none. */
export function anomalyScore(name: string, x: number | null, frame: number[], k: number): number | null {
  if (x === null || frame.length < MIN_SAMPLES) return null;
  if (name === 'anomaly_score_zscore') {
    let mean = 0;
    for (const v of frame) mean += v;
    mean /= frame.length;
    let ss = 0;
    for (const v of frame) ss += (v - mean) ** 2;
    return Math.abs(x - mean) / Math.sqrt(ss / frame.length);
  }
  const sorted = Float64Array.from(frame).sort();
  if (name === 'anomaly_score_mad') {
    const med = quantile(sorted, 0.5);
    const dev = Float64Array.from(sorted, (v) => Math.abs(v - med)).sort();
    return Math.abs(x - med) / (MAD_SCALE * quantile(dev, 0.5));
  }
  const q1 = quantile(sorted, 0.25), q3 = quantile(sorted, 0.75), iqr = q3 - q1;
  const lo = q1 - k * iqr, hi = q3 + k * iqr;
  if (x >= lo && x <= hi) return 0;
  return (x < lo ? lo - x : x - hi) / iqr;
}

/** The q-quantile of sorted values, interpolating linearly between neighbours. */
function quantile(sorted: Float64Array, q: number): number {
  const pos = (sorted.length - 1) * q, i = Math.floor(pos), f = pos - i;
  return i + 1 < sorted.length ? sorted[i]! + f * (sorted[i + 1]! - sorted[i]!) : sorted[i]!;
}
