// Correlated subqueries (EXISTS, IN, scalar) decorrelated as DataFusion does: the subquery runs once, over the pairs
// (outer row, inner row) its correlated equalities join (a hash join), grouped by the outer row where it aggregates,
// instead of once per outer row. The answer is one column over the outer rows (a mark join), so the subquery may
// sit anywhere in WHERE or the select list (under OR, NOT, CASE).
import { PlanError, StatusCode } from '../../errors.ts';
import type { Expr, Ident, OrderByItem, Query, Select, SourcePos } from '../../sql/index.ts';
import type { Scope } from '../expr/eval.ts';
import { ExecError, alignForCompare, evalExpr, valueKey } from '../expr/eval.ts';
import { relNamer } from '../expr/names.ts';
import type { Vec } from '../vector.ts';
import { boolVec, exactValue, fromValues, isNull, numVec, setNull, take } from '../vector.ts';
import type { Field, Rel } from './rel.ts';
import { emptyRel, findField, takeRel } from './rel.ts';
import { fromClause } from './from.ts';
import type { QState } from './state.ts';
import { children, conjuncts, findAggregates, findSubqueries, findWindows, type SubqueryNode } from './walk.ts';
import { emptyScans } from './dry.ts';

/** The SELECT pipeline after FROM, and a WHERE filter: given by select.ts, so this module does not import it back. */
export interface Pipeline {
  runOn(sel: Select, rel: Rel, orderBy: OrderByItem[], limit: number | undefined, offset: number, st: QState): Promise<Rel>;
  filter(where: Expr | undefined, rel: Rel, st: QState): Promise<Rel>;
  limits(q: Query, st: QState): Promise<{ limit: number | undefined; offset: number }>;
}

const ROW = '__row';
const OUTER = (j: number): string => `__outer_${j}`;

const unsupported = (what: string, pos: SourcePos): PlanError =>
  new PlanError(`Unsupported correlated subquery: ${what}`, pos, StatusCode.Unsupported);

/** Column references of an expression, not looking inside nested subqueries. */
function columnRefs(e: Expr | undefined, out: Extract<Expr, { type: 'column' }>[] = []): Extract<Expr, { type: 'column' }>[] {
  const stack: Expr[] = e ? [e] : [];
  while (stack.length) {
    const x = stack.pop()!;
    if (x.type === 'column') out.push(x);
    else stack.push(...children(x));
  }
  return out;
}

/** A copy of e with column references replaced by f's answer; nested subqueries' own queries are kept as they are. */
function mapColumns(e: Expr, f: (c: Extract<Expr, { type: 'column' }>) => Expr): Expr {
  const go = (x: unknown): unknown => {
    if (x === null || typeof x !== 'object') return x;
    if (Array.isArray(x)) return x.map(go);
    const o = x as Record<string, unknown>;
    if (o.type === 'column' && Array.isArray(o.path)) return f(o as unknown as Extract<Expr, { type: 'column' }>);
    const out: Record<string, unknown> = {};
    for (const k in o) out[k] = k === 'pos' || k === 'query' ? o[k] : go(o[k]);
    return out;
  };
  return go(e) as Expr;
}

const and = (xs: Expr[]): Expr | undefined =>
  xs.length ? xs.reduce((l, r): Expr => ({ type: 'binary', op: 'AND', left: l, right: r, pos: l.pos })) : undefined;

const col = (name: string, pos: SourcePos): Expr => ({ type: 'column', path: [{ value: name, quote: '"', pos } as Ident], pos });

/** Every column reference anywhere inside a query (nested subqueries and derived tables too): a syntactic walk. */
function deepColumnRefs(q: Query): Extract<Expr, { type: 'column' }>[] {
  const out: Extract<Expr, { type: 'column' }>[] = [];
  const stack: unknown[] = [q];
  while (stack.length) {
    const x = stack.pop();
    if (x === null || typeof x !== 'object') continue;
    if (Array.isArray(x)) { stack.push(...x); continue; }
    const o = x as Record<string, unknown>;
    if (o.type === 'column' && Array.isArray(o.path)) { out.push(o as unknown as Extract<Expr, { type: 'column' }>); continue; }
    for (const k in o) if (k !== 'pos' && k !== 'span') stack.push(o[k]);
  }
  return out;
}

/** Whether a subquery may name columns of `outer` at all, at any depth (a cheap look before reading FROM clauses). */
function mayCorrelate(node: SubqueryNode, outer: Rel): boolean {
  if (!outer.fields.length || node.query.body.type !== 'select') return false;
  return deepColumnRefs(node.query).some((c) => safeFind(outer, c.path) >= 0);
}

/** The expressions of a SELECT whose columns resolve in its FROM (the select list, WHERE, GROUP BY, HAVING, ORDER BY). */
function selectExprs(q: Query, sel: Select): (Expr | undefined)[] {
  return [sel.where, sel.having, ...sel.projection.map((p) => p.expr), ...sel.groupBy, ...(sel.distinctOn ?? []), ...q.orderBy.map((o) => o.expr)];
}

/**
 * The columns of `outer` that a subquery nested inside the correlated one names, at any depth (two or more levels
 * up): a reference counts when none of the FROM clauses between it and `outer` (`shapes`, innermost first) has it.
 */
async function nestedOuterRefs(q: Query, shapes: Rel[], outer: Rel, dry: QState, out: Set<number>): Promise<void> {
  if (q.body.type !== 'select') return;
  const sel = q.body;
  const local = [sel.from.length ? await fromClause(sel.from, undefined, dry, sel) : emptyRel(0), ...shapes];
  for (const e of selectExprs(q, sel)) {
    for (const c of columnRefs(e)) {
      if (local.some((r) => safeFind(r, c.path) >= 0)) continue;
      const j = findField(outer, c.path, c.pos);
      if (j >= 0) out.add(j);
    }
    for (const s of findSubqueries(e)) await nestedOuterRefs(s.query, local, outer, dry, out);
  }
}

/** The dry state with the subquery's own WITH names bound to their columns (no rows), so its FROM resolves. */
async function withCteShapes(q: Query, dry: QState): Promise<QState> {
  if (!q.with) return dry;
  const ctes = new Map(dry.ctes);
  const out: QState = { ...dry, ctes };
  for (const c of q.with.ctes) {
    if (c.query.type === 'tql') continue;
    const r = await dry.run(c.query, out);
    ctes.set(c.name.value, { ...r, fields: r.fields.map((f, i) => ({ ...f, name: c.columns?.[i]?.value ?? f.name, qualifier: c.name.value })) });
  }
  return out;
}

function safeFind(rel: Rel, path: Ident[]): number {
  try { return findField(rel, path); } catch { return 0; }
}

/**
 * The subquery's answer for each row of `outer` (EXISTS: Boolean; IN: three-valued Boolean, not negated; scalar: its
 * value), or null when it names no column of `outer` (an uncorrelated subquery, run once elsewhere).
 */
export async function correlatedColumn(node: SubqueryNode, outer: Rel, st: QState, pipe: Pipeline, ungrouped?: Rel): Promise<Vec | null> {
  if (!mayCorrelate(node, outer) && !(ungrouped && mayCorrelate(node, ungrouped))) return null;
  const q = node.query;
  const sel = q.body as Select;
  // the subquery's own columns shadow the outer ones: read its FROM's columns, no rows
  const dry = await withCteShapes(q, { ...st, env: { ...st.env, qctx: emptyScans(st.env.qctx), subqueries: new Map(), trace: undefined, stages: undefined } });
  const innerShape = sel.from.length ? await fromClause(sel.from, undefined, dry, sel) : emptyRel(1);
  const outerCols = new Map<number, string>();
  const isOuter = (c: Extract<Expr, { type: 'column' }>): number => {
    if (findField(innerShape, c.path) >= 0) return -1;
    const j = findField(outer, c.path, c.pos);
    // over an aggregate query's groups, only its group keys (and aggregates) exist, as PostgreSQL says
    if (j < 0 && ungrouped && findField(ungrouped, c.path) >= 0) {
      throw new PlanError(`Subquery uses ungrouped column ${c.path.map((p) => p.value).join('.')} from outer query`, c.pos, StatusCode.PlanQuery);
    }
    return j;
  };
  let touched = false;
  const rewrite = (e: Expr): Expr => mapColumns(e, (c) => {
    const j = isOuter(c);
    if (j < 0) return c;
    touched = true;
    outerCols.set(j, OUTER(j));
    return col(OUTER(j), c.pos);
  });
  // columns of `outer` that subqueries nested in this one name (correlated two or more levels up): carried into the
  // pairs under their own names, behind the subquery's columns
  const deep = new Set<number>();
  const nestedOuter = new Set<SubqueryNode>();
  for (const e of selectExprs(q, sel)) {
    for (const s of findSubqueries(e)) {
      const refs = new Set<number>();
      await nestedOuterRefs(s.query, [innerShape], outer, dry, refs);
      if (refs.size) { nestedOuter.add(s); for (const j of refs) deep.add(j); }
    }
  }
  const refersOuter = (e: Expr | undefined): boolean => columnRefs(e).some((c) => isOuter(c) >= 0) || findSubqueries(e).some((s) => nestedOuter.has(s));
  const where = conjuncts(sel.where).map((orig) => ({ orig, outer: refersOuter(orig) }));
  const projection = sel.projection.map((p) => ({ ...p, expr: rewrite(p.expr) }));
  const having = sel.having ? rewrite(sel.having) : undefined;
  const orderBy = q.orderBy.map((o) => ({ ...o, expr: rewrite(o.expr) }));
  for (const g of sel.groupBy) if (refersOuter(g)) throw unsupported(`GROUP BY names outer column ${formatRef(g)}`, node.pos);
  if (!touched && !deep.size && !where.some((w) => w.outer)) return null;
  if (q.with) throw unsupported('WITH inside a correlated subquery', node.pos);
  if (sel.align) throw unsupported('a range query (ALIGN)', node.pos);
  if (sel.projection.some((p) => findWindows(p.expr).length)) throw unsupported('window functions', node.pos);
  const aggregated = sel.groupBy.length > 0 || !!sel.having || sel.projection.some((p) => findAggregates(p.expr).length > 0);
  if (node.type === 'subquery' && (!aggregated || sel.groupBy.length)) {
    throw new PlanError('Correlated scalar subquery must be aggregated to return at most one row', node.pos, StatusCode.PlanQuery);
  }
  const { limit, offset } = await pipe.limits(q, st);

  // the inner rows the uncorrelated conjuncts accept (pushed into its scan where they can be)
  const innerWhere = and(where.filter((w) => !w.outer).map((w) => w.orig));
  let inner = sel.from.length ? await fromClause(sel.from, innerWhere, st, sel) : emptyRel(1);
  const applied = inner.applied;
  inner = await pipe.filter(innerWhere && applied?.size ? and(conjuncts(innerWhere).filter((c) => !applied.has(c))) : innerWhere, inner, st);

  // the correlated equalities (inner expression = outer expression) join; the other correlated conjuncts filter the pairs
  const keys: { inner: Expr; outer: Expr }[] = [];
  const rest: Expr[] = [];
  for (const w of where.filter((x) => x.outer)) {
    const c = w.orig;
    if (c.type === 'binary' && c.op === '=') {
      const l = sideOf(c.left, isOuter), r = sideOf(c.right, isOuter);
      if (l === 'inner' && r === 'outer') { keys.push({ inner: c.left, outer: c.right }); continue; }
      if (l === 'outer' && r === 'inner') { keys.push({ inner: c.right, outer: c.left }); continue; }
    }
    rest.push(rewrite(c));
  }
  const [oi, ii] = pairs(outer, inner, keys, st);
  const fields: Field[] = [...inner.fields];
  const cols: Vec[] = inner.cols.map((c) => take(c, ii));
  for (const [j, name] of outerCols) { fields.push({ name, dt: outer.fields[j]!.dt }); cols.push(take(outer.cols[j]!, oi)); }
  for (const j of deep) { fields.push({ ...outer.fields[j]!, outer: true }); cols.push(take(outer.cols[j]!, oi)); }
  const rowVec = numVec('Int64', oi.length);
  rowVec.v.set(oi);
  fields.push({ name: ROW, dt: 'Int64' });
  cols.push(rowVec);
  const paired: Rel = { fields, cols, len: oi.length };

  // the subquery over the pairs, per outer row: __row leads the select list and the grouping
  const pos = node.pos;
  const rowCol = col(ROW, pos);
  const perRow: Select = {
    ...sel, from: [], where: and(rest), having,
    projection: [{ expr: rowCol, pos }, ...projection],
    groupBy: aggregated ? [rowCol, ...sel.groupBy] : sel.groupBy,
  };
  const limited = limit !== undefined || offset > 0;
  const order = limited ? [{ expr: rowCol, asc: true, pos }, ...orderBy] : [];
  let r = await pipe.runOn(perRow, paired, order, undefined, 0, st);
  if (limited) r = limitPerRow(r, limit, offset);
  // an outer row no inner row pairs with: what the aggregate gives over no rows (count 0), else no row at all
  let empty: Rel | null = null;
  if (aggregated && !sel.groupBy.length) {
    const none: Select = { ...sel, from: [], where: undefined, having, projection, groupBy: [] };
    empty = await pipe.runOn(none, takeRel(paired, []), [], undefined, 0, st);
    if (limited) empty = takeRel(empty, empty.len && offset === 0 && limit !== 0 ? [0] : []);
  }
  const rows = r.cols[0]!.v as Float64Array;
  const n = outer.len;
  if (node.type === 'exists') {
    const out = boolVec(n);
    if (empty && empty.len) out.v.fill(1);
    for (let k = 0; k < r.len; k++) out.v[rows[k]!] = 1;
    return out;
  }
  if (r.fields.length !== 2) throw new PlanError(`Subquery must return exactly one column, got ${r.fields.length - 1}`, pos);
  const val = r.cols[1]!;
  if (node.type === 'subquery') return scalarColumn(val, rows, r.len, n, empty, pos);
  // x IN (subquery): true on a match; else NULL when x is NULL (and rows exist) or a row is NULL; else false
  const x = evalExpr(node.expr, { rel: outer, env: st.env, namer: relNamer(outer) } as Scope);
  const seen = new Uint8Array(n), hit = new Uint8Array(n), nul = new Uint8Array(n);
  for (let k = 0; k < r.len; k++) {
    const o = rows[k]!;
    seen[o] = 1;
    if (isNull(val, k)) { nul[o] = 1; continue; }
    if (!isNull(x, o) && valueKey(exactValue(val, k)) === valueKey(exactValue(x, o))) hit[o] = 1;
  }
  const out = boolVec(n);
  for (let o = 0; o < n; o++) {
    if (hit[o]) out.v[o] = 1;
    else if (seen[o] && (nul[o] || isNull(x, o))) setNull(out, o);
  }
  return out;
}

function formatRef(e: Expr): string {
  const c = columnRefs(e)[0];
  return c ? c.path.map((p) => p.value).join('.') : '';
}

/** Where an expression's columns come from: only the subquery's, only the outer query's, both, or none. */
function sideOf(e: Expr, isOuter: (c: Extract<Expr, { type: 'column' }>) => number): 'inner' | 'outer' | 'both' | 'none' {
  let i = false, o = false;
  for (const c of columnRefs(e)) { if (isOuter(c) >= 0) o = true; else i = true; }
  if (containsSubquery(e)) return 'both';
  return i && o ? 'both' : i ? 'inner' : o ? 'outer' : 'none';
}

function containsSubquery(e: Expr): boolean {
  const stack = [e];
  while (stack.length) {
    const x = stack.pop()!;
    if (x.type === 'subquery' || x.type === 'exists' || x.type === 'in_subquery') return true;
    stack.push(...children(x));
  }
  return false;
}

/** (outer row, inner row) pairs equal on every key (a hash join; NULL keys pair with nothing), or every pair. */
function pairs(outer: Rel, inner: Rel, keys: { inner: Expr; outer: Expr }[], st: QState): [Int32Array, Int32Array] {
  const oi: number[] = [], ii: number[] = [];
  if (!keys.length) {
    for (let o = 0; o < outer.len; o++) for (let i = 0; i < inner.len; i++) { oi.push(o); ii.push(i); }
    return [Int32Array.from(oi), Int32Array.from(ii)];
  }
  const iScope: Scope = { rel: inner, env: st.env, namer: relNamer(inner) };
  const oScope: Scope = { rel: outer, env: st.env, namer: relNamer(outer) };
  const iv = keys.map((k) => evalExpr(k.inner, iScope)), ov = keys.map((k) => evalExpr(k.outer, oScope));
  // each key pair meets as `=` compares it (timestamps of two units in the coarser, as a join's keys)
  for (let k = 0; k < iv.length; k++) [iv[k], ov[k]] = alignForCompare(iv[k]!, ov[k]!, keys[k]!.inner.pos);
  const key = (vs: Vec[], r: number): string | null => {
    if (vs.length === 1) return isNull(vs[0]!, r) ? null : valueKey(exactValue(vs[0]!, r));
    let s = '';
    for (const v of vs) { if (isNull(v, r)) return null; s += valueKey(exactValue(v, r)) + '\u0001'; }
    return s;
  };
  const table = new Map<string, number[]>();
  for (let i = 0; i < inner.len; i++) {
    const k = key(iv, i);
    if (k === null) continue;
    const list = table.get(k);
    if (list) list.push(i); else table.set(k, [i]);
  }
  for (let o = 0; o < outer.len; o++) {
    const k = key(ov, o);
    if (k === null) continue;
    for (const i of table.get(k) ?? []) { oi.push(o); ii.push(i); }
  }
  return [Int32Array.from(oi), Int32Array.from(ii)];
}

/** Rows sorted by __row: those ranked [offset, offset + limit) within each outer row. */
function limitPerRow(r: Rel, limit: number | undefined, offset: number): Rel {
  const rows = r.cols[0]!.v as Float64Array;
  const keep: number[] = [];
  let rank = 0;
  for (let k = 0; k < r.len; k++) {
    rank = k > 0 && rows[k] === rows[k - 1] ? rank + 1 : 0;
    if (rank >= offset && (limit === undefined || rank < offset + limit)) keep.push(k);
  }
  return takeRel(r, keep);
}

function scalarColumn(val: Vec, rows: Float64Array, len: number, n: number, empty: Rel | null, pos: SourcePos): Vec {
  const at = new Int32Array(n).fill(-1);
  for (let k = 0; k < len; k++) {
    const o = rows[k]!;
    if (at[o] !== -1) throw new ExecError('Scalar subquery returned more than one row', pos);
    at[o] = k;
  }
  const fallback = empty && empty.len ? exactValue(empty.cols[0]!, 0) : null;
  if (fallback === null) return take(val, at);
  const vals: unknown[] = new Array(n);
  for (let o = 0; o < n; o++) vals[o] = at[o]! < 0 ? fallback : exactValue(val, at[o]!);
  return fromValues(val.dt, vals);
}
