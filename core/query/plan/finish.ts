// The end of a SELECT over its scope (rows, groups or range slots): windows, projection, DISTINCT [ON], ORDER BY, LIMIT.
import { PlanError, StatusCode } from '../../errors.ts';
import type { Expr, FunctionCall, OrderByItem, Select } from '../../sql/index.ts';
import { formatExpr } from '../../sql/index.ts';
import type { Env, Scope } from '../expr/eval.ts';
import { evalExpr, valueKey } from '../expr/eval.ts';
import { exprName, relNamer } from '../expr/names.ts';
import type { Field, Rel } from './rel.ts';
import { emptyRel, findField, takeRel } from './rel.ts';
import { sortIndices, type SortKey } from './sort.ts';
import type { Vec } from '../vector.ts';
import { INT_TYPES, exactValue, getValue } from '../vector.ts';
import { arrowTypeName } from '../expr/index.ts';
import { findWindows } from './walk.ts';
import { computeWindow } from './window.ts';
import { expandUnnest, hasUnnest, spreadStructs, structUnnests } from './unnest.ts';
import { clock, traceOp } from './state.ts';
import type { ProjItem } from './group.ts';
import { substituteAliases } from './group.ts';

export function applyLimit(rel: Rel, limit: number | undefined, offset: number): Rel {
  if (limit === undefined && !offset) return rel;
  const end = limit === undefined ? rel.len : Math.min(rel.len, offset + limit);
  const idx = new Int32Array(Math.max(0, end - offset));
  for (let i = 0; i < idx.length; i++) idx[i] = offset + i;
  return takeRel(rel, idx);
}

export function rowKey(cols: Vec[], k: number): string {
  let s = '';
  for (const c of cols) s += valueKey(exactValue(c, k)) + '\u0001';
  return s;
}

export function distinctRel(rel: Rel): Rel {
  const seen = new Set<string>();
  const keep: number[] = [];
  for (let k = 0; k < rel.len; k++) {
    const key = rowKey(rel.cols, k);
    if (seen.has(key)) continue;
    seen.add(key);
    keep.push(k);
  }
  return keep.length === rel.len ? rel : takeRel(rel, keep);
}


/** Windows, projection, DISTINCT [ON], ORDER BY and LIMIT over a scope (plain rows, groups or range slots). */
export function finishSelect(sel: Select, items: ProjItem[], scope0: Scope, orderBy: OrderByItem[], limit: number | undefined, offset: number, aliasMap: Map<string, Expr>): Rel {
  let scope = scope0;
  const env = scope0.env;
  const winCalls = [...items.flatMap((p) => findWindows(p.expr)), ...orderBy.flatMap((o) => findWindows(o.expr))];
  if (winCalls.length) {
    const t0 = clock(env);
    scope = computeWindows(scope, winCalls);
    traceOp(env, 'WindowAggr', () => winCalls.map(formatExpr).join(', '), scope.rel.len, t0);
  }
  const unnests = hasUnnest(items.map((p) => p.expr));
  const structs = unnests ? structUnnests(items, scope) : undefined;
  const listed = structs?.size ? items.filter((_, i) => !structs.has(i)) : items;
  if (unnests && hasUnnest(listed.map((p) => p.expr))) scope = expandUnnest(scope, listed.map((p) => p.expr));
  const t1 = clock(env);
  let cols = items.map((p, i) => (structs?.has(i) ? evalExpr((p.expr as FunctionCall).args[0]!, scope) : evalExpr(p.expr, scope)));
  if (structs?.size) ({ items, cols } = spreadStructs(items, cols, structs, scope, scope.rel.len));
  traceOp(env, 'Projection', () => items.map((p) => p.name).join(', '), scope.rel.len, t1);
  const fields: Field[] = items.map((p, i) => {
    const f: Field = { name: p.name, dt: cols[i]!.dt };
    if (p.expr.type === 'column' && !p.item?.alias) {
      const k = findField(scope.rel, p.expr.path);
      if (k >= 0 && scope.rel.fields[k]!.qualifier) f.qualifier = scope.rel.fields[k]!.qualifier!;
    }
    return f;
  });
  let out: Rel = { fields, cols, len: scope.rel.len };
  let pre: Scope | null = scope;
  if (sel.distinctOn?.length) {
    const n = Math.min(sel.distinctOn.length, orderBy.length);
    for (let k = 0; k < n; k++) {
      if (formatExpr(sel.distinctOn[k]!) !== formatExpr(orderBy[k]!.expr)) throw new PlanError('SELECT DISTINCT ON expressions must match initial ORDER BY expressions', orderBy[k]!.pos);
    }
    const on = sel.distinctOn.map((e) => evalExpr(e, scope));
    const keysRel: Rel = { fields: on.map((v, i) => ({ name: `k${i}`, dt: v.dt })), cols: on, len: out.len };
    let idx: ArrayLike<number> = Array.from({ length: out.len }, (_, i) => i);
    if (orderBy.length) idx = sortIndices(orderBy.map((o) => sortKey(o, orderVec(o, out, items, pre, aliasMap), o.pos)), out.len);
    const seen = new Set<string>();
    const keep: number[] = [];
    for (const i of Array.from(idx)) { const k = rowKey(keysRel.cols, i); if (!seen.has(k)) { seen.add(k); keep.push(i); } }
    return applyLimit(takeRel(out, keep), limit, offset);
  }
  if (sel.distinct) {
    out = distinctRel(out);
    pre = null;
  }
  if (orderBy.length) {
    const t0 = clock(env);
    const keys = orderBy.map((o) => sortKey(o, orderVec(o, out, items, pre, aliasMap), o.pos));
    out = takeRel(out, sortIndices(keys, out.len));
    traceOp(env, 'Sort', () => orderBy.map((o) => formatExpr(o.expr) + (o.asc === false ? ' DESC' : '')).join(', '), out.len, t0);
  }
  const limited = applyLimit(out, limit, offset);
  if (limit !== undefined || offset) traceOp(env, 'Limit', () => `skip=${offset} fetch=${limit ?? 'all'}`, limited.len, clock(env));
  return limited;
}

export function sortKey(o: OrderByItem, vec: Vec, _pos: unknown): SortKey {
  const asc = o.asc !== false;
  return { vec, asc, nullsFirst: o.nullsFirst ?? !asc };
}

/** The vector an ORDER BY item sorts by: a position, an output name, a projected expression, or an input expression. */
export function orderVec(o: OrderByItem, out: Rel, items: ProjItem[], pre: Scope | null, aliases: Map<string, Expr> | null): Vec {
  const e = o.expr;
  if (e.type === 'number' && /^\d+$/.test(e.value)) {
    const k = Number(e.value) - 1;
    if (k < 0 || k >= out.fields.length) throw new PlanError(`Order by column out of bounds, specified: ${e.value}, max: ${out.fields.length}`, e.pos);
    return out.cols[k]!;
  }
  if (e.type === 'column' && e.path.length === 1) {
    const k = out.fields.findIndex((f) => f.name === e.path[0]!.value);
    if (k >= 0 && (items.length === 0 || !pre || items[k]?.item?.alias || items[k]?.expr.type === 'column')) return out.cols[k]!;
  }
  if (pre) {
    const key = exprName(e, pre.namer);
    const k = items.findIndex((p) => exprName(p.expr, pre.namer) === key);
    if (k >= 0) return out.cols[k]!;
    const ex = aliases ? substituteAliases(e, aliases, pre) : e;
    return evalExpr(ex, pre);
  }
  const scope: Scope = { rel: out, env: undefined as never, namer: relNamer(out) };
  const key = exprName(e, scope.namer);
  const k = out.fields.findIndex((f) => f.name === key || (e.type === 'column' && f.name === e.path[e.path.length - 1]!.value));
  if (k >= 0) return out.cols[k]!;
  if (items.length) {
    const j = items.findIndex((p) => exprName(p.expr, scope.namer) === key || exprName(p.expr, relNamer(undefined)) === exprName(e, relNamer(undefined)));
    if (j >= 0) return out.cols[j]!;
    throw new PlanError('For SELECT DISTINCT, ORDER BY expressions must appear in select list', o.pos);
  }
  return evalExpr(e, scope);
}


function computeWindows(scope: Scope, calls: FunctionCall[]): Scope {
  const fields = [...scope.rel.fields];
  const cols = [...scope.rel.cols];
  const exprMap = new Map(scope.exprMap ?? []);
  for (const c of calls) {
    const key = exprName(c, scope.namer);
    if (exprMap.has(key)) continue;
    const v = computeWindow(c, scope);
    exprMap.set(key, cols.length);
    fields.push({ name: key, dt: v.dt });
    cols.push(v);
  }
  return { ...scope, rel: { fields, cols, len: scope.rel.len }, exprMap };
}

/** A LIMIT / OFFSET value: a constant non-negative integer, or null for NULL (no limit, offset 0). */
export function constInt(e: Expr, env: Env, what: string): number | null {
  const v = evalExpr(e, { rel: emptyRel(1), env, namer: relNamer(undefined) });
  // typed first, as DataFusion's coercion does: a timestamp or text is refused even when its value would do
  if (v.dt !== 'Null' && !INT_TYPES.has(v.dt)) {
    throw new PlanError(`Expected ${what} to be an integer or null, but got ${arrowTypeName(v.dt)}`, e.pos, StatusCode.PlanQuery);
  }
  const x = getValue(v, 0);
  if (x === null) return null;
  if (typeof x !== 'number' || !Number.isInteger(x) || x < 0) throw new PlanError(`${what} must be a non-negative integer`, e.pos, StatusCode.InvalidArguments);
  return x;
}
