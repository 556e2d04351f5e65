// Vectorized expression evaluation: one AST node at a time over whole columns of a relation.
import { EddyError, InvalidArgumentError, StatusCode } from '../../errors.ts';
import type { TimeUnit } from '../../schema.ts';
import type { Expr, BinaryOp, SqlType as DataType, SourcePos } from '../../sql/index.ts';
import type { QueryContext } from '../context.ts';
import type { ColumnNamer } from './names.ts';
import { exprName } from './names.ts';
import type { Rel } from '../plan/rel.ts';
import { PlanError, resolveField } from '../plan/rel.ts';
import type { BoolVec, DType, Interval, NumVec, StrVec, TsVec, Vec } from '../vector.ts';
import { FLOAT_TYPES, INT_TYPES, TS_NAME, TS_TYPES, UNIT_NS, boolVec, constAnyVec, constStrVec, getValue, isNull, nullVec, numVec, setNull, strVec, tsVec, fromValues } from '../vector.ts';
import { addInterval, formatInterval, formatTimestamp, parseInterval, parseTimestampNs, nsToUnit, datePart } from './time.ts';
import { callScalar, isAggregateName } from './functions.ts';

export interface Env {
  qctx: QueryContext;
  nowNs: bigint;
  /** Results of uncorrelated subqueries, computed before evaluation. */
  subqueries: Map<Expr, unknown>;
  /** Set by EXPLAIN ANALYZE: each operator appends what it did, the rows it produced and its time. */
  trace?: TraceEntry[];
}

export interface TraceEntry { op: string; detail: string; rows: number; ms?: number; depth?: number }

export interface Scope {
  rel: Rel;
  env: Env;
  /** Expressions already computed as columns of rel (group keys, aggregates, windows), by name. */
  exprMap?: Map<string, number>;
  namer: ColumnNamer;
}

export class ExecError extends EddyError {
  constructor(message: string, pos?: SourcePos, code: number = StatusCode.EngineExecuteQuery) {
    super(code, message, pos ? { position: { line: pos.line, column: pos.column } } : undefined);
  }
}

export function constVec(dt: DType, value: unknown, n: number): Vec {
  if (value === null || value === undefined) {
    if (dt === 'Null' || dt === 'Interval') return nullVec(n, dt);
    return fromValues(dt, new Array(n).fill(null));
  }
  if (INT_TYPES.has(dt) || FLOAT_TYPES.has(dt)) {
    const v = numVec(dt, n);
    v.v.fill(Number(value));
    return v;
  }
  const unit = TS_TYPES[dt] ?? (dt === 'Date' ? 'ms' : undefined);
  if (unit) {
    const v = tsVec(unit, n);
    v.dt = dt;
    v.v.fill(BigInt(value as bigint));
    return v;
  }
  if (dt === 'Boolean') {
    const v = boolVec(n);
    v.v.fill(value ? 1 : 0);
    return v;
  }
  if (dt === 'String') return constStrVec(dt, String(value), n);
  return constAnyVec(dt, value, n);
}

export function numberLiteral(text: string, neg: boolean, n: number): Vec {
  if (/^\d+$/.test(text)) {
    const big = BigInt(text);
    return constVec(big > 9223372036854775807n ? 'UInt64' : 'Int64', Number(neg ? -big : big), n);
  }
  const f = Number(text);
  return constVec('Float64', neg ? -f : f, n);
}

export function evalExpr(e: Expr, s: Scope): Vec {
  const n = s.rel.len;
  // A cast is named after its operand (DataFusion's display name), so `max(v)::string` would find max(v)'s
  // column under its own name and skip the cast: a cast always evaluates, over its operand's column.
  if (s.exprMap && e.type !== 'number' && e.type !== 'string' && e.type !== 'null' && e.type !== 'boolean' && e.type !== 'cast') {
    const k = exprName(e, s.namer);
    const i = s.exprMap.get(k);
    if (i !== undefined) return s.rel.cols[i]!;
  }
  switch (e.type) {
    case 'number': return numberLiteral(e.value, false, n);
    case 'string': return constVec('String', e.value, n);
    case 'boolean': return constVec('Boolean', e.value, n);
    case 'null': return nullVec(n);
    case 'column': return s.rel.cols[resolveField(s.rel, e.path, e.pos)]!;
    case 'wildcard': throw new PlanError('Wildcard is not allowed here', e.pos);
    case 'interval': {
      const text = e.value.type === 'string' ? e.value.value : e.value.type === 'number' ? e.value.value : '';
      const iv = parseInterval(text, e.unit);
      if (!iv) throw new PlanError(`Invalid interval '${text}'`, e.pos, StatusCode.InvalidArguments);
      return constVec('Interval', iv, n);
    }
    case 'typed_string': return castVec(constVec('String', e.value, n), e.dataType, false, e.pos);
    case 'unary': {
      if (e.op === '-' && e.expr.type === 'number') return numberLiteral(e.expr.value, true, n);
      const v = evalExpr(e.expr, s);
      if (e.op === 'NOT') return notVec(toBool(v, e.pos));
      if (e.op === '-') return negate(v, e.pos);
      return v;
    }
    case 'binary': {
      // A literal side of a comparison is evaluated (and cast) once, not once per row.
      if (n > 0 && CMP_OPS.has(e.op) && (isLiteral(e.left) || isLiteral(e.right))) {
        const lc = isLiteral(e.left), rc = isLiteral(e.right);
        return compareWith(e.op, lc ? evalConst(e.left, s) : evalExpr(e.left, s), rc ? evalConst(e.right, s) : evalExpr(e.right, s), e.pos, lc, rc, n);
      }
      return evalBinary(e.op, evalExpr(e.left, s), evalExpr(e.right, s), e.pos);
    }
    case 'is': {
      const v = evalExpr(e.expr, s);
      const out = boolVec(n);
      for (let i = 0; i < n; i++) {
        let r: boolean;
        if (e.test === 'NULL' || e.test === 'UNKNOWN') r = isNull(v, i);
        else r = !isNull(v, i) && Boolean(getValue(v, i)) === (e.test === 'TRUE');
        out.v[i] = (r !== e.negated) ? 1 : 0;
      }
      return out;
    }
    case 'is_distinct': {
      const a = evalExpr(e.left, s), b = evalExpr(e.right, s);
      const eq = compare('=', a, b, e.pos) as BoolVec;
      const out = boolVec(n);
      for (let i = 0; i < n; i++) {
        const na = isNull(a, i), nb = isNull(b, i);
        const distinct = na || nb ? na !== nb : eq.v[i] === 0;
        out.v[i] = distinct !== e.negated ? 1 : 0;
      }
      return out;
    }
    case 'between': {
      const v = evalExpr(e.expr, s);
      const bound = (op: string, b: Expr): BoolVec => (n > 0 && isLiteral(b) ? compareWith(op, v, evalConst(b, s), e.pos, false, true, n) : compare(op, v, evalExpr(b, s), e.pos));
      const r = evalBinary('AND', bound('>=', e.low), bound('<=', e.high), e.pos);
      return e.negated ? notVec(r as BoolVec) : r;
    }
    case 'in_list': {
      const v = evalExpr(e.expr, s);
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
      let acc: Vec | null = null;
      for (const item of e.list) {
        const c = n > 0 && isLiteral(item) ? compareWith('=', v, evalConst(item, s), e.pos, false, true, n) : compare('=', v, evalExpr(item, s), e.pos);
        acc = acc === null ? c : evalBinary('OR', acc, c, e.pos);
      }
      const r = (acc ?? constVec('Boolean', false, n)) as BoolVec;
      return e.negated ? notVec(r) : r;
    }
    case 'in_subquery': {
      const v = evalExpr(e.expr, s);
      const sub = s.env.subqueries.get(e) as { set: Set<string>; hasNull: boolean } | undefined;
      if (!sub) throw new ExecError('Subquery was not prepared', e.pos);
      const out = boolVec(n);
      for (let i = 0; i < n; i++) {
        if (isNull(v, i)) { setNull(out, i); continue; }
        const hit = sub.set.has(valueKey(getValue(v, i)));
        if (!hit && sub.hasNull) { setNull(out, i); continue; }
        out.v[i] = hit !== e.negated ? 1 : 0;
      }
      return out;
    }
    case 'exists': {
      const r = s.env.subqueries.get(e) as boolean;
      return constVec('Boolean', r !== e.negated, n);
    }
    case 'subquery': {
      const r = s.env.subqueries.get(e) as { dt: DType; value: unknown } | undefined;
      if (!r) throw new ExecError('Subquery was not prepared', e.pos);
      return constVec(r.dt, r.value, n);
    }
    case 'like': {
      const v = evalExpr(e.expr, s);
      const p = evalExpr(e.pattern, s);
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
    case 'case': return evalCase(e, s);
    case 'cast': return castVec(evalExpr(e.expr, s), e.dataType, e.syntax === 'try_cast', e.pos);
    case 'extract': {
      const v = evalExpr(e.expr, s);
      return mapTs(v, (ns) => datePart(ns, e.field), e.pos);
    }
    case 'function': {
      const name = e.name.map((p) => p.value).join('.').toLowerCase();
      if (e.over) throw new PlanError(`Window function ${name} is not allowed here`, e.pos);
      if (isAggregateName(name)) throw new PlanError(`Aggregate function ${name} is not allowed here`, e.pos);
      const args = e.args.map((a) => (a.type === 'wildcard' ? constVec('Int64', 1, n) : evalExpr(a, s)));
      return callScalar(name, args, n, s, e);
    }
    case 'range': throw new PlanError('RANGE is only allowed in a query with ALIGN', e.pos);
    case 'array': {
      const parts = e.elements.map((x) => evalExpr(x, s));
      const v = new Array(n);
      for (let i = 0; i < n; i++) v[i] = parts.map((p) => getValue(p, i));
      return { kind: 'any', dt: 'List', v };
    }
    case 'index': {
      const a = evalExpr(e.expr, s), ix = evalExpr(e.index, s);
      const v = new Array(n);
      for (let i = 0; i < n; i++) {
        const arr = getValue(a, i) as unknown[] | null;
        const k = getValue(ix, i) as number | null;
        v[i] = arr && k !== null ? arr[k - 1] ?? null : null;
      }
      return fromValues(guessDt(v), v);
    }
    case 'tuple':
      if (e.elements.length === 1) return evalExpr(e.elements[0]!, s);
      throw new PlanError('Row values are not supported here', e.pos, StatusCode.Unsupported);
  }
}

const CMP_OPS = new Set(['=', '!=', '<>', '<', '<=', '>', '>=']);
const FLIP: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

/** Expressions whose value does not depend on the row: literals and casts of literals. */
function isLiteral(e: Expr): boolean {
  switch (e.type) {
    case 'number': case 'string': case 'boolean': case 'null': case 'typed_string': case 'interval': return true;
    case 'unary': return e.op === '-' && e.expr.type === 'number';
    case 'cast': return isLiteral(e.expr);
    default: return false;
  }
}

/** A literal evaluated over one row. */
function evalConst(e: Expr, s: Scope): Vec {
  return evalExpr(e, { rel: { fields: [], cols: [], len: 1 }, env: s.env, namer: s.namer });
}

function guessDt(values: unknown[]): DType {
  for (const x of values) {
    if (x === null || x === undefined) continue;
    if (typeof x === 'number') return 'Float64';
    if (typeof x === 'string') return 'String';
    if (typeof x === 'boolean') return 'Boolean';
    if (typeof x === 'bigint') return 'TimestampMillisecond';
  }
  return 'Null';
}

export function valueKey(v: unknown): string {
  if (v === null || v === undefined) return '\u0000null';
  if (typeof v === 'number') return 'n' + String(v);
  if (typeof v === 'bigint') return 't' + String(v);
  if (typeof v === 'boolean') return 'b' + String(v);
  return 's' + String(v);
}

function likeRegex(pat: string, ci: boolean): RegExp {
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

function evalCase(e: Extract<Expr, { type: 'case' }>, s: Scope): Vec {
  const n = s.rel.len;
  const operand = e.operand ? evalExpr(e.operand, s) : null;
  const conds = e.whens.map((w) => (operand ? compare('=', operand, evalExpr(w.when, s), w.when.pos) : toBool(evalExpr(w.when, s), w.when.pos)) as BoolVec);
  const thens = e.whens.map((w) => evalExpr(w.then, s));
  const els = e.else ? evalExpr(e.else, s) : null;
  const all = els ? [...thens, els] : thens;
  const dt = commonType(all.map((v) => v.dt));
  const vals = new Array(n);
  for (let i = 0; i < n; i++) {
    let k = -1;
    for (let j = 0; j < conds.length; j++) {
      const c = conds[j]!;
      if (!isNull(c, i) && c.v[i] === 1) { k = j; break; }
    }
    const src = k >= 0 ? thens[k]! : els;
    vals[i] = src ? getValue(coerceTo(src, dt), i) : null;
  }
  return fromValues(dt, vals);
}

/** The type several branches (CASE, COALESCE, UNION) share. */
export function commonType(dts: DType[]): DType {
  const real = dts.filter((d) => d !== 'Null');
  if (real.length === 0) return 'Null';
  if (real.every((d) => d === real[0])) return real[0]!;
  if (real.every((d) => INT_TYPES.has(d) || FLOAT_TYPES.has(d))) return real.some((d) => FLOAT_TYPES.has(d)) ? 'Float64' : 'Int64';
  if (real.some((d) => d === 'String')) return 'String';
  const ts = real.find((d) => TS_TYPES[d]);
  if (ts) return ts;
  return real[0]!;
}

export function coerceTo(v: Vec, dt: DType): Vec {
  if (v.dt === dt) return v;
  if (v.dt === 'Null') return fromValues(dt, new Array(v.v.length).fill(null));
  if ((INT_TYPES.has(dt) || FLOAT_TYPES.has(dt)) && v.kind === 'num') return { ...v, dt };
  return castTo(v, dt, false);
}

export function toBool(v: Vec, pos?: SourcePos): BoolVec {
  if (v.kind === 'bool') return v;
  const n = v.v.length;
  if (v.dt === 'Null') { const out = boolVec(n); for (let i = 0; i < n; i++) setNull(out, i); return out; }
  if (v.kind === 'num') {
    const out = boolVec(n);
    for (let i = 0; i < n; i++) { if (isNull(v, i)) setNull(out, i); else out.v[i] = v.v[i] !== 0 ? 1 : 0; }
    return out;
  }
  throw new PlanError(`Cannot use ${v.dt} as a boolean`, pos);
}

export function notVec(v: BoolVec): BoolVec {
  const out = boolVec(v.v.length);
  for (let i = 0; i < v.v.length; i++) out.v[i] = v.v[i] ? 0 : 1;
  out.valid = v.valid ? v.valid.slice() : null;
  return out;
}

function negate(v: Vec, pos: SourcePos): Vec {
  if (v.kind === 'num') {
    const out = numVec(v.dt, v.v.length);
    for (let i = 0; i < v.v.length; i++) out.v[i] = -v.v[i]!;
    out.valid = v.valid;
    return out;
  }
  if (v.dt === 'Null') return v;
  if (v.dt === 'Interval') return { kind: 'any', dt: 'Interval', v: (v.v as unknown[]).map((x) => (x ? negInterval(x as Interval) : null)) };
  throw new PlanError(`Negation only supports numeric types, got ${v.dt}`, pos);
}

function negInterval(iv: Interval): Interval {
  return { months: -iv.months, days: -iv.days, nanos: -iv.nanos };
}

const INT_RANK: Record<string, number> = { Int8: 1, Int16: 2, Int32: 3, Int64: 4, UInt8: 1, UInt16: 2, UInt32: 3, UInt64: 4 };
function numResultType(a: DType, b: DType): DType {
  if (FLOAT_TYPES.has(a) || FLOAT_TYPES.has(b)) return a === 'Float32' && b === 'Float32' ? 'Float32' : 'Float64';
  const ua = a.startsWith('U'), ub = b.startsWith('U');
  const r = Math.max(INT_RANK[a] ?? 4, INT_RANK[b] ?? 4);
  if (ua && ub) return ['', 'UInt8', 'UInt16', 'UInt32', 'UInt64'][r]!;
  if (!ua && !ub) return ['', 'Int8', 'Int16', 'Int32', 'Int64'][r]!;
  return 'Int64';
}

export function evalBinary(op: BinaryOp, a: Vec, b: Vec, pos: SourcePos): Vec {
  switch (op) {
    case 'AND': case 'OR': return logic(op, a, b, pos);
    case '=': case '!=': case '<>': case '<': case '<=': case '>': case '>=': return compare(op, a, b, pos);
    case '||': return concatOp(a, b);
    case '~': case '!~': case '~*': case '!~*': return regexOp(op, a, b);
    default: return arith(op, a, b, pos);
  }
}

function regexOp(op: string, a: Vec, b: Vec): Vec {
  const n = a.v.length;
  const out = boolVec(n);
  for (let i = 0; i < n; i++) {
    if (isNull(a, i) || isNull(b, i)) { setNull(out, i); continue; }
    const re = new RegExp(String(getValue(b, i)), op.includes('*') ? 'i' : '');
    out.v[i] = re.test(String(getValue(a, i))) !== op.startsWith('!') ? 1 : 0;
  }
  return out;
}

function concatOp(a: Vec, b: Vec): Vec {
  const n = a.v.length;
  const out = strVec(n);
  for (let i = 0; i < n; i++) {
    if (isNull(a, i) || isNull(b, i)) continue;
    out.v[i] = displayValue(a, i) + displayValue(b, i);
  }
  return out;
}

/** A value as text, the way CAST(x AS STRING) renders it. */
export function displayValue(v: Vec, i: number): string {
  const x = getValue(v, i);
  if (x === null) return '';
  if (v.kind === 'num') return formatNumber(x as number, v.dt);
  if (v.kind === 'ts') return v.dt === 'Date' ? formatTimestamp(x as bigint).slice(0, 10) : formatTimestamp(x as bigint, v.unit);
  if (v.dt === 'Interval') return formatInterval(x as Interval);
  return String(x);
}

export function formatNumber(x: number, dt: DType): string {
  if (INT_TYPES.has(dt)) return String(x);
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return x.toFixed(1);
  const s = String(x);
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (m) {
    const exp = Number(m[4]);
    const digits = m[2]! + (m[3] ?? '');
    if (exp > 0) return m[1] + digits.padEnd(exp + 1, '0') + (digits.length > exp + 1 ? '' : '.0');
    return m[1] + '0.' + '0'.repeat(-exp - 1) + digits;
  }
  return s;
}

function logic(op: 'AND' | 'OR', a0: Vec, b0: Vec, pos: SourcePos): BoolVec {
  const a = toBool(a0, pos), b = toBool(b0, pos);
  const n = a.v.length;
  const out = boolVec(n);
  for (let i = 0; i < n; i++) {
    const na = a.valid !== null && a.valid[i] === 0, nb = b.valid !== null && b.valid[i] === 0;
    const x = a.v[i]!, y = b.v[i]!;
    if (op === 'AND') {
      if ((!na && x === 0) || (!nb && y === 0)) out.v[i] = 0;
      else if (na || nb) setNull(out, i);
      else out.v[i] = 1;
    } else {
      if ((!na && x === 1) || (!nb && y === 1)) out.v[i] = 1;
      else if (na || nb) setNull(out, i);
      else out.v[i] = 0;
    }
  }
  return out;
}

/** Brings two operands to comparable representations (timestamps vs strings or numbers, numbers vs strings). */
function alignForCompare(a: Vec, b: Vec, pos: SourcePos): [Vec, Vec] {
  if (a.kind === 'ts' && b.kind !== 'ts') return [a, toTs(b, a.unit, pos)];
  if (b.kind === 'ts' && a.kind !== 'ts') return [toTs(a, b.unit, pos), b];
  if (a.kind === 'num' && b.kind === 'str') return [a, castTo(b, 'Float64', false, pos)];
  if (b.kind === 'num' && a.kind === 'str') return [castTo(a, 'Float64', false, pos), b];
  if (a.kind === 'bool' && b.kind === 'str') return [a, castTo(b, 'Boolean', false, pos)];
  if (b.kind === 'bool' && a.kind === 'str') return [castTo(a, 'Boolean', false, pos), b];
  return [a, b];
}

function toTs(v: Vec, unit: TimeUnit, pos: SourcePos): Vec {
  if (v.dt === 'Null') return v;
  return castTo(v, TS_NAME[unit], false, pos);
}

export function compare(op: string, a0: Vec, b0: Vec, pos: SourcePos): BoolVec {
  return compareWith(op, a0, b0, pos, false, false, a0.v.length);
}

/**
 * compare() where a side may be a one-row constant (aConst / bConst) standing for n equal rows:
 * the constant is cast once and read at index 0.
 */
function compareWith(op: string, a0: Vec, b0: Vec, pos: SourcePos, aConst: boolean, bConst: boolean, n: number): BoolVec {
  if (aConst && !bConst) return compareWith(FLIP[op] ?? op, b0, a0, pos, false, true, n);
  const [a, b] = alignForCompare(a0, b0, pos);
  const out = boolVec(n);
  if (a.dt === 'Null' || b.dt === 'Null') { for (let i = 0; i < n; i++) setNull(out, i); return out; }
  const av = a.v as ArrayLike<unknown>, bv = b.v as ArrayLike<unknown>;
  const code = op === '=' ? 0 : op === '!=' || op === '<>' ? 1 : op === '<' ? 2 : op === '<=' ? 3 : op === '>' ? 4 : 5;
  const iv = a.dt === 'Interval';
  if (!aConst && bConst && !iv && (a.kind === 'num' || a.kind === 'ts') && a.kind === b.kind) {
    // column vs constant over typed arrays
    if (isNull(b, 0)) { for (let i = 0; i < n; i++) setNull(out, i); return out; }
    const xs = a.v as ArrayLike<number | bigint>, y = b.v[0] as number | bigint, valid = a.valid, ov = out.v;
    switch (code) {
      case 0: for (let i = 0; i < n; i++) ov[i] = xs[i] === y ? 1 : 0; break;
      case 1: for (let i = 0; i < n; i++) ov[i] = xs[i] !== y ? 1 : 0; break;
      case 2: for (let i = 0; i < n; i++) ov[i] = xs[i]! < y ? 1 : 0; break;
      case 3: for (let i = 0; i < n; i++) ov[i] = xs[i]! <= y ? 1 : 0; break;
      case 4: for (let i = 0; i < n; i++) ov[i] = xs[i]! > y ? 1 : 0; break;
      default: for (let i = 0; i < n; i++) ov[i] = xs[i]! >= y ? 1 : 0;
    }
    if (valid) { for (let i = 0; i < n; i++) if (valid[i] === 0) ov[i] = 0; out.valid = valid.slice(); }
    return out;
  }
  for (let i = 0; i < n; i++) {
    const ai = aConst ? 0 : i, bi = bConst ? 0 : i;
    if (isNull(a, ai) || isNull(b, bi)) { setNull(out, i); continue; }
    let x = av[ai] as number | string | bigint, y = bv[bi] as number | string | bigint;
    if (iv) { x = intervalKey(x as unknown as Interval); y = intervalKey(y as unknown as Interval); }
    let r: boolean;
    switch (code) {
      case 0: r = x === y; break;
      case 1: r = x !== y; break;
      case 2: r = x < y; break;
      case 3: r = x <= y; break;
      case 4: r = x > y; break;
      default: r = x >= y;
    }
    out.v[i] = r ? 1 : 0;
  }
  return out;
}

function intervalKey(iv: Interval): bigint {
  return BigInt(iv.months) * 30n * 86_400_000_000_000n + BigInt(iv.days) * 86_400_000_000_000n + iv.nanos;
}

function arith(op: BinaryOp, a: Vec, b: Vec, pos: SourcePos): Vec {
  const n = a.v.length;
  if (a.dt === 'Null' || b.dt === 'Null') {
    const other = a.dt === 'Null' ? b : a;
    return other.dt === 'Null' ? nullVec(n) : fromValues(other.dt === 'String' ? 'Null' : other.dt, new Array(n).fill(null));
  }
  if (a.kind === 'ts' && b.dt === 'Interval' && (op === '+' || op === '-')) {
    const out = tsVec(a.unit, n);
    out.dt = a.dt;
    for (let i = 0; i < n; i++) {
      if (isNull(a, i) || isNull(b, i)) { setNull(out, i); continue; }
      out.v[i] = addInterval(a.v[i]!, b.v[i] as Interval, op === '+' ? 1 : -1);
    }
    return out;
  }
  if (b.kind === 'ts' && a.dt === 'Interval' && op === '+') return arith(op, b, a, pos);
  if (a.kind === 'ts' && b.kind === 'ts' && op === '-') {
    const v = new Array(n);
    for (let i = 0; i < n; i++) v[i] = isNull(a, i) || isNull(b, i) ? null : { months: 0, days: 0, nanos: a.v[i]! - (b.v[i] as bigint) };
    return { kind: 'any', dt: 'Interval', v };
  }
  if (a.dt === 'Interval' && b.dt === 'Interval' && (op === '+' || op === '-')) {
    const sgn = op === '+' ? 1 : -1;
    const v = new Array(n);
    for (let i = 0; i < n; i++) {
      const x = a.v[i] as Interval | null, y = b.v[i] as Interval | null;
      v[i] = x && y ? { months: x.months + sgn * y.months, days: x.days + sgn * y.days, nanos: x.nanos + BigInt(sgn) * y.nanos } : null;
    }
    return { kind: 'any', dt: 'Interval', v };
  }
  if (a.dt === 'Interval' && b.kind === 'num' && (op === '*' || op === '/')) {
    const v = new Array(n);
    for (let i = 0; i < n; i++) {
      const x = a.v[i] as Interval | null;
      const k = op === '*' ? b.v[i]! : 1 / b.v[i]!;
      v[i] = x && !isNull(b, i) ? { months: x.months * k, days: x.days * k, nanos: BigInt(Math.round(Number(x.nanos) * k)) } : null;
    }
    return { kind: 'any', dt: 'Interval', v };
  }
  if (b.dt === 'Interval' && a.kind === 'num' && op === '*') return arith(op, b, a, pos);
  const x = a.kind === 'num' ? a : a.kind === 'bool' ? null : a.kind === 'str' ? (castTo(a, 'Float64', false, pos) as NumVec) : null;
  const y = b.kind === 'num' ? b : b.kind === 'str' ? (castTo(b, 'Float64', false, pos) as NumVec) : null;
  if (!x || !y) throw new PlanError(`Cannot apply '${op}' to ${a.dt} and ${b.dt}`, pos);
  const dt = numResultType(x.dt, y.dt);
  const isInt = INT_TYPES.has(dt);
  const out = numVec(dt, n);
  const xv = x.v, yv = y.v, ov = out.v;
  let valid: Uint8Array | null = null;
  if (x.valid || y.valid) {
    valid = new Uint8Array(n);
    for (let i = 0; i < n; i++) valid[i] = (x.valid ? x.valid[i]! : 1) & (y.valid ? y.valid[i]! : 1);
  }
  switch (op) {
    case '+': for (let i = 0; i < n; i++) ov[i] = xv[i]! + yv[i]!; break;
    case '-': for (let i = 0; i < n; i++) ov[i] = xv[i]! - yv[i]!; break;
    case '*': for (let i = 0; i < n; i++) ov[i] = xv[i]! * yv[i]!; break;
    case '/':
      if (isInt) {
        for (let i = 0; i < n; i++) {
          if (valid && !valid[i]) continue;
          if (yv[i] === 0) throw new ExecError('Arrow error: Divide by zero error', pos);
          ov[i] = Math.trunc(xv[i]! / yv[i]!);
        }
      } else for (let i = 0; i < n; i++) ov[i] = xv[i]! / yv[i]!;
      break;
    case '%':
      if (isInt) {
        for (let i = 0; i < n; i++) {
          if (valid && !valid[i]) continue;
          if (yv[i] === 0) throw new ExecError('Arrow error: Divide by zero error', pos);
          ov[i] = xv[i]! % yv[i]!;
        }
      } else for (let i = 0; i < n; i++) ov[i] = xv[i]! % yv[i]!;
      break;
    case '&': for (let i = 0; i < n; i++) ov[i] = Number(BigInt(xv[i]!) & BigInt(yv[i]!)); break;
    case '|': for (let i = 0; i < n; i++) ov[i] = Number(BigInt(xv[i]!) | BigInt(yv[i]!)); break;
    case '^': case '#': for (let i = 0; i < n; i++) ov[i] = Number(BigInt(xv[i]!) ^ BigInt(yv[i]!)); break;
    case '<<': for (let i = 0; i < n; i++) ov[i] = Number(BigInt(xv[i]!) << BigInt(yv[i]!)); break;
    case '>>': for (let i = 0; i < n; i++) ov[i] = Number(BigInt(xv[i]!) >> BigInt(yv[i]!)); break;
    default: throw new PlanError(`Unsupported operator ${op}`, pos, StatusCode.Unsupported);
  }
  if (dt === 'Int32' || dt === 'Int16' || dt === 'Int8') {
    // wrap like fixed-width integers do
    const bits = dt === 'Int32' ? 32 : dt === 'Int16' ? 16 : 8;
    for (let i = 0; i < n; i++) ov[i] = Number(BigInt.asIntN(bits, BigInt(Math.trunc(ov[i]!))));
  }
  out.valid = valid;
  return out;
}

// ------------------------------------------------------------------ casts

export function sqlTypeToDt(t: DataType, pos?: SourcePos): DType {
  const name = t.name.toUpperCase();
  switch (name) {
    case 'INT8': case 'TINYINT': return 'Int8';
    case 'INT16': case 'SMALLINT': return 'Int16';
    case 'INT32': case 'INT': case 'INTEGER': return 'Int32';
    case 'INT64': case 'BIGINT': return 'Int64';
    case 'UINT8': return 'UInt8';
    case 'UINT16': return 'UInt16';
    case 'UINT32': return 'UInt32';
    case 'UINT64': return 'UInt64';
    case 'FLOAT32': case 'FLOAT': case 'REAL': return 'Float32';
    case 'FLOAT64': case 'DOUBLE': case 'DECIMAL': case 'NUMERIC': return 'Float64';
    case 'STRING': case 'VARCHAR': case 'TEXT': case 'CHAR': case 'UTF8': case 'BINARY': case 'VARBINARY': case 'JSON': return 'String';
    case 'BOOLEAN': case 'BOOL': return 'Boolean';
    case 'TIMESTAMP': case 'DATETIME': {
      const p = t.precision ?? (name === 'DATETIME' ? 6 : 3);
      return TS_NAME[p === 0 ? 's' : p <= 3 ? 'ms' : p <= 6 ? 'us' : 'ns'];
    }
    case 'TIMESTAMPSECOND': case 'TIMESTAMP_S': case 'TIMESTAMP_SEC': return 'TimestampSecond';
    case 'TIMESTAMPMILLISECOND': case 'TIMESTAMP_MS': return 'TimestampMillisecond';
    case 'TIMESTAMPMICROSECOND': case 'TIMESTAMP_US': return 'TimestampMicrosecond';
    case 'TIMESTAMPNANOSECOND': case 'TIMESTAMP_NS': return 'TimestampNanosecond';
    case 'DATE': return 'Date';
    case 'INTERVAL': return 'Interval';
  }
  if (/^U?INT|^FLOAT|^STRING|^BOOL|^TIMESTAMP/.test(name)) {
    const m = /^(U?)INT(\d+)/.exec(name);
    if (m) return `${m[1] ? 'UInt' : 'Int'}${m[2]}`;
  }
  throw new PlanError(`Unsupported data type ${t.raw}`, pos ?? t.pos, StatusCode.InvalidSyntax);
}

export function castVec(v: Vec, t: DataType, tryCast: boolean, pos?: SourcePos): Vec {
  return castTo(v, sqlTypeToDt(t, pos), tryCast, pos);
}

export function castTo(v: Vec, dt: DType, tryCast: boolean, pos?: SourcePos): Vec {
  const n = v.v.length;
  if (v.dt === dt) return v;
  if (v.dt === 'Null') return dt === 'Null' ? v : fromValues(dt, new Array(n).fill(null));
  const fail = (x: unknown): null => {
    if (tryCast) return null;
    throw new ExecError(`Cannot cast ${typeof x === 'string' ? `string '${x}'` : String(x)} to value of ${dt} type`, pos, StatusCode.InvalidArguments);
  };
  const tsUnit = TS_TYPES[dt] ?? (dt === 'Date' ? 'ms' : undefined);
  if (INT_TYPES.has(dt) || FLOAT_TYPES.has(dt)) {
    const out = numVec(dt, n);
    const isInt = INT_TYPES.has(dt);
    for (let i = 0; i < n; i++) {
      if (isNull(v, i)) { setNull(out, i); continue; }
      let x: number | null;
      const raw = v.v[i];
      if (v.kind === 'num') x = v.v[i]!;
      else if (v.kind === 'bool') x = v.v[i]!;
      else if (v.kind === 'ts') x = Number(v.dt === 'Date' ? (raw as bigint) / 86_400_000_000_000n : nsToUnit(raw as bigint, v.unit));
      else if (v.kind === 'str') {
        const s = String(raw).trim();
        x = s === '' || !/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$|^[+-]?(inf|infinity|nan)$/i.test(s) ? fail(raw) : s.toLowerCase().includes('inf') ? (s.startsWith('-') ? -Infinity : Infinity) : Number(s);
        if (x !== null && isInt && !Number.isInteger(x)) x = fail(raw);
      } else x = fail(raw);
      if (x === null) { setNull(out, i); continue; }
      out.v[i] = isInt ? Math.trunc(x) : dt === 'Float32' ? Math.fround(x) : x;
    }
    return out;
  }
  if (tsUnit) {
    const out = tsVec(tsUnit, n);
    out.dt = dt;
    for (let i = 0; i < n; i++) {
      if (isNull(v, i)) { setNull(out, i); continue; }
      let ns: bigint | null;
      if (v.kind === 'ts') ns = v.v[i]!;
      else if (v.kind === 'num') ns = dt === 'Date' ? BigInt(Math.trunc(v.v[i]!)) * 86_400_000_000_000n : BigInt(Math.trunc(v.v[i]!)) * UNIT_NS[tsUnit];
      else if (v.kind === 'str') {
        const s = v.v[i]!;
        ns = parseTimestampNs(s);
        if (ns === null && /^-?\d+$/.test(s.trim())) ns = BigInt(s.trim()) * UNIT_NS[tsUnit];
        if (ns === null) ns = fail(s);
      } else ns = fail(v.v[i]);
      if (ns === null) { setNull(out, i); continue; }
      if (dt === 'Date') ns = (ns / 86_400_000_000_000n) * 86_400_000_000_000n;
      else ns = (ns / UNIT_NS[tsUnit]) * UNIT_NS[tsUnit];
      out.v[i] = ns;
    }
    return out;
  }
  if (dt === 'String') {
    const out = strVec(n);
    for (let i = 0; i < n; i++) if (!isNull(v, i)) out.v[i] = v.kind === 'bool' ? (v.v[i] ? 'true' : 'false') : displayValue(v, i);
    return out;
  }
  if (dt === 'Boolean') {
    const out = boolVec(n);
    for (let i = 0; i < n; i++) {
      if (isNull(v, i)) { setNull(out, i); continue; }
      if (v.kind === 'num') out.v[i] = v.v[i] !== 0 ? 1 : 0;
      else if (v.kind === 'str') {
        const s = v.v[i]!.trim().toLowerCase();
        if (['true', 't', '1', 'yes', 'y', 'on'].includes(s)) out.v[i] = 1;
        else if (['false', 'f', '0', 'no', 'n', 'off'].includes(s)) out.v[i] = 0;
        else if (fail(v.v[i]) === null) setNull(out, i);
      } else if (fail(v.v[i]) === null) setNull(out, i);
    }
    return out;
  }
  if (dt === 'Interval') {
    const vals = new Array(n);
    for (let i = 0; i < n; i++) vals[i] = isNull(v, i) ? null : v.kind === 'str' ? parseInterval(v.v[i]!) ?? fail(v.v[i]) : fail(v.v[i]);
    return { kind: 'any', dt: 'Interval', v: vals };
  }
  throw new ExecError(`Unsupported cast from ${v.dt} to ${dt}`, pos, StatusCode.Unsupported);
}

/** Applies f to every timestamp (or timestamp-like string) of v; numbers come back as Float64. */
export function mapTs(v: Vec, f: (ns: bigint) => number, pos?: SourcePos): NumVec {
  const src = v.kind === 'ts' ? v : (castTo(v, 'TimestampNanosecond', false, pos) as TsVec);
  const n = src.v.length;
  const out = numVec('Float64', n);
  for (let i = 0; i < n; i++) {
    if (isNull(src, i)) setNull(out, i);
    else out.v[i] = f(src.v[i]!);
  }
  return out;
}

export { InvalidArgumentError };
export type { StrVec };
