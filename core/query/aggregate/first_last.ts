// first_value / last_value (and the _non_null forms): the row of each group that sorts first (last) by the
// aggregate's ORDER BY, ties broken by input order, taken from the input so its type and exact value are kept.
import { PlanError } from '../../errors.ts';
import type { Groups } from './grouping.ts';
import type { AggImpl, AggInput } from './common.ts';
import { cmpWords, orderCmp, requireArg, wordsOf } from './common.ts';
import type { Vec } from '../vector.ts';
import { isNull, take } from '../vector.ts';

/** Rows picked per grouping, ORDER BY vector and direction, shared by unfiltered calls over the same grouping. */
const pickCache = new WeakMap<Groups, Map<Vec, Map<string, Int32Array>>>();

/**
 * The row of each group that sorts first (or last): one pass keeping the best row, which is what a stable sort of
 * each group's rows would put first (last).
 */
function firstLastRows(a: AggInput, g: Groups, last: boolean, skipNull: boolean): Int32Array {
  const x = a.args[0]!, m = a.mask, ids = g.ids, n = ids.length;
  const o = a.order.length === 1 ? a.order[0]! : null;
  const cacheKey = o && !m && !skipNull ? `${last}|${o.item.asc !== false}|${o.item.nullsFirst ?? ''}` : null;
  if (cacheKey) {
    const hit = pickCache.get(g)?.get(o!.vec)?.get(cacheKey);
    if (hit) return hit;
  }
  const best = new Int32Array(g.count).fill(-1);
  const order = a.order;
  // ordered by one timestamp column without nulls (the time index): compared word by word
  const ow = o && o.vec.kind === 'ts' && o.vec.valid === null ? wordsOf(o.vec.v) : null;
  const asc = o?.item.asc !== false;
  for (let i = 0; i < n; i++) {
    if ((m && !m[i]) || (skipNull && isNull(x, i))) continue;
    const k = ids[i]!, b = best[k]!;
    if (b < 0) { best[k] = i; continue; }
    let c: number;
    if (!order.length) c = i - b;
    else if (ow) { const t = cmpWords(ow, i, b); c = t === 0 ? i - b : (t > 0) === asc ? 1 : -1; }
    else c = orderCmp(order, i, b);
    if (last ? c > 0 : c < 0) best[k] = i;
  }
  if (cacheKey) {
    let byVec = pickCache.get(g);
    if (!byVec) pickCache.set(g, (byVec = new Map()));
    let byKey = byVec.get(o!.vec);
    if (!byKey) byVec.set(o!.vec, (byKey = new Map()));
    byKey.set(cacheKey, best);
  }
  return best;
}

function picker(last: boolean, skipNull: boolean): AggImpl {
  return (a, g) => {
    if (!skipNull && a.args.length !== 1) throw new PlanError(`The function '${a.name}' expected 1 arguments but received ${a.args.length}`, a.call.pos);
    return take(requireArg(a), firstLastRows(a, g, last, skipNull));
  };
}

export const firstValue = picker(false, false);
export const lastValue = picker(true, false);
export const firstNonNull = picker(false, true);
export const lastNonNull = picker(true, true);
