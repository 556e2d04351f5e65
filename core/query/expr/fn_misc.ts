// Scalar functions about types, the session and sketches: arrow_typeof, arrow_cast, version, database, hll_count, uddsketch_calc.
import { StatusCode } from '../../errors.ts';
import type { FunctionCall } from '../../sql/index.ts';
import { hllCount, uddsketchCalc } from '../aggregate/sketch.ts';
import { welfordStddev } from '../aggregate/state_welford.ts';
import { PlanError } from '../plan/rel.ts';
import type { DType } from '../vector.ts';
import { FLOAT_TYPES, INT_TYPES, TS_TYPES } from '../vector.ts';
import { castTo } from './cast.ts';
import { constVec } from './const.ts';
import { arrowTypeName } from './cast_matrix.ts';
import type { Fn } from './fn_util.ts';
import { constText } from './fn_util.ts';

// arrow_typeof's names live beside the cast table that also speaks them; this file stays their public way out
export { arrowTypeName };

/** The session's authenticated user; GreptimeDB's default user when no authentication is configured. */
export const sessionUser: Fn = (_a, n, s) => constVec('String', s.env.qctx.user ?? 'greptime', n);

/** What build() and information_schema.build_info report: branch, commit, short commit, clean tree, version. */
export const BUILD_INFO = { branch: 'main', commit: '', commitShort: '', clean: 'true', version: '0.1.0' } as const;

export const MISC: Record<string, Fn> = {
  // GreptimeDB's build(): one text of `key: value` lines
  build: (_a, n) => constVec('String', `branch: ${BUILD_INFO.branch}\ncommit: ${BUILD_INFO.commit}\ncommit_short: ${BUILD_INFO.commitShort}\nclean: ${BUILD_INFO.clean}\nversion: ${BUILD_INFO.version}`, n),
  hll_count: (args, n) => hllCount(args, n),
  uddsketch_calc: (args, n) => uddsketchCalc(args, n),
  welford_stddev: (args, n) => welfordStddev(args, n),
  arrow_typeof: (args, n) => constVec('String', arrowTypeName(args[0]!.dt), n),
  arrow_cast: (args, n, _s, call) => castTo(args[0]!, fromArrowName(constText(args[1], 'arrow_cast type', call), call), false, call.pos),
  version: (_a, n) => constVec('String', '8.4.2', n),
  database: (_a, n, s) => constVec('String', s.env.qctx.db, n),
  current_schema: (_a, n, s) => constVec('String', s.env.qctx.db, n),
  user: (a, n, s, call) => sessionUser(a, n, s, call),
};

function fromArrowName(name: string, call: FunctionCall): DType {
  const t = name.trim();
  if (t === 'Utf8' || t === 'LargeUtf8') return 'String';
  const m = /^Timestamp\((\w+)/.exec(t);
  if (m) return { Second: 'TimestampSecond', Millisecond: 'TimestampMillisecond', Microsecond: 'TimestampMicrosecond', Nanosecond: 'TimestampNanosecond' }[m[1]!] ?? 'TimestampMillisecond';
  // Time32 holds seconds or milliseconds, Time64 micro- or nanoseconds (Arrow's layout)
  const tm = /^Time(32|64)\((Second|Millisecond|Microsecond|Nanosecond)\)$/.exec(t);
  if (tm && (tm[1] === '32') === (tm[2] === 'Second' || tm[2] === 'Millisecond')) return `Time${tm[2]}`;
  if (INT_TYPES.has(t) || FLOAT_TYPES.has(t) || t === 'Boolean' || t === 'Date32') return t === 'Date32' ? 'Date' : t;
  throw new PlanError(`Unsupported arrow type ${name}`, call.pos, StatusCode.InvalidArguments);
}
MISC.current_user = MISC.user!;
MISC.session_user = MISC.user!;
MISC.system_user = MISC.user!;
