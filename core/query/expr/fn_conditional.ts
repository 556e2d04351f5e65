// Conditional scalar functions: COALESCE, NULLIF, GREATEST, LEAST, ISNULL, IF.
import type { Fn } from './fn_util.ts';
import type { Vec } from '../vector.ts';
import { boolVec, fromValues, isNull } from '../vector.ts';
import { coerceTo, commonType } from './cast.ts';
import { exactAt } from './predicates.ts';
import { toBool } from './logic.ts';

export const CONDITIONAL: Record<string, Fn> = {
  greatest: (args, n) => pickN(args, n, (a, b) => a > b),
  least: (args, n) => pickN(args, n, (a, b) => a < b),
  coalesce: (args, n) => {
    const dt = commonType(args.map((a) => a.dt));
    const cs = args.map((a) => coerceTo(a, dt));
    const vals = new Array(n).fill(null);
    for (let i = 0; i < n; i++) for (const c of cs) if (!isNull(c, i)) { vals[i] = exactAt(c, i); break; }
    return fromValues(dt, vals);
  },
  nullif: (args, n) => {
    const [a, b] = args as [Vec, Vec];
    const vals = new Array(n);
    for (let i = 0; i < n; i++) { const x = exactAt(a, i); const y = exactAt(b, i); vals[i] = x !== null && y !== null && String(x) === String(y) ? null : x; }
    return fromValues(a.dt, vals);
  },
  isnull: (args, n) => { const o = boolVec(n); for (let i = 0; i < n; i++) o.v[i] = isNull(args[0]!, i) ? 1 : 0; return o; },
};
/** if(cond, a, b): a where cond is true; b where it is false or NULL (MySQL's IF, as GreptimeDB has it). */
CONDITIONAL.if = (args, n, _s, call) => {
  const [c, a, b] = args as [Vec, Vec, Vec];
  const cond = toBool(c, call.pos);
  const dt = commonType([a.dt, b.dt]);
  const ca = coerceTo(a, dt), cb = coerceTo(b, dt);
  const vals = new Array(n);
  for (let i = 0; i < n; i++) vals[i] = !isNull(cond, i) && cond.v[i] ? exactAt(ca, i) : exactAt(cb, i);
  return fromValues(dt, vals);
};
CONDITIONAL.ifnull = CONDITIONAL.coalesce!;
CONDITIONAL.nvl = CONDITIONAL.coalesce!;
/** nvl2(x, a, b): a where x is not null, else b. */
CONDITIONAL.nvl2 = (args, n) => {
  const [x, a, b] = args as [Vec, Vec, Vec];
  const dt = commonType([a.dt, b.dt]);
  const ca = coerceTo(a, dt), cb = coerceTo(b, dt);
  const vals = new Array(n);
  for (let i = 0; i < n; i++) vals[i] = isNull(x, i) ? exactAt(cb, i) : exactAt(ca, i);
  return fromValues(dt, vals);
};

function pickN(args: Vec[], n: number, better: (a: number | string | bigint, b: number | string | bigint) => boolean): Vec {
  const dt = commonType(args.map((a) => a.dt));
  const cs = args.map((a) => coerceTo(a, dt));
  const vals = new Array(n).fill(null);
  for (let i = 0; i < n; i++) {
    for (const c of cs) {
      if (isNull(c, i)) continue;
      const x = exactAt(c, i) as number;
      if (vals[i] === null || better(x, vals[i])) vals[i] = x;
    }
  }
  return fromValues(dt, vals);
}
