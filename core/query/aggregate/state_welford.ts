// GreptimeDB's Welford state aggregates: welford_state(x) folds values into a mergeable (count, mean, M2) state,
// welford_merge(state) combines states (Chan's parallel update), welford_stddev(state) reads the population standard
// deviation back. A state is Binary: three little-endian float64s (count, mean, M2), held as lower-case hex like
// every Binary value (../expr/bytes.ts). An empty state (no values) reads back as NULL.
import type { AggImpl } from './common.ts';
import { numArg } from './common.ts';
import type { Vec } from '../vector.ts';
import { getValue, isNull, numVec, setNull, strVec } from '../vector.ts';

interface Welford { n: number; mean: number; m2: number }

function encode(s: Welford): string {
  const b = new DataView(new ArrayBuffer(24));
  b.setFloat64(0, s.n, true); b.setFloat64(8, s.mean, true); b.setFloat64(16, s.m2, true);
  let hex = '';
  for (let i = 0; i < 24; i++) hex += b.getUint8(i).toString(16).padStart(2, '0');
  return hex;
}

function decode(hex: string): Welford | null {
  if (!/^[0-9a-f]{48}$/i.test(hex)) return null;
  const b = new DataView(new ArrayBuffer(24));
  for (let i = 0; i < 24; i++) b.setUint8(i, parseInt(hex.slice(2 * i, 2 * i + 2), 16));
  return { n: b.getFloat64(0, true), mean: b.getFloat64(8, true), m2: b.getFloat64(16, true) };
}

/** Chan et al.'s combination of two partial states. */
function merge(a: Welford, b: Welford): Welford {
  if (b.n === 0) return a;
  if (a.n === 0) return { ...b };
  const n = a.n + b.n, d = b.mean - a.mean;
  return { n, mean: a.mean + (d * b.n) / n, m2: a.m2 + b.m2 + (d * d * a.n * b.n) / n };
}

function states(g: { count: number }): Welford[] {
  return Array.from({ length: g.count }, () => ({ n: 0, mean: 0, m2: 0 }));
}

function binaryOut(st: Welford[]): Vec {
  const out = strVec(st.length);
  out.dt = 'Binary';
  st.forEach((s, k) => (out.v[k] = encode(s)));
  return out;
}

export const welfordState: AggImpl = (a, g) => {
  const v = numArg(a, a.args[0]), st = states(g);
  if (v.kind === 'num') {
    for (let i = 0; i < g.ids.length; i++) {
      if ((a.mask && !a.mask[i]) || isNull(v, i)) continue;
      const s = st[g.ids[i]!]!, x = v.v[i]!;
      s.n++;
      const d = x - s.mean;
      s.mean += d / s.n;
      s.m2 += d * (x - s.mean);
    }
  }
  return binaryOut(st);
};

export const welfordMerge: AggImpl = (a, g) => {
  const v = a.args[0]!, st = states(g);
  for (let i = 0; i < g.ids.length; i++) {
    if ((a.mask && !a.mask[i]) || isNull(v, i)) continue;
    const s = decode(String(getValue(v, i)));
    if (s) st[g.ids[i]!] = merge(st[g.ids[i]!]!, s);
  }
  return binaryOut(st);
};

/** welford_stddev(state): the population standard deviation of the values folded into the state. */
export function welfordStddev(args: Vec[], n: number): Vec {
  const s = args[0]!, out = numVec('Float64', n);
  for (let i = 0; i < n; i++) {
    const w = isNull(s, i) ? null : decode(String(getValue(s, i)));
    if (!w || w.n === 0) setNull(out, i);
    else out.v[i] = Math.sqrt(w.m2 / w.n);
  }
  return out;
}
