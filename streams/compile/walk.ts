// Walking flow expressions: the direct children the compiler understands, and aggregate detection.
import type { Expr } from '../../core/index.ts';
import { isAggregateName } from '../aggregates.ts';

export function isAggregateCall(e: Expr): e is Expr & { type: 'function' } {
  return e.type === 'function' && !e.over && isAggregateName(e.name[e.name.length - 1]!.value);
}

export function containsAggregate(e: Expr): boolean {
  if (isAggregateCall(e)) return true;
  let found = false;
  forEachChild(e, (c) => { if (!found && containsAggregate(c)) found = true; });
  return found;
}

/** Visits the direct sub-expressions the flow compiler understands. */
export function forEachChild(e: Expr, f: (c: Expr) => void): void {
  switch (e.type) {
    case 'unary': case 'is': case 'cast': f(e.expr); break;
    case 'binary': case 'is_distinct': f(e.left); f(e.right); break;
    case 'in_list': f(e.expr); e.list.forEach(f); break;
    case 'between': f(e.expr); f(e.low); f(e.high); break;
    case 'like': f(e.expr); f(e.pattern); break;
    case 'case': if (e.operand) f(e.operand); e.whens.forEach((w) => { f(w.when); f(w.then); }); if (e.else) f(e.else); break;
    case 'function': e.args.forEach(f); break;
    default: break;
  }
}

