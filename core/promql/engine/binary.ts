// Binary operators: arithmetic, comparisons (filter or `bool`), set operators, vector matching with on/ignoring and
// group_left/group_right, and Prometheus's rules for dropping `__name__`.
import { PromQLExecError } from '../../errors.ts';
import type { BinaryExpr, VectorMatching } from '../parser/ast.ts';
import { COMPARISON_OPS } from '../parser/ast.ts';
import type { Labels } from '../types.ts';
import type { EvalContext, StepSeries, Value } from './values.ts';
import { formatLabels, labelsKey, newSeries, sortLabels } from './values.ts';

/** Arithmetic on two floats (no object per sample: comparisons go through `compareOp`). */
export function arithOp(op: string, a: number, b: number): number {
  switch (op) {
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/': return a / b;
    case '%': return a % b;
    case '^': return goPow(a, b);
    case 'atan2': return Math.atan2(a, b);
  }
  throw new PromQLExecError(`operator "${op}" not allowed here`);
}

/** Whether a comparison holds; a filtering comparison keeps the left operand's value. */
export function compareOp(op: string, a: number, b: number): boolean {
  switch (op) {
    case '==': return a === b;
    case '!=': return a !== b;
    case '<': return a < b;
    case '>': return a > b;
    case '<=': return a <= b;
    case '>=': return a >= b;
  }
  throw new PromQLExecError(`operator "${op}" not allowed here`);
}

/** Go's math.Pow, which differs from Math.pow where the base is ±1 and the exponent NaN or infinite. */
function goPow(a: number, b: number): number {
  if (a === 1) return 1;
  if (a === -1 && (b === Infinity || b === -Infinity)) return 1;
  return Math.pow(a, b);
}

// Arithmetic drops the metric name, but atan2 and filtering comparisons keep it (Prometheus 2.42's shouldDropMetricName).
const dropsName = (op: string, bool: boolean): boolean => bool || (!COMPARISON_OPS.has(op) && op !== 'atan2');

export function evalBinary(e: BinaryExpr, lhs: Value, rhs: Value, ctx: EvalContext): Value {
  const n = ctx.steps.length;
  const cmp = COMPARISON_OPS.has(e.op);
  if (lhs.type === 'scalar' && rhs.type === 'scalar') {
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      v[i] = cmp ? (compareOp(e.op, lhs.v[i]!, rhs.v[i]!) ? 1 : 0) : arithOp(e.op, lhs.v[i]!, rhs.v[i]!);
    }
    return { type: 'scalar', v };
  }
  if (lhs.type === 'vector' && rhs.type === 'scalar') return vectorScalar(e, lhs.series, rhs.v, false, n);
  if (lhs.type === 'scalar' && rhs.type === 'vector') return vectorScalar(e, rhs.series, lhs.v, true, n);
  if (lhs.type === 'vector' && rhs.type === 'vector') {
    if (e.op === 'and' || e.op === 'or' || e.op === 'unless') return setOp(e, lhs.series, rhs.series, n);
    return vectorVector(e, lhs.series, rhs.series, n);
  }
  throw new PromQLExecError(`binary operator "${e.op}" between ${lhs.type} and ${rhs.type} is not allowed`);
}

function vectorScalar(e: BinaryExpr, vec: StepSeries[], sc: Float64Array, swap: boolean, n: number): Value {
  const cmp = COMPARISON_OPS.has(e.op);
  const drop = dropsName(e.op, e.bool);
  const out: StepSeries[] = [];
  for (const s of vec) {
    const r = newSeries(s.labels, n);
    if (drop || s.dropName) r.dropName = true;
    let any = false;
    for (let i = 0; i < n; i++) {
      if (!s.has[i]) continue;
      const x = s.v[i]!;
      const a = swap ? sc[i]! : x;
      const b = swap ? x : sc[i]!;
      // A comparison keeps the vector's value even when the scalar is on the left.
      let v: number;
      if (cmp) {
        const keep = compareOp(e.op, a, b);
        if (e.bool) v = keep ? 1 : 0;
        else if (!keep) continue;
        else v = x;
      } else v = arithOp(e.op, a, b);
      r.v[i] = v;
      r.has[i] = 1;
      any = true;
    }
    if (any) out.push(r);
  }
  return { type: 'vector', series: out };
}

/** The key series are matched on: `on(...)` keeps the listed labels, `ignoring(...)` (or none) drops them and the name. */
export function signatureFn(m: VectorMatching | undefined): (l: Labels) => string {
  const names = new Set(m?.labels ?? []);
  if (m?.on) return (l) => labelsKey(l.filter(([k]) => names.has(k)));
  return (l) => labelsKey(l.filter(([k]) => !names.has(k) && k !== '__name__'));
}

function setOp(e: BinaryExpr, lhs: StepSeries[], rhs: StepSeries[], n: number): Value {
  const sig = signatureFn(e.matching);
  const ls = lhs.map((s) => sig(s.labels));
  const rs = rhs.map((s) => sig(s.labels));
  const out: StepSeries[] = [];
  const present = (sigs: string[], series: StepSeries[], i: number): Set<string> => {
    const set = new Set<string>();
    series.forEach((s, k) => { if (s.has[i]) set.add(sigs[k]!); });
    return set;
  };
  const rightAt: Set<string>[] = [];
  const leftAt: Set<string>[] = [];
  for (let i = 0; i < n; i++) {
    rightAt.push(present(rs, rhs, i));
    if (e.op === 'or') leftAt.push(present(ls, lhs, i));
  }
  const filter = (series: StepSeries[], sigs: string[], keep: (sig: string, i: number) => boolean): void => {
    series.forEach((s, k) => {
      const r = newSeries(s.labels, n);
      if (s.dropName) r.dropName = true;
      let any = false;
      for (let i = 0; i < n; i++) {
        if (!s.has[i] || !keep(sigs[k]!, i)) continue;
        r.v[i] = s.v[i]!;
        r.has[i] = 1;
        any = true;
      }
      if (any) out.push(r);
    });
  };
  if (e.op === 'and') filter(lhs, ls, (g, i) => rightAt[i]!.has(g));
  else if (e.op === 'unless') filter(lhs, ls, (g, i) => !rightAt[i]!.has(g));
  else {
    filter(lhs, ls, () => true);
    filter(rhs, rs, (g, i) => !leftAt[i]!.has(g));
  }
  return { type: 'vector', series: out };
}

function vectorVector(e: BinaryExpr, lhsIn: StepSeries[], rhsIn: StepSeries[], n: number): Value {
  const m: VectorMatching = e.matching ?? { card: 'one-to-one', on: false, labels: [], include: [] };
  const cmp = COMPARISON_OPS.has(e.op);
  const swap = m.card === 'one-to-many';
  // The "many" side is always called lhs below; values go back into the operator in the query's order.
  const lhs = swap ? rhsIn : lhsIn;
  const rhs = swap ? lhsIn : rhsIn;
  // Signatures become small integers once, so each step works on typed arrays instead of string maps.
  const sig = signatureFn(m);
  const sigIds = new Map<string, number>();
  const idOf = (l: Labels): number => {
    const k = sig(l);
    let id = sigIds.get(k);
    if (id === undefined) { id = sigIds.size; sigIds.set(k, id); }
    return id;
  };
  const ls = Int32Array.from(lhs, (s) => idOf(s.labels));
  const rs = Int32Array.from(rhs, (s) => idOf(s.labels));
  const drop = dropsName(e.op, e.bool);
  const onSet = new Set(m.labels);
  const inc = new Set(m.include);
  const labelsFor = (li: number, ri: number): Labels => {
    let out = lhs[li]!.labels as (readonly [string, string])[];
    if (m.card === 'one-to-one') out = out.filter(([k]) => (m.on ? onSet.has(k) : !onSet.has(k)));
    if (inc.size) {
      out = out.filter(([k]) => !inc.has(k));
      for (const [k, v] of rhs[ri]!.labels) if (inc.has(k) && v !== '') out.push([k, v]);
      out = sortLabels([...out]) as (readonly [string, string])[];
    }
    return out;
  };
  const outByKey = new Map<string, StepSeries>();
  const outByPair = new Map<number, StepSeries>();
  const out: StepSeries[] = [];
  const seriesFor = (li: number, ri: number): StepSeries => {
    const pair = inc.size ? li * rhs.length + ri : li;
    let r = outByPair.get(pair);
    if (r) return r;
    const labels = labelsFor(li, ri);
    const key = labelsKey(labels);
    r = outByKey.get(key);
    if (!r) {
      r = newSeries(labels, n);
      if (drop || lhs[li]!.dropName) r.dropName = true;
      outByKey.set(key, r);
      out.push(r);
    }
    outByPair.set(pair, r);
    return r;
  };
  const rightIdx = new Int32Array(sigIds.size).fill(-1);
  const leftSeen = new Int32Array(sigIds.size).fill(-1);
  const touched: number[] = [];
  for (let i = 0; i < n; i++) {
    for (const g of touched) rightIdx[g] = -1;
    touched.length = 0;
    // Like Prometheus, a step where either side is empty matches nothing, so duplicates there are no error.
    let anyLeft = false;
    for (let k = 0; k < lhs.length && !anyLeft; k++) anyLeft = lhs[k]!.has[i] === 1;
    if (!anyLeft) continue;
    for (let k = 0; k < rhs.length; k++) {
      if (!rhs[k]!.has[i]) continue;
      const g = rs[k]!;
      const prev = rightIdx[g]!;
      if (prev >= 0) {
        const side = swap ? 'left' : 'right';
        const shown = rhs[k]!.labels.filter(([x]) => (m.on ? onSet.has(x) : !onSet.has(x) && x !== '__name__'));
        throw new PromQLExecError(`found duplicate series for the match group ${formatLabels(shown)} on the ${side} hand-side of the operation: [${formatLabels(rhs[prev]!.labels)}, ${formatLabels(rhs[k]!.labels)}];many-to-many matching not allowed: matching labels must be unique on one side`);
      }
      rightIdx[g] = k;
      touched.push(g);
    }
    if (touched.length === 0) continue;
    for (let k = 0; k < lhs.length; k++) {
      const s = lhs[k]!;
      if (!s.has[i]) continue;
      const g = ls[k]!;
      const ri = rightIdx[g]!;
      if (ri < 0) continue;
      const a = s.v[i]!;
      const b = rhs[ri]!.v[i]!;
      const x = swap ? b : a;
      const y = swap ? a : b;
      let v: number;
      if (cmp) {
        const keep = compareOp(e.op, x, y);
        if (e.bool) v = keep ? 1 : 0;
        else if (!keep) continue;
        else v = x;
      } else v = arithOp(e.op, x, y);
      // As in Prometheus, a second left-hand match only counts when it survives a filtering comparison.
      if (m.card === 'one-to-one') {
        if (leftSeen[g] === i) throw new PromQLExecError('multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)');
        leftSeen[g] = i;
      }
      const r = seriesFor(k, ri);
      if (r.has[i]) throw new PromQLExecError('multiple matches for labels: grouping labels must ensure unique matches');
      r.v[i] = v;
      r.has[i] = 1;
    }
  }
  return { type: 'vector', series: out };
}
