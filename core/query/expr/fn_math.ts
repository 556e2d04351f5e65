// Scalar math functions: rounding, logarithms, trigonometry, powers, gcd/lcm.
import { constVec } from './const.ts';
import type { Fn } from './fn_util.ts';
import { arith } from './arith.ts';
import { boolOf, intOf, math1, math2, num, roundHalfAway } from './fn_util.ts';
import { ArithmeticError } from '../../errors.ts';
import { FLOAT_TYPES, INT_TYPES, int64Vec, isNull, numVec, setNull } from '../vector.ts';

/** abs(): doubles as ever; an Int64 column beyond 2^53 exactly, abs(MIN) failing as DataFusion's checked abs does. */
const abs: Fn = (args, n, s, call) => {
  const a = num(args[0]!, call);
  if (!(a.big && a.dt === 'Int64')) return math1(Math.abs, true)(args, n, s, call);
  const src = a.big, out = new BigInt64Array(n);
  for (let i = 0; i < n; i++) {
    if (isNull(a, i)) continue;
    const x = src[i]!;
    if (x === -9223372036854775808n) throw new ArithmeticError(`Arrow error: Compute error: Int64 overflow on abs(${x})`, call.pos);
    out[i] = x < 0n ? -x : x;
  }
  return int64Vec('Int64', out, a.valid);
};

/** round / trunc to a number of decimal places (negative: to tens, hundreds, ...). */
function toPlaces(f: (x: number) => number): Fn {
  return (args, n, _s, call) => {
    const a = num(args[0]!, call);
    const d = args[1] ? num(args[1], call) : null;
    // integers keep their type, a Float32 stays one (rounded to 32 bits), anything else is a Float64
    const f32 = a.dt === 'Float32';
    const out = numVec(f32 ? 'Float32' : FLOAT_TYPES.has(a.dt) || !INT_TYPES.has(a.dt) ? 'Float64' : a.dt, n);
    for (let i = 0; i < n; i++) {
      if (isNull(a, i) || (d && isNull(d, i))) { setNull(out, i); continue; }
      const p = d ? 10 ** d.v[i]! : 1;
      const r = f(a.v[i]! * p) / p;
      out.v[i] = f32 ? Math.fround(r) : r;
    }
    return out;
  };
}

export const MATH: Record<string, Fn> = {
  abs,
  ceil: math1(Math.ceil),
  floor: math1(Math.floor),
  round: toPlaces(roundHalfAway),
  // trunc(x, places): places may be negative (trunc(104, -1) = 100), as in DataFusion
  trunc: (args, n, s, call) => (args.length > 1 ? toPlaces(Math.trunc)(args, n, s, call) : math1(Math.trunc)(args, n, s, call)),
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
  // MySQL's name for random()
  rand: (a, n, s, c) => MATH.random!(a, n, s, c),
  random: (_a, n) => { const o = numVec('Float64', n); for (let i = 0; i < n; i++) o.v[i] = Math.random(); return o; },
  gcd: (args, n) => intOf(args, n, ([a, b]) => { let x = Math.abs(Number(a)), y = Math.abs(Number(b)); while (y) [x, y] = [y, x % y]; return x; }),
  lcm: (args, n) => intOf(args, n, ([a, b]) => { let x = Math.abs(Number(a)), y = Math.abs(Number(b)); const p = x * y; while (y) [x, y] = [y, x % y]; return x ? p / x : 0; }),
  isnan: (args, n) => boolOf(args, n, ([x]) => Number.isNaN(Number(x))),
  iszero: (args, n) => boolOf(args, n, ([x]) => Number(x) === 0),
  // mod(a, b) is a % b: integers stay integers and a zero divisor is an error, as the operator
  mod: (args, _n, _s, call) => arith('%', args[0]!, args[1]!, call.pos),
  asinh: math1(Math.asinh), acosh: math1(Math.acosh), atanh: math1(Math.atanh),
  cot: math1((x) => 1 / Math.tan(x)),
  // factorial keeps Int64 and refuses what Int64 cannot hold (21! and beyond), as DataFusion's checked factorial does
  factorial: (args, n, _s, call) => intOf(args, n, ([x]) => {
    const k = Number(x);
    if (k > 20) throw new ArithmeticError(`Arrow error: Compute error: Overflow happened on FACTORIAL(${k})`, call.pos);
    let r = 1;
    for (let i = 2; i <= k; i++) r *= i;
    return r;
  }),
  nanvl: (args, n, _s, call) => {
    const a = num(args[0]!, call), b = num(args[1]!, call);
    const out = numVec('Float64', n);
    for (let i = 0; i < n; i++) {
      const x = a.v[i]!;
      const nan = !isNull(a, i) && Number.isNaN(x);
      if (nan ? isNull(b, i) : isNull(a, i)) setNull(out, i);
      else out.v[i] = nan ? b.v[i]! : x;
    }
    return out;
  },
  // GreptimeDB's clamp(value, lower, upper), clamp_min(value, lower), clamp_max(value, upper): the value's type kept
  clamp: bounded(true, true),
  clamp_min: bounded(true, false),
  clamp_max: bounded(false, true),
};

function bounded(low: boolean, high: boolean): Fn {
  return (args, n, _s, call) => {
    const a = num(args[0]!, call);
    const lo = low ? num(args[1]!, call) : null, hi = high ? num(args[low ? 2 : 1]!, call) : null;
    const out = numVec(a.dt, n);
    for (let i = 0; i < n; i++) {
      if (isNull(a, i) || (lo && isNull(lo, i)) || (hi && isNull(hi, i))) { setNull(out, i); continue; }
      const l = lo ? lo.v[i]! : -Infinity, h = hi ? hi.v[i]! : Infinity;
      if (l > h) throw new ArithmeticError(`Invalid function args: The second arg should be less than or equal to the third arg, have: ${l}, ${h}`, call.pos);
      out.v[i] = Math.min(Math.max(a.v[i]!, l), h);
    }
    return out;
  };
}
MATH.ceiling = MATH.ceil!;
