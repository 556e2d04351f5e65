// An in-memory SeriesSource for tests and small embedded uses: series are label sets with columnar samples.
import type { LabelMatcher, Labels, SeriesSamples, SeriesSource } from './types.ts';
import { matchesAll } from './matchers.ts';

interface Stored { labels: Labels; key: string; t: number[]; v: number[] }

function normalize(labels: Labels | Record<string, string>): Labels {
  const arr = Array.isArray(labels) ? [...(labels as Labels)] : Object.entries(labels as Record<string, string>);
  return arr.filter(([, v]) => v !== '').sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

export class MemorySeriesSource implements SeriesSource {
  private readonly byKey = new Map<string, Stored>();

  /** Adds samples to a series (created on first use); samples are kept sorted by time, a repeated time is overwritten. */
  add(labels: Labels | Record<string, string>, t: ArrayLike<number>, v: ArrayLike<number>): void {
    const l = normalize(labels);
    const key = JSON.stringify(l);
    let s = this.byKey.get(key);
    if (!s) { s = { labels: l, key, t: [], v: [] }; this.byKey.set(key, s); }
    for (let i = 0; i < t.length; i++) {
      const ti = t[i]!;
      const last = s.t.length - 1;
      if (last < 0 || s.t[last]! < ti) { s.t.push(ti); s.v.push(v[i]!); continue; }
      let k = s.t.findIndex((x) => x >= ti);
      if (s.t[k] === ti) s.v[k] = v[i]!;
      else { s.t.splice(k, 0, ti); s.v.splice(k, 0, v[i]!); }
      k++;
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
    let lo = 0;
    while (lo < s.t.length && s.t[lo]! < startMs) lo++;
    let hi = lo;
    while (hi < s.t.length && s.t[hi]! <= endMs) hi++;
    return [lo, hi];
  }

  async select(matchers: LabelMatcher[], startMs: number, endMs: number): Promise<SeriesSamples[]> {
    const out: SeriesSamples[] = [];
    for (const s of this.matching([matchers])) {
      const [lo, hi] = this.inRange(s, startMs, endMs);
      if (hi === lo) continue;
      out.push({ labels: s.labels, t: Float64Array.from(s.t.slice(lo, hi)), v: Float64Array.from(s.v.slice(lo, hi)) });
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
