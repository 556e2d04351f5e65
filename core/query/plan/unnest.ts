// unnest(list) in a select list: each input row becomes as many rows as its longest unnested list
// (shorter lists pad with NULL); unnest(unnest(x)) flattens two levels. unnest(struct) at the root of a select item
// spreads the struct's fields into columns instead, one row each (DataFusion's rule).
import type { Expr, FunctionCall } from '../../sql/index.ts';
import type { Scope } from '../expr/eval.ts';
import { evalExpr } from '../expr/eval.ts';
import { exprName } from '../expr/names.ts';
import type { Field } from './rel.ts';
import { PlanError } from './rel.ts';
import type { ProjItem } from './group.ts';
import { StatusCode } from '../../errors.ts';
import type { Vec } from '../vector.ts';
import { fromValues, getValue, take } from '../vector.ts';
import { children, fnName } from './walk.ts';

const isUnnest = (e: Expr): e is FunctionCall => e.type === 'function' && fnName(e) === 'unnest';

/** Outermost unnest calls of an expression. */
function findUnnests(e: Expr, out: FunctionCall[]): void {
  // an explicit stack, pre-order: a flat chain of thousands of operands is that deep
  const stack: Expr[] = [e];
  while (stack.length) {
    const x = stack.pop()!;
    if (isUnnest(x)) { out.push(x); continue; }
    const kids = children(x);
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
  }
}

/** The list an unnest chain yields for row i: innermost argument flattened once per unnest level. */
function chainValues(call: FunctionCall, s: Scope, i: number, cache: Map<Expr, Vec>): unknown[] {
  let depth = 0;
  let e: Expr = call;
  while (isUnnest(e)) { depth++; e = e.args[0]!; }
  let v = cache.get(e);
  if (!v) { v = evalExpr(e, s); cache.set(e, v); }
  let items: unknown[] = [getValue(v, i)];
  for (let d = 0; d < depth; d++) items = items.flatMap((x) => (Array.isArray(x) ? x : x === null ? [] : [x]));
  return items;
}

export function hasUnnest(exprs: Expr[]): boolean {
  const out: FunctionCall[] = [];
  for (const e of exprs) findUnnests(e, out);
  return out.length > 0;
}

/** Expands the scope's rows for the unnest calls in `exprs`; the unnested values become columns found by name. */
export function expandUnnest(s: Scope, exprs: Expr[]): Scope {
  const calls: FunctionCall[] = [];
  for (const e of exprs) findUnnests(e, calls);
  const names = [...new Set(calls.map((c) => exprName(c, s.namer)))];
  const byName = new Map(calls.map((c) => [exprName(c, s.namer), c]));
  const cache = new Map<Expr, Vec>();
  const rowOf: number[] = [];
  const cols: unknown[][] = names.map(() => []);
  for (let i = 0; i < s.rel.len; i++) {
    const lists = names.map((n) => chainValues(byName.get(n)!, s, i, cache));
    const m = Math.max(0, ...lists.map((l) => l.length));
    for (let k = 0; k < m; k++) {
      rowOf.push(i);
      lists.forEach((l, j) => cols[j]!.push(k < l.length ? l[k] : null));
    }
  }
  const base = s.rel.cols.map((c) => take(c, rowOf));
  const fields: Field[] = [...s.rel.fields];
  const exprMap = new Map(s.exprMap ?? []);
  const extra = names.map((n, j) => {
    const vec = valuesVec(cols[j]!);
    exprMap.set(n, fields.length + j);
    return { field: { name: n, dt: vec.dt }, vec };
  });
  return { ...s, rel: { fields: [...fields, ...extra.map((x) => x.field)], cols: [...base, ...extra.map((x) => x.vec)], len: rowOf.length }, exprMap };
}

/** A column of unnested values, typed by them: integers, floats, booleans, or text. */
function valuesVec(vals: unknown[]): Vec {
  const sample = vals.find((x) => x !== null && x !== undefined);
  const dt = typeof sample === 'number' ? (vals.every((x) => x === null || x === undefined || Number.isInteger(x)) ? 'Int64' : 'Float64') : typeof sample === 'boolean' ? 'Boolean' : 'String';
  return fromValues(dt, vals.map((x) => x ?? null));
}

/** Select items that unnest a struct: `unnest(x)` at the item's root with x a struct in this scope. */
export function structUnnests(items: ProjItem[], s: Scope): Map<number, Vec> {
  const out = new Map<number, Vec>();
  items.forEach((p, i) => {
    if (!isUnnest(p.expr) || p.expr.args.length !== 1 || isUnnest(p.expr.args[0]!)) return;
    const v = evalExpr(p.expr.args[0]!, s);
    if (v.dt === 'Struct') out.set(i, v);
  });
  // a struct unnested inside an expression has no columns to spread into
  for (const p of items) {
    const inner: FunctionCall[] = [];
    for (const k of children(p.expr)) findUnnests(k, inner);
    for (const c of inner) {
      if (c.args.length === 1 && !isUnnest(c.args[0]!) && evalExpr(c.args[0]!, s).dt === 'Struct') {
        throw new PlanError('unnest on struct can only be applied at the root level of select expression', c.pos, StatusCode.PlanQuery);
      }
    }
  }
  return out;
}

/**
 * The struct of each `structUnnests` item spread into one column per field (in the fields' order, read from the
 * values), named `__unnest_placeholder(<argument>).<field>` as DataFusion names them; other items stay.
 */
export function spreadStructs(items: ProjItem[], cols: Vec[], structs: Map<number, Vec>, s: Scope, len: number): { items: ProjItem[]; cols: Vec[] } {
  const outItems: ProjItem[] = [], outCols: Vec[] = [];
  items.forEach((p, i) => {
    const st = structs.has(i) ? cols[i] : undefined;
    if (!st) { outItems.push(p); outCols.push(cols[i]!); return; }
    const arg = (p.expr as FunctionCall).args[0]!;
    const base = `__unnest_placeholder(${exprName(arg, s.namer)})`;
    const typed = fieldVecs(arg, s);
    if (typed) {
      for (const [k, v] of typed) { outItems.push({ expr: p.expr, name: `${base}.${k}` }); outCols.push(v); }
      return;
    }
    const keys: string[] = [];
    for (let r = 0; r < len; r++) {
      const o = getValue(st, r);
      if (o && typeof o === 'object') for (const k of Object.keys(o)) if (!keys.includes(k)) keys.push(k);
    }
    for (const k of keys) {
      const vals = new Array<unknown>(len);
      for (let r = 0; r < len; r++) { const o = getValue(st, r) as Record<string, unknown> | null; vals[r] = o ? o[k] ?? null : null; }
      outItems.push({ expr: p.expr, name: `${base}.${k}` });
      outCols.push(valuesVec(vals));
    }
  });
  return { items: outItems, cols: outCols };
}

/** The fields of a struct(...) / named_struct(...) call as their own typed columns (a DOUBLE stays a double). */
function fieldVecs(arg: Expr, s: Scope): [string, Vec][] | undefined {
  if (arg.type !== 'function') return undefined;
  const name = fnName(arg);
  if (name === 'struct') return arg.args.map((a, j) => [`c${j}`, evalExpr(a, s)]);
  if (name !== 'named_struct') return undefined;
  const out: [string, Vec][] = [];
  for (let j = 0; j + 1 < arg.args.length; j += 2) {
    const k = arg.args[j]!;
    if (k.type !== 'string') return undefined;
    out.push([k.value, evalExpr(arg.args[j + 1]!, s)]);
  }
  return out;
}
