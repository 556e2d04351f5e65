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

/**
 * Pre-order walk without recursion: a flat chain of thousands of operands (`a OR b OR ...`) is as deep as
 * it is long. visit(e) records what it wants and answers the children to descend into, left to right.
 */
function walk(root: Expr | undefined, visit: (e: Expr) => Expr[]): void {
  if (!root) return;
  const stack: Expr[] = [root];
  while (stack.length) {
    const kids = visit(stack.pop()!);
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
  }
}

/** Aggregate calls (not window calls), outermost first, not looking inside them. */
export function findAggregates(e: Expr | undefined, out: FunctionCall[] = []): FunctionCall[] {
  walk(e, (x) => {
    if (x.type === 'function' && !x.over && isAggregateName(fnName(x))) { out.push(x); return []; }
    if (x.type === 'function' && x.over) return [...x.args, ...x.over.partitionBy, ...x.over.orderBy.map((o) => o.expr)];
    return children(x);
  });
  return out;
}

export function findWindows(e: Expr | undefined, out: FunctionCall[] = []): FunctionCall[] {
  walk(e, (x) => {
    if (x.type === 'function' && x.over) { out.push(x); return []; }
    return children(x);
  });
  return out;
}

export type SubqueryNode = Extract<Expr, { type: 'subquery' | 'in_subquery' | 'exists' }>;

export function findSubqueries(e: Expr | undefined, out: SubqueryNode[] = []): SubqueryNode[] {
  walk(e, (x) => {
    if (x.type === 'subquery' || x.type === 'exists') { out.push(x); return []; }
    if (x.type === 'in_subquery') out.push(x);
    return children(x);
  });
  return out;
}

export function findRanges(e: Expr | undefined, out: Extract<Expr, { type: 'range' }>[] = []): Extract<Expr, { type: 'range' }>[] {
  walk(e, (x) => {
    if (x.type === 'range') { out.push(x); return []; }
    return children(x);
  });
  return out;
}

export function hasAggregate(e: Expr | undefined): boolean {
  return findAggregates(e).length > 0;
}

export type { Query };

/** The AND-ed terms of e, left to right, without recursion (a WHERE or an ON may AND thousands of terms). */
export function conjuncts(e: Expr | undefined, out: Expr[] = []): Expr[] {
  const stack: Expr[] = e ? [e] : [];
  while (stack.length) {
    const x = stack.pop()!;
    if (x.type === 'binary' && x.op === 'AND') stack.push(x.right, x.left);
    else out.push(x);
  }
  return out;
}
