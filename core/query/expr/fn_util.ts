// Shared helpers of the scalar function families: argument coercion and per-family result builders.
import type { FunctionCall } from '../../sql/index.ts';
import { StatusCode } from '../../errors.ts';
import type { Scope } from './scope.ts';
import { castTo } from './cast.ts';
import type { DType, Interval, NumVec, TsVec, Vec } from '../vector.ts';
import { INT_TYPES, boolVec, constOf, getValue, isNull, numVec, setNull, strVec, vlen } from '../vector.ts';
import { intervalNs, parseInterval } from './time.ts';
import { displayValue } from './cast.ts';
import { PlanError } from '../plan/rel.ts';

/** A scalar function over evaluated argument vectors (n rows). */
export type Fn = (args: Vec[], n: number, s: Scope, call: FunctionCall) => Vec;

export function num(v: Vec, call: FunctionCall): NumVec {
  if (v.kind === 'num') return v;
  if (v.dt === 'Null') return castTo(v, 'Float64', false) as NumVec;
  if (v.kind === 'str') return castTo(v, 'Float64', false, call.pos) as NumVec;
  if (v.kind === 'bool') return castTo(v, 'Int64', false) as NumVec;
  throw new PlanError(`Function ${call.name.map((p) => p.value).join('.')} expects a number, got ${v.dt}`, call.pos);
}

export function math1(f: (x: number) => number, keepInt = false): Fn {
  return (args, n, _s, call) => {
    const a = num(args[0]!, call);
    // a Float32 stays one (DataFusion's math functions have Float32 kernels): each result rounded to 32 bits
    const f32 = a.dt === 'Float32';
    const out = numVec(keepInt && INT_TYPES.has(a.dt) ? a.dt : f32 ? 'Float32' : 'Float64', n);
    if (f32) for (let i = 0; i < n; i++) out.v[i] = Math.fround(f(a.v[i]!));
    else for (let i = 0; i < n; i++) out.v[i] = f(a.v[i]!);
    out.valid = a.valid;
    return out;
  };
}

export function math2(f: (x: number, y: number) => number, dt?: DType): Fn {
  return (args, n, _s, call) => {
    const a = num(args[0]!, call), b = num(args[1]!, call);
    const out = numVec(dt ?? 'Float64', n);
    for (let i = 0; i < n; i++) {
      if (isNull(a, i) || isNull(b, i)) setNull(out, i);
      else out.v[i] = f(a.v[i]!, b.v[i]!);
    }
    return out;
  };
}

export function str1(f: (x: string) => string | null): Fn {
  return (args, n) => {
    const a = args[0]!;
    const out = strVec(n);
    for (let i = 0; i < n; i++) if (!isNull(a, i)) out.v[i] = f(displayValue(a, i));
    return out;
  };
}

export function strN(f: (xs: unknown[]) => string | null, nullIfAny = true): Fn {
  return (args, n) => {
    const out = strVec(n);
    for (let i = 0; i < n; i++) {
      const xs = args.map((a) => (isNull(a, i) ? null : a.kind === 'str' ? a.v[i] : a.kind === 'num' ? a.v[i] : displayValue(a, i)));
      if (nullIfAny && xs.some((x) => x === null)) continue;
      out.v[i] = f(xs);
    }
    return out;
  };
}

export function intOf(args: Vec[], n: number, f: (xs: unknown[]) => number | null, dt = 'Int64'): Vec {
  const out = numVec(dt, n);
  for (let i = 0; i < n; i++) {
    const xs = args.map((a) => getValue(a, i));
    const r = xs.some((x) => x === null) ? null : f(xs);
    if (r === null) setNull(out, i);
    else out.v[i] = r;
  }
  return out;
}

export function boolOf(args: Vec[], n: number, f: (xs: unknown[]) => boolean | null): Vec {
  const out = boolVec(n);
  for (let i = 0; i < n; i++) {
    const xs = args.map((a) => getValue(a, i));
    const r = xs.some((x) => x === null) ? null : f(xs);
    if (r === null) setNull(out, i);
    else out.v[i] = r ? 1 : 0;
  }
  return out;
}

export function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

export function constText(v: Vec | undefined, what: string, call: FunctionCall): string {
  if (!v || v.v.length === 0) return '';
  const x = getValue(v, 0);
  if (x === null) throw new PlanError(`${what} must not be NULL`, call.pos);
  return String(x);
}

export function intervalArg(v: Vec, call: FunctionCall): bigint {
  const k = constOf(v);
  const x = k ? k.value : vlen(v) ? getValue(v, 0) : null;
  if (x && typeof x === 'object') return intervalNs(x as Interval);
  if (typeof x === 'string') {
    const iv = parseInterval(x);
    if (iv) return intervalNs(iv);
  }
  throw new PlanError(`Expected an interval, got ${v.dt}`, call.pos, StatusCode.InvalidArguments);
}

export function asTs(v: Vec, call: FunctionCall): TsVec {
  if (v.kind === 'ts') return v;
  return castTo(v, 'TimestampNanosecond', false, call.pos) as TsVec;
}
