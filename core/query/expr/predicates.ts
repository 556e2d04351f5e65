// Node kernels for predicates and conditionals: IS, IS DISTINCT FROM, BETWEEN, IN, LIKE, CASE.
import type { Expr } from '../../sql/index.ts';
import { ExecError } from '../../errors.ts';
import type { BoolVec, Vec } from '../vector.ts';
import { boolVec, fromValues, exactValue, getValue, isNull, setNull, take } from '../vector.ts';
import { takeRel } from '../plan/rel.ts';
import { coerceTo, commonType } from './cast.ts';
import { compare, compareWith } from './compare.ts';
import { constVec } from './const.ts';
import { logic, notVec, toBool } from './logic.ts';
import type { Evaluate, Scope } from './scope.ts';

type Node<T extends Expr['type']> = Extract<Expr, { type: T }>;

/** Expressions whose value does not depend on the row: literals and casts of literals. */
export function isLiteral(e: Expr): boolean {
  switch (e.type) {
    case 'number': case 'string': case 'boolean': case 'null': case 'typed_string': case 'interval': return true;
    case 'unary': return e.op === '-' && e.expr.type === 'number';
    case 'cast': return isLiteral(e.expr);
    default: return false;
  }
}

/** A literal evaluated over one row. */
export function evalConst(e: Expr, s: Scope, ev: Evaluate): Vec {
  return ev(e, { rel: { fields: [], cols: [], len: 1 }, env: s.env, namer: s.namer });
}

export function evalIs(e: Node<'is'>, s: Scope, ev: Evaluate): Vec {
  const n = s.rel.len;
  const v = ev(e.expr, s);
  const out = boolVec(n);
  for (let i = 0; i < n; i++) {
    let r: boolean;
    if (e.test === 'NULL' || e.test === 'UNKNOWN') r = isNull(v, i);
    else r = !isNull(v, i) && Boolean(getValue(v, i)) === (e.test === 'TRUE');
    out.v[i] = (r !== e.negated) ? 1 : 0;
  }
  return out;
}

export function evalIsDistinct(e: Node<'is_distinct'>, s: Scope, ev: Evaluate): Vec {
  const n = s.rel.len;
  const a = ev(e.left, s), b = ev(e.right, s);
  const eq = compare('=', a, b, e.pos);
  const out = boolVec(n);
  for (let i = 0; i < n; i++) {
    const na = isNull(a, i), nb = isNull(b, i);
    const distinct = na || nb ? na !== nb : eq.v[i] === 0;
    out.v[i] = distinct !== e.negated ? 1 : 0;
  }
  return out;
}

export function evalBetween(e: Node<'between'>, s: Scope, ev: Evaluate): Vec {
  const n = s.rel.len;
  const v = ev(e.expr, s);
  const bound = (op: string, b: Expr): BoolVec => (n > 0 && isLiteral(b) ? compareWith(op, v, evalConst(b, s, ev), e.pos, false, true, n) : compare(op, v, ev(b, s), e.pos));
  const r = logic('AND', bound('>=', e.low), bound('<=', e.high), e.pos);
  return e.negated ? notVec(r) : r;
}

export function evalInList(e: Node<'in_list'>, s: Scope, ev: Evaluate): Vec {
  const n = s.rel.len;
  const v = ev(e.expr, s);
  if (v.kind === 'str' && e.list.length > 0 && e.list.every((x) => x.type === 'string')) {
    // string = string is ===, so a set lookup gives what OR-ing the equalities gives
    const set = new Set(e.list.map((x) => (x as { value: string }).value));
    const out = boolVec(n);
    for (let i = 0; i < n; i++) {
      const x = v.v[i];
      if (x === null || x === undefined) setNull(out, i);
      else out.v[i] = set.has(x) ? 1 : 0;
    }
    return e.negated ? notVec(out) : out;
  }
  let acc: BoolVec | null = null;
  for (const item of e.list) {
    const c = n > 0 && isLiteral(item) ? compareWith('=', v, evalConst(item, s, ev), e.pos, false, true, n) : compare('=', v, ev(item, s), e.pos);
    acc = acc === null ? c : logic('OR', acc, c, e.pos);
  }
  const r = acc ?? (constVec('Boolean', false, n) as BoolVec);
  return e.negated ? notVec(r) : r;
}

export function valueKey(v: unknown): string {
  if (v === null || v === undefined) return '\u0000null';
  if (typeof v === 'number') return 'n' + String(v);
  if (typeof v === 'bigint') return 't' + String(v);
  if (typeof v === 'boolean') return 'b' + String(v);
  // an object value (an interval, a list) by its contents, not '[object Object]'
  if (typeof v === 'object') {
    const iv = v as { months?: unknown; days?: unknown; nanos?: unknown };
    if (iv.nanos !== undefined) return `i${Number(iv.months)}/${Number(iv.days)}/${String(iv.nanos)}`;
    return 'o' + JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? String(x) : x));
  }
  return 's' + String(v);
}

export function evalInSubquery(e: Node<'in_subquery'>, s: Scope, ev: Evaluate): Vec {
  const n = s.rel.len;
  const v = ev(e.expr, s);
  const sub = s.env.subqueries.get(e) as { set: Set<string>; hasNull: boolean } | undefined;
  if (!sub) throw new ExecError('Subquery was not prepared', e.pos);
  const out = boolVec(n);
  for (let i = 0; i < n; i++) {
    if (isNull(v, i)) { setNull(out, i); continue; }
    const hit = sub.set.has(valueKey(exactValue(v, i)));
    if (!hit && sub.hasNull) { setNull(out, i); continue; }
    out.v[i] = hit !== e.negated ? 1 : 0;
  }
  return out;
}

export function likeRegex(pat: string, ci: boolean): RegExp {
  let re = '^';
  for (let i = 0; i < pat.length; i++) {
    const c = pat[i]!;
    if (c === '\\' && i + 1 < pat.length) { re += pat[++i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); continue; }
    if (c === '%') re += '[\\s\\S]*';
    else if (c === '_') re += '[\\s\\S]';
    else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(re + '$', ci ? 'is' : 's');
}

export function evalLike(e: Node<'like'>, s: Scope, ev: Evaluate): Vec {
  const n = s.rel.len;
  const v = ev(e.expr, s);
  const p = ev(e.pattern, s);
  const out = boolVec(n);
  const cache = new Map<string, RegExp>();
  for (let i = 0; i < n; i++) {
    if (isNull(v, i) || isNull(p, i)) { setNull(out, i); continue; }
    const pat = String(getValue(p, i));
    let re = cache.get(pat);
    if (!re) { re = likeRegex(pat, e.caseInsensitive); cache.set(pat, re); }
    out.v[i] = re.test(String(getValue(v, i))) !== e.negated ? 1 : 0;
  }
  return out;
}

/**
 * CASE, evaluated as SQL defines it: a WHEN sees only the rows no earlier WHEN took, and a THEN (or ELSE) only the
 * rows that choose it, so a branch that would fail on other rows (`CASE WHEN x = 0 THEN 0 ELSE 1 / x END`, a function
 * given input of the wrong kind) never sees them. A branch no row takes is evaluated over no rows (for its type).
 */
export function evalCase(e: Node<'case'>, s: Scope, ev: Evaluate): Vec {
  const n = s.rel.len;
  const operand = e.operand ? ev(e.operand, s) : null;
  // rows still undecided, as indexes into s.rel (null: all of them, in order)
  let rest: number[] | null = null;
  const over = (rows: number[] | null): Scope => (rows === null || rows.length === n ? s : { ...s, rel: takeRel(s.rel, rows) });
  const parts: { rows: number[] | null; vec: Vec }[] = [];
  for (const w of e.whens) {
    const sc = over(rest);
    const when = ev(w.when, sc);
    const cond = operand ? compare('=', sc === s ? operand : take(operand, rest!), when, w.when.pos) : toBool(when, w.when.pos);
    const m = rest === null ? n : rest.length;
    const hit: number[] = [], miss: number[] = [];
    for (let i = 0; i < m; i++) (!isNull(cond, i) && cond.v[i] === 1 ? hit : miss).push(rest === null ? i : rest[i]!);
    parts.push({ rows: hit.length === n ? null : hit, vec: ev(w.then, over(hit)) });
    rest = miss;
  }
  const elseRows: number[] | null = rest;
  const els = e.else ? ev(e.else, over(elseRows)) : null;
  const dt = commonType([...parts.map((p) => p.vec.dt), ...(els ? [els.dt] : [])]);
  const vals = new Array(n).fill(null);
  const scatter = (rows: number[] | null, v: Vec): void => {
    const src = coerceTo(v, dt);
    if (rows === null) { for (let i = 0; i < n; i++) vals[i] = exactAt(src, i); return; }
    for (let j = 0; j < rows.length; j++) vals[rows[j]!] = exactAt(src, j);
  };
  for (const p of parts) scatter(p.rows, p.vec);
  if (els) scatter(elseRows === null || elseRows.length === n ? null : elseRows, els);
  return fromValues(dt, vals);
}

/** Row i as a plain value, an Int64 beyond 2^53 as its exact bigint (so fromValues keeps it exact). */
export function exactAt(v: Vec, i: number): unknown {
  if (v.kind === 'num' && v.big && !isNull(v, i)) return v.big[i];
  return getValue(v, i);
}
