// Mergeable sketches kept as column values: HyperLogLog (hll / hll_merge / hll_count) and UDDSketch
// (uddsketch_state / uddsketch_merge / uddsketch_calc), GreptimeDB's state-and-finalize aggregate pairs.
import { StatusCode } from '../../errors.ts';
import type { SourcePos } from '../../sql/index.ts';
import { ExecError } from '../expr/eval.ts';
import { PlanError } from '../plan/rel.ts';
import { getValue, isNull, numVec, setNull, strVec, type Vec } from '../vector.ts';

const P = 14, M = 1 << P;
/** Up to this many distinct hashes a HyperLogLog stays exact (a sorted hash list), as HLL++'s sparse form. */
const SPARSE_MAX = 1024;

function murmur32(s: string, seed: number): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    let k = s.charCodeAt(i);
    k = Math.imul(k, 0xcc9e2d51); k = (k << 15) | (k >>> 17); k = Math.imul(k, 0x1b873593);
    h ^= k; h = (h << 13) | (h >>> 19); h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= s.length;
  h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b); h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35); h ^= h >>> 16;
  return h >>> 0;
}

/** A 52-bit hash of a value's text (two 32-bit halves). */
function hash52(s: string): number {
  return (murmur32(s, 0x9747b28c) >>> 12) * 2 ** 32 + murmur32(s, 0x5bd1e995);
}

/** HyperLogLog over 2^14 registers; exact (a set of hashes) while small. */
export class Hll {
  sparse: Set<number> | null = new Set();
  regs: Uint8Array | null = null;

  addText(s: string): void { this.addHash(hash52(s)); }

  private addHash(h: number): void {
    if (this.sparse) {
      this.sparse.add(h);
      if (this.sparse.size > SPARSE_MAX) this.densify();
      return;
    }
    const idx = Math.floor(h / 2 ** 38), rest = h % 2 ** 38;
    const rank = rest === 0 ? 39 : 38 - Math.floor(Math.log2(rest));
    if (rank > this.regs![idx]!) this.regs![idx] = rank;
  }

  private densify(): void {
    const hs = this.sparse!;
    this.sparse = null;
    this.regs = new Uint8Array(M);
    for (const h of hs) this.addHash(h);
  }

  merge(o: Hll): void {
    if (o.sparse) { for (const h of o.sparse) this.addHash(h); return; }
    if (this.sparse) this.densify();
    for (let i = 0; i < M; i++) if (o.regs![i]! > this.regs![i]!) this.regs![i] = o.regs![i]!;
  }

  count(): number {
    if (this.sparse) return this.sparse.size;
    let sum = 0, zeros = 0;
    for (let i = 0; i < M; i++) { sum += 2 ** -this.regs![i]!; if (this.regs![i] === 0) zeros++; }
    const raw = ((0.7213 / (1 + 1.079 / M)) * M * M) / sum;
    return Math.round(raw <= 2.5 * M && zeros > 0 ? M * Math.log(M / zeros) : raw);
  }

  encode(): string {
    if (this.sparse) return `hll:s:${[...this.sparse].sort((a, b) => a - b).map((h) => h.toString(36)).join(',')}`;
    return `hll:d:${Buffer.from(this.regs!).toString('base64')}`;
  }

  static decode(s: string): Hll {
    const h = new Hll();
    if (s.startsWith('hll:s:')) { for (const x of s.slice(6).split(',')) if (x) h.sparse!.add(parseInt(x, 36)); return h; }
    if (s.startsWith('hll:d:')) { h.sparse = null; h.regs = new Uint8Array(Buffer.from(s.slice(6), 'base64')); if (h.regs.length === M) return h; }
    throw new ExecError('Invalid HyperLogLog state', undefined, StatusCode.InvalidArguments);
  }
}

/**
 * UDDSketch (Epicoco et al.): values in buckets of relative width `alpha`; past `maxBuckets` buckets, neighbours
 * collapse and alpha grows. Keys and estimates follow the timescale `uddsketch` crate GreptimeDB uses.
 */
export class UddSketch {
  /** Positive and negative value buckets by key, and the count of zeros. */
  pos = new Map<number, number>();
  neg = new Map<number, number>();
  zeros = 0;
  count = 0;
  compactions = 0;
  alpha: number;
  gamma: number;

  constructor(readonly maxBuckets: number, readonly initialAlpha: number) {
    if (!(maxBuckets > 0) || !(initialAlpha > 0 && initialAlpha < 1)) {
      throw new ExecError(`Invalid UDDSketch parameters: buckets ${maxBuckets}, error rate ${initialAlpha}`, undefined, StatusCode.InvalidArguments);
    }
    this.alpha = initialAlpha;
    this.gamma = (1 + initialAlpha) / (1 - initialAlpha);
  }

  private key(v: number): number { return Math.ceil(Math.log(v) / Math.log(this.gamma)); }

  add(v: number): void {
    if (Number.isNaN(v)) return;
    this.count++;
    if (v === 0) this.zeros++;
    else { const m = v > 0 ? this.pos : this.neg; const k = this.key(Math.abs(v)); m.set(k, (m.get(k) ?? 0) + 1); }
    this.fit();
  }

  private fit(): void {
    while (this.pos.size + this.neg.size + (this.zeros > 0 ? 1 : 0) > this.maxBuckets) this.compactOnce();
  }

  /** Neighbouring buckets collapse pairwise: keys halve, alpha and gamma grow to match. */
  private compactOnce(): void {
    for (const m of [this.pos, this.neg]) {
      const next = new Map<number, number>();
      for (const [k, c] of m) { const nk = Math.ceil(k / 2); next.set(nk, (next.get(nk) ?? 0) + c); }
      m.clear();
      for (const [k, c] of next) m.set(k, c);
    }
    this.compactions++;
    this.alpha = (2 * this.alpha) / (1 + this.alpha * this.alpha);
    this.gamma *= this.gamma;
  }

  merge(o: UddSketch): void {
    if (o.maxBuckets !== this.maxBuckets || o.initialAlpha !== this.initialAlpha) {
      throw new ExecError(`UDDSketch states do not match: (${o.maxBuckets}, ${o.initialAlpha}) merged into (${this.maxBuckets}, ${this.initialAlpha})`, undefined, StatusCode.InvalidArguments);
    }
    while (this.compactions < o.compactions) this.compactOnce();
    const src = o.compactions < this.compactions ? UddSketch.decode(o.encode()) : o;
    while (src.compactions < this.compactions) src.compactOnce();
    for (const [k, c] of src.pos) this.pos.set(k, (this.pos.get(k) ?? 0) + c);
    for (const [k, c] of src.neg) this.neg.set(k, (this.neg.get(k) ?? 0) + c);
    this.zeros += src.zeros;
    this.count += src.count;
    this.fit();
  }

  private value(sign: number, k: number): number { return sign * (1 + this.alpha) * this.gamma ** (k - 1); }

  /** Buckets in ascending value order: negatives (largest key first), zero, positives. */
  private *buckets(): Generator<[number, number]> {
    for (const k of [...this.neg.keys()].sort((a, b) => b - a)) yield [this.value(-1, k), this.neg.get(k)!];
    if (this.zeros > 0) yield [0, this.zeros];
    for (const k of [...this.pos.keys()].sort((a, b) => a - b)) yield [this.value(1, k), this.pos.get(k)!];
  }

  quantile(q: number): number | null {
    if (!(q >= 0 && q <= 1)) throw new ExecError(`Quantile must be between 0.0 and 1.0, got ${q}`, undefined, StatusCode.InvalidArguments);
    if (this.count === 0) return null;
    // the value of rank floor(n * q) + 1 (1-based); a rank of n or more reads the last bucket
    const rank = Math.floor(this.count * q) + 1;
    let remaining = rank, last = 0;
    for (const [v, c] of this.buckets()) {
      last = v;
      if (rank < this.count && remaining <= c) return v;
      remaining -= c;
    }
    return last;
  }

  encode(): string {
    return `uddsketch:${JSON.stringify({ b: this.maxBuckets, a: this.initialAlpha, c: this.compactions, n: this.count, z: this.zeros, p: [...this.pos], m: [...this.neg] })}`;
  }

  static decode(s: string): UddSketch {
    let o: { b: number; a: number; c: number; n: number; z: number; p: [number, number][]; m: [number, number][] };
    try {
      if (!s.startsWith('uddsketch:')) throw new Error('prefix');
      o = JSON.parse(s.slice(10));
    } catch {
      throw new ExecError('Invalid UDDSketch state', undefined, StatusCode.InvalidArguments);
    }
    const u = new UddSketch(o.b, o.a);
    for (let i = 0; i < o.c; i++) { u.alpha = (2 * u.alpha) / (1 + u.alpha * u.alpha); u.gamma *= u.gamma; }
    u.compactions = o.c; u.count = o.n; u.zeros = o.z;
    u.pos = new Map(o.p); u.neg = new Map(o.m);
    return u;
  }
}

function constArg(v: Vec | undefined, what: string, pos: SourcePos): number {
  const x = v && v.v.length ? getValue(v, 0) : null;
  if (typeof x !== 'number') throw new PlanError(`${what} must be a constant number`, pos, StatusCode.InvalidArguments);
  return x;
}

/** hll / hll_merge / uddsketch_state / uddsketch_merge: one state (text) per group from the rows `mask` lets through. */
export function sketchAggregate(name: string, args: Vec[], ids: Int32Array, groups: number, mask: Uint8Array | null, pos: SourcePos): Vec {
  const udd = name.startsWith('uddsketch');
  const x = args[udd ? 2 : 0];
  if (!x || args.length !== (udd ? 3 : 1)) throw new PlanError(`${name} expects ${udd ? '(buckets, error rate, value)' : 'one argument'}`, pos);
  const merge = name.endsWith('_merge');
  const out = strVec(groups);
  out.dt = 'Binary';
  if (udd) {
    const b = constArg(args[0], 'The number of buckets', pos), a = constArg(args[1], 'The error rate', pos);
    const sk = Array.from({ length: groups }, () => new UddSketch(b, a));
    for (let i = 0; i < ids.length; i++) {
      if ((mask && !mask[i]) || isNull(x, i)) continue;
      const v = getValue(x, i);
      if (merge) sk[ids[i]!]!.merge(UddSketch.decode(String(v)));
      else sk[ids[i]!]!.add(Number(v));
    }
    for (let k = 0; k < groups; k++) out.v[k] = sk[k]!.encode();
    return out;
  }
  const hs = Array.from({ length: groups }, () => new Hll());
  for (let i = 0; i < ids.length; i++) {
    if ((mask && !mask[i]) || isNull(x, i)) continue;
    const v = String(getValue(x, i));
    if (merge) hs[ids[i]!]!.merge(Hll.decode(v));
    else hs[ids[i]!]!.addText(v);
  }
  for (let k = 0; k < groups; k++) out.v[k] = hs[k]!.encode();
  return out;
}

/** hll_count(state): the estimated number of distinct values. */
export function hllCount(args: Vec[], n: number): Vec {
  const s = args[0]!, out = numVec('UInt64', n);
  for (let i = 0; i < n; i++) {
    if (isNull(s, i)) setNull(out, i);
    else out.v[i] = Hll.decode(String(getValue(s, i))).count();
  }
  return out;
}

/** uddsketch_calc(quantile, state): the quantile's estimate (null for an empty sketch). */
export function uddsketchCalc(args: Vec[], n: number): Vec {
  const q = args[0]!, s = args[1]!, out = numVec('Float64', n);
  for (let i = 0; i < n; i++) {
    const r = isNull(q, i) || isNull(s, i) ? null : UddSketch.decode(String(getValue(s, i))).quantile(Number(getValue(q, i)));
    if (r === null) setNull(out, i);
    else out.v[i] = r;
  }
  return out;
}
