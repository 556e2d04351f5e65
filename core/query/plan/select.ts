// The SELECT pipeline: FROM -> WHERE -> GROUP BY / aggregates -> HAVING -> windows -> projection -> DISTINCT -> ORDER BY -> LIMIT.
import { PlanError, StatusCode } from '../../errors.ts';
import type { Expr, FunctionCall, OrderByItem, Query, QueryBody, Select, SelectItem } from '../../sql/index.ts';
import type { Env, Scope } from '../expr/eval.ts';
import { formatExpr } from '../../sql/index.ts';
import { ExecError, castTo, coerceTo, commonType, evalExpr, toBool, valueKey } from '../expr/eval.ts';
import { computeAggregate, groupRows, valueAt } from '../aggregate/aggregate.ts';
import { exprName, outputName, relNamer } from '../expr/names.ts';
import type { Field, Rel } from './rel.ts';
import { emptyRel, findField, takeRel } from './rel.ts';
import { sortIndices, type SortKey } from './sort.ts';
import type { Vec } from '../vector.ts';
import { fromValues, getValue, isNull, maskIndices, take } from '../vector.ts';
import { findAggregates, findSubqueries, findWindows, fnName } from './walk.ts';
import { fromClause } from './from.ts';
import { computeWindow } from './window.ts';
import { runRangeSelect } from './range.ts';
import { tryPartialAggregate } from './partial.ts';
import { expandUnnest, hasUnnest } from './unnest.ts';

/** Records one operator for EXPLAIN ANALYZE (no-op unless tracing). */
export function traceOp(env: Env, op: string, detail: string, rows: number, t0: number): void {
  if (env.trace) env.trace.push({ op, detail, rows, ms: performance.now() - t0 });
}

const clock = (env: Env): number => (env.trace ? performance.now() : 0);

export interface QState {
  env: Env;
  ctes: Map<string, Rel>;
}

export async function runQuery(q: Query, st: QState): Promise<Rel> {
  let state = st;
  if (q.with) {
    const ctes = new Map(st.ctes);
    state = { env: st.env, ctes };
    for (const c of q.with.ctes) {
      const r = await runQuery(c.query, state);
      const fields = r.fields.map((f, i) => ({ ...f, name: c.columns?.[i]?.value ?? f.name, qualifier: c.name.value }));
      ctes.set(c.name.value, { ...r, fields });
    }
  }
  const limit = q.limit ? await constInt(q.limit, state, 'LIMIT') : undefined;
  const offset = q.offset ? await constInt(q.offset, state, 'OFFSET') : 0;
  if (q.body.type === 'select') return runSelect(q.body, q.orderBy, limit, offset, state);
  let rel = await runBody(q.body, state);
  if (q.orderBy.length) {
    const scope: Scope = { rel, env: state.env, namer: relNamer(rel) };
    const keys = q.orderBy.map((o) => sortKey(o, orderVec(o, rel, [], scope, null), o.pos));
    rel = takeRel(rel, sortIndices(keys, rel.len));
  }
  return applyLimit(rel, limit, offset);
}

async function constInt(e: Expr, st: QState, what: string): Promise<number> {
  const v = evalExpr(e, { rel: emptyRel(1), env: st.env, namer: relNamer(undefined) });
  const x = getValue(v, 0);
  if (typeof x !== 'number' || !Number.isInteger(x) || x < 0) throw new PlanError(`${what} must be a non-negative integer`, e.pos, StatusCode.InvalidArguments);
  return x;
}

function applyLimit(rel: Rel, limit: number | undefined, offset: number): Rel {
  if (limit === undefined && !offset) return rel;
  const end = limit === undefined ? rel.len : Math.min(rel.len, offset + limit);
  const idx = new Int32Array(Math.max(0, end - offset));
  for (let i = 0; i < idx.length; i++) idx[i] = offset + i;
  return takeRel(rel, idx);
}

export async function runBody(b: QueryBody, st: QState): Promise<Rel> {
  switch (b.type) {
    case 'select': return runSelect(b, [], undefined, 0, st);
    case 'query': return runQuery(b, st);
    case 'values': {
      const scope: Scope = { rel: emptyRel(1), env: st.env, namer: relNamer(undefined) };
      const width = b.rows[0]?.length ?? 0;
      const cols: Vec[] = [];
      const fields: Field[] = [];
      for (let j = 0; j < width; j++) {
        const parts = b.rows.map((r) => evalExpr(r[j]!, scope));
        const dt = commonType(parts.map((p) => p.dt));
        cols.push(fromValues(dt, parts.map((p) => getValue(coerceTo(p, dt), 0))));
        fields.push({ name: `column${j + 1}`, dt });
      }
      return { fields, cols, len: b.rows.length };
    }
    case 'set_op': {
      const l = await runBody(b.left, st);
      const r = await runBody(b.right, st);
      if (l.fields.length !== r.fields.length) throw new PlanError(`${b.op} queries have different number of columns: ${l.fields.length} vs ${r.fields.length}`, b.pos);
      const fields: Field[] = l.fields.map((f, i) => ({ name: f.name, dt: commonType([f.dt, r.fields[i]!.dt]) }));
      const cols = fields.map((f, i) => {
        const a = coerceTo(l.cols[i]!, f.dt), c = coerceTo(r.cols[i]!, f.dt);
        const vals: unknown[] = [];
        for (let k = 0; k < l.len; k++) vals.push(getValue(a, k));
        for (let k = 0; k < r.len; k++) vals.push(getValue(c, k));
        return fromValues(f.dt, vals);
      });
      let rel: Rel = { fields, cols, len: l.len + r.len };
      if (b.op === 'UNION') return b.all ? rel : distinctRel(rel);
      const rk = new Map<string, number>();
      for (let k = 0; k < r.len; k++) { const key = rowKey(r.cols, k); rk.set(key, (rk.get(key) ?? 0) + 1); }
      rel = { fields, cols: l.cols.map((c, i) => coerceTo(c, fields[i]!.dt)), len: l.len };
      const keep: number[] = [];
      const seen = new Set<string>();
      for (let k = 0; k < l.len; k++) {
        const key = rowKey(rel.cols, k);
        const inRight = (rk.get(key) ?? 0) > 0;
        if (b.op === 'INTERSECT' ? !inRight : inRight) { if (b.op === 'INTERSECT' || !b.all) continue; rk.set(key, rk.get(key)! - 1); continue; }
        if (b.op === 'INTERSECT' && b.all) { rk.set(key, rk.get(key)! - 1); keep.push(k); continue; }
        if (!b.all) { if (seen.has(key)) continue; seen.add(key); }
        keep.push(k);
      }
      return takeRel(rel, keep);
    }
  }
}

function rowKey(cols: Vec[], k: number): string {
  let s = '';
  for (const c of cols) s += valueKey(getValue(c, k)) + '\u0001';
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

/** Runs uncorrelated subqueries inside the expressions and stores their results for evaluation. */
export async function prepareSubqueries(exprs: (Expr | undefined)[], st: QState): Promise<void> {
  for (const e of exprs) {
    for (const s of findSubqueries(e)) {
      if (st.env.subqueries.has(s)) continue;
      const r = await runQuery(s.query, st);
      if (s.type === 'exists') { st.env.subqueries.set(s, r.len > 0); continue; }
      if (r.fields.length !== 1) throw new PlanError(`Subquery must return exactly one column, got ${r.fields.length}`, s.pos);
      const c = r.cols[0]!;
      if (s.type === 'subquery') {
        if (r.len > 1) throw new ExecError('Scalar subquery returned more than one row', s.pos);
        st.env.subqueries.set(s, { dt: r.fields[0]!.dt, value: r.len ? getValue(c, 0) : null });
      } else {
        const set = new Set<string>();
        let hasNull = false;
        for (let k = 0; k < r.len; k++) { const v = getValue(c, k); if (v === null) hasNull = true; else set.add(valueKey(v)); }
        st.env.subqueries.set(s, { set, hasNull });
      }
    }
  }
}

export interface ProjItem { expr: Expr; name: string; item?: SelectItem }

/** Expands wildcards into one item per column. */
export function expandProjection(sel: Select, rel: Rel): ProjItem[] {
  const namer = relNamer(rel);
  const out: ProjItem[] = [];
  for (const it of sel.projection) {
    if (it.expr.type === 'wildcard') {
      const q = it.expr.qualifier?.map((p) => p.value);
      const qual = q?.[q.length - 1];
      let any = false;
      rel.fields.forEach((f, i) => {
        if (qual !== undefined && f.qualifier !== qual) return;
        if (f.name.startsWith('__')) return;
        any = true;
        const path = f.qualifier ? [{ value: f.qualifier, pos: it.pos }, { value: f.name, quote: '"' as const, pos: it.pos }] : [{ value: f.name, quote: '"' as const, pos: it.pos }];
        void i;
        out.push({ expr: { type: 'column', path, pos: it.pos }, name: f.name });
      });
      if (!any && qual !== undefined) throw new PlanError(`Invalid qualifier ${qual}`, it.pos);
      continue;
    }
    out.push({ expr: it.expr, name: it.alias ? it.alias.value : outputName(it.expr, namer), item: it });
  }
  return out;
}

/** The LIMIT a lone table scan may stop at: nothing between the scan and the limit drops, reorders or merges rows. */
export function scanLimit(sel: Select, orderBy: OrderByItem[], limit: number | undefined, offset: number): number | undefined {
  if (limit === undefined || sel.where || sel.groupBy.length || sel.having || sel.distinct || sel.distinctOn || sel.align || orderBy.length) return undefined;
  if (sel.from.length !== 1 || sel.from[0]!.type !== 'table') return undefined;
  if (sel.projection.some((p) => findAggregates(p.expr).length || findWindows(p.expr).length || findSubqueries(p.expr).length)) return undefined;
  return limit + offset;
}

export async function runSelect(sel: Select, orderBy: OrderByItem[], limit: number | undefined, offset: number, st: QState): Promise<Rel> {
  // A partitioned table's groups may be aggregated in its regions, merged here.
  const pushed = await tryPartialAggregate(sel, orderBy, st);
  if (pushed) return finishSelect(sel, pushed.items, pushed.scope, orderBy, limit, offset, pushed.aliasMap);
  // The scan must read the columns ORDER BY names too, which live on the enclosing query, not the SELECT.
  const scanned = orderBy.length ? ({ ...sel, queryOrderBy: orderBy } as Select) : sel;
  let rel = sel.from.length ? await fromClause(sel.from, sel.where, st, scanned, scanLimit(sel, orderBy, limit, offset)) : emptyRel(1);
  await prepareSubqueries([sel.where, sel.having, ...sel.projection.map((p) => p.expr), ...orderBy.map((o) => o.expr)], st);
  const namer = relNamer(rel);
  if (sel.where) {
    const t0 = clock(st.env);
    const m = toBool(evalExpr(sel.where, { rel, env: st.env, namer }), sel.where.pos);
    const mask = new Uint8Array(rel.len);
    for (let i = 0; i < rel.len; i++) mask[i] = m.v[i]! & (m.valid ? m.valid[i]! : 1);
    const keep = maskIndices(mask);
    // every row passing (a time filter the scan already applied) needs no copy
    if (keep.length !== rel.len) rel = takeRel(rel, keep);
    traceOp(st.env, 'Filter', formatExpr(sel.where), rel.len, t0);
  }
  const items = expandProjection(sel, rel);
  if (sel.align) return runRangeSelect(sel, rel, items, orderBy, limit, offset, st);
  const groupExprs = resolveGroupBy(sel, items, rel);
  const aggCalls = aggregateCalls(sel, items, orderBy);
  let scope: Scope = { rel, env: st.env, namer };
  const aliasMap = aliasesOf(items);
  if (aggCalls.length || groupExprs.length || sel.having) {
    const t0 = clock(st.env);
    scope = aggregate(rel, groupExprs, aggCalls, st.env, namer);
    traceOp(st.env, 'Aggregate', `group_by=[${groupExprs.map(formatExpr).join(', ')}] aggr=[${aggCalls.map(formatExpr).join(', ')}]`, scope.rel.len, t0);
    scope = applyHaving(sel, scope, aliasMap);
  }
  return finishSelect(sel, items, scope, orderBy, limit, offset, aliasMap);
}

/** GROUP BY expressions; an item may be named by position or alias. */
export function resolveGroupBy(sel: Select, items: ProjItem[], rel: Rel): Expr[] {
  return sel.groupBy.map((g) => {
    if (g.type === 'number' && /^\d+$/.test(g.value)) {
      const it = items[Number(g.value) - 1];
      if (!it) throw new PlanError(`GROUP BY position ${g.value} is not in select list`, g.pos);
      return it.expr;
    }
    if (g.type === 'column' && g.path.length === 1 && findField(rel, g.path) < 0) {
      const it = items.find((p) => p.item?.alias?.value === g.path[0]!.value);
      if (it) return it.expr;
    }
    return g;
  });
}

/** Aggregate calls of the select list, HAVING and ORDER BY. */
export function aggregateCalls(sel: Select, items: ProjItem[], orderBy: OrderByItem[]): FunctionCall[] {
  return [...items.flatMap((p) => findAggregates(p.expr)), ...findAggregates(sel.having), ...orderBy.flatMap((o) => findAggregates(o.expr))];
}

export function aliasesOf(items: ProjItem[]): Map<string, Expr> {
  const aliasMap = new Map<string, Expr>();
  for (const it of items) if (it.item?.alias) aliasMap.set(it.item.alias.value, it.expr);
  return aliasMap;
}

/** Keeps the groups HAVING accepts. */
export function applyHaving(sel: Select, scope: Scope, aliasMap: Map<string, Expr>): Scope {
  if (!sel.having) return scope;
  const h = toBool(evalExpr(substituteAliases(sel.having, aliasMap, scope), scope), sel.having.pos);
  const mask = new Uint8Array(scope.rel.len);
  for (let i = 0; i < scope.rel.len; i++) mask[i] = h.v[i]! & (h.valid ? h.valid[i]! : 1);
  return { ...scope, rel: takeRel(scope.rel, maskIndices(mask)) };
}

/** Windows, projection, DISTINCT [ON], ORDER BY and LIMIT over a scope (plain rows, groups or range slots). */
export function finishSelect(sel: Select, items: ProjItem[], scope0: Scope, orderBy: OrderByItem[], limit: number | undefined, offset: number, aliasMap: Map<string, Expr>): Rel {
  let scope = scope0;
  const env = scope0.env;
  const winCalls = [...items.flatMap((p) => findWindows(p.expr)), ...orderBy.flatMap((o) => findWindows(o.expr))];
  if (winCalls.length) {
    const t0 = clock(env);
    scope = computeWindows(scope, winCalls);
    traceOp(env, 'WindowAggr', winCalls.map(formatExpr).join(', '), scope.rel.len, t0);
  }
  if (hasUnnest(items.map((p) => p.expr))) scope = expandUnnest(scope, items.map((p) => p.expr));
  const t1 = clock(env);
  const cols = items.map((p) => evalExpr(p.expr, scope));
  traceOp(env, 'Projection', items.map((p) => p.name).join(', '), scope.rel.len, t1);
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
    traceOp(env, 'Sort', orderBy.map((o) => formatExpr(o.expr) + (o.asc === false ? ' DESC' : '')).join(', '), out.len, t0);
  }
  const limited = applyLimit(out, limit, offset);
  if (limit !== undefined || offset) traceOp(env, 'Limit', `skip=${offset} fetch=${limit ?? 'all'}`, limited.len, clock(env));
  return limited;
}

function substituteAliases(e: Expr, aliases: Map<string, Expr>, scope: Scope): Expr {
  if (e.type === 'column' && e.path.length === 1 && findField(scope.rel, e.path) < 0 && aliases.has(e.path[0]!.value)) return aliases.get(e.path[0]!.value)!;
  if (e.type === 'binary') return { ...e, left: substituteAliases(e.left, aliases, scope), right: substituteAliases(e.right, aliases, scope) };
  if (e.type === 'unary') return { ...e, expr: substituteAliases(e.expr, aliases, scope) };
  return e;
}

function sortKey(o: OrderByItem, vec: Vec, _pos: unknown): SortKey {
  const asc = o.asc !== false;
  return { vec, asc, nullsFirst: o.nullsFirst ?? !asc };
}

/** The vector an ORDER BY item sorts by: a position, an output name, a projected expression, or an input expression. */
function orderVec(o: OrderByItem, out: Rel, items: ProjItem[], pre: Scope | null, aliases: Map<string, Expr> | null): Vec {
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

/** Groups rel by the key expressions and computes the aggregate calls; returns a scope over one row per group. */
export function aggregate(rel: Rel, groupExprs: Expr[], calls: FunctionCall[], env: Env, namer: Scope['namer']): Scope {
  const scope: Scope = { rel, env, namer };
  const keyVecs = groupExprs.map((g) => evalExpr(g, scope));
  const groups = groupExprs.length === 0 ? groupRows([], rel.len) : groupRows(keyVecs, rel.len);
  const fields: Field[] = [];
  const cols: Vec[] = [];
  const exprMap = new Map<string, number>();
  groupExprs.forEach((g, i) => {
    const v = take(keyVecs[i]!, groups.first);
    if (g.type === 'column') {
      const k = findField(rel, g.path);
      const f = rel.fields[k]!;
      fields.push({ ...f });
    } else fields.push({ name: exprName(g, namer), dt: v.dt });
    exprMap.set(exprName(g, namer), cols.length);
    cols.push(v);
  });
  const seen = new Set<string>();
  for (const c of calls) {
    const key = exprName(c, namer);
    if (seen.has(key)) continue;
    seen.add(key);
    const name = fnName(c);
    const args = c.args.map((a) => (a.type === 'wildcard' ? fromValues('Int64', new Array(rel.len).fill(1)) : evalExpr(a, scope)));
    for (const a of c.args) if (findAggregates(a).length) throw new PlanError('Aggregate function calls cannot be nested', a.pos);
    let mask: Uint8Array | null = null;
    if (c.filter) {
      const f = toBool(evalExpr(c.filter, scope));
      mask = new Uint8Array(rel.len);
      for (let i = 0; i < rel.len; i++) mask[i] = f.v[i]! & (f.valid ? f.valid[i]! : 1);
    }
    if (c.distinct && args[0]) {
      const m2 = mask ?? new Uint8Array(rel.len).fill(1);
      const seenV = new Set<string>();
      for (let i = 0; i < rel.len; i++) {
        if (!m2[i]) continue;
        const k = groups.ids[i] + '\u0001' + valueKey(valueAt(args[0], i));
        if (seenV.has(k)) m2[i] = 0;
        else seenV.add(k);
      }
      mask = m2;
    }
    const orderItems = c.orderBy ?? c.withinGroup ?? [];
    const order = orderItems.map((item) => ({ vec: evalExpr(item.expr, scope), item }));
    const v = computeAggregate({ name: name === 'count' && c.distinct ? 'count' : name, call: c, args, mask, order }, groups);
    exprMap.set(key, cols.length);
    fields.push({ name: key, dt: v.dt });
    cols.push(v);
  }
  return { rel: { fields, cols, len: groups.count }, env, exprMap, namer };
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

export { castTo, isNull };
