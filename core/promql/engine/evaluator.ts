// The PromQL evaluator: walks the tree once for all steps of a query and shapes the answer as Prometheus's API does.
import { PromQLExecError } from '../../errors.ts';
import type { PromExpr } from '../parser/ast.ts';
import { parsePromQL } from '../parser/parser.ts';
import type { EvalOptions, PromValue, SeriesSamples, SeriesSource } from '../types.ts';
import { evalAggregate } from './aggregations.ts';
import { evalBinary } from './binary.ts';
import { evalCall } from './functions.ts';
import { evalMatrixSelector, evalSubquery, evalVectorSelector, windowIndices } from './selectors.ts';
import type { EvalContext, Value } from './values.ts';
import { checkDeadline, compareLabels, dropName, finalizeNames } from './values.ts';

const DEFAULT_LOOKBACK_MS = 5 * 60_000;
const DEFAULT_STEP_MS = 60_000;
const DEFAULT_MAX_SAMPLES = 50_000_000;

export async function evalNode(e: PromExpr, ctx: EvalContext): Promise<Value> {
  checkDeadline(ctx);
  const n = ctx.steps.length;
  switch (e.kind) {
    case 'number': return { type: 'scalar', v: new Float64Array(n).fill(e.value) };
    case 'string': return { type: 'string', s: e.value };
    case 'paren': return evalNode(e.expr, ctx);
    case 'unary': {
      const v = await evalNode(e.expr, ctx);
      if (e.op === '+') return v;
      if (v.type === 'scalar') return { type: 'scalar', v: v.v.map((x) => -x) };
      if (v.type !== 'vector') throw new PromQLExecError(`unary minus on ${v.type}`);
      const series = v.series.map((s) => ({ labels: s.labels, v: s.v.map((x) => -x), has: s.has.slice(), dropName: true }));
      return { type: 'vector', series };
    }
    case 'vector': return { type: 'vector', series: await evalVectorSelector(e, ctx) };
    case 'matrix': return evalMatrixSelector(e, ctx);
    case 'subquery': return evalSubquery(e, ctx, evalNode);
    case 'aggregate': {
      const param = e.param ? await evalNode(e.param, ctx) : undefined;
      const input = await evalNode(e.expr, ctx);
      if (input.type !== 'vector') throw new PromQLExecError(`aggregation over ${input.type}`);
      return evalAggregate(e, input.series, param, ctx);
    }
    case 'binary': {
      const lhs = await evalNode(e.lhs, ctx);
      const rhs = await evalNode(e.rhs, ctx);
      return evalBinary(e, lhs, rhs, ctx);
    }
    case 'call': return evalCall(e, ctx, evalNode);
  }
}

function context(source: SeriesSource, steps: Float64Array, start: number, end: number, step: number, opts: EvalOptions | undefined): EvalContext {
  return {
    source,
    steps,
    queryStart: start,
    queryEnd: end,
    queryStep: step,
    lookbackMs: opts?.lookbackMs ?? DEFAULT_LOOKBACK_MS,
    defaultStepMs: opts?.defaultStepMs ?? DEFAULT_STEP_MS,
    ...(opts?.deadlineMs !== undefined ? { deadlineMs: opts.deadlineMs } : {}),
    ...(opts?.signal ? { signal: opts.signal } : {}),
    maxSamples: opts?.maxSamples ?? DEFAULT_MAX_SAMPLES,
    samplesLoaded: { n: 0 },
    ...(opts?.annotations ? { notes: opts.annotations } : {}),
  };
}

const toExpr = (q: string | PromExpr): PromExpr => (typeof q === 'string' ? parsePromQL(q) : q);

/** Evaluates a query at one time (Unix ms): Prometheus's `/api/v1/query`. */
export async function evalInstant(query: string | PromExpr, timeMs: number, source: SeriesSource, opts?: EvalOptions): Promise<PromValue> {
  const expr = toExpr(query);
  const ctx = context(source, Float64Array.of(timeMs), timeMs, timeMs, 0, opts);
  const v = await evalNode(expr, ctx);
  switch (v.type) {
    case 'scalar': return { type: 'scalar', t: timeMs, v: v.v[0]! };
    case 'string': return { type: 'string', t: timeMs, v: v.s };
    case 'vector': return {
      type: 'vector',
      samples: finalizeNames(v.series.filter((s) => s.has[0])).map((s) => ({ labels: s.labels, t: timeMs, v: s.v[0]! })),
    };
    case 'matrix': {
      const w = v.windowOf(0);
      const series: SeriesSamples[] = [];
      for (const s of v.series) {
        const [lo, hi] = windowIndices(s.t, w.from, w.to);
        if (hi > lo) series.push({ labels: s.dropName ? dropName(s.labels) : s.labels, t: s.t.slice(lo, hi), v: s.v.slice(lo, hi) });
      }
      return { type: 'matrix', series };
    }
  }
}

/** Evaluates a query at start, start+step, ..., end: Prometheus's `/api/v1/query_range`; the answer is a matrix. */
export async function evalRange(
  query: string | PromExpr, startMs: number, endMs: number, stepMs: number, source: SeriesSource, opts?: EvalOptions,
): Promise<PromValue> {
  const expr = toExpr(query);
  if (!(stepMs > 0)) throw new PromQLExecError('zero or negative query resolution step widths are not accepted', 'bad_data');
  if (endMs < startMs) throw new PromQLExecError('end timestamp must not be before start time', 'bad_data');
  const count = Math.floor((endMs - startMs) / stepMs) + 1;
  if (count > 11_000) throw new PromQLExecError('exceeded maximum resolution of 11,000 points per timeseries', 'bad_data');
  const steps = new Float64Array(count);
  for (let i = 0; i < count; i++) steps[i] = startMs + i * stepMs;
  const ctx = context(source, steps, startMs, endMs, stepMs, opts);
  const v = await evalNode(expr, ctx);
  if (v.type === 'scalar') return { type: 'matrix', series: [{ labels: [], t: steps.slice(), v: v.v.slice() }] };
  if (v.type !== 'vector') {
    throw new PromQLExecError(`invalid expression type "${v.type === 'matrix' ? 'range vector' : 'string'}" for range query, must be Scalar or instant Vector`, 'bad_data');
  }
  const final = finalizeNames(v.series);
  const series: SeriesSamples[] = [];
  // the answer's points: one buffer of times and one of values, each series a view of its stretch
  let points = 0;
  for (const s of final) for (let i = 0; i < count; i++) points += s.has[i]!;
  const T = new ArrayBuffer(points * 8);
  const V = new ArrayBuffer(points * 8);
  let at = 0;
  for (const s of final) {
    let k = 0;
    for (let i = 0; i < count; i++) if (s.has[i]) k++;
    if (k === 0) continue;
    const t = new Float64Array(T, at * 8, k);
    const vals = new Float64Array(V, at * 8, k);
    at += k;
    k = 0;
    for (let i = 0; i < count; i++) {
      if (!s.has[i]) continue;
      t[k] = steps[i]!;
      vals[k++] = s.v[i]!;
    }
    series.push({ labels: s.labels, t, v: vals });
  }
  series.sort((a, b) => compareLabels(a.labels, b.labels));
  return { type: 'matrix', series };
}
