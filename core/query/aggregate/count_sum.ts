// count, count_distinct / approx_distinct, sum and avg: integer sums exact over all 64 bits (wrapping on overflow,
// as DataFusion's sum over Int64/UInt64 does), accumulated per group in two word-sized doubles, never a BigInt per row.
import { MAX_PRECISION, decimalOf, decimalType, roundScale } from '../expr/decimal.ts';
import { decimalVec, needsExact, rescale, unscaledAt } from '../expr/decimal_exact.ts';
import type { Groups } from './grouping.ts';
import type { AggImpl, AggInput } from './common.ts';
import { numArg, requireArg } from './common.ts';
import { ExecError } from '../expr/eval.ts';
import type { DType, NumVec } from '../vector.ts';
import { INT_TYPES, int64Vec, isNull, numVec, setNull } from '../vector.ts';
import { uwords, words } from '../int64.ts';

const TWO32 = 4294967296;
/** Rows added between carries: 2^20 low words of < 2^32 stay below 2^52, exact in a double. */
const CARRY_EVERY = 1 << 20;

export const count: AggImpl = (a, g) => {
  const ids = g.ids, n = ids.length, m = a.mask, x = a.args[0];
  const out = numVec('Int64', g.count);
  if (!x || a.call.args[0]?.type === 'wildcard') { for (let i = 0; i < n; i++) if (!m || m[i]) out.v[ids[i]!]!++; }
  else if (a.args.length === 1 && x.kind !== 'str' && x.kind !== 'any') {
    // one typed argument: its validity mask, no call per row
    const valid = x.valid;
    for (let i = 0; i < n; i++) if ((!m || m[i]) && (valid === null || valid[i] === 1)) out.v[ids[i]!]!++;
  } else for (let i = 0; i < n; i++) if ((!m || m[i]) && a.args.every((v) => !isNull(v, i))) out.v[ids[i]!]!++;
  return out;
};

/** Distinct non-null values per group (exact; approx_distinct answers the exact count too). */
export const countDistinct: AggImpl = (a, g) => {
  const x = requireArg(a), ids = g.ids, n = ids.length, m = a.mask;
  const sets = Array.from({ length: g.count }, () => new Set<unknown>());
  // an int64 column beyond 2^53 is compared by exact value, or two values one double apart would count once
  // (and a wide decimal by its unscaled integers)
  const vals = (x.kind === 'num' ? x.big ?? x.dec ?? x.v : x.v) as ArrayLike<unknown>;
  for (let i = 0; i < n; i++) if ((!m || m[i]) && !isNull(x, i)) sets[ids[i]!]!.add(vals[i]);
  const out = numVec('UInt64', g.count);
  for (let k = 0; k < g.count; k++) out.v[k] = sets[k]!.size;
  return out;
};

function sumType(dt: DType): DType {
  if (INT_TYPES.has(dt)) return dt.startsWith('U') ? 'UInt64' : 'Int64';
  return 'Float64';
}

/** Per group: the sum of high words, the sum of low words (each < 2^32), and how many values. */
interface WordSums { hi: Float64Array; lo: Float64Array; cnt: Float64Array }

/**
 * Exact integer sums per group. Each value is split into its high (signed for Int*, unsigned for UInt64) and low
 * 32-bit words, read from the exact array when the column has one, else from the double (exact below 2^53).
 * `wrap` keeps the high sums modulo 2^32: the two's complement wrap of a 64-bit accumulator.
 */
function wordSums(v: NumVec, a: AggInput, g: Groups, wrap: boolean): WordSums {
  const G = g.count, ids = g.ids, n = ids.length, m = a.mask, valid = v.valid;
  const hi = new Float64Array(G), lo = new Float64Array(G), cnt = new Float64Array(G);
  const carry = (): void => {
    for (let k = 0; k < G; k++) {
      const c = Math.floor(lo[k]! / TWO32);
      lo[k]! -= c * TWO32;
      hi[k]! += c;
      if (wrap) hi[k] = hi[k]! - Math.floor(hi[k]! / TWO32) * TWO32;
    }
  };
  const big = v.big;
  const lw = big ? uwords(big) : null;
  const hw = big ? (big instanceof BigUint64Array ? lw! : words(big)) : null;
  const vv = v.v;
  let since = 0;
  for (let i = 0; i < n; i++) {
    if ((m && !m[i]) || (valid !== null && valid[i] === 0)) continue;
    const k = ids[i]!;
    let h: number, l: number;
    if (hw) { h = hw[2 * i + 1]!; l = lw![2 * i]!; }
    else { const x = vv[i]!; h = Math.floor(x / TWO32); l = x - h * TWO32; }
    hi[k]! += h;
    lo[k]! += l;
    cnt[k]!++;
    if (++since === CARRY_EVERY) { carry(); since = 0; }
  }
  carry();
  return { hi, lo, cnt };
}

export const sum: AggImpl = (a, g) => {
  const v = numArg(a, a.args[0]);
  const G = g.count;
  if (v.kind !== 'num') { const out = numVec('Int64', G); for (let k = 0; k < G; k++) setNull(out, k); return out; }
  const dec = decimalOf(v.dt);
  // sum of Decimal128(p, s) is Decimal128(min(p + 10, 38), s)
  if (dec) {
    const dt = decimalType(Math.min(MAX_PRECISION, dec.p + 10), dec.s);
    if (needsExact(dt, v)) return decimalVec(dt, exactSums(v, a, g, dec.s, null));
    return rescaled(floatSums(v, a, g, false), Math.min(MAX_PRECISION, dec.p + 10), dec.s);
  }
  const dt = sumType(v.dt);
  if (dt === 'Float64') return floatSums(v, a, g, false);
  const s = wordSums(v, a, g, true);
  const exact = dt === 'UInt64' ? new BigUint64Array(G) : new BigInt64Array(G);
  const w = uwords(exact);
  let valid: Uint8Array | null = null;
  for (let k = 0; k < G; k++) {
    if (s.cnt[k] === 0) { (valid ??= new Uint8Array(G).fill(1))[k] = 0; continue; }
    w[2 * k] = s.lo[k]!;
    w[2 * k + 1] = s.hi[k]!;
  }
  return int64Vec(dt, exact, valid);
};

function rescaled(out: NumVec, p: number, s: number): NumVec {
  out.dt = decimalType(p, s);
  for (let k = 0; k < out.v.length; k++) out.v[k] = roundScale(out.v[k]!, s);
  return out;
}

/** Exact sums of a decimal's unscaled values per group (null: no row); with `meanScale`, the means at that scale, rounded. */
function exactSums(v: NumVec, a: AggInput, g: Groups, scale: number, meanScale: number | null): (bigint | null)[] {
  const ids = g.ids, m = a.mask;
  const sums = new Array<bigint>(g.count).fill(0n);
  const cnt = new Float64Array(g.count);
  for (let i = 0; i < ids.length; i++) {
    if ((m && !m[i]) || isNull(v, i)) continue;
    sums[ids[i]!] += unscaledAt(v, i, scale);
    cnt[ids[i]!]!++;
  }
  return sums.map((u, k) => {
    if (cnt[k] === 0) return null;
    if (meanScale === null) return u;
    const c = BigInt(cnt[k]!);
    const x = rescale(u, scale, meanScale + 1) / c;
    return rescale(x, meanScale + 1, meanScale);
  });
}

function floatSums(v: NumVec, a: AggInput, g: Groups, mean: boolean): NumVec {
  const ids = g.ids, m = a.mask, vv = v.v, valid = v.valid;
  const out = numVec('Float64', g.count);
  const cnt = new Float64Array(g.count);
  const sums = out.v;
  // rows come in runs of one group (scans are ordered by series and time): a run's sum and count stay in locals,
  // taken from and stored back to the group's slots at its ends, so each group adds its values in row order as before
  if (!m && !valid) runSums(vv, ids, sums, cnt);
  else floatSumsMasked(vv, ids, m, valid, sums, cnt);
  for (let k = 0; k < g.count; k++) {
    if (cnt[k] === 0) setNull(out, k);
    else if (mean) out.v[k] = out.v[k]! / cnt[k]!;
  }
  return out;
}

/** floatSums over every row (no FILTER, no nulls): an inner loop per run of one group, no test per row but the id's. */
function runSums(vv: Float64Array, ids: Int32Array, sums: Float64Array, cnt: Float64Array): void {
  const n = ids.length;
  let i = 0;
  while (i < n) {
    const id = ids[i]!;
    let j = i, sum = sums[id]!;
    while (j < n && ids[j] === id) sum += vv[j++]!;
    sums[id] = sum;
    cnt[id] = cnt[id]! + (j - i);
    i = j;
  }
}

function floatSumsMasked(vv: Float64Array, ids: Int32Array, m: Uint8Array | null, valid: Uint8Array | null, sums: Float64Array, cnt: Float64Array): void {
  const n = ids.length;
  let at = -1, sum = 0, c = 0;
  for (let i = 0; i < n; i++) {
    if ((m && !m[i]) || (valid && !valid[i])) continue;
    const id = ids[i]!;
    if (id !== at) {
      if (at >= 0) { sums[at] = sum; cnt[at] = c; }
      at = id;
      sum = sums[at]!;
      c = cnt[at]!;
    }
    sum += vv[i]!;
    c++;
  }
  if (at >= 0) { sums[at] = sum; cnt[at] = c; }
}

/** avg / mean: Float64; over integers the sum is exact (not wrapped) and rounded once before the division. */
export const avg: AggImpl = (a, g) => {
  if (a.args[0]?.dt === 'Null') throw new ExecError(`Execution error: AvgAccumulator for (Null --> Float64)`, a.call.pos);
  const v = numArg(a, a.args[0]);
  if (v.kind !== 'num') return numVec('Float64', g.count);
  const dec = decimalOf(v.dt);
  // avg of Decimal128(p, s) is Decimal128(min(p + 4, 38), min(s + 4, 38))
  if (dec) {
    const p = Math.min(MAX_PRECISION, dec.p + 4), s = Math.min(MAX_PRECISION, dec.s + 4);
    if (needsExact(decimalType(p, s), v)) return decimalVec(decimalType(p, s), exactSums(v, a, g, dec.s, s));
    return rescaled(floatSums(v, a, g, true), p, s);
  }
  if (!INT_TYPES.has(v.dt)) return floatSums(v, a, g, true);
  const s = wordSums(v, a, g, false);
  const out = numVec('Float64', g.count);
  for (let k = 0; k < g.count; k++) {
    if (s.cnt[k] === 0) setNull(out, k);
    else out.v[k] = (s.hi[k]! * TWO32 + s.lo[k]!) / s.cnt[k]!;
  }
  return out;
};

