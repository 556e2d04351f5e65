// Function dispatch: evaluates a call's arguments and routes it to its family's file.
import { PromQLExecError } from '../../errors.ts';
import type { Call, PromExpr } from '../parser/ast.ts';
import { CALENDAR_FUNCTIONS, MATH_FUNCTIONS, evalCalendarFunction, evalMathFunction } from './functions_math.ts';
import { RANGE_FUNCTIONS, absentOverTime, evalRangeFunction } from './functions_range.ts';
import {
  absent, absentLabels, labelJoin, labelReplace, scalarOf, sortByLabel, sortVector, timestampOf, vectorOf,
} from './functions_labels.ts';
import { histogramFraction, histogramQuantile, type BucketNotes } from './histogram.ts';
import {
  badBucketLabel, forcedMonotonicity, invalidQuantile, isCounterName, possibleNonCounter, type Annotations,
} from './annotations.ts';
import { evalInfo } from './info.ts';
import type { EvalFn } from './selectors.ts';
import { getLabel, type EvalContext, type RangeValue, type StepSeries, type Value } from './values.ts';

function unwrap(e: PromExpr): PromExpr {
  while (e.kind === 'paren') e = e.expr;
  return e;
}

/**
 * What Prometheus annotates on a range function: rate and increase over a series whose name is not a counter's
 * (an info; a series without samples in the query's range says nothing), quantile_over_time's φ outside [0, 1].
 */
function annotateRange(e: Call, m: RangeValue, scalars: Float64Array[], notes: Annotations): void {
  if (e.func === 'rate' || e.func === 'increase') {
    for (const s of m.series) {
      if (s.t.length === 0) continue;
      const name = getLabel(s.labels, '__name__');
      if (name !== '' && !isCounterName(name)) notes.info(possibleNonCounter(name), e.args[0]);
    }
  } else if (e.func === 'quantile_over_time') {
    for (const q of scalars[0]!) if (!(q >= 0 && q <= 1)) notes.warn(invalidQuantile(q), e.args[0]);
  }
}

/** A classic-histogram function's notes about its buckets, placed at its vector argument. */
function bucketNotes(notes: Annotations, at: PromExpr): BucketNotes {
  return {
    badLe: (metric, le) => notes.warn(badBucketLabel(metric, le), at),
    forcedMonotonic: (metric) => notes.info(forcedMonotonicity(metric), at),
  };
}

export async function evalCall(e: Call, ctx: EvalContext, evalFn: EvalFn): Promise<Value> {
  // info's second argument selects labels, it is not evaluated
  if (e.func === 'info') return evalInfo(e, ctx, evalFn);
  const n = ctx.steps.length;
  const args: Value[] = [];
  for (const a of e.args) args.push(await evalFn(a, ctx));
  const vec = (k: number): StepSeries[] => {
    const v = args[k];
    if (v?.type !== 'vector') throw new PromQLExecError(`expected instant vector as argument ${k + 1} of ${e.func}`);
    return v.series;
  };
  const sc = (k: number): Float64Array => {
    const v = args[k];
    if (v?.type !== 'scalar') throw new PromQLExecError(`expected scalar as argument ${k + 1} of ${e.func}`);
    return v.v;
  };
  const str = (k: number): string => {
    const v = args[k];
    if (v?.type !== 'string') throw new PromQLExecError(`expected string as argument ${k + 1} of ${e.func}`);
    return v.s;
  };
  const name = e.func;
  if (RANGE_FUNCTIONS.has(name)) {
    const mIdx = name === 'quantile_over_time' ? 1 : 0;
    const m = args[mIdx] as RangeValue;
    if (m?.type !== 'matrix') throw new PromQLExecError(`expected range vector as argument of ${name}`);
    if (name === 'absent_over_time') return absentOverTime(m, absentLabels(unwrap(e.args[0]!)), n);
    const scalars = args.filter((_, k) => k !== mIdx).map((_, k) => sc(k >= mIdx ? k + 1 : k));
    if (ctx.notes) annotateRange(e, m, scalars, ctx.notes);
    return evalRangeFunction(name, m, scalars, ctx.steps);
  }
  if (MATH_FUNCTIONS.has(name)) return evalMathFunction(name, vec(0), args.slice(1).map((_, k) => sc(k + 1)), n);
  if (CALENDAR_FUNCTIONS.has(name)) return evalCalendarFunction(name, args.length ? vec(0) : undefined, ctx.steps);
  switch (name) {
    case 'time': return { type: 'scalar', v: ctx.steps.map((t) => t / 1000) };
    case 'pi': return { type: 'scalar', v: new Float64Array(n).fill(Math.PI) };
    // the top-level query's bounds and step, in seconds (Prometheus 3's start(), end(), step(), range())
    case 'start': return { type: 'scalar', v: new Float64Array(n).fill(ctx.queryStart / 1000) };
    case 'end': return { type: 'scalar', v: new Float64Array(n).fill(ctx.queryEnd / 1000) };
    case 'step': return { type: 'scalar', v: new Float64Array(n).fill(ctx.queryStep / 1000) };
    case 'range': return { type: 'scalar', v: new Float64Array(n).fill((ctx.queryEnd - ctx.queryStart) / 1000) };
    case 'min_of': case 'max_of': {
      const a = sc(0);
      const b = sc(1);
      // Go's math.Min/Max: NaN wins
      return { type: 'scalar', v: a.map((x, i) => (name === 'min_of' ? Math.min(x, b[i]!) : Math.max(x, b[i]!))) };
    }
    case 'vector': return vectorOf(sc(0));
    case 'scalar': return scalarOf(vec(0), n);
    case 'sort': return sortVector(vec(0), false);
    case 'sort_desc': return sortVector(vec(0), true);
    case 'sort_by_label': return sortByLabel(vec(0), args.slice(1).map((_, k) => str(k + 1)), false);
    case 'sort_by_label_desc': return sortByLabel(vec(0), args.slice(1).map((_, k) => str(k + 1)), true);
    case 'absent': return absent(vec(0), absentLabels(unwrap(e.args[0]!)), n);
    case 'timestamp': return timestampOf(vec(0), ctx.steps);
    case 'histogram_quantile': {
      const q = sc(0);
      if (ctx.notes) for (const x of q) if (!(x >= 0 && x <= 1)) ctx.notes.warn(invalidQuantile(x), e.args[0]);
      return histogramQuantile(q, vec(1), n, ctx.notes && bucketNotes(ctx.notes, e.args[1]!));
    }
    case 'histogram_fraction': return histogramFraction(sc(0), sc(1), vec(2), n, ctx.notes && bucketNotes(ctx.notes, e.args[2]!));
    case 'label_replace': return labelReplace(vec(0), str(1), str(2), str(3), str(4));
    case 'label_join': return labelJoin(vec(0), str(1), str(2), args.slice(3).map((_, k) => str(k + 3)));
  }
  throw new PromQLExecError(`function "${name}" is not implemented`);
}
