// unnest(list) in a select list: each input row becomes as many rows as its longest unnested list
// (shorter lists pad with NULL); unnest(unnest(x)) flattens two levels.
import type { Expr, FunctionCall } from '../../sql/index.ts';
import type { Scope } from '../expr/eval.ts';
import { evalExpr } from '../expr/eval.ts';
import { exprName } from '../expr/names.ts';
import { PlanError, type Field } from './rel.ts';
import { StatusCode } from '../../errors.ts';
import type { DType, Vec } from '../vector.ts';
import { fromValues, getValue, take, typeOf } from '../vector.ts';
import { listElem } from '../nested_type.ts';
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

/** The element type an unnest chain yields (its list's elements, one level per unnest), null when unknown. */
function chainElemType(call: FunctionCall, cache: Map<Expr, Vec>): DType | null {
  let depth = 0;
  let e: Expr = call;
  while (isUnnest(e)) { depth++; e = e.args[0]!; }
  const v = cache.get(e);
  let t: DType | null = v ? typeOf(v) : null;
  for (let d = 0; d < depth && t !== null; d++) t = listElem(t);
  return t;
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
  const elemTypes = names.map((n) => chainElemType(byName.get(n)!, cache));
  const base = s.rel.cols.map((c) => take(c, rowOf));
  const fields: Field[] = [...s.rel.fields];
  const exprMap = new Map(s.exprMap ?? []);
  const extra = names.map((n, j) => {
    const vals = cols[j]!;
    // the lists' element type when they carry one; otherwise what the values are
    const known = elemTypes[j];
    const sample = vals.find((x) => x !== null);
    const dt = known !== null && known !== 'Null' ? known : typeof sample === 'number' ? (vals.every((x) => x === null || Number.isInteger(x)) ? 'Int64' : 'Float64') : typeof sample === 'boolean' ? 'Boolean' : 'String';
    exprMap.set(n, fields.length + j);
    return { field: { name: n, dt }, vec: fromValues(dt, vals) };
  });
  return { ...s, rel: { fields: [...fields, ...extra.map((x) => x.field)], cols: [...base, ...extra.map((x) => x.vec)], len: rowOf.length }, exprMap };
}

/**
 * unnest(struct) as a whole select item becomes one column per field (DataFusion's unnest of a struct: rows stay as
 * they are), named `__unnest_placeholder(<struct>).<field>`; other items are returned as they are.
 */
export function expandStructUnnests<T extends { expr: Expr; name: string }>(items: T[], s: Scope): T[] {
  // a struct unnested inside an expression has no columns to spread into (DataFusion refuses it)
  for (const p of items) {
    const inner: FunctionCall[] = [];
    for (const k of children(p.expr)) findUnnests(k, inner);
    for (const c of inner) {
      if (c.args.length === 1 && !isUnnest(c.args[0]!) && evalExpr(c.args[0]!, s).dt === 'Struct') {
        throw new PlanError('unnest on struct can only be applied at the root level of select expression', c.pos, StatusCode.PlanQuery);
      }
    }
  }
  if (!items.some((p) => isUnnest(p.expr) && !isUnnest(p.expr.args[0]!))) return items;
  const out: T[] = [];
  for (const p of items) {
    const arg = isUnnest(p.expr) && p.expr.args.length === 1 ? p.expr.args[0]! : null;
    const v = arg && !isUnnest(arg) ? evalExpr(arg, s) : null;
    if (!arg || !v || v.dt !== 'Struct') { out.push(p); continue; }
    let fields: string[] = [];
    for (let i = 0; i < v.v.length; i++) {
      const o = getValue(v, i);
      if (o !== null && typeof o === 'object') { fields = Object.keys(o); break; }
    }
    const base = `__unnest_placeholder(${exprName(arg, s.namer)})`;
    for (const f of fields) {
      const pos = p.expr.pos;
      const get: FunctionCall = { type: 'function', name: [{ value: 'get_field', pos }], args: [arg, { type: 'string', value: f, pos }], distinct: false, pos };
      out.push({ ...p, expr: get, name: `${base}.${f}` });
    }
  }
  return out;
}
