// histogram_quantile over classic buckets: series grouped by their labels without `le`, interpolated within a bucket.
import type { Labels } from '../types.ts';
import type { StepSeries, Value } from './values.ts';
import { getLabel, labelsKey, newSeries } from './values.ts';

/** Go's strconv.ParseFloat as far as `le` values need it: decimal, exponent, ±Inf/Infinity, NaN (any case). */
export function parseGoFloat(s: string): number {
  const t = s.trim() === s ? s : '';
  const low = t.toLowerCase().replace(/^\+/, '');
  if (low === 'inf' || low === 'infinity') return Infinity;
  if (low === '-inf' || low === '-infinity') return -Infinity;
  if (low === 'nan') return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t) && !/^[-+]?0[xX][0-9a-fA-F]+$/.test(t)) return NaN;
  return t.startsWith('-0x') || t.startsWith('-0X') ? -Number(t.slice(1)) : Number(t.replace(/^\+/, ''));
}

interface Bucket { le: number; count: number }

export function bucketQuantile(q: number, buckets: Bucket[]): number {
  if (Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  buckets.sort((a, b) => a.le - b.le);
  if (buckets.length === 0 || buckets[buckets.length - 1]!.le !== Infinity) return NaN;
  // Buckets with the same bound are merged; counts are forced monotonic, as Prometheus does for scrape races.
  const bs: Bucket[] = [];
  for (const b of buckets) {
    const last = bs[bs.length - 1];
    if (last && last.le === b.le) last.count += b.count;
    else bs.push({ le: b.le, count: b.count });
  }
  let max = -Infinity;
  for (const b of bs) {
    if (b.count > max) max = b.count;
    else if (b.count < max) b.count = max;
  }
  if (bs.length < 2) return NaN;
  const total = bs[bs.length - 1]!.count;
  if (total === 0) return NaN;
  let rank = q * total;
  let b = 0;
  while (b < bs.length - 1 && !(bs[b]!.count >= rank)) b++;
  if (b === bs.length - 1) return bs[bs.length - 2]!.le;
  if (b === 0 && bs[0]!.le <= 0) return bs[0]!.le;
  let start = 0;
  const end = bs[b]!.le;
  let count = bs[b]!.count;
  if (b > 0) {
    start = bs[b - 1]!.le;
    count -= bs[b - 1]!.count;
    rank -= bs[b - 1]!.count;
  }
  return start + (end - start) * (rank / count);
}

export function histogramQuantile(q: Float64Array, series: StepSeries[], n: number): Value {
  const groups = new Map<string, { labels: Labels; members: { le: number; s: StepSeries }[] }>();
  for (const s of series) {
    const leStr = getLabel(s.labels, 'le');
    const le = parseGoFloat(leStr);
    if (Number.isNaN(le)) continue; // a series without a valid `le` is no bucket
    const labels = s.labels.filter(([k]) => k !== 'le' && k !== '__name__');
    const key = labelsKey(labels);
    let g = groups.get(key);
    if (!g) { g = { labels, members: [] }; groups.set(key, g); }
    g.members.push({ le, s });
  }
  const out: StepSeries[] = [];
  for (const g of groups.values()) {
    const r = newSeries(g.labels, n);
    let any = false;
    for (let i = 0; i < n; i++) {
      const bs: Bucket[] = [];
      for (const m of g.members) if (m.s.has[i]) bs.push({ le: m.le, count: m.s.v[i]! });
      if (bs.length === 0) continue;
      r.v[i] = bucketQuantile(q[i]!, bs);
      r.has[i] = 1;
      any = true;
    }
    if (any) out.push(r);
  }
  return { type: 'vector', series: out };
}
