// Scalar functions (math, string, time) over column vectors, and the names of aggregate / window functions.
import { StatusCode } from '../../errors.ts';
import type { FunctionCall } from '../../sql/index.ts';
import type { Scope } from './eval.ts';
import { ExecError, castTo, commonType, coerceTo, constVec, displayValue, mapTs } from './eval.ts';
import type { DType, NumVec, TsVec, Vec, Interval } from '../vector.ts';
import { FLOAT_TYPES, INT_TYPES, TS_TYPES, UNIT_NS, boolVec, constOf, fromValues, getValue, isNull, numVec, setNull, strVec, tsVec, vlen } from '../vector.ts';
import { floorDiv, intervalNs, parseInterval, parseTimestampNs, truncTo, datePart, nsToUnit } from './time.ts';
import { PlanError } from '../plan/rel.ts';
import { matchesFn } from './matches.ts';
import { hllCount, uddsketchCalc } from '../aggregate/sketch.ts';

export const AGGREGATES = new Set([
  'count', 'sum', 'avg', 'mean', 'min', 'max', 'first_value', 'last_value', 'stddev', 'stddev_samp', 'stddev_pop', 'var', 'variance',
  'var_samp', 'var_pop', 'median', 'approx_median', 'approx_percentile_cont', 'approx_percentile_cont_with_weight', 'approx_distinct',
  'array_agg', 'string_agg', 'bool_and', 'bool_or', 'bit_and', 'bit_or', 'bit_xor', 'corr', 'covar', 'covar_samp', 'covar_pop',
  'regr_slope', 'regr_intercept', 'regr_count', 'regr_r2', 'regr_avgx', 'regr_avgy', 'regr_sxx', 'regr_syy', 'regr_sxy', 'last_non_null', 'first_non_null',
  'percentile_cont', 'grouping', 'hll', 'hll_merge', 'uddsketch_state', 'uddsketch_merge',
]);
export const WINDOW_ONLY = new Set(['row_number', 'rank', 'dense_rank', 'percent_rank', 'cume_dist', 'ntile', 'lag', 'lead', 'nth_value']);

export function isAggregateName(name: string): boolean {
  return AGGREGATES.has(name);
}

type Fn = (args: Vec[], n: number, s: Scope, call: FunctionCall) => Vec;

function num(v: Vec, call: FunctionCall): NumVec {
  if (v.kind === 'num') return v;
  if (v.dt === 'Null') return castTo(v, 'Float64', false) as NumVec;
  if (v.kind === 'str') return castTo(v, 'Float64', false, call.pos) as NumVec;
  if (v.kind === 'bool') return castTo(v, 'Int64', false) as NumVec;
  throw new PlanError(`Function ${call.name.map((p) => p.value).join('.')} expects a number, got ${v.dt}`, call.pos);
}

function math1(f: (x: number) => number, keepInt = false): Fn {
  return (args, n, _s, call) => {
    const a = num(args[0]!, call);
    const out = numVec(keepInt && INT_TYPES.has(a.dt) ? a.dt : 'Float64', n);
    for (let i = 0; i < n; i++) out.v[i] = f(a.v[i]!);
    out.valid = a.valid;
    return out;
  };
}

function math2(f: (x: number, y: number) => number, dt?: DType): Fn {
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

function str1(f: (x: string) => string | null): Fn {
  return (args, n) => {
    const a = args[0]!;
    const out = strVec(n);
    for (let i = 0; i < n; i++) if (!isNull(a, i)) out.v[i] = f(displayValue(a, i));
    return out;
  };
}

function strN(f: (xs: unknown[]) => string | null, nullIfAny = true): Fn {
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

function intOf(args: Vec[], n: number, f: (xs: unknown[]) => number | null, dt = 'Int64'): Vec {
  const out = numVec(dt, n);
  for (let i = 0; i < n; i++) {
    const xs = args.map((a) => getValue(a, i));
    const r = xs.some((x) => x === null) ? null : f(xs);
    if (r === null) setNull(out, i);
    else out.v[i] = r;
  }
  return out;
}

function boolOf(args: Vec[], n: number, f: (xs: unknown[]) => boolean | null): Vec {
  const out = boolVec(n);
  for (let i = 0; i < n; i++) {
    const xs = args.map((a) => getValue(a, i));
    const r = xs.some((x) => x === null) ? null : f(xs);
    if (r === null) setNull(out, i);
    else out.v[i] = r ? 1 : 0;
  }
  return out;
}

function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

function constText(v: Vec | undefined, what: string, call: FunctionCall): string {
  if (!v || v.v.length === 0) return '';
  const x = getValue(v, 0);
  if (x === null) throw new PlanError(`${what} must not be NULL`, call.pos);
  return String(x);
}

function intervalArg(v: Vec, call: FunctionCall): bigint {
  const k = constOf(v);
  const x = k ? k.value : vlen(v) ? getValue(v, 0) : null;
  if (x && typeof x === 'object') return intervalNs(x as Interval);
  if (typeof x === 'string') {
    const iv = parseInterval(x);
    if (iv) return intervalNs(iv);
  }
  throw new PlanError(`Expected an interval, got ${v.dt}`, call.pos, StatusCode.InvalidArguments);
}

function asTs(v: Vec, call: FunctionCall): TsVec {
  if (v.kind === 'ts') return v;
  return castTo(v, 'TimestampNanosecond', false, call.pos) as TsVec;
}

const F: Record<string, Fn> = {
  abs: math1(Math.abs, true),
  ceil: math1(Math.ceil),
  floor: math1(Math.floor),
  round: (args, n, s, call) => {
    const a = num(args[0]!, call);
    const d = args[1] ? num(args[1], call) : null;
    const out = numVec(FLOAT_TYPES.has(a.dt) || !INT_TYPES.has(a.dt) ? 'Float64' : a.dt, n);
    for (let i = 0; i < n; i++) {
      if (isNull(a, i) || (d && isNull(d, i))) { setNull(out, i); continue; }
      const p = d ? 10 ** d.v[i]! : 1;
      out.v[i] = roundHalfAway(a.v[i]! * p) / p;
    }
    return out;
  },
  trunc: math1(Math.trunc),
  sqrt: math1(Math.sqrt),
  cbrt: math1(Math.cbrt),
  exp: math1(Math.exp),
  ln: math1(Math.log),
  log2: math1(Math.log2),
  log10: math1(Math.log10),
  log: (args, n, s, call) => (args.length === 1 ? math1(Math.log10)(args, n, s, call) : math2((b, x) => Math.log(x) / Math.log(b))(args, n, s, call)),
  sin: math1(Math.sin), cos: math1(Math.cos), tan: math1(Math.tan), asin: math1(Math.asin), acos: math1(Math.acos), atan: math1(Math.atan),
  sinh: math1(Math.sinh), cosh: math1(Math.cosh), tanh: math1(Math.tanh),
  atan2: math2(Math.atan2),
  degrees: math1((x) => (x * 180) / Math.PI), radians: math1((x) => (x * Math.PI) / 180),
  signum: math1(Math.sign),
  power: math2(Math.pow), pow: math2(Math.pow),
  pi: (_a, n) => constVec('Float64', Math.PI, n),
  random: (_a, n) => { const o = numVec('Float64', n); for (let i = 0; i < n; i++) o.v[i] = Math.random(); return o; },
  gcd: (args, n) => intOf(args, n, ([a, b]) => { let x = Math.abs(Number(a)), y = Math.abs(Number(b)); while (y) [x, y] = [y, x % y]; return x; }),
  lcm: (args, n) => intOf(args, n, ([a, b]) => { let x = Math.abs(Number(a)), y = Math.abs(Number(b)); const p = x * y; while (y) [x, y] = [y, x % y]; return x ? p / x : 0; }),
  isnan: (args, n) => boolOf(args, n, ([x]) => Number.isNaN(Number(x))),
  iszero: (args, n) => boolOf(args, n, ([x]) => Number(x) === 0),
  greatest: (args, n) => pickN(args, n, (a, b) => a > b),
  least: (args, n) => pickN(args, n, (a, b) => a < b),
  coalesce: (args, n) => {
    const dt = commonType(args.map((a) => a.dt));
    const cs = args.map((a) => coerceTo(a, dt));
    const vals = new Array(n).fill(null);
    for (let i = 0; i < n; i++) for (const c of cs) if (!isNull(c, i)) { vals[i] = getValue(c, i); break; }
    return fromValues(dt, vals);
  },
  nullif: (args, n) => {
    const [a, b] = args as [Vec, Vec];
    const vals = new Array(n);
    for (let i = 0; i < n; i++) { const x = getValue(a, i); const y = getValue(b, i); vals[i] = x !== null && y !== null && String(x) === String(y) ? null : x; }
    return fromValues(a.dt, vals);
  },
  isnull: (args, n) => { const o = boolVec(n); for (let i = 0; i < n; i++) o.v[i] = isNull(args[0]!, i) ? 1 : 0; return o; },
  length: (args, n) => intOf(args, n, ([x]) => [...String(x)].length, 'Int32'),
  char_length: (args, n) => intOf(args, n, ([x]) => [...String(x)].length, 'Int32'),
  character_length: (args, n) => intOf(args, n, ([x]) => [...String(x)].length, 'Int32'),
  octet_length: (args, n) => intOf(args, n, ([x]) => new TextEncoder().encode(String(x)).length, 'Int32'),
  bit_length: (args, n) => intOf(args, n, ([x]) => new TextEncoder().encode(String(x)).length * 8, 'Int32'),
  ascii: (args, n) => intOf(args, n, ([x]) => String(x).codePointAt(0) ?? 0, 'Int32'),
  strpos: (args, n) => intOf(args, n, ([x, y]) => String(x).indexOf(String(y)) + 1, 'Int32'),
  instr: (args, n) => intOf(args, n, ([x, y]) => String(x).indexOf(String(y)) + 1, 'Int32'),
  lower: str1((x) => x.toLowerCase()),
  upper: str1((x) => x.toUpperCase()),
  initcap: str1((x) => x.toLowerCase().replace(/(^|[^a-z0-9])([a-z])/g, (_m, p: string, c: string) => p + c.toUpperCase())),
  reverse: str1((x) => [...x].reverse().join('')),
  trim: str1((x) => x.trim()), btrim: strN(([x, c]) => trimChars(String(x), c === undefined ? ' ' : String(c), true, true)),
  ltrim: strN(([x, c]) => trimChars(String(x), c === undefined ? ' ' : String(c), true, false)),
  rtrim: strN(([x, c]) => trimChars(String(x), c === undefined ? ' ' : String(c), false, true)),
  md5: str1((x) => x),
  to_hex: str1((x) => Number(x).toString(16)),
  chr: str1((x) => String.fromCodePoint(Number(x))),
  concat: strN((xs) => xs.filter((x) => x !== null).map(String).join(''), false),
  concat_ws: strN(([sep, ...xs]) => (sep === null ? null : xs.filter((x) => x !== null).map(String).join(String(sep))), false),
  replace: strN(([x, a, b]) => String(x).split(String(a)).join(String(b))),
  repeat: strN(([x, k]) => String(x).repeat(Math.max(0, Number(k)))),
  left: strN(([x, k]) => { const c = [...String(x)]; const m = Number(k); return (m >= 0 ? c.slice(0, m) : c.slice(0, Math.max(0, c.length + m))).join(''); }),
  right: strN(([x, k]) => { const c = [...String(x)]; const m = Number(k); return (m >= 0 ? c.slice(Math.max(0, c.length - m)) : c.slice(-m)).join(''); }),
  lpad: strN(([x, k, p]) => pad(String(x), Number(k), p === undefined ? ' ' : String(p), true)),
  rpad: strN(([x, k, p]) => pad(String(x), Number(k), p === undefined ? ' ' : String(p), false)),
  substr: strN(([x, st, len]) => substr(String(x), Number(st), len === undefined ? undefined : Number(len))),
  substring: strN(([x, st, len]) => substr(String(x), Number(st), len === undefined ? undefined : Number(len))),
  split_part: strN(([x, d, k]) => { const parts = String(x).split(String(d)); const i = Number(k); const p = i > 0 ? parts[i - 1] : parts[parts.length + i]; return p ?? ''; }),
  translate: strN(([x, from, to]) => [...String(x)].map((c) => { const j = String(from).indexOf(c); return j < 0 ? c : String(to)[j] ?? ''; }).join('')),
  starts_with: (args, n) => boolOf(args, n, ([x, p]) => String(x).startsWith(String(p))),
  ends_with: (args, n) => boolOf(args, n, ([x, p]) => String(x).endsWith(String(p))),
  regexp_like: (args, n) => boolOf(args, n, ([x, p, f]) => new RegExp(String(p), f ? String(f) : '').test(String(x))),
  regexp_replace: strN(([x, p, r, f]) => String(x).replace(new RegExp(String(p), f ? String(f).replace(/[^gimsuy]/g, '') : ''), String(r).replace(/\\(\d)/g, '$$$1'))),
  matches: (args, n, _s, call) => matchesFn(args, n, call),
  hll_count: (args, n) => hllCount(args, n),
  uddsketch_calc: (args, n) => uddsketchCalc(args, n),
  matches_term: (args, n) => boolOf(args, n, ([x, t]) => new RegExp(`(^|[^A-Za-z0-9])${String(t).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^A-Za-z0-9])`).test(String(x))),
  arrow_typeof: (args, n) => constVec('String', arrowTypeName(args[0]!.dt), n),
  arrow_cast: (args, n, _s, call) => castTo(args[0]!, fromArrowName(constText(args[1], 'arrow_cast type', call), call), false, call.pos),
  version: (_a, n) => constVec('String', '8.4.2', n),
  database: (_a, n, s) => constVec('String', s.env.qctx.db, n),
  current_schema: (_a, n, s) => constVec('String', s.env.qctx.db, n),
  now: (_a, n, s) => constVec('TimestampNanosecond', s.env.nowNs, n),
  current_timestamp: (_a, n, s) => constVec('TimestampNanosecond', s.env.nowNs, n),
  localtimestamp: (_a, n, s) => constVec('TimestampNanosecond', s.env.nowNs, n),
  current_date: (_a, n, s) => constVec('Date', (s.env.nowNs / 86_400_000_000_000n) * 86_400_000_000_000n, n),
  current_time: (_a, n, s) => constVec('String', new Date(Number(s.env.nowNs / 1_000_000n)).toISOString().slice(11, 23), n),
  to_unixtime: (args, n, _s, call) => {
    const a = args[0]!;
    const out = numVec('Int64', n);
    for (let i = 0; i < n; i++) {
      if (isNull(a, i)) { setNull(out, i); continue; }
      let ns: bigint | null;
      if (a.kind === 'ts') ns = a.v[i]!;
      else if (a.kind === 'num') { out.v[i] = a.v[i]!; continue; }
      else ns = parseTimestampNs(String(getValue(a, i)));
      if (ns === null) { if (a.kind === 'str') { setNull(out, i); continue; } throw new ExecError(`Cannot convert ${String(getValue(a, i))} to a timestamp`, call.pos); }
      out.v[i] = Number(floorDiv(ns, 1_000_000_000n));
    }
    return out;
  },
  to_timestamp: tsCtor('TimestampNanosecond'),
  to_timestamp_seconds: tsCtor('TimestampSecond'),
  to_timestamp_millis: tsCtor('TimestampMillisecond'),
  to_timestamp_micros: tsCtor('TimestampMicrosecond'),
  to_timestamp_nanos: tsCtor('TimestampNanosecond'),
  from_unixtime: (args, n, _s, call) => castTo(castTo(args[0]!, 'Int64', false, call.pos), 'TimestampSecond', false, call.pos),
  date_bin: (args, n, _s, call) => {
    const stride = intervalArg(args[0]!, call);
    const t = asTs(args[1]!, call);
    const origin = args[2] ? asTs(args[2], call).v[0]! : 0n;
    const out = tsVec(t.unit, n);
    out.dt = t.dt;
    // rows come in time order within a series: reuse the last bucket while the time stays inside it
    let lo = 0n, hi = 0n;
    const tv = t.v, valid = t.valid;
    for (let i = 0; i < n; i++) {
      if (valid !== null && valid[i] === 0) { setNull(out, i); continue; }
      const x = tv[i]!;
      if (x >= lo && x < hi) { out.v[i] = lo; continue; }
      const b = origin + floorDiv(x - origin, stride) * stride;
      out.v[i] = b;
      if (stride > 0n) { lo = b; hi = b + stride; }
    }
    return out;
  },
  date_trunc: (args, n, _s, call) => {
    const unit = constText(args[0], 'date_trunc granularity', call);
    const t = asTs(args[1]!, call);
    const out = tsVec(t.unit, n);
    out.dt = t.dt;
    for (let i = 0; i < n; i++) {
      if (isNull(t, i)) { setNull(out, i); continue; }
      out.v[i] = truncTo(t.v[i]!, unit);
    }
    return out;
  },
  date_part: (args, n, _s, call) => mapTs(args[1]!, (ns) => datePart(ns, constText(args[0], 'date_part field', call)), call.pos),
  datepart: (args, n, _s, call) => mapTs(args[1]!, (ns) => datePart(ns, constText(args[0], 'date_part field', call)), call.pos),
  date_format: (args, n, _s, call) => {
    const t = asTs(args[0]!, call);
    const fmt = constText(args[1], 'date_format format', call);
    const out = strVec(n);
    for (let i = 0; i < n; i++) if (!isNull(t, i)) out.v[i] = strftime(t.v[i]!, fmt);
    return out;
  },
  to_char: (args, n, s, call) => F.date_format!(args, n, s, call),
  make_array: (args, n) => { const v = new Array(n); for (let i = 0; i < n; i++) v[i] = args.map((a) => getValue(a, i)); return { kind: 'any', dt: 'List', v }; },
};
F.mod = math2((a, b) => a % b);
F.ceiling = F.ceil!;
F.ifnull = F.coalesce!;
F.nvl = F.coalesce!;
F.char_length = F.length!;
F.strftime = F.date_format!;

function tsCtor(dt: DType): Fn {
  return (args, n, _s, call) => {
    const a = args[0]!;
    const unit = TS_TYPES[dt]!;
    if (a.kind === 'num') {
      const srcUnit = FLOAT_TYPES.has(a.dt) || dt !== 'TimestampNanosecond' ? unit : 's';
      const out = tsVec(dt === 'TimestampNanosecond' && !FLOAT_TYPES.has(a.dt) ? 's' : unit, n);
      out.dt = dt === 'TimestampNanosecond' && !FLOAT_TYPES.has(a.dt) ? 'TimestampSecond' : dt;
      for (let i = 0; i < n; i++) {
        if (isNull(a, i)) { setNull(out, i); continue; }
        out.v[i] = BigInt(Math.round(a.v[i]! * Number(UNIT_NS[srcUnit])));
      }
      return out;
    }
    return castTo(a, dt, false, call.pos);
  };
}

function strftime(ns: bigint, fmt: string): string {
  const d = new Date(Number(floorDiv(ns, 1_000_000n)));
  const p = (x: number, w = 2) => String(x).padStart(w, '0');
  return fmt.replace(/%([YmdHMSfjaAbBzZ%sF])/g, (_m, c: string) => {
    switch (c) {
      case 'Y': return String(d.getUTCFullYear());
      case 'm': return p(d.getUTCMonth() + 1);
      case 'd': return p(d.getUTCDate());
      case 'H': return p(d.getUTCHours());
      case 'M': return p(d.getUTCMinutes());
      case 'S': return p(d.getUTCSeconds());
      case 'f': return String(Number(((ns % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n)).padStart(9, '0');
      case 's': return String(floorDiv(ns, 1_000_000_000n));
      case 'F': return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}`;
      case 'z': return '+0000';
      case 'Z': return 'UTC';
      case '%': return '%';
      default: return '';
    }
  });
}

function trimChars(x: string, chars: string, left: boolean, right: boolean): string {
  let a = 0, b = x.length;
  if (left) while (a < b && chars.includes(x[a]!)) a++;
  if (right) while (b > a && chars.includes(x[b - 1]!)) b--;
  return x.slice(a, b);
}

function pad(x: string, k: number, p: string, left: boolean): string {
  const c = [...x];
  if (c.length >= k) return c.slice(0, k).join('');
  if (!p) return x;
  let fill = '';
  while (fill.length < k - c.length) fill += p;
  fill = fill.slice(0, k - c.length);
  return left ? fill + x : x + fill;
}

function substr(x: string, st: number, len?: number): string {
  const c = [...x];
  let start = st - 1;
  let end = len === undefined ? c.length : start + len;
  if (start < 0) start = 0;
  if (end < start) end = start;
  return c.slice(start, end).join('');
}

function pickN(args: Vec[], n: number, better: (a: number | string | bigint, b: number | string | bigint) => boolean): Vec {
  const dt = commonType(args.map((a) => a.dt));
  const cs = args.map((a) => coerceTo(a, dt));
  const vals = new Array(n).fill(null);
  for (let i = 0; i < n; i++) {
    for (const c of cs) {
      if (isNull(c, i)) continue;
      const x = getValue(c, i) as number;
      if (vals[i] === null || better(x, vals[i])) vals[i] = x;
    }
  }
  return fromValues(dt, vals);
}

export function arrowTypeName(dt: DType): string {
  const unit = TS_TYPES[dt];
  if (unit) return `Timestamp(${{ s: 'Second', ms: 'Millisecond', us: 'Microsecond', ns: 'Nanosecond' }[unit]}, None)`;
  if (dt === 'String') return 'Utf8';
  if (dt === 'Date') return 'Date32';
  if (dt === 'Interval') return 'Interval(MonthDayNano)';
  return dt;
}

function fromArrowName(name: string, call: FunctionCall): DType {
  const t = name.trim();
  if (t === 'Utf8' || t === 'LargeUtf8') return 'String';
  const m = /^Timestamp\((\w+)/.exec(t);
  if (m) return { Second: 'TimestampSecond', Millisecond: 'TimestampMillisecond', Microsecond: 'TimestampMicrosecond', Nanosecond: 'TimestampNanosecond' }[m[1]!] ?? 'TimestampMillisecond';
  if (INT_TYPES.has(t) || FLOAT_TYPES.has(t) || t === 'Boolean' || t === 'Date32') return t === 'Date32' ? 'Date' : t;
  throw new PlanError(`Unsupported arrow type ${name}`, call.pos, StatusCode.InvalidArguments);
}

export function callScalar(name: string, args: Vec[], n: number, s: Scope, call: FunctionCall): Vec {
  const f = F[name];
  if (!f) {
    if (WINDOW_ONLY.has(name)) throw new PlanError(`Window function ${name} requires an OVER clause`, call.pos);
    throw new PlanError(`Invalid function '${name}'`, call.pos);
  }
  return f(args, n, s, call);
}

export function hasScalar(name: string): boolean {
  return name in F;
}

export { nsToUnit };
