// Aggregation operators (sum, avg, min, max, count, group, stddev, stdvar, topk, bottomk, quantile, count_values) with
// by/without; groups are assigned once per series, then every step accumulates into per-group slots.
import { invalidQuantile, invalidRatio, type Annotations } from './annotations.ts';
import { PromQLExecError } from '../../errors.ts';
import type { AggregateExpr } from '../parser/ast.ts';
import type { Labels } from '../types.ts';
import type { EvalContext, StepSeries, Value } from './values.ts';
import { groupLabels, labelsKey, newSeries, setLabel } from './values.ts';
import { formatGoFloat } from '../go_float.ts';
import { labelsHash } from './xxhash64.ts';

/** Prometheus's quantile over sorted values: linear interpolation between the closest ranks. */
export function quantileOf(q: number, sorted: number[] | Float64Array): number {
  const n = sorted.length;
  if (n === 0 || Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const rank = q * (n - 1);
  const lo = Math.max(0, Math.floor(rank));
  const hi = Math.min(n - 1, lo + 1);
  const w = rank - Math.floor(rank);
  return sorted[lo]! * (1 - w) + sorted[hi]! * w;
}

/** Go's vectorByValueHeap order: NaN first, then ascending (what Prometheus's quantile sorts by). */
export const byValueNaNFirst = (a: number, b: number): number => (Number.isNaN(a) ? (Number.isNaN(b) ? 0 : -1) : Number.isNaN(b) ? 1 : a - b);

export function evalAggregate(e: AggregateExpr, input: StepSeries[], param: Value | undefined, ctx: EvalContext): Value {
  const n = ctx.steps.length;
  const names = new Set(e.grouping);
  // Group index per input series, computed once: labels do not change between steps.
  const groupOf = new Int32Array(input.length);
  const groups: Labels[] = [];
  const keyIdx = new Map<string, number>();
  input.forEach((s, k) => {
    const gl = groupLabels(s.labels, names, e.without);
    const key = labelsKey(gl);
    let g = keyIdx.get(key);
    if (g === undefined) { g = groups.length; keyIdx.set(key, g); groups.push(gl); }
    groupOf[k] = g;
  });
  const G = groups.length;
  // `by (__name__)` keeps the name in a group's labels: the group drops it later when any of its series is so marked
  const marked = new Set<Labels>();
  input.forEach((s, k) => { if (s.dropName) marked.add(groups[groupOf[k]!]!); });
  if (ctx.notes && param?.type === 'scalar') annotateParam(e, param.v, ctx.notes);
  const out = aggregate(e, input, param, groupOf, groups, n);
  if (marked.size && out.type === 'vector') for (const s of out.series) if (marked.has(s.labels)) s.dropName = true;
  return out;
}

/** quantile's φ outside [0, 1] at any step; limit_ratio's r outside [-1, 1] (read at the first step), as Prometheus warns. */
function annotateParam(e: AggregateExpr, p: Float64Array, notes: Annotations): void {
  if (e.op === 'quantile') {
    for (const q of p) if (!(q >= 0 && q <= 1)) notes.warn(invalidQuantile(q), e.param);
  } else if (e.op === 'limit_ratio' && p.length && (p[0]! < -1 || p[0]! > 1)) {
    notes.warn(invalidRatio(p[0]!, Math.max(-1, Math.min(1, p[0]!))), e.param);
  }
}

function aggregate(e: AggregateExpr, input: StepSeries[], param: Value | undefined, groupOf: Int32Array, groups: Labels[], n: number): Value {
  const G = groups.length;
  const scalarParam = param?.type === 'scalar' ? param.v : undefined;
  if (e.op === 'topk' || e.op === 'bottomk') return topBottom(e.op === 'topk', input, groupOf, G, scalarParam!, n);
  // Prometheus 3 (where these two come from) reads their parameter once, at the query's first step
  if (e.op === 'limitk') return limitK(input, groupOf, G, scalarParam![0]!, n);
  if (e.op === 'limit_ratio') return limitRatio(input, scalarParam![0]!, n);
  if (e.op === 'count_values') {
    if (param?.type !== 'string') throw new PromQLExecError('count_values needs a string parameter');
    return countValues(param.s, input, groupOf, groups, n);
  }
  if (e.op === 'quantile') return quantileAggregate(input, groupOf, groups, scalarParam!, n);
  // Series-major: each input series is read once, front to back, into its group's per-step slots (group g, step i at
  // g * n + i). Within a slot the samples still arrive in series order, so sums and means round as step by step.
  const cnt = new Float64Array(G * n);
  const acc = new Float64Array(G * n);
  const mean = e.op === 'avg' || e.op === 'stddev' || e.op === 'stdvar' ? new Float64Array(G * n) : acc;
  // sum compensates its rounding (Neumaier, as Prometheus 2.50+ sums): 2 + 8 + 1e100 - 1e100 is 10, not 0
  const comp = e.op === 'sum' ? new Float64Array(G * n) : acc;
  for (let k = 0; k < input.length; k++) {
    const { v, has } = input[k]!;
    const base = groupOf[k]! * n;
    switch (e.op) {
      case 'sum':
        for (let i = 0; i < n; i++) {
          if (!has[i]) continue;
          const j = base + i;
          if (++cnt[j]! === 1) { acc[j] = v[i]!; continue; }
          const sum = acc[j]!;
          const x = v[i]!;
          const t = sum + x;
          if (t === Infinity || t === -Infinity) comp[j] = 0;
          else if (Math.abs(sum) >= Math.abs(x)) comp[j]! += (sum - t) + x;
          else comp[j]! += (x - t) + sum;
          acc[j] = t;
        }
        break;
      case 'count': case 'group':
        for (let i = 0; i < n; i++) if (has[i]) cnt[base + i]!++;
        break;
      case 'max':
        for (let i = 0; i < n; i++) {
          if (!has[i]) continue;
          const j = base + i;
          const x = v[i]!;
          if (++cnt[j]! === 1 || acc[j]! < x || Number.isNaN(acc[j]!)) acc[j] = x;
        }
        break;
      case 'min':
        for (let i = 0; i < n; i++) {
          if (!has[i]) continue;
          const j = base + i;
          const x = v[i]!;
          if (++cnt[j]! === 1 || acc[j]! > x || Number.isNaN(acc[j]!)) acc[j] = x;
        }
        break;
      case 'avg':
        for (let i = 0; i < n; i++) {
          if (!has[i]) continue;
          const j = base + i;
          const x = v[i]!;
          const c = ++cnt[j]!;
          if (c === 1) { mean[j] = x; continue; }
          const m = mean[j]!;
          // An incremental mean (no overflow of a big sum); an infinite mean stays infinite, not NaN.
          if (m === Infinity || m === -Infinity) {
            if ((x === Infinity || x === -Infinity) && (m > 0) === (x > 0)) continue;
            if (Number.isFinite(x)) continue;
          }
          // Prometheus 2.42's incremental mean, parenthesised as Go evaluates `mean += x/c - mean/c`.
          mean[j] = m + (x / c - m / c);
        }
        break;
      case 'stddev': case 'stdvar':
        for (let i = 0; i < n; i++) {
          if (!has[i]) continue;
          const j = base + i;
          const x = v[i]!;
          const c = ++cnt[j]!;
          // The first sample only seeds the mean (Prometheus starts the variance at 0 without an update, even for Inf).
          if (c === 1) { mean[j] = x; acc[j] = 0; continue; }
          const d = x - mean[j]!;
          mean[j] = mean[j]! + d / c;
          acc[j] = acc[j]! + d * (x - mean[j]!);
        }
        break;
    }
  }
  const out: StepSeries[] = [];
  for (let g = 0; g < G; g++) {
    const base = g * n;
    let o: StepSeries | undefined;
    for (let i = 0; i < n; i++) {
      const c = cnt[base + i]!;
      if (c === 0) continue;
      o ??= newSeries(groups[g]!, n);
      o.has[i] = 1;
      const a = acc[base + i]!;
      switch (e.op) {
        case 'sum': o.v[i] = a + comp[base + i]!; break;
        case 'max': case 'min': o.v[i] = a; break;
        case 'avg': o.v[i] = mean[base + i]!; break;
        case 'count': o.v[i] = c; break;
        case 'group': o.v[i] = 1; break;
        case 'stdvar': o.v[i] = a / c; break;
        case 'stddev': o.v[i] = Math.sqrt(a / c); break;
      }
    }
    if (o) out.push(o);
  }
  return { type: 'vector', series: out };
}

/** quantile: every step's values of a group sorted (NaN first), then interpolated. */
function quantileAggregate(input: StepSeries[], groupOf: Int32Array, groups: Labels[], q: Float64Array, n: number): Value {
  const G = groups.length;
  const out = groups.map((l) => newSeries(l, n));
  const buckets: number[][] = groups.map(() => []);
  for (let i = 0; i < n; i++) {
    for (const b of buckets) b.length = 0;
    for (let k = 0; k < input.length; k++) {
      const s = input[k]!;
      if (s.has[i]) buckets[groupOf[k]!]!.push(s.v[i]!);
    }
    for (let g = 0; g < G; g++) {
      const b = buckets[g]!;
      if (b.length === 0) continue;
      out[g]!.has[i] = 1;
      out[g]!.v[i] = quantileOf(q[i]!, b.sort(byValueNaNFirst));
    }
  }
  return { type: 'vector', series: out.filter((o) => o.has.some((h) => h === 1)) };
}

/** Go's container/heap over Prometheus's value orders, so ties and NaNs pick the same series Prometheus picks. */
class GoHeap {
  items: { idx: number; v: number }[] = [];
  constructor(private readonly less: (a: number, b: number) => boolean) {}
  private lessAt(i: number, j: number): boolean { return this.less(this.items[i]!.v, this.items[j]!.v); }
  private swap(i: number, j: number): void { const t = this.items[i]!; this.items[i] = this.items[j]!; this.items[j] = t; }
  private up(j: number): void {
    for (;;) {
      const i = (j - 1) >> 1;
      if (j <= 0 || i === j || !this.lessAt(j, i)) break;
      this.swap(i, j);
      j = i;
    }
  }
  private down(i0: number, n: number): void {
    let i = i0;
    for (;;) {
      const j1 = 2 * i + 1;
      if (j1 >= n || j1 < 0) break;
      let j = j1;
      const j2 = j1 + 1;
      if (j2 < n && this.lessAt(j2, j1)) j = j2;
      if (!this.lessAt(j, i)) break;
      this.swap(i, j);
      i = j;
    }
  }
  push(x: { idx: number; v: number }): void { this.items.push(x); this.up(this.items.length - 1); }
  pop(): void {
    const n = this.items.length - 1;
    this.swap(0, n);
    this.down(0, n);
    this.items.pop();
  }
  /** sort.Sort(sort.Reverse(heap)): Go's insertion sort for short slices (stable), a stable sort otherwise. */
  reverseSorted(): { idx: number; v: number }[] {
    const a = this.items.slice();
    const rless = (x: { v: number }, y: { v: number }): boolean => this.less(y.v, x.v);
    if (a.length <= 12) {
      for (let i = 1; i < a.length; i++) for (let j = i; j > 0 && rless(a[j]!, a[j - 1]!); j--) { const t = a[j]!; a[j] = a[j - 1]!; a[j - 1] = t; }
      return a;
    }
    return a.sort((x, y) => (rless(x, y) ? -1 : rless(y, x) ? 1 : 0));
  }
}

const ascNaNFirst = (a: number, b: number): boolean => Number.isNaN(a) || a < b;
const descNaNFirst = (a: number, b: number): boolean => Number.isNaN(a) || a > b;

function topBottom(top: boolean, input: StepSeries[], groupOf: Int32Array, G: number, kParam: Float64Array, n: number): Value {
  const outBy = new Map<number, StepSeries>();
  const order: number[] = [];
  for (let i = 0; i < n; i++) {
    const kf = kParam[i]!;
    if (!(kf <= 9223372036854775807 && kf >= -9223372036854775808)) throw new PromQLExecError(`Scalar value ${kf} overflows int64`);
    const k = Math.trunc(kf);
    if (k < 1) continue;
    const heaps: (GoHeap | undefined)[] = new Array(G);
    const seen: number[] = [];
    for (let idx = 0; idx < input.length; idx++) {
      const s = input[idx]!;
      if (!s.has[i]) continue;
      const g = groupOf[idx]!;
      let h = heaps[g];
      if (!h) { h = new GoHeap(top ? ascNaNFirst : descNaNFirst); heaps[g] = h; seen.push(g); }
      const x = s.v[i]!;
      // Prometheus 2.42: a NaN on top is always replaced (even by another NaN); k == 1 replaces in place.
      const root = h.items.length ? h.items[0]!.v : NaN;
      if (h.items.length < k || (top ? root < x : root > x) || Number.isNaN(root)) {
        if (h.items.length === k) {
          if (k === 1) { h.items[0] = { idx, v: x }; continue; }
          h.pop();
        }
        h.push({ idx, v: x });
      }
    }
    for (const g of seen) {
      for (const { idx, v } of heaps[g]!.reverseSorted()) {
        let o = outBy.get(idx);
        if (!o) { o = newSeries(input[idx]!.labels, n); if (input[idx]!.dropName) o.dropName = true; outBy.set(idx, o); order.push(idx); }
        o.v[i] = v;
        o.has[i] = 1;
      }
    }
  }
  return { type: 'vector', series: order.map((idx) => outBy.get(idx)!) };
}

function countValues(label: string, input: StepSeries[], groupOf: Int32Array, groups: Labels[], n: number): Value {
  if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(label)) throw new PromQLExecError(`invalid label name "${label}"`);
  const out = new Map<string, StepSeries>();
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < input.length; k++) {
      const s = input[k]!;
      if (!s.has[i]) continue;
      const labels = setLabel(groups[groupOf[k]!]!, label, formatGoFloat(s.v[i]!));
      const key = labelsKey(labels);
      let o = out.get(key);
      if (!o) { o = newSeries(labels, n); out.set(key, o); }
      if (!o.has[i]) { o.has[i] = 1; o.v[i] = 0; }
      o.v[i] = o.v[i]! + 1;
    }
  }
  return { type: 'vector', series: [...out.values()] };
}

/** A whole-number k from a per-step scalar, as Prometheus converts it (an overflow is an error). */
function intParam(kf: number): number {
  if (!(kf <= 9223372036854775807 && kf >= -9223372036854775808)) throw new PromQLExecError(`Scalar value ${kf} overflows int64`);
  return Math.trunc(kf);
}

/** limitk: at each step the first k series of each group that have a sample, unchanged (labels, value, name mark). */
function limitK(input: StepSeries[], groupOf: Int32Array, G: number, kParam: number, n: number): Value {
  const out: (StepSeries | undefined)[] = new Array(input.length);
  const taken = new Int32Array(G);
  const k = n ? intParam(kParam) : 0;
  for (let i = 0; i < n && k >= 1; i++) {
    taken.fill(0);
    for (let idx = 0; idx < input.length; idx++) {
      const s = input[idx]!;
      if (!s.has[i] || taken[groupOf[idx]!]! >= k) continue;
      taken[groupOf[idx]!]!++;
      let o = out[idx];
      if (!o) { o = newSeries(s.labels, n); if (s.dropName) o.dropName = true; out[idx] = o; }
      o.v[i] = s.v[i]!;
      o.has[i] = 1;
    }
  }
  return { type: 'vector', series: out.filter((o): o is StepSeries => o !== undefined) };
}

/**
 * limit_ratio: a series is kept when its label set's hash (Prometheus's, XXH64), as a fraction of 2^64, is below r (r >= 0) or at least
 * 1 + r (r < 0), so r and r - 1 pick complementary sets; r is clamped to [-1, 1]. Grouping does not matter.
 */
function limitRatio(input: StepSeries[], rParam: number, n: number): Value {
  if (n && Number.isNaN(rParam)) throw new PromQLExecError('Ratio value is NaN');
  const r = Math.max(-1, Math.min(1, rParam));
  const frac = input.map((s) => labelsHashFraction(s.labels));
  const out: (StepSeries | undefined)[] = new Array(input.length);
  for (let i = 0; i < n; i++) {
    for (let idx = 0; idx < input.length; idx++) {
      const s = input[idx]!;
      if (!s.has[i]) continue;
      const f = frac[idx]!;
      if (!(r >= 0 ? f < r : f >= 1 + r)) continue;
      let o = out[idx];
      if (!o) { o = newSeries(s.labels, n); if (s.dropName) o.dropName = true; out[idx] = o; }
      o.v[i] = s.v[i]!;
      o.has[i] = 1;
    }
  }
  return { type: 'vector', series: out.filter((o): o is StepSeries => o !== undefined) };
}

/** The label set's hash as a fraction of 2^64, as Prometheus places a series for limit_ratio. */
export function labelsHashFraction(labels: Labels): number {
  return Number(labelsHash(labels)) / 2 ** 64;
}
