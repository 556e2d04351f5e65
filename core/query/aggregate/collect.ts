// Aggregates that combine values rather than add them: array_agg, string_agg, bool_and / bool_or and the bitwise
// bit_and / bit_or / bit_xor (word by word over 64 bits, exact for int64).
import type { AggImpl } from './common.ts';
import { numArg, orderCmp, requireArg, valueAt } from './common.ts';
import { rowsByGroup } from './grouping.ts';
import { uwords } from '../int64.ts';
import { fromValues, getValue, int64Vec, isNull, listVec, typeOf } from '../vector.ts';
import { listType } from '../nested_type.ts';

const TWO32 = 4294967296;

/** array_agg and string_agg, in the aggregate's ORDER BY when it has one. */
export const collect: AggImpl = (a, g) => {
  const x = requireArg(a), isArray = a.name === 'array_agg';
  const { start, rows } = rowsByGroup(g, a.mask);
  const vals = new Array(g.count).fill(null);
  for (let k = 0; k < g.count; k++) {
    const r = Array.from(rows.subarray(start[k]!, start[k + 1]!));
    if (a.order.length) r.sort((p, q) => orderCmp(a.order, p, q));
    if (isArray) { vals[k] = r.length ? r.map((i) => valueAt(x, i)) : null; continue; }
    const items = r.filter((i) => !isNull(x, i)).map((i) => String(valueAt(x, i)));
    const sep = a.args[1] ? getValue(a.args[1], r[0] ?? 0) : null;
    vals[k] = items.length ? items.join(sep === null ? '' : String(sep)) : null;
  }
  return isArray ? listVec(vals, listType(typeOf(x))) : fromValues('String', vals);
};

export const boolAndOr: AggImpl = (a, g) => {
  const x = requireArg(a), ids = g.ids, n = ids.length, m = a.mask, and = a.name === 'bool_and';
  const vals: (boolean | null)[] = new Array(g.count).fill(null);
  for (let i = 0; i < n; i++) {
    if ((m && !m[i]) || isNull(x, i)) continue;
    const b = Boolean(getValue(x, i)), k = ids[i]!;
    vals[k] = vals[k] === null ? b : and ? vals[k]! && b : vals[k]! || b;
  }
  return fromValues('Boolean', vals);
};

/** bit_and, bit_or, bit_xor: each group's two 32-bit words combined separately, so no BigInt per row. */
export const bitwise: AggImpl = (a, g) => {
  const v = numArg(a, a.args[0]), ids = g.ids, n = ids.length, m = a.mask, G = g.count;
  const dt = v.dt === 'Null' ? 'Int64' : v.dt;
  const hi = new Int32Array(G), lo = new Int32Array(G), seen = new Uint8Array(G);
  if (v.kind === 'num') {
    const w = v.big ? new Int32Array(v.big.buffer, v.big.byteOffset, v.big.length * 2) : null;
    const op = a.name;
    for (let i = 0; i < n; i++) {
      if ((m && !m[i]) || isNull(v, i)) continue;
      let h: number, l: number;
      if (w) { h = w[2 * i + 1]!; l = w[2 * i]!; }
      else { const x = Math.trunc(v.v[i]!); h = Math.floor(x / TWO32) | 0; l = (x - Math.floor(x / TWO32) * TWO32) | 0; }
      const k = ids[i]!;
      if (!seen[k]) { seen[k] = 1; hi[k] = h; lo[k] = l; continue; }
      if (op === 'bit_and') { hi[k]! &= h; lo[k]! &= l; } else if (op === 'bit_or') { hi[k]! |= h; lo[k]! |= l; } else { hi[k]! ^= h; lo[k]! ^= l; }
    }
  }
  const valid = seen.includes(0) ? seen : null;
  const exact = dt === 'UInt64' ? new BigUint64Array(G) : new BigInt64Array(G);
  const out = uwords(exact);
  for (let k = 0; k < G; k++) { out[2 * k] = lo[k]!; out[2 * k + 1] = hi[k]!; }
  if (dt === 'Int64' || dt === 'UInt64') return int64Vec(dt, exact, valid);
  // narrower ints: the value fits its type, so its double is exact
  const vals = Array.from({ length: G }, (_, k) => (seen[k] ? hi[k]! * TWO32 + (lo[k]! >>> 0) : null));
  return fromValues(dt, vals);
};
