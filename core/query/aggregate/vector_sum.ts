// Element-wise aggregates over VECTOR values (GreptimeDB's vec_sum, vec_product): one vector per group, each element
// the sum (product) of that element over the group's rows, in 32-bit floats as the vector type computes. NULL rows
// take no part; a group without vectors is NULL; vectors of different lengths are an error.
import { ExecError, StatusCode } from '../../errors.ts';
import type { AggImpl } from './common.ts';
import { vectorAt, vectorText } from '../expr/fn_vector.ts';
import { strVec } from '../vector.ts';

function elementwise(op: (acc: number, x: number) => number): AggImpl {
  return (a, g) => {
    const v = a.args[0]!, acc: (Float32Array | null)[] = new Array(g.count).fill(null);
    for (let i = 0; i < g.ids.length; i++) {
      if (a.mask && !a.mask[i]) continue;
      const x = vectorAt(v, i);
      if (!x) continue;
      const k = g.ids[i]!, cur = acc[k];
      if (!cur) { acc[k] = Float32Array.from(x); continue; }
      if (cur.length !== x.length) throw new ExecError(`${a.name}: the vectors have different lengths (${cur.length} and ${x.length})`, a.call.pos, StatusCode.InvalidArguments);
      for (let j = 0; j < cur.length; j++) cur[j] = op(cur[j]!, x[j]!);
    }
    const out = strVec(g.count);
    out.dt = 'Binary';
    acc.forEach((x, k) => { if (x) out.v[k] = vectorText(x); });
    return out;
  };
}

export const vecSum = elementwise((s, x) => Math.fround(s + x));
export const vecProduct = elementwise((s, x) => Math.fround(s * x));
