// The SELECT pipeline: FROM -> WHERE -> GROUP BY / aggregates -> HAVING -> windows -> projection -> DISTINCT -> ORDER BY -> LIMIT.
import { PlanError, StatusCode } from '../../errors.ts';
import type { Expr, OrderByItem, Query, QueryBody, Select, TqlSource } from '../../sql/index.ts';
import type { Scope } from '../expr/eval.ts';
import { formatExpr } from '../../sql/index.ts';
import { ExecError, coerceTo, commonType, evalExpr, toBool, valueKey } from '../expr/eval.ts';
import { relNamer } from '../expr/names.ts';
import type { Field, Rel } from './rel.ts';
import { emptyRel, takeRel } from './rel.ts';
import { sortIndices } from './sort.ts';
import type { Vec } from '../vector.ts';
import { fromValues, exactValue, maskIndices } from '../vector.ts';
import { conjuncts, findAggregates, findSubqueries, findWindows } from './walk.ts';
import { fromClause } from './from.ts';
import { runRangeSelect } from './range.ts';
import { tryPartialAggregate } from './partial.ts';
import type { QState } from './state.ts';
import { clock, traceOp } from './state.ts';
import { aggregate, aggregateCalls, aliasesOf, applyHaving, expandProjection, resolveGroupBy } from './group.ts';
import { correlatedColumn, type Pipeline } from './correlated.ts';
import { applyLimit, constInt, distinctRel, finishSelect, orderVec, rowKey, sortKey } from './finish.ts';
import { aggregateSets, groupingSets } from './grouping_sets.ts';

export type { QState } from './state.ts';
export type { ProjItem } from './group.ts';
export { distinctRel, finishSelect } from './finish.ts';
export { aggregate, aggregateCalls, aliasesOf, applyHaving, expandProjection, resolveGroupBy } from './group.ts';
export { traceOp } from './state.ts';

export async function runQuery(q: Query, st: QState): Promise<Rel> {
  let state = st;
  if (q.with) {
    if (q.with.recursive) throw new PlanError('This feature is not implemented: Recursive CTEs are not supported', q.pos, StatusCode.Unsupported);
    const ctes = new Map(st.ctes);
    state = { ...st, ctes };
    const named = new Set<string>();
    for (const c of q.with.ctes) {
      if (named.has(c.name.value)) throw new PlanError(`WITH query name "${c.name.value}" specified more than once`, c.pos);
      named.add(c.name.value);
      const r = c.query.type === 'tql' ? await tqlRel(c.query, state) : await runQuery(c.query, state);
      const fields = r.fields.map((f, i) => ({ ...f, name: c.columns?.[i]?.value ?? f.name, qualifier: c.name.value }));
      ctes.set(c.name.value, { ...r, fields });
    }
  }
  const { limit, offset } = await limitOffset(q, state);
  if (q.body.type === 'select') return runSelect(q.body, q.orderBy, limit, offset, state);
  let rel = await runBody(q.body, state);
  if (q.orderBy.length) {
    const scope: Scope = { rel, env: state.env, namer: relNamer(rel) };
    const keys = q.orderBy.map((o) => sortKey(o, orderVec(o, rel, [], scope, null), o.pos));
    rel = takeRel(rel, sortIndices(keys, rel.len));
  }
  return applyLimit(rel, limit, offset);
}

async function tqlRel(s: TqlSource, st: QState): Promise<Rel> {
  if (!st.tql) throw new PlanError('TQL is not available in this context', s.pos, StatusCode.Unsupported);
  return st.tql(s);
}

/** A query's LIMIT and OFFSET: constants or scalar subqueries (PostgreSQL allows any expression without the query's
 * own columns); LIMIT NULL is no limit and OFFSET NULL is 0, as in PostgreSQL and DataFusion (a driver binds NULL for "all"). */
export async function limitOffset(q: Query, st: QState): Promise<{ limit: number | undefined; offset: number }> {
  if (q.limit || q.offset) await prepareSubqueries([q.limit, q.offset], st);
  return {
    limit: q.limit ? constInt(q.limit, st.env, 'LIMIT') ?? undefined : undefined,
    offset: q.offset ? constInt(q.offset, st.env, 'OFFSET') ?? 0 : 0,
  };
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
        cols.push(fromValues(dt, parts.map((p) => exactValue(coerceTo(p, dt), 0))));
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
        for (let k = 0; k < l.len; k++) vals.push(exactValue(a, k));
        for (let k = 0; k < r.len; k++) vals.push(exactValue(c, k));
        return fromValues(f.dt, vals);
      });
      let rel: Rel = { fields, cols, len: l.len + r.len };
      if (b.op === 'UNION') return b.all ? rel : distinctRel(rel);
      // both sides keyed in the common types (a millisecond right side meets a second left side as seconds)
      const rc = r.cols.map((c, i) => coerceTo(c, fields[i]!.dt));
      const rk = new Map<string, number>();
      for (let k = 0; k < r.len; k++) { const key = rowKey(rc, k); rk.set(key, (rk.get(key) ?? 0) + 1); }
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

/**
 * Prepares the subqueries inside the expressions for evaluation. An uncorrelated one runs once and its result is
 * kept; a correlated one (naming columns of `rel`, the rows it is evaluated over) is decorrelated into one column
 * over those rows (correlated.ts), added to rel under a hidden name: the returned relation. Over an aggregate query's
 * groups, `grouped` names the subqueries already prepared over its rows and those rows (to name an ungrouped column).
 */
export async function prepareSubqueries(exprs: (Expr | undefined)[], st: QState, rel?: Rel, grouped?: { skip: Set<Expr>; rows: Rel }): Promise<Rel | undefined> {
  for (const e of exprs) {
    for (const s of findSubqueries(e)) {
      if (grouped?.skip.has(s)) continue;
      if (rel) {
        const col = await correlatedColumn(s, rel, st, PIPELINE, grouped?.rows);
        if (col) {
          const name = `__subquery_${st.env.subqueries.size}`;
          st.env.subqueries.set(s, { column: name });
          rel = { fields: [...rel.fields, { name, dt: col.dt }], cols: [...rel.cols, col], len: rel.len, applied: rel.applied };
          continue;
        }
      }
      if (st.env.subqueries.has(s)) continue;
      const r = await runQuery(s.query, st);
      if (s.type === 'exists') { st.env.subqueries.set(s, r.len > 0); continue; }
      if (r.fields.length !== 1) throw new PlanError(`Subquery must return exactly one column, got ${r.fields.length}`, s.pos);
      const c = r.cols[0]!;
      if (s.type === 'subquery') {
        if (r.len > 1) throw new ExecError('Scalar subquery returned more than one row', s.pos);
        st.env.subqueries.set(s, { dt: r.fields[0]!.dt, value: r.len ? exactValue(c, 0) : null });
      } else {
        const set = new Set<string>();
        let hasNull = false;
        for (let k = 0; k < r.len; k++) { const v = exactValue(c, k); if (v === null) hasNull = true; else set.add(valueKey(v)); }
        st.env.subqueries.set(s, { set, hasNull });
      }
    }
  }
  return rel;
}

/** The rows of rel WHERE accepts (its subqueries prepared, correlated ones over rel). */
export async function filterWhere(where: Expr | undefined, rel: Rel, st: QState): Promise<Rel> {
  if (!where) return rel;
  rel = (await prepareSubqueries([where], st, rel))!;
  const t0 = clock(st.env);
  const m = toBool(evalExpr(where, { rel, env: st.env, namer: relNamer(rel) }), where.pos);
  const mask = new Uint8Array(rel.len);
  for (let i = 0; i < rel.len; i++) mask[i] = m.v[i]! & (m.valid ? m.valid[i]! : 1);
  const keep = maskIndices(mask);
  // every row passing (a time filter the scan already applied) needs no copy
  if (keep.length !== rel.len) rel = takeRel(rel, keep);
  traceOp(st.env, 'Filter', () => formatExpr(where), rel.len, t0);
  return rel;
}

const PIPELINE: Pipeline = { runOn: runSelectOn, filter: filterWhere, limits: limitOffset };

/** The LIMIT a lone table scan may stop at: nothing between the scan and the limit drops, reorders or merges rows. */
export function scanLimit(sel: Select, orderBy: OrderByItem[], limit: number | undefined, offset: number): number | undefined {
  if (limit === undefined || sel.where || sel.groupBy.length || sel.having || sel.distinct || sel.distinctOn || sel.align || orderBy.length) return undefined;
  if (sel.from.length !== 1 || sel.from[0]!.type !== 'table') return undefined;
  if (sel.projection.some((p) => findAggregates(p.expr).length || findWindows(p.expr).length || findSubqueries(p.expr).length)) return undefined;
  return limit + offset;
}

/** WHERE without the conjuncts in `applied` (undefined when none is left). */
export function residualWhere(where: Expr | undefined, applied: Set<Expr> | undefined): Expr | undefined {
  if (!where || !applied?.size) return where;
  const rest = conjuncts(where).filter((c) => !applied.has(c));
  if (rest.length === 0) return undefined;
  return rest.reduce((l, r): Expr => ({ type: 'binary', op: 'AND', left: l, right: r, pos: l.pos }));
}

export async function runSelect(sel: Select, orderBy: OrderByItem[], limit: number | undefined, offset: number, st: QState): Promise<Rel> {
  // A partitioned table's groups may be aggregated in its regions, merged here.
  const pushed = await tryPartialAggregate(sel, orderBy, st);
  if (pushed) return finishSelect(sel, pushed.items, pushed.scope, orderBy, limit, offset, pushed.aliasMap);
  // The scan must read the columns ORDER BY names too, which live on the enclosing query, not the SELECT.
  const scanned = orderBy.length ? ({ ...sel, queryOrderBy: orderBy } as Select) : sel;
  const rel = sel.from.length ? await fromClause(sel.from, sel.where, st, scanned, scanLimit(sel, orderBy, limit, offset)) : emptyRel(1);
  return runSelectOn(sel, rel, orderBy, limit, offset, st);
}

/** The SELECT after its FROM: WHERE -> GROUP BY / aggregates -> HAVING -> windows -> projection -> ... over rel. */
export async function runSelectOn(sel: Select, rel: Rel, orderBy: OrderByItem[], limit: number | undefined, offset: number, st: QState): Promise<Rel> {
  // the conjuncts a lone table's scan enforced are not tested again (every row passes them)
  rel = await filterWhere(residualWhere(sel.where, rel.applied), rel, st);
  const items = expandProjection(sel, rel);
  if (sel.align) {
    await prepareSubqueries([sel.having, ...items.map((p) => p.expr), ...orderBy.map((o) => o.expr)], st);
    return runRangeSelect(sel, rel, items, orderBy, limit, offset, st);
  }
  const groupExprs = resolveGroupBy(sel, items, rel);
  const aggCalls = aggregateCalls(sel, items, orderBy);
  const grouped = aggCalls.length > 0 || groupExprs.length > 0 || !!sel.having;
  const after = [...items.map((p) => p.expr), ...orderBy.map((o) => o.expr), sel.having];
  // correlated subqueries are answered over the rows they are evaluated on: inside an aggregate's arguments (and the
  // GROUP BY keys) over the filtered rows; elsewhere in an aggregate query over its groups, naming the group keys
  const before = grouped ? [...aggCalls.flatMap((c) => [...c.args, c.filter]), ...groupExprs] : after;
  rel = (await prepareSubqueries(before, st, rel))!;
  const namer = relNamer(rel);
  let scope: Scope = { rel, env: st.env, namer };
  const aliasMap = aliasesOf(items);
  if (grouped) {
    const t0 = clock(st.env);
    const sets = groupingSets(groupExprs);
    scope = sets ? aggregateSets(rel, sets, aggCalls, st.env, namer) : aggregate(rel, groupExprs, aggCalls, st.env, namer);
    traceOp(st.env, 'Aggregate', () => `group_by=[${groupExprs.map(formatExpr).join(', ')}] aggr=[${aggCalls.map(formatExpr).join(', ')}]`, scope.rel.len, t0);
    const prepared = new Set(before.flatMap((e) => findSubqueries(e)));
    const grpRel = (await prepareSubqueries(after, st, scope.rel, { skip: prepared, rows: rel }))!;
    scope = applyHaving(sel, { ...scope, rel: grpRel }, aliasMap);
  }
  return finishSelect(sel, items, scope, orderBy, limit, offset, aliasMap);
}
