// Framed count / sum / avg / min / max over one sorted partition without a per-row aggregate call: frames that grow
// from the partition's start (running totals, the default frame under ORDER BY) carry one accumulator along, other
// frames are read in place (min / max through a deque of candidates). Same arithmetic as the grouped aggregates
// (count_sum.ts, min_max.ts): doubles added in row order from 0, integer sums exact (declined past 2^53, where the
// grouped words take over), NaN the greatest float.
import type { FunctionCall } from '../../sql/index.ts';
import { decimalOf } from '../expr/decimal.ts';
import type { Vec } from '../vector.ts';
import { INT_TYPES, isNull } from '../vector.ts';
import type { FrameBounds } from './window_frame.ts';

const FRAMED = new Set(['count', 'sum', 'avg', 'mean', 'min', 'max']);
const SAFE = 9007199254740991;

/**
 * The result type when `framedAggregate` can answer `c` over `x`, else undefined (the caller runs the aggregate per
 * frame): one plain argument, no DISTINCT / FILTER / ORDER BY inside the call; sum / avg / min / max of doubles or
 * integers without an exact 64-bit array or decimal digits; count of anything.
 */
export function framedType(name: string, c: FunctionCall, x: Vec | undefined): string | undefined {
  if (!FRAMED.has(name) || c.distinct || c.filter || c.orderBy?.length || c.args.length !== 1 || !x) return undefined;
  if (name === 'count') return 'Int64';
  if (x.kind !== 'num' || x.big || x.dec || decimalOf(x.dt) || x.dt === 'Null') return undefined;
  const isInt = INT_TYPES.has(x.dt);
  if (name === 'min' || name === 'max') return x.dt;
  if (name === 'sum') return isInt ? (x.dt.startsWith('U') ? 'UInt64' : 'Int64') : 'Float64';
  return 'Float64';
}

/**
 * Writes `name` over each row's frame into out[rows[k]]. False when an integer sum leaves the doubles' exact range:
 * the caller then runs this partition the plain way.
 */
export function framedAggregate(name: string, star: boolean, x: Vec, rows: number[], f: FrameBounds, out: unknown[]): boolean {
  const m = rows.length, { start, end } = f;
  let running = true;
  for (let k = 0; k < m && running; k++) if (start[k] !== 0 || (k > 0 && end[k]! < end[k - 1]!)) running = false;
  if (name === 'count') {
    if (running) {
      let j = 0, n = 0;
      for (let k = 0; k < m; k++) {
        for (; j <= end[k]!; j++) if (star || !isNull(x, rows[j]!)) n++;
        out[rows[k]!] = n;
      }
    } else {
      for (let k = 0; k < m; k++) {
        let n = 0;
        for (let j = start[k]!; j <= end[k]!; j++) if (star || !isNull(x, rows[j]!)) n++;
        out[rows[k]!] = n;
      }
    }
    return true;
  }
  const v = (x as { v: Float64Array }).v, valid = (x as { valid: Uint8Array | null }).valid;
  const isInt = INT_TYPES.has(x.dt);
  if (name === 'min' || name === 'max') {
    const max = name === 'max';
    // the first row holding the best value wins, as in min_max.ts; NaN is the greatest float
    const better = (xi: number, xb: number): boolean => (max ? xi > xb || (xi !== xi && xb === xb) : xi < xb || (xb !== xb && xi === xi));
    if (!running && slides(f)) {
      // bounds that only move forward: a deque of candidate positions, best first; a later row evicts the ones it
      // beats strictly, so among equal values the first stays in front
      const dq = new Int32Array(m);
      let head = 0, tail = 0, j = 0;
      for (let k = 0; k < m; k++) {
        for (; j <= end[k]!; j++) {
          const r = rows[j]!;
          if (valid !== null && valid[r] === 0) continue;
          while (tail > head && better(v[r]!, v[rows[dq[tail - 1]!]!]!)) tail--;
          dq[tail++] = j;
        }
        while (tail > head && dq[head]! < start[k]!) head++;
        out[rows[k]!] = tail > head && dq[head]! <= end[k]! ? v[rows[dq[head]!]!]! : null;
      }
      return true;
    }
    let b = -1, j = 0;
    for (let k = 0; k < m; k++) {
      if (!running) { b = -1; j = start[k]!; }
      for (; j <= end[k]!; j++) {
        const r = rows[j]!;
        if (valid !== null && valid[r] === 0) continue;
        if (b < 0 || better(v[r]!, v[b]!)) b = r;
      }
      out[rows[k]!] = b < 0 ? null : v[b]!;
    }
    return true;
  }
  const mean = name !== 'sum';
  let s = 0, n = 0, j = 0;
  for (let k = 0; k < m; k++) {
    if (!running) { s = 0; n = 0; j = start[k]!; }
    for (; j <= end[k]!; j++) {
      const r = rows[j]!;
      if (valid !== null && valid[r] === 0) continue;
      s += v[r]!;
      n++;
      if (isInt && !(s <= SAFE && s >= -SAFE)) return false;
    }
    out[rows[k]!] = n === 0 ? null : mean ? s / n : s;
  }
  return true;
}

/** Start and end bounds that never move back (every frame kind does, row by row). */
function slides(f: FrameBounds): boolean {
  for (let k = 1; k < f.start.length; k++) if (f.start[k]! < f.start[k - 1]! || f.end[k]! < f.end[k - 1]!) return false;
  return true;
}
