// AST walks the planner needs: find aggregate calls, window calls and subqueries inside expressions.
import type { Expr, FunctionCall, Query } from '../../sql/index.ts';
import { isAggregateName } from '../expr/functions.ts';

export function fnName(f: FunctionCall): string {
  return f.name.map((p) => p.value).join('.').toLowerCase();
}

/** Calls an expression tree's children, not descending into subqueries. */
export function children(e: Expr): Expr[] {
  switch (e.type) {
    case 'unary': return [e.expr];
    case 'binary': return [e.left, e.right];
    case 'is': return [e.expr];
    case 'is_distinct': return [e.left, e.right];
    case 'in_list': return [e.expr, ...e.list];
    case 'in_subquery': return [e.expr];
    case 'between': return [e.expr, e.low, e.high];
    case 'like': return [e.expr, e.pattern];
    case 'case': return [...(e.operand ? [e.operand] : []), ...e.whens.flatMap((w) => [w.when, w.then]), ...(e.else ? [e.else] : [])];
    case 'cast': return [e.expr];
    case 'function': return [...e.args, ...(e.filter ? [e.filter] : []), ...(e.orderBy ?? []).map((o) => o.expr), ...(e.withinGroup ?? []).map((o) => o.expr),
      ...(e.over ? [...e.over.partitionBy, ...e.over.orderBy.map((o) => o.expr)] : [])];
    case 'range': return [e.expr];
    case 'array': return e.elements;
    case 'index': return [e.expr, e.index];
    case 'tuple': return e.elements;
    case 'extract': return [e.expr];
    case 'interval': return [e.value];
    default: return [];
  }
}

/** Aggregate calls (not window calls), outermost first, not looking inside them. */
export function findAggregates(e: Expr | undefined, out: FunctionCall[] = []): FunctionCall[] {
  if (!e) return out;
  if (e.type === 'function' && !e.over && isAggregateName(fnName(e))) { out.push(e); return out; }
  if (e.type === 'function' && e.over) {
    for (const a of e.args) findAggregates(a, out);
    for (const p of e.over.partitionBy) findAggregates(p, out);
    for (const o of e.over.orderBy) findAggregates(o.expr, out);
    return out;
  }
  for (const c of children(e)) findAggregates(c, out);
  return out;
}

export function findWindows(e: Expr | undefined, out: FunctionCall[] = []): FunctionCall[] {
  if (!e) return out;
  if (e.type === 'function' && e.over) { out.push(e); return out; }
  for (const c of children(e)) findWindows(c, out);
  return out;
}

export type SubqueryNode = Extract<Expr, { type: 'subquery' | 'in_subquery' | 'exists' }>;

export function findSubqueries(e: Expr | undefined, out: SubqueryNode[] = []): SubqueryNode[] {
  if (!e) return out;
  if (e.type === 'subquery' || e.type === 'exists') { out.push(e); return out; }
  if (e.type === 'in_subquery') out.push(e);
  for (const c of children(e)) findSubqueries(c, out);
  return out;
}

export function findRanges(e: Expr | undefined, out: Extract<Expr, { type: 'range' }>[] = []): Extract<Expr, { type: 'range' }>[] {
  if (!e) return out;
  if (e.type === 'range') { out.push(e); return out; }
  for (const c of children(e)) findRanges(c, out);
  return out;
}

export function hasAggregate(e: Expr | undefined): boolean {
  return findAggregates(e).length > 0;
}

export type { Query };
