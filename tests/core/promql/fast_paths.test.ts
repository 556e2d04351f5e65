// The PromQL engine's fast paths equal their plain paths (fast-check): sliding step windows vs a binary search per step,
// histogram buckets ordered once per query vs sorted per step, and a range query vs an instant query at each step
// (series-major aggregation, counter resets skipped per window, one window function per query).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemorySeriesSource, evalInstant, evalRange } from '../../../core/promql/index.ts';
import { slidingWindows, windowIndices } from '../../../core/promql/engine/selectors.ts';
import { bucketQuantile, histogramFraction, histogramQuantile, sortedBucketFraction, sortedBucketQuantile } from '../../../core/promql/engine/histogram.ts';
import type { StepSeries } from '../../../core/promql/engine/values.ts';
import { finalizeNames } from '../../../core/promql/engine/values.ts';

const same = (a: number, b: number): boolean => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

const sortedTimes = fc.array(fc.integer({ min: 0, max: 200 }), { maxLength: 60 }).map((a) => Float64Array.from(a.sort((x, y) => x - y)));

describe('PromQL fast paths', () => {
  it('slidingWindows finds the window binary search finds, at every step (windows that move back included)', () => {
    const steps = fc.array(fc.tuple(fc.integer({ min: -20, max: 220 }), fc.integer({ min: 0, max: 60 })), { maxLength: 40 });
    fc.assert(fc.property(sortedTimes, steps, fc.boolean(), (t, raw, ascending) => {
      const pairs = ascending ? [...raw].sort((a, b) => a[0] - b[0]) : raw;
      const from = Float64Array.from(pairs, ([f]) => f);
      const to = Float64Array.from(pairs, ([f, w]) => f + w);
      const lo = new Int32Array(pairs.length);
      const hi = new Int32Array(pairs.length);
      slidingWindows(t, from, to, lo, hi);
      for (let i = 0; i < pairs.length; i++) expect([lo[i], hi[i]]).toEqual(windowIndices(t, from[i]!, to[i]!));
    }), { numRuns: 500 });
  });

  const le = fc.constantFrom(-Infinity, -1, 0, 0.1, 0.5, 1, 1, 2.5, 10, Infinity, Infinity);
  const count = fc.oneof(fc.double({ min: -5, max: 100, noNaN: true }), fc.constantFrom(0, NaN, Infinity));
  const quantile = fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(-0.5, 1.5, NaN, 0, 1));

  it('sortedBucketQuantile over buckets ordered once equals bucketQuantile sorting its own', () => {
    fc.assert(fc.property(fc.array(fc.tuple(le, count), { maxLength: 14 }), quantile, (bs, q) => {
      const plain = bucketQuantile(q, bs.map(([l, c]) => ({ le: l, count: c })));
      const ordered = [...bs].sort((a, b) => a[0] - b[0]);
      const fast = sortedBucketQuantile(q, Float64Array.from(ordered, ([l]) => l), Float64Array.from(ordered, ([, c]) => c), ordered.length);
      expect(same(fast, plain)).toBe(true);
    }), { numRuns: 2000 });
  });

  it('histogramQuantile over many steps equals bucketQuantile step by step', () => {
    const member = fc.record({ group: fc.constantFrom('a', 'b'), le: fc.constantFrom('0.1', '1', '1.0', '5', '+Inf', 'x'), cells: fc.array(fc.option(count), { minLength: 6, maxLength: 6 }) });
    fc.assert(fc.property(fc.array(member, { maxLength: 12 }), fc.array(quantile, { minLength: 6, maxLength: 6 }), (ms, qs) => {
      const n = 6;
      const series: StepSeries[] = ms.map((m) => ({
        labels: [['g', m.group], ['le', m.le]],
        v: Float64Array.from(m.cells, (c) => c ?? 0),
        has: Uint8Array.from(m.cells, (c) => (c === null ? 0 : 1)),
      }));
      const q = Float64Array.from(qs);
      const got = histogramQuantile(q, series, n);
      if (got.type !== 'vector') throw new Error('not a vector');
      for (const g of ['a', 'b']) {
        const r = got.series.find((s) => s.labels[0]?.[1] === g);
        for (let i = 0; i < n; i++) {
          const bs = ms.flatMap((m, k) => (m.group === g && m.le !== 'x' && series[k]!.has[i] ? [{ le: Number(m.le === '+Inf' ? Infinity : m.le), count: series[k]!.v[i]! }] : []));
          if (bs.length === 0) { expect(r?.has[i] ?? 0).toBe(0); continue; }
          expect(r!.has[i]).toBe(1);
          expect(same(r!.v[i]!, bucketQuantile(q[i]!, bs))).toBe(true);
        }
      }
    }), { numRuns: 500 });
  });

  it('histogramFraction over many steps equals sortedBucketFraction step by step, within [0, 1] and growing with upper', () => {
    const member = fc.record({ le: fc.constantFrom('-1', '0', '0.5', '1', '1.0', '5', '+Inf'), cells: fc.array(fc.option(fc.double({ min: 0, max: 100, noNaN: true })), { minLength: 4, maxLength: 4 }) });
    const bound = fc.oneof(fc.double({ min: -3, max: 8, noNaN: true }), fc.constantFrom(-Infinity, Infinity, 0, 1, 5));
    fc.assert(fc.property(fc.array(member, { maxLength: 10 }), fc.array(fc.tuple(bound, bound), { minLength: 4, maxLength: 4 }), (ms, bounds) => {
      const n = 4;
      const series: StepSeries[] = ms.map((m) => ({
        labels: [['le', m.le]], v: Float64Array.from(m.cells, (c) => c ?? 0), has: Uint8Array.from(m.cells, (c) => (c === null ? 0 : 1)),
      }));
      const lo = Float64Array.from(bounds, ([a, b]) => Math.min(a, b));
      const hi = Float64Array.from(bounds, ([a, b]) => Math.max(a, b));
      const got = histogramFraction(lo, hi, series, n);
      if (got.type !== 'vector') throw new Error('not a vector');
      for (let i = 0; i < n; i++) {
        const bs = ms.flatMap((m, k) => (series[k]!.has[i] ? [{ le: m.le === '+Inf' ? Infinity : Number(m.le), count: series[k]!.v[i]! }] : []));
        if (bs.length === 0) { expect(got.series[0]?.has[i] ?? 0).toBe(0); continue; }
        const ordered = [...bs].sort((a, b) => a.le - b.le);
        const one = (l: number, u: number): number => sortedBucketFraction(l, u, Float64Array.from(ordered, (b) => b.le), Float64Array.from(ordered, (b) => b.count), ordered.length);
        const f = one(lo[i]!, hi[i]!);
        expect(same(got.series[0]!.v[i]!, f)).toBe(true);
        if (Number.isNaN(f)) continue;
        expect(f).toBeGreaterThanOrEqual(-1e-12);
        expect(f).toBeLessThanOrEqual(1 + 1e-12);
        expect(one(lo[i]!, hi[i]! + 1)).toBeGreaterThanOrEqual(f - 1e-12);
        expect(one(-Infinity, Infinity)).toBe(1);
      }
    }), { numRuns: 500 });
  });

  it('finalizeNames without merging (all series marked, one metric) equals dropping names and merging equal label sets', () => {
    // the plain path: drop marked names, then merge series left with one label set (two samples at a step: an error)
    const plain = (series: StepSeries[]): string => {
      const out = new Map<string, (number | null)[]>();
      for (const s of series) {
        const labels = s.dropName ? s.labels.filter(([k]) => k !== '__name__') : s.labels;
        const key = JSON.stringify(labels);
        const row = out.get(key) ?? Array.from(s.v, () => null);
        for (let i = 0; i < s.v.length; i++) {
          if (!s.has[i]) continue;
          if (row[i] !== null) return 'error';
          row[i] = s.v[i]!;
        }
        out.set(key, row);
      }
      return JSON.stringify([...out].sort());
    };
    const shown = (series: StepSeries[]): string => JSON.stringify(series.map((s) => [JSON.stringify(s.labels), Array.from(s.v, (x, i) => (s.has[i] ? x : null))]).sort());
    // both sides: sorted [label set, values by step (null: none)] pairs
    const one = fc.record({
      name: fc.constantFrom('a', 'b', ''), l: fc.constantFrom('x', 'y', 'z'), mark: fc.boolean(),
      cells: fc.array(fc.option(fc.integer({ min: -5, max: 5 })), { minLength: 3, maxLength: 3 }),
    });
    fc.assert(fc.property(fc.array(one, { maxLength: 8 }), fc.boolean(), (raw, allMarked) => {
      const seen = new Set<string>();
      const series: StepSeries[] = [];
      for (const r of raw) {
        const labels: [string, string][] = r.name ? [['__name__', r.name], ['l', r.l]] : [['l', r.l]];
        const key = JSON.stringify(labels);
        if (seen.has(key)) continue; // a vector's series have distinct label sets
        seen.add(key);
        series.push({ labels, v: Float64Array.from(r.cells, (c) => c ?? 0), has: Uint8Array.from(r.cells, (c) => (c === null ? 0 : 1)), ...(r.mark || allMarked ? { dropName: true } : {}) });
      }
      let got: string;
      try { got = shown(finalizeNames(series)); } catch { got = 'error'; }
      expect(got).toBe(plain(series));
    }), { numRuns: 1000 });
  });

  it('rate and increase skip the reset correction only where a window holds no reset: equal to the plain loop', async () => {
    // Prometheus's extrapolatedRate with its reset loop always run (the oracle)
    const plain = (t: number[], v: number[], from: number, to: number, rangeMs: number, isRate: boolean): number | undefined => {
      const idx = t.flatMap((x, k) => (x >= from && x <= to ? [k] : []));
      if (idx.length < 2) return undefined;
      const lo = idx[0]!;
      const hi = idx[idx.length - 1]! + 1;
      let result = v[hi - 1]! - v[lo]!;
      let prev = 0;
      for (let k = lo; k < hi; k++) { if (v[k]! < prev) result += prev; prev = v[k]!; }
      let toStart = (t[lo]! - from) / 1000;
      const toEnd = (to - t[hi - 1]!) / 1000;
      const sampled = (t[hi - 1]! - t[lo]!) / 1000;
      const avg = sampled / (hi - lo - 1);
      if (result > 0 && v[lo]! >= 0) toStart = Math.min(toStart, sampled * (v[lo]! / result));
      const interval = sampled + (toStart < avg * 1.1 ? toStart : avg / 2) + (toEnd < avg * 1.1 ? toEnd : avg / 2);
      result = result * (interval / sampled);
      return isRate ? result / (rangeMs / 1000) : result;
    };
    const deltas = fc.array(fc.oneof(fc.double({ min: 0, max: 50, noNaN: true }), fc.constant(-1)), { minLength: 2, maxLength: 40 });
    await fc.assert(fc.asyncProperty(deltas, fc.integer({ min: 30, max: 300 }), fc.integer({ min: 5, max: 60 }), fc.boolean(), async (ds, rangeS, stepS, isRate) => {
      const t: number[] = [];
      const v: number[] = [];
      ds.forEach((d, k) => { t.push((k + 1) * 15_000); v.push(d < 0 ? d + 1 : (v[k - 1] ?? 0) + d); });
      const src = new MemorySeriesSource();
      src.add({ __name__: 'c' }, t, v);
      const end = t[t.length - 1]! + 30_000;
      const r = await evalRange(`${isRate ? 'rate' : 'increase'}(c[${rangeS}s])`, 0, end, stepS * 1000, src);
      if (r.type !== 'matrix') throw new Error('not a matrix');
      const got = new Map<number, number>();
      if (r.series[0]) r.series[0].t.forEach((x, k) => got.set(x, r.series[0]!.v[k]!));
      for (let at = 0; at <= end; at += stepS * 1000) {
        const want = plain(t, v, at - rangeS * 1000, at, rangeS * 1000, isRate);
        expect(got.get(at)).toBe(want);
      }
    }), { numRuns: 500 });
  });

  it('a range query answers at every step what an instant query answers there', async () => {
    const queries = [
      'rate(c[1m])', 'increase(c[90s])', 'delta(g[1m])', 'sum by (j) (rate(c[1m]))', 'avg by (j) (g)', 'min(g)', 'max by (i) (g)',
      'count by (j) (g)', 'stddev(g)', 'stdvar by (j) (g)', 'group by (j) (g)', 'topk(2, g)', 'quantile(0.7, g)',
      'histogram_quantile(0.9, sum by (le) (rate(h[1m])))', 'histogram_quantile(0.5, h)', 'max_over_time(g[45s])',
      'avg_over_time(g[1m] offset 20s)', 'resets(c[2m])', 'irate(c[1m])', 'deriv(g[1m])', 'rate({__name__=~"c|h"}[1m])',
    ];
    const sample = fc.record({
      i: fc.constantFrom('1', '2', '3'), j: fc.constantFrom('x', 'y'),
      // counter steps: mostly up, sometimes a reset to a small value
      steps: fc.array(fc.oneof(fc.double({ min: 0, max: 10, noNaN: true }), fc.constant(-1)), { minLength: 2, maxLength: 24 }),
      gaps: fc.array(fc.integer({ min: 5, max: 40 }), { minLength: 24, maxLength: 24 }),
    });
    await fc.assert(fc.asyncProperty(fc.array(sample, { minLength: 1, maxLength: 6 }), fc.constantFrom(...queries), fc.integer({ min: 5, max: 45 }), async (ss, q, stepS) => {
      const src = new MemorySeriesSource();
      for (const s of ss) {
        const t: number[] = [];
        const c: number[] = [];
        let time = 0;
        let v = 0;
        s.steps.forEach((d, k) => { time += s.gaps[k]! * 1000; v = d < 0 ? 1 : v + d; t.push(time); c.push(v); });
        src.add({ __name__: 'c', i: s.i, j: s.j }, t, c);
        src.add({ __name__: 'g', i: s.i, j: s.j }, t, c.map((x, k) => Math.sin(x + k) * 10));
        for (const l of ['0.5', '1', '+Inf']) src.add({ __name__: 'h', i: s.i, j: s.j, le: l }, t, c.map((x) => x * (l === '0.5' ? 0.3 : l === '1' ? 0.7 : 1)));
      }
      const end = 400_000;
      const range = await evalRange(q, 0, end, stepS * 1000, src).catch((e: Error) => e);
      for (let at = 0; at <= end; at += stepS * 1000) {
        const inst = await evalInstant(q, at, src).catch((e: Error) => e);
        if (range instanceof Error || inst instanceof Error) {
          // a clash of label sets fails the range query if it fails at any one step
          if (inst instanceof Error) expect(range).toBeInstanceOf(Error);
          continue;
        }
        if (range.type !== 'matrix' || inst.type !== 'vector') throw new Error('unexpected shapes');
        const want = new Map(inst.samples.map((s) => [JSON.stringify(s.labels), s.v]));
        const got = new Map<string, number>();
        for (const s of range.series) {
          const k = s.t.indexOf(at);
          if (k >= 0) got.set(JSON.stringify(s.labels), s.v[k]!);
        }
        if (q.startsWith('topk')) { expect(got.size).toBe(want.size); continue; } // ties may pick other series
        expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
        for (const [k, v] of want) expect(same(got.get(k)!, v), `${q} at ${at} ${k}: ${got.get(k)} vs ${v}`).toBe(true);
      }
    }), { numRuns: 150 });
  });
});
