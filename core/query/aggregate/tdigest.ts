// The t-digest DataFusion uses for approx_percentile_cont / approx_median (same merge and estimate steps,
// so the approximations match GreptimeDB's): centroids as parallel Float64Arrays, no per-value objects.

const MAX_SIZE = 100;

export interface TDigest { means: Float64Array; weights: Float64Array; count: number; min: number; max: number }

function kToQ(k: number, d: number): number {
  const kd = k / d;
  if (kd >= 0.5) { const b = 1 - kd; return 1 - 2 * b * b; }
  return 2 * kd * kd;
}

/** Compresses centroids sorted by mean; `kStart` follows DataFusion (merge_sorted starts at k=2, merge_digests at k=1). */
function compress(means: ArrayLike<number>, weights: ArrayLike<number>, n: number, count: number, kStart: number): { means: Float64Array; weights: Float64Array } {
  const outM: number[] = [], outW: number[] = [];
  let k = 1;
  let qLimit = kToQ(k, MAX_SIZE) * count;
  k = kStart;
  let curM = means[0]!, curW = weights[0]!;
  let soFar = curW, sums = 0, ws = 0;
  for (let i = 1; i < n; i++) {
    const m = means[i]!, w = weights[i]!;
    soFar += w;
    if (soFar <= qLimit) { sums += m * w; ws += w; continue; }
    const s = sums + curW * curM;
    curW += ws; curM = s / curW;
    outM.push(curM); outW.push(curW);
    sums = 0; ws = 0;
    qLimit = kToQ(k, MAX_SIZE) * count;
    k++;
    curM = m; curW = w;
  }
  const s = sums + curW * curM;
  curW += ws; curM = s / curW;
  outM.push(curM); outW.push(curW);
  const idx = outM.map((_, i) => i).sort((a, b) => outM[a]! - outM[b]!);
  return { means: Float64Array.from(idx, (i) => outM[i]!), weights: Float64Array.from(idx, (i) => outW[i]!) };
}

/** A digest of plain values (merge_unsorted_f64 into an empty digest). */
export function digestOf(values: Float64Array): TDigest | null {
  if (values.length === 0) return null;
  const v = Float64Array.from(values).sort();
  const ones = new Float64Array(v.length).fill(1);
  const c = compress(v, ones, v.length, v.length, 2);
  return { ...c, count: v.length, min: v[0]!, max: v[v.length - 1]! };
}

/** A digest of (value, weight) pairs, each a one-centroid digest counting its weight, merged (merge_digests). */
export function weightedDigestOf(values: Float64Array, weights: Float64Array): TDigest | null {
  const n = values.length;
  if (n === 0) return null;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a]! - values[b]!);
  const m = Float64Array.from(idx, (i) => values[i]!), w = Float64Array.from(idx, (i) => weights[i]!);
  let total = 0;
  for (let i = 0; i < n; i++) total += w[i]!;
  const c = compress(m, w, n, total, 1);
  return { ...c, count: total, min: m[0]!, max: m[n - 1]! };
}

export function estimateQuantile(d: TDigest, q: number): number {
  const { means, weights } = d;
  const len = means.length;
  if (len === 0) return 0;
  const count = d.count;
  const rank = q * count;
  let pos: number, t: number;
  if (q > 0.5) {
    if (q >= 1) return d.max;
    pos = 0; t = count;
    for (let k = len - 1; k >= 0; k--) { t -= weights[k]!; if (rank >= t) { pos = k; break; } }
  } else {
    if (q <= 0) return d.min;
    pos = len - 1; t = 0;
    for (let k = 0; k < len; k++) { if (rank < t + weights[k]!) { pos = k; break; } t += weights[k]!; }
  }
  let delta = 0, lo = d.min, hi = d.max;
  if (len > 1) {
    if (pos === 0) { delta = means[1]! - means[0]!; hi = means[1]!; }
    else if (pos === len - 1) { delta = means[pos]! - means[pos - 1]!; lo = means[pos - 1]!; }
    else { delta = (means[pos + 1]! - means[pos - 1]!) / 2; lo = means[pos - 1]!; hi = means[pos + 1]!; }
  }
  const value = means[pos]! + ((rank - t) / weights[pos]! - 0.5) * delta;
  return value < lo ? lo : value > hi ? hi : value;
}
