// histogram_quantile and histogram_fraction over classic buckets: series grouped by their labels without `le`,
// interpolated within a bucket.
import type { Labels } from '../types.ts';
import type { StepSeries, Value } from './values.ts';
import { getLabel, labelsKey, newSeries } from './values.ts';

/** Go's strconv.ParseFloat as far as `le` values need it: decimal, exponent, ±Inf/Infinity, NaN (any case). */
export function parseGoFloat(s: string): number {
  const t = s.trim() === s ? s : '';
  const low = t.toLowerCase().replace(/^\+/, '');
  if (low === 'inf' || low === 'infinity') return Infinity;
  if (low === '-inf' || low === '-infinity') return -Infinity;
  if (low === 'nan') return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t) && !/^[-+]?0[xX][0-9a-fA-F]+$/.test(t)) return NaN;
  return t.startsWith('-0x') || t.startsWith('-0X') ? -Number(t.slice(1)) : Number(t.replace(/^\+/, ''));
}

interface Bucket { le: number; count: number }

/** What a classic-histogram function tells of its input (Prometheus's annotations); metric names as the series carry them. */
export interface BucketNotes {
  /** A series with a sample whose `le` is missing or not a number: it is no bucket. */
  badLe(metric: string, le: string): void;
  /** Counts had to be raised to stay monotonic (histogram_quantile only). */
  forcedMonotonic(metric: string): void;
}

const MIN_NORMAL = 2.2250738585072014e-308;
/** Prometheus's smallDeltaTolerance: bucket counts this close (relative) differ only by floating-point error. */
const SMALL_DELTA = 1e-12;

/** Prometheus's almost.Equal: relative difference below epsilon (absolute, scaled by the smallest normal, near zero). */
function almostEqual(a: number, b: number, epsilon: number): boolean {
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  if (a === b) return true;
  const absSum = Math.abs(a) + Math.abs(b);
  const diff = Math.abs(a - b);
  if (a === 0 || b === 0 || absSum < MIN_NORMAL) return diff < epsilon * MIN_NORMAL;
  return diff / Math.min(absSum, Number.MAX_VALUE) < epsilon;
}

/**
 * Prometheus's ensureMonotonicAndIgnoreSmallDeltas over counts[0..m), in place: a count within 1e-12 (relative) of
 * the last one kept takes its value (float noise, either way), a lower one is raised to it; true when one was raised
 * (the input really was not monotonic: histogram_quantile's info annotation).
 */
function ensureMonotonic(counts: { [i: number]: number }, m: number): boolean {
  let forced = false;
  let prev = counts[0]!;
  for (let i = 1; i < m; i++) {
    const curr = counts[i]!;
    if (curr === prev) continue;
    if (almostEqual(prev, curr, SMALL_DELTA)) { counts[i] = prev; continue; }
    if (curr < prev) { counts[i] = prev; forced = true; continue; }
    prev = curr;
  }
  return forced;
}

/** Set by the last tidyBuckets call: whether it had to force the counts monotonic. */
let lastForced = false;

export function bucketQuantile(q: number, buckets: Bucket[]): number {
  if (Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  buckets.sort((a, b) => a.le - b.le);
  if (buckets.length === 0 || buckets[buckets.length - 1]!.le !== Infinity) return NaN;
  // Buckets with the same bound are merged; counts are forced monotonic, as Prometheus does for scrape races.
  const bs: Bucket[] = [];
  for (const b of buckets) {
    const last = bs[bs.length - 1];
    if (last && last.le === b.le) last.count += b.count;
    else bs.push({ le: b.le, count: b.count });
  }
  const counts = bs.map((b) => b.count);
  ensureMonotonic(counts, counts.length);
  bs.forEach((b, i) => { b.count = counts[i]!; });
  if (bs.length < 2) return NaN;
  const total = bs[bs.length - 1]!.count;
  if (total === 0) return NaN;
  let rank = q * total;
  let b = 0;
  while (b < bs.length - 1 && !(bs[b]!.count >= rank)) b++;
  if (b === bs.length - 1) return bs[bs.length - 2]!.le;
  if (b === 0 && bs[0]!.le <= 0) return bs[0]!.le;
  let start = 0;
  const end = bs[b]!.le;
  let count = bs[b]!.count;
  if (b > 0) {
    start = bs[b - 1]!.le;
    count -= bs[b - 1]!.count;
    rank -= bs[b - 1]!.count;
  }
  return start + (end - start) * (rank / count);
}

/**
 * bucketQuantile over buckets already ordered by `le` (stably, as bucketQuantile's sort leaves them), held in typed
 * arrays: les[0..k) and counts[0..k), which it overwrites (merged and made monotonic in place). No allocation: this
 * runs once per step and group. Equal to bucketQuantile (a fast-check property says so).
 */
export function sortedBucketQuantile(q: number, les: Float64Array, counts: Float64Array, k: number): number {
  if (Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  if (k === 0 || les[k - 1] !== Infinity) return NaN;
  const m = tidyBuckets(les, counts, k);
  if (m < 2) return NaN;
  const total = counts[m - 1]!;
  if (total === 0) return NaN;
  let rank = q * total;
  let b = 0;
  while (b < m - 1 && !(counts[b]! >= rank)) b++;
  if (b === m - 1) return les[m - 2]!;
  if (b === 0 && les[0]! <= 0) return les[0]!;
  let start = 0;
  const end = les[b]!;
  let count = counts[b]!;
  if (b > 0) {
    start = les[b - 1]!;
    count -= counts[b - 1]!;
    rank -= counts[b - 1]!;
  }
  return start + (end - start) * (rank / count);
}

/**
 * Merges equal bounds and forces counts monotonic, in place, over buckets ordered by `le`; answers how many remain
 * (as Prometheus coalesces buckets and fixes scrape races before interpolating).
 */
function tidyBuckets(les: Float64Array, counts: Float64Array, k: number): number {
  let m = 0;
  for (let j = 0; j < k; j++) {
    if (m > 0 && les[m - 1] === les[j]) { counts[m - 1] = counts[m - 1]! + counts[j]!; continue; }
    les[m] = les[j]!;
    counts[m++] = counts[j]!;
  }
  lastForced = m > 0 && ensureMonotonic(counts, m);
  return m;
}

/** Estimated count of observations at or below x: linear within a bucket; the lowest bucket starts at 0 when its bound is positive. */
function rankAt(x: number, les: Float64Array, counts: Float64Array, m: number): number {
  for (let b = 0; b < m; b++) {
    const hi = les[b]!;
    if (x > hi) continue;
    const prev = b === 0 ? 0 : counts[b - 1]!;
    if (hi === Infinity) return x === Infinity ? counts[b]! : prev; // nothing is known of where the +Inf bucket's observations lie
    const lo = b === 0 ? (hi > 0 ? 0 : -Infinity) : les[b - 1]!;
    if (lo === -Infinity) return x === hi ? counts[b]! : prev;
    if (x <= lo) return prev;
    return prev + (counts[b]! - prev) * ((x - lo) / (hi - lo));
  }
  return m ? counts[m - 1]! : 0;
}

/** histogram_fraction over classic buckets ordered by `le` (overwritten): the estimated share of observations in [lower, upper]. */
export function sortedBucketFraction(lower: number, upper: number, les: Float64Array, counts: Float64Array, k: number): number {
  if (Number.isNaN(lower) || Number.isNaN(upper)) return NaN;
  if (k === 0 || les[k - 1] !== Infinity) return NaN;
  const m = tidyBuckets(les, counts, k);
  const total = counts[m - 1]!;
  if (total === 0) return NaN;
  if (lower >= upper) return 0;
  return (rankAt(upper, les, counts, m) - rankAt(lower, les, counts, m)) / total;
}

/**
 * A classic-histogram function over all steps: buckets are grouped (labels without `le` and `__name__`, hashed once
 * per series) and ordered by `le` once per query; each step then gathers the present buckets' counts into typed
 * scratch arrays and hands them to `at` (step, bounds, counts, how many).
 */
function overBuckets(
  series: StepSeries[], n: number, at: (i: number, les: Float64Array, counts: Float64Array, k: number) => number,
  notes?: BucketNotes, afterStep?: (metric: string) => void,
): Value {
  const groups = new Map<string, { labels: Labels; metric: string; members: { le: number; s: StepSeries }[] }>();
  for (const s of series) {
    const leStr = getLabel(s.labels, 'le');
    const le = parseGoFloat(leStr);
    if (Number.isNaN(le)) {
      // a series without a valid `le` is no bucket (said once it has a sample)
      if (notes && s.has.includes(1)) notes.badLe(getLabel(s.labels, '__name__'), leStr);
      continue;
    }
    const labels = s.labels.filter(([k]) => k !== 'le' && k !== '__name__');
    const key = labelsKey(labels);
    let g = groups.get(key);
    if (!g) { g = { labels, metric: getLabel(s.labels, '__name__'), members: [] }; groups.set(key, g); }
    g.members.push({ le, s });
  }
  let widest = 0;
  for (const g of groups.values()) {
    g.members.sort((a, b) => a.le - b.le);
    widest = Math.max(widest, g.members.length);
  }
  const les = new Float64Array(widest);
  const counts = new Float64Array(widest);
  const out: StepSeries[] = [];
  for (const g of groups.values()) {
    const ms = g.members;
    const r = newSeries(g.labels, n);
    let any = false;
    for (let i = 0; i < n; i++) {
      let k = 0;
      for (let j = 0; j < ms.length; j++) {
        const s = ms[j]!.s;
        if (!s.has[i]) continue;
        les[k] = ms[j]!.le;
        counts[k++] = s.v[i]!;
      }
      if (k === 0) continue;
      r.v[i] = at(i, les, counts, k);
      r.has[i] = 1;
      afterStep?.(g.metric);
      any = true;
    }
    if (any) out.push(r);
  }
  return { type: 'vector', series: out };
}

export function histogramQuantile(q: Float64Array, series: StepSeries[], n: number, notes?: BucketNotes): Value {
  return overBuckets(series, n, (i, les, counts, k) => {
    lastForced = false;
    return sortedBucketQuantile(q[i]!, les, counts, k);
  }, notes, notes && ((metric) => { if (lastForced) notes.forcedMonotonic(metric); }));
}

export function histogramFraction(lower: Float64Array, upper: Float64Array, series: StepSeries[], n: number, notes?: BucketNotes): Value {
  return overBuckets(series, n, (i, les, counts, k) => sortedBucketFraction(lower[i]!, upper[i]!, les, counts, k), notes);
}
