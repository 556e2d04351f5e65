// The evaluator's internal values: every node answers for all steps of the query at once, one typed array per series.
import { PromQLExecError } from '../../errors.ts';
import type { Labels, SeriesSource } from '../types.ts';
import type { Annotations } from './annotations.ts';

/** One instant-vector series over the query's steps: `has[i]` says whether step i has a sample, `v[i]` its value. */
export interface StepSeries {
  labels: Labels;
  v: Float64Array;
  has: Uint8Array;
  /** Sample timestamps per step (only straight from a vector selector, for timestamp()). */
  ts?: Float64Array;
  /**
   * `__name__` is to be dropped when the query's answer is shaped (Prometheus 3's delayed name removal): an operation
   * that drops the name only marks the series, so label_replace/label_join and `by (__name__)` still see it.
   */
  dropName?: boolean;
}

/** A range-vector series: samples in time order with no staleness markers. */
export interface RangeSeries { labels: Labels; t: Float64Array; v: Float64Array; dropName?: boolean }

/** A range vector as functions see it: the series, and for each step the window [lo, hi) of sample indices. */
export interface RangeValue {
  type: 'matrix';
  series: RangeSeries[];
  /** Window [from, to] (inclusive, ms) of step i. */
  windowOf(i: number): { from: number; to: number };
  rangeMs: number;
}

export type Value =
  | { type: 'scalar'; v: Float64Array }
  | { type: 'string'; s: string }
  | { type: 'vector'; series: StepSeries[] }
  | RangeValue;

export interface EvalContext {
  source: SeriesSource;
  /** Evaluation times, ascending. */
  steps: Float64Array;
  /** The top-level query's start and end, for `@ start()` / `@ end()`. */
  queryStart: number;
  queryEnd: number;
  /** The top-level query's step (0 for an instant query), for step(). */
  queryStep: number;
  lookbackMs: number;
  defaultStepMs: number;
  deadlineMs?: number;
  /** Aborted when the statement running the query is cancelled (KILL, a PostgreSQL CancelRequest). */
  signal?: AbortSignal;
  maxSamples: number;
  samplesLoaded: { n: number };
  /** Where warnings and infos go (EvalOptions.annotations). */
  notes?: Annotations;
}

export const STALE_NAN_BITS = 0x7ff00000_00000002n;
const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);
/** True for Prometheus's staleness marker (a specific NaN bit pattern). */
export function isStaleNaN(x: number): boolean {
  if (x === x) return false;
  f64[0] = x;
  return u64[0] === STALE_NAN_BITS;
}
export function staleNaN(): number {
  u64[0] = STALE_NAN_BITS;
  return f64[0]!;
}

export function labelsKey(l: Labels): string {
  let s = '';
  for (const [n, v] of l) s += n + '\xff' + v + '\xfe';
  return s;
}

export function getLabel(l: Labels, name: string): string {
  for (const [n, v] of l) if (n === name) return v;
  return '';
}

export function dropName(l: Labels): Labels {
  return l.some(([n]) => n === '__name__') ? l.filter(([n]) => n !== '__name__') : l;
}

/** Sets (or with an empty value removes) one label, keeping names sorted. */
export function setLabel(l: Labels, name: string, value: string): Labels {
  const out = l.filter(([n]) => n !== name) as (readonly [string, string])[];
  if (value !== '') out.push([name, value]);
  out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return out;
}

export function sortLabels(l: (readonly [string, string])[]): Labels {
  return l.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** Labels kept for a grouping: `by` keeps the listed, `without` drops them (and the metric name). */
export function groupLabels(l: Labels, names: ReadonlySet<string>, without: boolean): Labels {
  return without ? l.filter(([n]) => !names.has(n) && n !== '__name__') : l.filter(([n]) => names.has(n));
}

/**
 * Zeroed typed arrays carved out of shared chunks. A series' array of a few hundred steps allocated on its own costs a
 * backing store of its own (an external allocation V8 tracks, and GC pressure): thousands of series per query made that
 * most of an evaluation. A view keeps its chunk alive, so only small arrays share one (a chunk is at most 512 KiB).
 */
const CHUNK = 1 << 16;
let f64Chunk = new Float64Array(0);
let f64Used = 0;
let u8Chunk = new Uint8Array(0);
let u8Used = 0;

export function zeroF64(n: number): Float64Array {
  if (n > CHUNK >> 4) return new Float64Array(n);
  if (f64Used + n > f64Chunk.length) { f64Chunk = new Float64Array(CHUNK); f64Used = 0; }
  // a view built directly: cheaper than subarray(), which looks up a species constructor
  const a = new Float64Array(f64Chunk.buffer, f64Used * 8, n);
  f64Used += n;
  return a;
}

export function zeroU8(n: number): Uint8Array {
  if (n > CHUNK >> 4) return new Uint8Array(n);
  if (u8Used + n > u8Chunk.length) { u8Chunk = new Uint8Array(CHUNK); u8Used = 0; }
  const a = new Uint8Array(u8Chunk.buffer, u8Used, n);
  u8Used += n;
  return a;
}

export function newSeries(labels: Labels, n: number): StepSeries {
  return { labels, v: zeroF64(n), has: zeroU8(n) };
}

/**
 * Merges series that share a label set (after a function dropped `__name__`); two samples at one step for one label set
 * is Prometheus's "vector cannot contain metrics with the same labelset" error.
 */
export function mergeSameLabels(series: StepSeries[]): StepSeries[] {
  const byKey = new Map<string, StepSeries>();
  const out: StepSeries[] = [];
  for (const s of series) {
    const k = labelsKey(s.labels);
    const prev = byKey.get(k);
    if (!prev) { byKey.set(k, s); out.push(s); continue; }
    mergeSteps(prev, s);
  }
  return out;
}

function allMarkedOneName(series: StepSeries[]): boolean {
  const name = getLabel(series[0]!.labels, '__name__');
  for (const s of series) if (!s.dropName || getLabel(s.labels, '__name__') !== name) return false;
  return true;
}

/** Moves the steps of `s` into `into`; a step both have is Prometheus's duplicate label set error. */
function mergeSteps(into: StepSeries, s: StepSeries): void {
  for (let i = 0; i < s.v.length; i++) {
    if (!s.has[i]) continue;
    if (into.has[i]) throw new PromQLExecError('vector cannot contain metrics with the same labelset');
    into.has[i] = 1;
    into.v[i] = s.v[i]!;
  }
}

/**
 * The answer's series: the names marked for dropping are dropped, and series left with one label set become one;
 * two samples at one step for one label set is Prometheus's "vector cannot contain metrics with the same labelset".
 * Inputs are not written to: a merged series is a copy.
 */
export function finalizeNames(series: StepSeries[]): StepSeries[] {
  if (!series.some((s) => s.dropName)) return series;
  // the common case (rate(x[5m]), x * 2): every series marked and of one metric; distinct label sets stay distinct
  // once that one name goes, so there is nothing to merge
  if (allMarkedOneName(series)) return series.map((s) => ({ labels: dropName(s.labels), v: s.v, has: s.has }));
  const byKey = new Map<string, number>();
  const out: StepSeries[] = [];
  const copied = new Set<number>();
  for (const s of series) {
    const labels = s.dropName ? dropName(s.labels) : s.labels;
    const k = labelsKey(labels);
    const at = byKey.get(k);
    if (at === undefined) { byKey.set(k, out.length); out.push({ labels, v: s.v, has: s.has }); continue; }
    let prev = out[at]!;
    if (!copied.has(at)) { prev = { labels: prev.labels, v: prev.v.slice(), has: prev.has.slice() }; out[at] = prev; copied.add(at); }
    mergeSteps(prev, s);
  }
  return out;
}

export function checkDeadline(ctx: EvalContext): void {
  ctx.signal?.throwIfAborted();
  if (ctx.deadlineMs !== undefined && Date.now() > ctx.deadlineMs) throw new PromQLExecError('query timed out in expression evaluation', 'timeout');
}

export function formatLabels(l: Labels): string {
  return `{${l.map(([n, v]) => `${n}=${JSON.stringify(v)}`).join(', ')}}`;
}

/** Neumaier's compensated addition, as Prometheus sums floats: returns the new sum and compensation. */
export function kahanInc(inc: number, sum: number, c: number): [number, number] {
  const t = sum + inc;
  if (t === Infinity || t === -Infinity) c = 0; // an infinite sum has nothing left to compensate
  else if (Math.abs(sum) >= Math.abs(inc)) c += (sum - t) + inc;
  else c += (inc - t) + sum;
  return [t, c];
}

/** Prometheus's labels.Compare: pairwise by name, then value; a prefix sorts first. */
export function compareLabels(a: Labels, b: Labels): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const [an, av] = a[i]!;
    const [bn, bv] = b[i]!;
    if (an !== bn) return an < bn ? -1 : 1;
    if (av !== bv) return av < bv ? -1 : 1;
  }
  return a.length - b.length;
}
