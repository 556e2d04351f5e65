// An in-memory SeriesSource for tests and small embedded uses: series are label sets with columnar samples.
import type { LabelMatcher, Labels, SeriesSamples, SeriesSource } from './types.ts';
import { matchesAll } from './matchers.ts';

/** Samples live in typed arrays (doubling growth): a JS number[] may lose the staleness marker's NaN payload. */
interface Stored { labels: Labels; t: Float64Array; v: Float64Array; n: number }

function normalize(labels: Labels | Record<string, string>): Labels {
  const arr = Array.isArray(labels) ? [...(labels as Labels)] : Object.entries(labels as Record<string, string>);
  return arr.filter(([, v]) => v !== '').sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function lowerBound(t: Float64Array, n: number, x: number): number {
  let a = 0;
  let b = n;
  while (a < b) { const m = (a + b) >> 1; if (t[m]! < x) a = m + 1; else b = m; }
  return a;
}

export class MemorySeriesSource implements SeriesSource {
  private readonly byKey = new Map<string, Stored>();

  /** Adds samples to a series (created on first use); samples are kept sorted by time, a repeated time is overwritten. */
  add(labels: Labels | Record<string, string>, t: ArrayLike<number>, v: ArrayLike<number>): void {
    const l = normalize(labels);
    const key = JSON.stringify(l);
    let s = this.byKey.get(key);
    if (!s) { s = { labels: l, t: new Float64Array(8), v: new Float64Array(8), n: 0 }; this.byKey.set(key, s); }
    const vals = v instanceof Float64Array ? v : Float64Array.from(v);
    for (let i = 0; i < t.length; i++) {
      const ti = t[i]!;
      const k = lowerBound(s.t, s.n, ti);
      if (k < s.n && s.t[k] === ti) { s.v.set(vals.subarray(i, i + 1), k); continue; }
      if (s.n === s.t.length) {
        const nt = new Float64Array(s.n * 2);
        const nv = new Float64Array(s.n * 2);
        nt.set(s.t);
        nv.set(s.v);
        s.t = nt;
        s.v = nv;
      }
      s.t.copyWithin(k + 1, k, s.n);
      s.v.copyWithin(k + 1, k, s.n);
      s.t[k] = ti;
      s.v.set(vals.subarray(i, i + 1), k);
      s.n++;
    }
  }

  clear(): void {
    this.byKey.clear();
  }

  private matching(sets: LabelMatcher[][]): Stored[] {
    const all = [...this.byKey.values()];
    if (sets.length === 0) return all;
    return all.filter((s) => sets.some((ms) => matchesAll(ms, s.labels)));
  }

  private inRange(s: Stored, startMs: number, endMs: number): [number, number] {
    const lo = lowerBound(s.t, s.n, startMs);
    let hi = lo;
    while (hi < s.n && s.t[hi]! <= endMs) hi++;
    return [lo, hi];
  }

  async select(matchers: LabelMatcher[], startMs: number, endMs: number): Promise<SeriesSamples[]> {
    const out: SeriesSamples[] = [];
    for (const s of this.matching([matchers])) {
      const [lo, hi] = this.inRange(s, startMs, endMs);
      if (hi === lo) continue;
      out.push({ labels: s.labels, t: s.t.slice(lo, hi), v: s.v.slice(lo, hi) });
    }
    return out;
  }

  async series(matcherSets: LabelMatcher[][], startMs: number, endMs: number): Promise<Labels[]> {
    return this.matching(matcherSets).filter((s) => { const [lo, hi] = this.inRange(s, startMs, endMs); return hi > lo; }).map((s) => s.labels);
  }

  async labelNames(matcherSets: LabelMatcher[][], startMs: number, endMs: number): Promise<string[]> {
    const names = new Set<string>();
    for (const l of await this.series(matcherSets, startMs, endMs)) for (const [n] of l) names.add(n);
    return [...names].sort();
  }

  async labelValues(name: string, matcherSets: LabelMatcher[][], startMs: number, endMs: number): Promise<string[]> {
    const vals = new Set<string>();
    for (const l of await this.series(matcherSets, startMs, endMs)) for (const [n, v] of l) if (n === name) vals.add(v);
    return [...vals].sort();
  }
}
