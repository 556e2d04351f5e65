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
      const vv = x.v, valid = x.valid;
      for (let i = 0; i < n; i++) {
        if ((m && !m[i]) || (valid !== null && valid[i] === 0)) continue;
        const k = ids[i]!, b = best[k]!;
        if (b < 0) { best[k] = i; continue; }
        // NaN is the greatest float (as DataFusion orders them): max takes it, min never keeps it over a number.
        const xi = vv[i]!, xb = vv[b]!;
        if (want < 0 ? xi < xb || (Number.isNaN(xb) && !Number.isNaN(xi)) : xi > xb || (Number.isNaN(xi) && !Number.isNaN(xb))) best[k] = i;
      }
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

export const min = minMax(-1);
export const max = minMax(1);
