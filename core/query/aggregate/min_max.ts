// min and max: the row holding each group's least (greatest) value, taken from the input so the type and every
// digit of an int64 or timestamp are kept.
import type { AggImpl } from './common.ts';
import { cmpWords, requireArg, wordsOf } from './common.ts';
import { compareValues } from '../plan/sort.ts';
import { isNull, take } from '../vector.ts';

function minMax(want: 1 | -1): AggImpl {
  return (a, g) => {
    const x = requireArg(a), ids = g.ids, n = ids.length, m = a.mask;
    const best = new Int32Array(g.count).fill(-1);
    const exact = x.kind === 'ts' ? x.v : x.kind === 'num' ? x.big : undefined;
    if (exact) {
      // 64-bit values compared word by word: no BigInt made per row
      const w = wordsOf(exact), valid = (x as { valid: Uint8Array | null }).valid;
      for (let i = 0; i < n; i++) {
        if ((m && !m[i]) || (valid !== null && valid[i] === 0)) continue;
        const k = ids[i]!, b = best[k]!;
        if (b < 0 || cmpWords(w, i, b) * want > 0) best[k] = i;
      }
    } else if (x.kind === 'num' && x.dec) {
      // a wide decimal: its unscaled integers (one scale for the column) decide, not the doubles beside them
      const d = x.dec, valid = x.valid;
      for (let i = 0; i < n; i++) {
        if ((m && !m[i]) || (valid !== null && valid[i] === 0)) continue;
        const k = ids[i]!, b = best[k]!;
        if (b < 0 || (want < 0 ? d[i]! < d[b]! : d[i]! > d[b]!)) best[k] = i;
      }
    } else if (x.kind === 'num') {
      floatBest(x.v, x.valid, m, ids, n, best, want > 0);
    } else {
      for (let i = 0; i < n; i++) {
        if ((m && !m[i]) || isNull(x, i)) continue;
        const k = ids[i]!, b = best[k]!;
        if (b < 0 || compareValues(x.v[i], x.v[b]) * want > 0) best[k] = i;
      }
    }
    return take(x, best);
  };
}

/**
 * The row of each group's greatest (`max`) or least float into `best`. Rows come in runs of one group (scans are
 * ordered by series and time): the run's best row and value stay in locals and are stored when the run ends, each
 * row compared with the same value as when it was read back from `best`.
 */
function floatBest(vv: Float64Array, valid: Uint8Array | null, m: Uint8Array | null, ids: Int32Array, n: number, best: Int32Array, max: boolean): void {
  let k = -1, b = -1, xb = 0;
  for (let i = 0; i < n; i++) {
    if ((m && !m[i]) || (valid !== null && valid[i] === 0)) continue;
    const id = ids[i]!;
    if (id !== k) {
      if (k >= 0) best[k] = b;
      k = id;
      b = best[k]!;
      if (b >= 0) xb = vv[b]!;
    }
    const xi = vv[i]!;
    // NaN is the greatest float (as DataFusion orders them): max takes it, min never keeps it over a number.
    if (b < 0 || (max ? xi > xb || (xi !== xi && xb === xb) : xi < xb || (xb !== xb && xi === xi))) { b = i; xb = xi; }
  }
  if (k >= 0) best[k] = b;
}

export const min = minMax(-1);
export const max = minMax(1);
