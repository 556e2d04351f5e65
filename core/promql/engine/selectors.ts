// Selectors: instant vector selectors (lookback, staleness), range vector selectors and subqueries, offset and `@`.
import { PromQLExecError } from '../../errors.ts';
import type { AtModifier, MatrixSelector, PromExpr, SubqueryExpr, VectorSelector } from '../parser/ast.ts';
import type { SeriesSamples } from '../types.ts';
import type { EvalContext, RangeSeries, RangeValue, StepSeries, Value } from './values.ts';
import { compareLabels, isStaleNaN, zeroF64, zeroU8 } from './values.ts';

export type EvalFn = (e: PromExpr, ctx: EvalContext) => Promise<Value>;

function atMs(at: AtModifier, ctx: EvalContext): number {
  return at.kind === 'time' ? at.ms : at.kind === 'start' ? ctx.queryStart : ctx.queryEnd;
}

/** The time each step reads at: the step's time, or the `@` time, minus the offset. */
export function effectiveTimes(ctx: EvalContext, offsetMs: number, at: AtModifier | undefined): Float64Array {
  const out = new Float64Array(ctx.steps.length);
  const fixed = at ? atMs(at, ctx) : undefined;
  for (let i = 0; i < out.length; i++) out[i] = (fixed ?? ctx.steps[i]!) - offsetMs;
  return out;
}

async function load(ctx: EvalContext, sel: VectorSelector, from: number, to: number): Promise<SeriesSamples[]> {
  const data = await ctx.source.select(sel.matchers, from, to);
  for (const s of data) ctx.samplesLoaded.n += s.t.length;
  // Series come in label order, as from Prometheus's TSDB: the order decides ties in topk/bottomk and the answer's order.
  // Prometheus has no empty label values: a source's empty (null) tag is an absent label.
  for (const s of data) if (s.labels.some(([, v]) => v === '')) s.labels = s.labels.filter(([, v]) => v !== '');
  data.sort((a, b) => compareLabels(a.labels, b.labels));
  if (ctx.samplesLoaded.n > ctx.maxSamples) {
    throw new PromQLExecError('query processing would load too many samples into memory in query execution');
  }
  return data;
}

export async function evalVectorSelector(sel: VectorSelector, ctx: EvalContext): Promise<StepSeries[]> {
  const times = effectiveTimes(ctx, sel.offsetMs, sel.at);
  const n = times.length;
  if (n === 0) return [];
  let lo = Infinity;
  let hi = -Infinity;
  for (const t of times) { if (t < lo) lo = t; if (t > hi) hi = t; }
  const data = await load(ctx, sel, lo - ctx.lookbackMs, hi);
  const out: StepSeries[] = [];
  for (const s of data) {
    const v = zeroF64(n);
    const has = zeroU8(n);
    const ts = zeroF64(n);
    let any = false;
    let j = -1; // index of the last sample at or before the step's time (times ascend, or are all one `@` time)
    for (let i = 0; i < n; i++) {
      const T = times[i]!;
      while (j + 1 < s.t.length && s.t[j + 1]! <= T) j++;
      if (j < 0 || s.t[j]! < T - ctx.lookbackMs) continue;
      const x = s.v[j]!;
      if (isStaleNaN(x)) continue;
      v[i] = x;
      ts[i] = s.t[j]!;
      has[i] = 1;
      any = true;
    }
    if (any) out.push({ labels: s.labels, v, has, ts });
  }
  return out;
}

function windowed(series: RangeSeries[], times: Float64Array, rangeMs: number): RangeValue {
  return {
    type: 'matrix',
    series,
    rangeMs,
    windowOf: (i) => ({ from: times[i]! - rangeMs, to: times[i]! }),
  };
}

export async function evalMatrixSelector(node: MatrixSelector, ctx: EvalContext): Promise<RangeValue> {
  const sel = node.vector;
  const times = effectiveTimes(ctx, sel.offsetMs, sel.at);
  let lo = Infinity;
  let hi = -Infinity;
  for (const t of times) { if (t < lo) lo = t; if (t > hi) hi = t; }
  const data = times.length ? await load(ctx, sel, lo - node.rangeMs, hi) : [];
  const series: RangeSeries[] = [];
  for (const s of data) {
    let k = 0;
    for (let i = 0; i < s.v.length; i++) if (!isStaleNaN(s.v[i]!)) k++;
    if (k === 0) continue;
    // the source's arrays are this query's own: kept as they are unless staleness markers must go
    if (k === s.v.length) { series.push({ labels: s.labels, t: s.t, v: s.v }); continue; }
    const t = new Float64Array(k);
    const v = new Float64Array(k);
    k = 0;
    for (let i = 0; i < s.v.length; i++) {
      if (isStaleNaN(s.v[i]!)) continue;
      t[k] = s.t[i]!;
      v[k++] = s.v[i]!;
    }
    series.push({ labels: s.labels, t, v });
  }
  return windowed(series, times, node.rangeMs);
}

export async function evalSubquery(node: SubqueryExpr, ctx: EvalContext, evalFn: EvalFn): Promise<RangeValue> {
  const times = effectiveTimes(ctx, node.offsetMs, node.at);
  if (times.length === 0) return windowed([], times, node.rangeMs);
  let lo = Infinity;
  let hi = -Infinity;
  for (const t of times) { if (t < lo) lo = t; if (t > hi) hi = t; }
  const interval = node.stepMs || ctx.defaultStepMs;
  // The inner steps are aligned to absolute multiples of the interval, as Prometheus aligns them.
  const first = lo - node.rangeMs;
  let start = interval * Math.trunc(first / interval);
  if (start < first) start += interval;
  const count = start > hi ? 0 : Math.floor((hi - start) / interval) + 1;
  if (count > 11_000_000) throw new PromQLExecError('subquery has too many steps');
  const steps = new Float64Array(count);
  for (let i = 0; i < count; i++) steps[i] = start + i * interval;
  const inner = await evalFn(node.expr, { ...ctx, steps });
  if (inner.type !== 'vector') throw new PromQLExecError(`subquery over ${inner.type} is not supported`);
  const series: RangeSeries[] = [];
  for (const s of inner.series) {
    let k = 0;
    for (let i = 0; i < count; i++) if (s.has[i]) k++;
    if (k === 0) continue;
    const t = new Float64Array(k);
    const v = new Float64Array(k);
    k = 0;
    for (let i = 0; i < count; i++) {
      if (!s.has[i]) continue;
      t[k] = steps[i]!;
      v[k++] = s.v[i]!;
    }
    series.push(s.dropName ? { labels: s.labels, t, v, dropName: true } : { labels: s.labels, t, v });
  }
  return windowed(series, times, node.rangeMs);
}

/** Index range [lo, hi) of a sorted time array within [from, to], both ends inclusive (Prometheus 2.x range semantics). */
export function windowIndices(t: Float64Array, from: number, to: number): [number, number] {
  let a = 0;
  let b = t.length;
  while (a < b) { const m = (a + b) >> 1; if (t[m]! < from) a = m + 1; else b = m; }
  const lo = a;
  b = t.length;
  while (a < b) { const m = (a + b) >> 1; if (t[m]! <= to) a = m + 1; else b = m; }
  return [lo, a];
}

/**
 * The window [lo, hi) of every step over one series, by two pointers that only move forward (a step's window never
 * starts or ends before the previous one's, steps ascending or one `@` time); a window that does move back is found by
 * binary search. Equal to windowIndices step by step (a fast-check property says so).
 */
export function slidingWindows(t: Float64Array, from: Float64Array, to: Float64Array, lo: Int32Array, hi: Int32Array): void {
  const len = t.length;
  let a = 0;
  let b = 0;
  for (let i = 0; i < from.length; i++) {
    const f = from[i]!;
    const e = to[i]!;
    if (i > 0 && (f < from[i - 1]! || e < to[i - 1]!)) {
      [a, b] = windowIndices(t, f, e);
    } else {
      while (a < len && t[a]! < f) a++;
      if (b < a) b = a;
      while (b < len && t[b]! <= e) b++;
    }
    lo[i] = a;
    hi[i] = b;
  }
}
