// Compiles core/sql expressions into closures; a binder resolves the names of the scope (row columns, group keys, aggregates).
import { InvalidArgumentError, exprToSql, parseTimestampNs } from '../core/index.ts';
import { isDurationSyntax, scanInterval } from '../core/duration.ts';
import type { Expr, SourcePos } from '../core/index.ts';
import type { FlowValue } from './types.ts';
import { FlowEvalError, arith, compare, isTrue, likeToRegExp, toBool, toNumber } from './values.ts';

export type Fn<S> = (s: S, i: number) => FlowValue;
/** Returns a closure for an expression the scope knows (a column, a group key, an aggregate), else undefined. */
export type Binder<S> = (e: Expr) => Fn<S> | undefined;

export function unsupported(what: string, pos: SourcePos | undefined): InvalidArgumentError {
  return new InvalidArgumentError(`${what} is not supported in a flow`, pos ? { line: pos.line, column: pos.column } : undefined);
}

export function positioned(msg: string, pos: SourcePos | undefined): InvalidArgumentError {
  return new InvalidArgumentError(msg, pos ? { line: pos.line, column: pos.column } : undefined);
}

export function sqlText(e: Expr): string {
  return exprToSql(e);
}

/** An interval or duration literal ('5m', INTERVAL '1 minute', '1h30m') in ns; calendar months are rejected. */
export function durationNs(e: Expr, what: string): bigint {
  let text: string | undefined;
  let unit: string | undefined;
  // '10s'::INTERVAL and CAST('10s' AS INTERVAL) read like INTERVAL '10s'.
  if (e.type === 'cast' && /^INTERVAL/i.test(e.dataType.raw) && e.expr.type === 'string') e = e.expr;
  if (e.type === 'typed_string' && /^INTERVAL/i.test(e.dataType.raw)) e = { type: 'string', value: e.value, pos: e.pos };
  if (e.type === 'interval' && (e.value.type === 'string' || e.value.type === 'number')) {
    text = e.value.value;
    unit = e.unit?.toLowerCase();
  } else if (e.type === 'string') text = e.value;
  else if (e.type === 'number') text = e.value + 's';
  const iv = text === undefined ? undefined : scanInterval(text, unit ?? 'second');
  if (!iv) throw positioned(`${what}: expected a duration such as '1 minute' or INTERVAL '5m'`, e.pos);
  if (isDurationSyntax(iv)) throw positioned(`${what}: '${text}' is not a duration: ${iv.error} at position ${iv.offset + 1}`, e.pos);
  if (iv.months !== 0) throw positioned(`${what}: month-based intervals are not supported in a flow window`, e.pos);
  return BigInt(iv.days) * 86_400_000_000_000n + iv.nanos;
}

/** A timestamp literal ('2021-07-01 00:00:00', TIMESTAMP '...', or an integer of ns) in ns. */
export function timestampNs(e: Expr, what: string): bigint {
  // '2021-07-01 00:00:00'::Timestamp / CAST(... AS TimestampNanosecond): the literal is the instant either way.
  if (e.type === 'cast' && /^TIMESTAMP/i.test(e.dataType.raw) && (e.expr.type === 'string' || e.expr.type === 'number')) e = e.expr;
  if (e.type === 'string' || e.type === 'typed_string') {
    const v = parseTimestampNs(e.value);
    if (v !== null) return v;
  }
  if (e.type === 'number' && /^-?\d+$/.test(e.value)) return BigInt(e.value);
  throw positioned(`${what}: expected a timestamp literal such as '2024-01-01 00:00:00'`, e.pos);
}

const MATH: Record<string, (x: number) => number> = {
  abs: Math.abs, floor: Math.floor, ceil: Math.ceil, ceiling: Math.ceil, sqrt: Math.sqrt, ln: Math.log,
  log10: Math.log10, log2: Math.log2, exp: Math.exp, sign: Math.sign, signum: Math.sign,
};

export function compileExpr<S>(e: Expr, bind: Binder<S>): Fn<S> {
  const bound = bind(e);
  if (bound) return bound;
  const sub = (x: Expr): Fn<S> => compileExpr(x, bind);
  switch (e.type) {
    case 'number': {
      const v = Number(e.value);
      return () => v;
    }
    case 'string': {
      const v = e.value;
      return () => v;
    }
    case 'boolean': {
      const v = e.value;
      return () => v;
    }
    case 'null':
      return () => null;
    case 'interval': {
      const v = durationNs(e, 'INTERVAL');
      return () => v;
    }
    case 'typed_string': {
      const v = parseTimestampNs(e.value);
      if (v === null) throw positioned(`Invalid ${e.dataType.name} literal '${e.value}'`, e.pos);
      return () => v;
    }
    case 'column':
      throw positioned(`Column ${e.path.map((p) => p.value).join('.')} is not available here`, e.pos);
    case 'unary': {
      const x = sub(e.expr);
      if (e.op === 'NOT') return (s, i) => { const b = toBool(x(s, i)); return b === null ? null : !b; };
      if (e.op === '-') return (s, i) => { const v = x(s, i); return v === null ? null : typeof v === 'bigint' ? -v : -toNumber(v, '-')!; };
      if (e.op === '+') return x;
      throw unsupported(`Unary operator ${e.op}`, e.pos);
    }
    case 'binary':
      return compileBinary(e.op, sub(e.left), sub(e.right), e.pos);
    case 'is': {
      const x = sub(e.expr);
      const t = e.test;
      const neg = e.negated;
      return (s, i) => {
        const v = x(s, i);
        const r = t === 'NULL' ? v === null : t === 'UNKNOWN' ? v === null : t === 'TRUE' ? toBool(v) === true : toBool(v) === false;
        return neg ? !r : r;
      };
    }
    case 'is_distinct': {
      const l = sub(e.left);
      const r = sub(e.right);
      const neg = e.negated;
      return (s, i) => {
        const a = l(s, i);
        const b = r(s, i);
        const distinct = a === null || b === null ? a !== b : compare(a, b) !== 0;
        return neg ? !distinct : distinct;
      };
    }
    case 'in_list': {
      const x = sub(e.expr);
      const list = e.list.map(sub);
      const neg = e.negated;
      return (s, i) => {
        const v = x(s, i);
        if (v === null) return null;
        let sawNull = false;
        for (const f of list) {
          const c = compare(v, f(s, i));
          if (c === null) sawNull = true;
          else if (c === 0) return !neg;
        }
        return sawNull ? null : neg;
      };
    }
    case 'between': {
      const x = sub(e.expr);
      const lo = sub(e.low);
      const hi = sub(e.high);
      const neg = e.negated;
      return (s, i) => {
        const v = x(s, i);
        const a = compare(v, lo(s, i));
        const b = compare(v, hi(s, i));
        if (a === null || b === null) return null;
        const r = a >= 0 && b <= 0;
        return neg ? !r : r;
      };
    }
    case 'like': {
      const x = sub(e.expr);
      const neg = e.negated;
      const esc = e.escape?.type === 'string' ? e.escape.value : '\\';
      const fixed = e.pattern.type === 'string' ? likeToRegExp(e.pattern.value, e.caseInsensitive, esc) : null;
      const pat = sub(e.pattern);
      const ci = e.caseInsensitive;
      return (s, i) => {
        const v = x(s, i);
        if (v === null) return null;
        let re = fixed;
        if (!re) {
          const p = pat(s, i);
          if (p === null) return null;
          re = likeToRegExp(String(p), ci, esc);
        }
        const r = re.test(String(v));
        return neg ? !r : r;
      };
    }
    case 'case': {
      const op = e.operand ? sub(e.operand) : null;
      const whens = e.whens.map((w) => [sub(w.when), sub(w.then)] as const);
      const els = e.else ? sub(e.else) : () => null;
      return (s, i) => {
        const o = op ? op(s, i) : null;
        for (const [w, t] of whens) {
          const wv = w(s, i);
          if (op ? compare(o, wv) === 0 : isTrue(wv)) return t(s, i);
        }
        return els(s, i);
      };
    }
    case 'cast':
      return compileCast(sub(e.expr), e.dataType.name, e.syntax === 'try_cast', e.pos);
    case 'function':
      return compileScalarCall(e, sub);
    default:
      throw unsupported(`Expression ${sqlText(e)}`, e.pos);
  }
}

function compileBinary<S>(op: string, l: Fn<S>, r: Fn<S>, pos: SourcePos): Fn<S> {
  switch (op) {
    case 'AND':
      return (s, i) => {
        const a = toBool(l(s, i));
        if (a === false) return false;
        const b = toBool(r(s, i));
        if (b === false) return false;
        return a === null || b === null ? null : true;
      };
    case 'OR':
      return (s, i) => {
        const a = toBool(l(s, i));
        if (a === true) return true;
        const b = toBool(r(s, i));
        if (b === true) return true;
        return a === null || b === null ? null : false;
      };
    case '=': return (s, i) => { const c = compare(l(s, i), r(s, i)); return c === null ? null : c === 0; };
    case '!=':
    case '<>': return (s, i) => { const c = compare(l(s, i), r(s, i)); return c === null ? null : c !== 0; };
    case '<': return (s, i) => { const c = compare(l(s, i), r(s, i)); return c === null ? null : c < 0; };
    case '<=': return (s, i) => { const c = compare(l(s, i), r(s, i)); return c === null ? null : c <= 0; };
    case '>': return (s, i) => { const c = compare(l(s, i), r(s, i)); return c === null ? null : c > 0; };
    case '>=': return (s, i) => { const c = compare(l(s, i), r(s, i)); return c === null ? null : c >= 0; };
    case '+': case '-': case '*': case '/': case '%':
      return (s, i) => arith(op, l(s, i), r(s, i));
    case '||':
      return (s, i) => { const a = l(s, i); const b = r(s, i); return a === null || b === null ? null : String(a) + String(b); };
    case '~': case '~*': case '!~': case '!~*': {
      const neg = op.startsWith('!');
      const flags = op.endsWith('*') ? 'i' : '';
      return (s, i) => {
        const a = l(s, i);
        const b = r(s, i);
        if (a === null || b === null) return null;
        const m = new RegExp(String(b), flags).test(String(a));
        return neg ? !m : m;
      };
    }
    default:
      throw unsupported(`Operator ${op}`, pos);
  }
}

function compileCast<S>(x: Fn<S>, type: string, lenient: boolean, pos: SourcePos): Fn<S> {
  const conv = (v: FlowValue): FlowValue => {
    if (v === null) return null;
    if (/^(U?INT\d*|BIGINT|SMALLINT|TINYINT|INTEGER)$/.test(type)) return Math.trunc(toNumber(v, 'CAST')!);
    if (/^(FLOAT\d*|DOUBLE|REAL|DECIMAL|NUMERIC)$/.test(type)) return toNumber(v, 'CAST');
    if (/^(STRING|VARCHAR|TEXT|CHAR)$/.test(type)) return String(v);
    if (type === 'BOOLEAN') return toBool(typeof v === 'string' ? v.toLowerCase() === 'true' : v);
    if (type.startsWith('TIMESTAMP') || type === 'DATE') {
      if (typeof v === 'bigint') return v;
      const t = typeof v === 'string' ? parseTimestampNs(v) : BigInt(Math.trunc(v as number));
      if (t === null) throw new FlowEvalError(`Cannot cast '${String(v)}' to ${type}`);
      return t;
    }
    throw unsupported(`CAST to ${type}`, pos);
  };
  if (!/^(U?INT\d*|BIGINT|SMALLINT|TINYINT|INTEGER|FLOAT\d*|DOUBLE|REAL|DECIMAL|NUMERIC|STRING|VARCHAR|TEXT|CHAR|BOOLEAN|DATE)$/.test(type) && !type.startsWith('TIMESTAMP')) {
    throw unsupported(`CAST to ${type}`, pos);
  }
  return (s, i) => {
    if (!lenient) return conv(x(s, i));
    try { return conv(x(s, i)); } catch { return null; }
  };
}

function compileScalarCall<S>(e: Expr & { type: 'function' }, sub: (x: Expr) => Fn<S>): Fn<S> {
  const name = e.name[e.name.length - 1]!.value.toLowerCase();
  const args = e.args.map(sub);
  const a0 = args[0];
  const math = MATH[name];
  if (math && args.length === 1) return (s, i) => { const v = toNumber(a0!(s, i), name); return v === null ? null : math(v); };
  switch (name) {
    case 'round':
    case 'trunc': {
      const f = name === 'round' ? Math.round : Math.trunc;
      const digits = args[1];
      return (s, i) => {
        const v = toNumber(a0!(s, i), name);
        if (v === null) return null;
        const d = digits ? toNumber(digits(s, i), name) ?? 0 : 0;
        const m = 10 ** d;
        return f(v * m) / m;
      };
    }
    case 'power':
    case 'pow':
      return (s, i) => { const a = toNumber(a0!(s, i), name); const b = toNumber(args[1]!(s, i), name); return a === null || b === null ? null : a ** b; };
    case 'lower':
    case 'upper':
      return (s, i) => { const v = a0!(s, i); return v === null ? null : name === 'lower' ? String(v).toLowerCase() : String(v).toUpperCase(); };
    case 'length':
    case 'char_length':
    case 'character_length':
      return (s, i) => { const v = a0!(s, i); return v === null ? null : [...String(v)].length; };
    case 'concat':
      return (s, i) => args.map((f) => f(s, i)).filter((v) => v !== null).map(String).join('');
    case 'coalesce':
      return (s, i) => { for (const f of args) { const v = f(s, i); if (v !== null) return v; } return null; };
    case 'nullif':
      return (s, i) => { const a = a0!(s, i); return compare(a, args[1]!(s, i)) === 0 ? null : a; };
    case 'greatest':
    case 'least': {
      const sign = name === 'greatest' ? 1 : -1;
      return (s, i) => {
        let best: FlowValue = null;
        for (const f of args) { const v = f(s, i); if (v !== null && (best === null || compare(v, best)! * sign > 0)) best = v; }
        return best;
      };
    }
    case 'regexp_like': {
      const fixed = e.args[1]?.type === 'string' ? new RegExp(e.args[1].value) : null;
      return (s, i) => {
        const v = a0!(s, i);
        if (v === null) return null;
        return (fixed ?? new RegExp(String(args[1]!(s, i)))).test(String(v));
      };
    }
    default:
      throw unsupported(`Function ${name}()`, e.pos);
  }
}
