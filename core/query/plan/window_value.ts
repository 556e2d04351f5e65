// Value window functions over one sorted partition: lag / lead (offset, default, IGNORE NULLS), first_value /
// last_value / nth_value of a frame, ntile; and the checks DataFusion makes of their constant arguments.
import { PlanError, StatusCode } from '../../errors.ts';
import type { FunctionCall } from '../../sql/index.ts';
import type { Vec } from '../vector.ts';
import { getValue, isNull } from '../vector.ts';
import { castTo } from '../expr/cast.ts';

/** An integer constant argument (the first row's value), or the fallback when the argument is absent. */
export function intArg(v: Vec | undefined, fallback: number, what: string, c: FunctionCall): number {
  if (!v) return fallback;
  const x = v.v.length ? getValue(v, 0) : null;
  const k = Number(x);
  if (x === null || typeof x === 'boolean' || !Number.isInteger(k)) throw new PlanError(`${what} of ${c.name.map((p) => p.value).join('.')} must be an integer constant, got ${String(x)}`, c.pos, StatusCode.InvalidArguments);
  return k;
}

/** ntile(n): bucket 1..min(n, rows) of each row in partition order, as evenly as the rows divide. */
export function ntile(args: Vec[], rows: number[], out: unknown[], c: FunctionCall): void {
  if (!args[0] || (args[0].v.length && getValue(args[0], 0) === null)) throw new PlanError('NTILE requires a positive integer, but finds NULL', c.pos, StatusCode.InvalidArguments);
  const n = intArg(args[0], NaN, 'The bucket count', c);
  if (n <= 0) throw new PlanError('NTILE requires a positive integer', c.pos, StatusCode.InvalidArguments);
  const m = rows.length, b = Math.min(n, m);
  for (let k = 0; k < m; k++) out[rows[k]!] = Math.floor((k * b) / m) + 1;
}

/** The default of lag / lead read as the value's type (a default the type cannot hold is an error). */
export function lagDefault(args: Vec[], c: FunctionCall): Vec | undefined {
  if (args.length > 3) throw new PlanError(`${c.name.map((p) => p.value).join('.')} takes 1 to 3 arguments, got ${args.length}`, c.pos, StatusCode.InvalidArguments);
  const def = args[2];
  if (!def || def.dt === 'Null' || def.dt === args[0]!.dt) return def;
  return castTo(def, args[0]!.dt, false, c.pos);
}

/**
 * lag (sign -1) / lead (sign 1): the value `off` rows away in partition order, or the default past the partition's
 * edge. With IGNORE NULLS the rows counted are those whose value is not NULL.
 */
export function lagLead(x: Vec, off: number, sign: 1 | -1, def: Vec | undefined, ignoreNulls: boolean, rows: number[], out: unknown[]): void {
  const m = rows.length;
  const step = sign * off;
  if (!ignoreNulls) {
    for (let k = 0; k < m; k++) {
      const j = k + step;
      out[rows[k]!] = j >= 0 && j < m ? getValue(x, rows[j]!) : def ? getValue(def, rows[k]!) : null;
    }
    return;
  }
  // positions (in partition order) of the non-NULL values; `before` counts them ahead of row k
  const live: number[] = [];
  for (let k = 0; k < m; k++) if (!isNull(x, rows[k]!)) live.push(k);
  let before = 0;
  for (let k = 0; k < m; k++) {
    while (before < live.length && live[before]! < k) before++;
    const self = before < live.length && live[before] === k ? 1 : 0;
    // the j-th live value after row k is live[before + self + j - 1]; the j-th before it is live[before - j]
    const idx = step > 0 ? before + self + step - 1 : step < 0 ? before + step : -1;
    out[rows[k]!] = step === 0 ? getValue(x, rows[k]!) : idx >= 0 && idx < live.length ? getValue(x, rows[live[idx]!]!) : def ? getValue(def, rows[k]!) : null;
  }
}

/** first_value / last_value / nth_value (n > 0 from the frame's start, n < 0 from its end) of the frame's rows. */
export function valueInFrame(name: string, x: Vec, nth: number, frame: number[], ignoreNulls: boolean): unknown {
  const rows = ignoreNulls ? frame.filter((r) => !isNull(x, r)) : frame;
  const at = name === 'first_value' ? 0 : name === 'last_value' ? rows.length - 1 : nth > 0 ? nth - 1 : rows.length + nth;
  return at >= 0 && at < rows.length ? getValue(x, rows[at]!) : null;
}
