// Vectorized expression evaluation: a dispatch table from AST node type to kernel, over whole columns.
import { ExecError, InvalidArgumentError, StatusCode } from '../../errors.ts';
import type { Expr, SqlType } from '../../sql/index.ts';
import { exprName, relNamer } from './names.ts';
import { mapLookup } from './fn_map.ts';
import { elementType } from './fn_array.ts';
import { SqlMap } from './map_value.ts';
import type { Rel } from '../plan/rel.ts';
import { PlanError, findField, resolveField } from '../plan/rel.ts';
import type { Vec } from '../vector.ts';
import { fromValues, getValue, listVec, nullVec, typeOf } from '../vector.ts';
import { commonElemType, listElem, listType } from '../nested_type.ts';
import { negate } from './arith.ts';
import { evalBinary } from './binary.ts';
import { castVec, mapTs } from './cast.ts';
import { CMP_OPS, compareWith } from './compare.ts';
import { constVec, numberLiteral } from './const.ts';
import { isAggregateName } from './function_names.ts';
import { callScalar } from './functions.ts';
import { notVec, toBool } from './logic.ts';
import { evalBetween, evalCase, evalConst, evalInList, evalInSubquery, evalIs, evalIsDistinct, evalLike, isLiteral } from './predicates.ts';
import type { Env, Scope } from './scope.ts';
import { datePart, parseInterval } from './time.ts';

type Node<T extends Expr['type']> = Extract<Expr, { type: T }>;
type Handlers = { [T in Expr['type']]: (e: Node<T>, s: Scope) => Vec };

/** Evaluates e over every row of s.rel. */
export function evalExpr(e: Expr, s: Scope): Vec {
  // A cast's internal name keeps the cast (`CAST(v AS STRING)`), so a GROUP BY key that is a cast is found as itself.
  if (s.exprMap && e.type !== 'number' && e.type !== 'string' && e.type !== 'null' && e.type !== 'boolean') {
    const i = s.exprMap.get(exprName(e, s.namer));
    if (i !== undefined) return s.rel.cols[i]!;
  }
  return (NODES[e.type] as (e: Expr, s: Scope) => Vec)(e, s);
}

/**
 * The stable entry point for code outside the query planner (flows, INSERT defaults, tests): evaluates e
 * over every row of rel, column references resolved against rel's fields.
 */
export function evaluate(e: Expr, rel: Rel, env: Env, exprMap?: Map<string, number>): Vec {
  return evalExpr(e, exprMap ? { rel, env, exprMap, namer: relNamer(rel) } : { rel, env, namer: relNamer(rel) });
}

const NODES: Handlers = {
  number: (e, s) => numberLiteral(e.value, false, s.rel.len),
  string: (e, s) => inZone(constVec('String', e.value, s.rel.len), s),
  boolean: (e, s) => constVec('Boolean', e.value, s.rel.len),
  null: (_e, s) => nullVec(s.rel.len),
  column: (e, s) => {
    // a bare `user` that names no column is SQL's niladic USER (PostgreSQL's current_user); GreptimeDB lets a
    // column be called user, so the column wins
    const p = e.path[0]!;
    if (e.path.length === 1 && p.quote === undefined && p.value.toLowerCase() === 'user' && findField(s.rel, e.path) < 0) {
      return evalExpr({ type: 'function', name: [{ value: 'current_user', pos: e.pos }], args: [], distinct: false, noParens: true, pos: e.pos }, s);
    }
    return s.rel.cols[resolveField(s.rel, e.path, e.pos)]!;
  },
  wildcard: (e) => { throw new PlanError('Wildcard is not allowed here', e.pos); },
  interval: (e, s) => {
    const text = e.value.type === 'string' ? e.value.value : e.value.type === 'number' ? e.value.value : '';
    const iv = parseInterval(text, e.unit);
    if (!iv) throw new PlanError(`Invalid interval '${text}'`, e.pos, StatusCode.InvalidArguments);
    return constVec('IntervalMonthDayNano', iv, s.rel.len);
  },
  typed_string: (e, s) => (e.hex ? constVec('Binary', e.value, s.rel.len) : castVec(inZone(constVec('String', e.value, s.rel.len), s), typedLiteralType(e.dataType), false, e.pos)),
  unary: (e, s) => {
    if (e.op === '-' && e.expr.type === 'number') return numberLiteral(e.expr.value, true, s.rel.len);
    const v = evalExpr(e.expr, s);
    if (e.op === 'NOT') return notVec(toBool(v, e.pos));
    if (e.op === '-') return negate(v, e.pos);
    return v;
  },
  binary: (e, s) => evalChain(e, s),
  is: (e, s) => evalIs(e, s, evalExpr),
  is_distinct: (e, s) => evalIsDistinct(e, s, evalExpr),
  between: (e, s) => evalBetween(e, s, evalExpr),
  in_list: (e, s) => evalInList(e, s, evalExpr),
  in_subquery: (e, s) => {
    const col = correlated(e, s);
    if (col) return e.negated ? notVec(toBool(col, e.pos)) : col;
    return evalInSubquery(e, s, evalExpr);
  },
  exists: (e, s) => {
    const col = correlated(e, s);
    if (col) return e.negated ? notVec(toBool(col, e.pos)) : col;
    return constVec('Boolean', (s.env.subqueries.get(e) as boolean) !== e.negated, s.rel.len);
  },
  subquery: (e, s) => {
    const col = correlated(e, s);
    if (col) return col;
    const r = s.env.subqueries.get(e) as { dt: string; value: unknown } | undefined;
    if (!r) throw new ExecError('Subquery was not prepared', e.pos);
    return constVec(r.dt, r.value, s.rel.len);
  },
  like: (e, s) => evalLike(e, s, evalExpr),
  case: (e, s) => evalCase(e, s, evalExpr),
  cast: (e, s) => castVec(evalExpr(e.expr, s), e.dataType, e.syntax === 'try_cast', e.pos),
  extract: (e, s) => mapTs(evalExpr(e.expr, s), (ns) => datePart(ns, e.field), e.pos),
  function: (e, s) => {
    const name = e.name.map((p) => p.value).join('.').toLowerCase();
    if (e.over) throw new PlanError(`Window function ${name} is not allowed here`, e.pos);
    if (isAggregateName(name)) throw new PlanError(`Aggregate function ${name} is not allowed here`, e.pos);
    const n = s.rel.len;
    const args = e.args.map((a) => (a.type === 'wildcard' ? constVec('Int64', 1, n) : evalExpr(a, s)));
    return callScalar(name, args, n, s, e);
  },
  range: (e) => { throw new PlanError('RANGE is only allowed in a query with ALIGN', e.pos); },
  array: (e, s) => {
    const parts = e.elements.map((x) => evalExpr(x, s));
    const n = s.rel.len;
    const v = new Array(n);
    for (let i = 0; i < n; i++) v[i] = parts.map((p) => getValue(p, i));
    return listVec(v, listType(commonElemType(parts.map(typeOf))));
  },
  index: (e, s) => {
    const a = evalExpr(e.expr, s), ix = evalExpr(e.index, s);
    const n = s.rel.len;
    const v = new Array(n);
    for (let i = 0; i < n; i++) {
      const arr = getValue(a, i) as unknown[] | SqlMap | null;
      const k = getValue(ix, i) as number | null;
      v[i] = arr instanceof SqlMap ? mapLookup(arr, k) : arr && k !== null ? arr[k - 1] ?? null : null;
    }
    // the list's element type when it carries one; bigints of an untyped list are timestamps (nanoseconds)
    // a map's values: the type its map() was given
    let known = listElem(typeOf(a));
    for (let i = 0; known === null && i < n; i++) { const m = getValue(a, i); if (m instanceof SqlMap) known = m.valueType ?? null; }
    if (known !== null && known !== 'Null') return fromValues(known, v);
    return fromValues(v.some((x) => typeof x === 'bigint') ? 'TimestampMillisecond' : elementType(v), v);
  },
  tuple: (e, s) => {
    if (e.elements.length === 1) return evalExpr(e.elements[0]!, s);
    throw new PlanError('Row values are not supported here', e.pos, StatusCode.Unsupported);
  },
};

/**
 * A binary node, and the left-deep chain of binary nodes under it (`a OR b OR c ...`, `x + y - z ...`),
 * folded left to right in a loop: a chain of thousands of operands costs no stack. The fold computes what
 * the nested evaluation computes (same order, same kernels, each link's own operator and position).
 * Comparisons are not chained (their literal side is handled by evalCompare), and a sub-chain already
 * computed as a column (exprMap) ends the descent there.
 */
/** A string literal remembers the session's time zone: cast to a timestamp, zone-less text is read in that zone. */
/** `TIMESTAMP '...'` keeps every digit of its text (nanoseconds, as DataFusion types the literal); a cast keeps its own precision. */
function typedLiteralType(t: SqlType): SqlType {
  return t.name === 'TIMESTAMP' && !t.args ? { ...t, precision: 9 } : t;
}

function inZone(v: Vec, s: Scope): Vec {
  const tz = s.env.qctx.timeZone;
  if (tz && tz !== 'UTC') Object.defineProperty(v, 'tz', { value: tz, enumerable: false });
  return v;
}

function evalChain(e: Node<'binary'>, s: Scope): Vec {
  if (CMP_OPS.has(e.op)) return evalCompare(e, s);
  const links: Node<'binary'>[] = [e];
  let left = e.left;
  while (left.type === 'binary' && !CMP_OPS.has(left.op) && !(s.exprMap && s.exprMap.has(exprName(left, s.namer)))) {
    links.push(left);
    left = left.left;
  }
  let acc = evalExpr(left, s);
  for (let k = links.length - 1; k >= 0; k--) {
    const link = links[k]!;
    acc = evalBinary(link.op, acc, evalExpr(link.right, s), link.pos);
  }
  return acc;
}

function evalCompare(e: Node<'binary'>, s: Scope): Vec {
  const n = s.rel.len;
  // A literal side of a comparison is evaluated (and cast) once, not once per row.
  if (n > 0 && (isLiteral(e.left) || isLiteral(e.right))) {
    const lc = isLiteral(e.left), rc = isLiteral(e.right);
    return compareWith(e.op, lc ? evalConst(e.left, s, evalExpr) : evalExpr(e.left, s), rc ? evalConst(e.right, s, evalExpr) : evalExpr(e.right, s), e.pos, lc, rc, n);
  }
  return evalBinary(e.op, evalExpr(e.left, s), evalExpr(e.right, s), e.pos);
}

// What other modules imported from this file before the split (kept so their imports stay valid).
export type { Env, Scope, TraceEntry } from './scope.ts';
export { ExecError, InvalidArgumentError };
export { castTo, castVec, coerceTo, commonType, displayValue, formatNumber, mapTs, sqlTypeToDt } from './cast.ts';
export { alignForCompare, compare } from './compare.ts';
export { constVec, numberLiteral } from './const.ts';
export { evalBinary } from './binary.ts';
export { notVec, toBool } from './logic.ts';
export { valueKey } from './predicates.ts';
export type { StrVec } from '../vector.ts';

/** A correlated subquery's answer: the hidden column of the scope's rows it was decorrelated into (plan/correlated.ts). */
function correlated(e: Expr, s: Scope): Vec | null {
  const r = s.env.subqueries.get(e) as { column?: string } | undefined;
  if (!r || typeof r !== 'object' || typeof r.column !== 'string') return null;
  const i = s.rel.fields.findIndex((f) => f.name === r.column);
  if (i < 0) throw new PlanError('Unsupported correlated subquery: it cannot be evaluated at this place of the query', e.pos, StatusCode.Unsupported);
  return s.rel.cols[i]!;
}
