// Scalar functions about types, the session and sketches: arrow_typeof, arrow_cast, version, database, hll_count, uddsketch_calc, make_array.
import { StatusCode } from '../../errors.ts';
import type { FunctionCall } from '../../sql/index.ts';
import { hllCount, uddsketchCalc } from '../aggregate/sketch.ts';
import { welfordStddev } from '../aggregate/state_welford.ts';
import { PlanError } from '../plan/rel.ts';
import type { DType, Vec } from '../vector.ts';
import { FLOAT_TYPES, INT_TYPES, TS_TYPES, fromValues, getValue } from '../vector.ts';
import { castTo } from './cast.ts';
import { constVec } from './const.ts';
import { arrowTypeName } from './cast_matrix.ts';
import type { Fn } from './fn_util.ts';
import { constText } from './fn_util.ts';

// arrow_typeof's names live beside the cast table that also speaks them; this file stays their public way out
export { arrowTypeName };

/** The session's authenticated user; GreptimeDB's default user when no authentication is configured. */
export const sessionUser: Fn = (_a, n, s) => constVec('String', s.env.qctx.user ?? 'greptime', n);

export const MISC: Record<string, Fn> = {
  hll_count: (args, n) => hllCount(args, n),
  uddsketch_calc: (args, n) => uddsketchCalc(args, n),
  welford_stddev: (args, n) => welfordStddev(args, n),
  arrow_typeof: (args, n) => constVec('String', arrowTypeName(args[0]!.dt), n),
  arrow_cast: (args, n, _s, call) => castTo(args[0]!, fromArrowName(constText(args[1], 'arrow_cast type', call), call), false, call.pos),
  version: (_a, n) => constVec('String', '8.4.2', n),
  database: (_a, n, s) => constVec('String', s.env.qctx.db, n),
  current_schema: (_a, n, s) => constVec('String', s.env.qctx.db, n),
  user: (a, n, s, call) => sessionUser(a, n, s, call),
  make_array: (args, n) => { const v = new Array(n); for (let i = 0; i < n; i++) v[i] = args.map((a) => getValue(a, i)); return { kind: 'any', dt: 'List', v }; },
  // string_to_array(text, delimiter[, null_string]): a NULL delimiter splits into characters, '' keeps the text whole
  string_to_array: (args, n) => listOf(args, n, ([text, delim, nullStr]) => {
    if (text === null) return null;
    const t = String(text);
    const parts = delim === null ? [...t] : t === '' ? [] : String(delim) === '' ? [t] : t.split(String(delim));
    return args.length > 2 && nullStr !== null ? parts.map((p) => (p === String(nullStr) ? null : p)) : parts;
  }),
  // array_length(array[, dimension]): the element count of the first dimension, NULL for another
  array_length: (args, n) => {
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) {
      const [a, dim] = args.map((x) => getValue(x, i));
      out[i] = !Array.isArray(a) || (dim !== undefined && Number(dim) !== 1) ? null : a.length;
    }
    return fromValues('UInt64', out);
  },
};
MISC.string_to_list = MISC.string_to_array!;

function listOf(args: Vec[], n: number, f: (vals: unknown[]) => unknown[] | null): Vec {
  const v = new Array<unknown>(n);
  for (let i = 0; i < n; i++) v[i] = f(args.map((a) => getValue(a, i)));
  return { kind: 'any', dt: 'List', v } as Vec;
}

function fromArrowName(name: string, call: FunctionCall): DType {
  const t = name.trim();
  if (t === 'Utf8' || t === 'LargeUtf8') return 'String';
  const m = /^Timestamp\((\w+)/.exec(t);
  if (m) return { Second: 'TimestampSecond', Millisecond: 'TimestampMillisecond', Microsecond: 'TimestampMicrosecond', Nanosecond: 'TimestampNanosecond' }[m[1]!] ?? 'TimestampMillisecond';
  if (INT_TYPES.has(t) || FLOAT_TYPES.has(t) || t === 'Boolean' || t === 'Date32') return t === 'Date32' ? 'Date' : t;
  throw new PlanError(`Unsupported arrow type ${name}`, call.pos, StatusCode.InvalidArguments);
}
MISC.current_user = MISC.user!;
MISC.session_user = MISC.user!;
MISC.system_user = MISC.user!;
