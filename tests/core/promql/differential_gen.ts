// Seeded generators for the differential test: node-exporter-like series (counters with resets, gauges with gaps and
// ties, classic histograms) and PromQL queries over them covering selectors, functions, aggregations and operators.
import type { Labels } from '../../../core/promql/index.ts';

/** 2023-11-14T22:13:20Z: data well inside what Prometheus's TSDB accepts. */
export const T0 = 1_700_000_000_000;
const STEP = 15_000;
const N = 240; // one hour of 15 s scrapes

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GenSeries { labels: Labels; t: number[]; v: number[] }

function lbl(o: Record<string, string>): Labels {
  return Object.entries(o).sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

export function genSeries(seed: number): GenSeries[] {
  const r = rng(seed);
  const out: GenSeries[] = [];
  for (const job of ['j0', 'j1']) {
    for (const inst of ['i0', 'i1', 'i2']) {
      // A series may start late or stop early, so lookback and absent windows matter.
      const from = r() < 0.2 ? Math.floor(r() * 60) : 0;
      const to = r() < 0.2 ? N - Math.floor(r() * 60) : N;
      const c: GenSeries = { labels: lbl({ __name__: 'dm_counter', job, instance: inst }), t: [], v: [] };
      const g: GenSeries = { labels: lbl({ __name__: 'dm_gauge', job, instance: inst }), t: [], v: [] };
      let cv = Math.floor(r() * 100);
      for (let i = from; i < to; i++) {
        const t = T0 + i * STEP + (r() < 0.3 ? Math.floor(r() * 3000) : 0);
        if (r() < 0.05) continue; // a missed scrape
        cv = r() < 0.02 ? Math.floor(r() * 5) : cv + Math.floor(r() * 10);
        c.t.push(t); c.v.push(cv);
        if (r() < 0.01) { g.t.push(t); g.v.push(r() < 0.5 ? NaN : Infinity); continue; }
        g.t.push(t); g.v.push((r() < 0.3 ? Math.round(r() * 20 - 10) : Math.round((r() * 100 - 50) * 100) / 100) + 0); // + 0: no -0, which text cannot carry
      }
      out.push(c, g);
    }
    // A sparse series: samples minutes apart, so the 5m lookback runs out between them.
    const sp: GenSeries = { labels: lbl({ __name__: 'dm_sparse', job }), t: [], v: [] };
    for (let t = T0 + Math.floor(r() * 60_000); t < T0 + N * STEP; t += 60_000 + Math.floor(r() * 480_000)) { sp.t.push(t); sp.v.push(Math.floor(r() * 10)); }
    out.push(sp);
    const les = ['0.1', '0.5', '1', '5', '+Inf'];
    const counts = les.map(() => 0);
    const hs = les.map((le) => ({ labels: lbl({ __name__: 'dm_hist_bucket', job, le }), t: [] as number[], v: [] as number[] }));
    for (let i = 0; i < N; i++) {
      const t = T0 + i * STEP;
      const obs = Math.floor(r() * 20);
      for (let o = 0; o < obs; o++) {
        const x = r() * r() * 8;
        les.forEach((le, k) => { if (le === '+Inf' || x <= Number(le)) counts[k]!++; });
      }
      hs.forEach((h, k) => { h.t.push(t); h.v.push(counts[k]!); });
    }
    out.push(...hs);
  }
  return out;
}

export function diffQueries(seed: number): string[] {
  const r = rng(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)]!;
  const range = (): string => pick(['1m', '2m', '5m', '10m', '90s', '17m']);
  const sel = (): string => pick(['dm_gauge', 'dm_counter', 'dm_gauge{job="j0"}', 'dm_counter{instance=~"i[01]"}', 'dm_gauge{instance!="i1"}',
    'dm_gauge offset 7m', `dm_gauge @ ${(T0 + 1_200_000) / 1000}`, '{__name__=~"dm_(gauge|counter)", job="j1"}']);
  const msel = (): string => pick(['dm_gauge', 'dm_counter', 'dm_gauge{job="j1"}', 'dm_counter{instance="i2"}']) + `[${range()}]` + (r() < 0.2 ? ' offset 3m' : '');
  const agg = (): string => pick(['sum', 'avg', 'min', 'max', 'count', 'group', 'stddev', 'stdvar']);
  const grouping = (): string => pick(['', ' by (job)', ' without (instance)', ' by (instance)', ' without (job, instance)']);
  const rangeFn = (): string => pick(['rate', 'irate', 'increase', 'delta', 'idelta', 'deriv', 'changes', 'resets', 'avg_over_time', 'min_over_time',
    'max_over_time', 'sum_over_time', 'count_over_time', 'stddev_over_time', 'stdvar_over_time', 'last_over_time', 'present_over_time', 'absent_over_time']);
  const fixed = [
    'dm_gauge', 'dm_counter', 'dm_gauge offset 5m', 'dm_gauge > 10', 'dm_gauge > bool 10', '10 < dm_gauge', 'dm_gauge == bool dm_counter',
    'dm_gauge + dm_counter', 'dm_gauge - on(job, instance) dm_counter', 'dm_gauge * on(job) group_left sum by (job) (dm_counter)',
    'dm_gauge / ignoring(instance) group_left sum without (instance) (dm_gauge)', 'sum by (job) (dm_counter) / on(job) group_right count by (job, instance) (dm_gauge)',
    'dm_gauge > 0 and dm_counter > 50', 'dm_gauge or dm_counter', 'dm_gauge unless dm_gauge < 0', 'dm_gauge and on(job) (dm_gauge > 30)',
    'histogram_quantile(0.9, rate(dm_hist_bucket[5m]))', 'histogram_quantile(0.5, sum by (le) (rate(dm_hist_bucket[10m])))',
    'histogram_quantile(0.99, dm_hist_bucket)', 'topk(2, dm_gauge)', 'bottomk(2, dm_gauge) by (job)', 'topk by (job) (1, rate(dm_counter[5m]))',
    'quantile(0.7, dm_gauge) by (job)', 'quantile(0.25, dm_counter)', 'count_values("v", round(dm_gauge / 10))', 'count_values without (instance) ("v", dm_gauge > 5)',
    'abs(dm_gauge)', 'ceil(dm_gauge)', 'floor(dm_gauge)', 'round(dm_gauge, 5)', 'round(dm_gauge)', 'clamp(dm_gauge, -10, 10)', 'clamp_min(dm_gauge, 0)',
    'clamp_max(dm_gauge, 3)', 'sqrt(abs(dm_gauge))', 'exp(dm_gauge / 100)', 'ln(abs(dm_gauge) + 1)', 'log2(dm_counter)', 'log10(dm_counter)', 'sgn(dm_gauge)',
    'timestamp(dm_gauge)', 'label_replace(dm_gauge, "foo", "$1-x", "instance", "i(.*)")', 'label_replace(dm_gauge, "job", "", "job", ".*")',
    'label_join(dm_gauge, "foo", ",", "job", "instance")', 'sort_desc(dm_gauge)', 'absent(nonexistent{job="a"})', 'absent(dm_gauge)',
    'absent_over_time(dm_gauge{instance="i9"}[5m])', 'scalar(sum(dm_gauge))', 'vector(1)', 'time() - dm_gauge', 'hour(dm_gauge * 0 + 1700003600)',
    'day_of_week()', 'minute()', 'days_in_month(vector(1709251200))', 'predict_linear(dm_gauge[10m], 600)', 'holt_winters(dm_gauge[10m], 0.3, 0.6)',
    'quantile_over_time(0.3, dm_gauge[10m])', 'max_over_time(rate(dm_counter[2m])[10m:1m])', 'avg_over_time(dm_gauge[15m:])',
    'rate(dm_counter[5m:30s] offset 2m)', 'min_over_time(sum by (job) (dm_gauge)[20m:2m])', 'dm_gauge ^ 2 % 7', '-dm_gauge', 'dm_gauge atan2 dm_counter',
    'sum(dm_gauge) + 2 * 3 ^ 2', 'sin(dm_gauge) + cos(dm_gauge) + tan(dm_gauge / 100)', 'deg(atan(dm_gauge))', 'rad(dm_gauge)', 'pi() * dm_gauge',
    'sum(rate(dm_counter[5m])) by (job)', 'avg without (instance) (irate(dm_counter[1m]))', 'group by (job) (dm_gauge)', 'count(dm_gauge > 0)',
    'stddev by (job) (dm_gauge)', 'stdvar(dm_counter)', 'max by (instance) (dm_gauge) > bool 0', 'changes(dm_gauge[10m]) > 3',
    'dm_counter @ end()', 'dm_counter @ start()', 'increase(dm_counter[5m] @ end())', 'sum_over_time(dm_gauge[5m] offset -1m)',
    'last_over_time(dm_gauge[3m])', 'dm_sparse', 'dm_sparse offset 4m', 'rate(dm_sparse[10m])', 'count_over_time(dm_sparse[15m])', 'absent(dm_sparse{job="j0"})',
    'absent_over_time(dm_sparse[3m])', 'timestamp(dm_sparse)', 'dm_sparse @ start()', 'max_over_time(dm_sparse[20m:3m] @ end())', 'count(dm_sparse) by (job)',
    'dm_sparse > bool on(job) sum by (job) (dm_sparse)', 'label_join(dm_sparse, "x", "-", "job", "__name__")', 'sum_over_time(dm_gauge[5m:1m] offset 3m)', 'resets(dm_counter[30m])', 'deriv(dm_counter[10m])', 'irate(dm_counter[5m])', 'idelta(dm_gauge[5m])',
  ];
  const out = [...fixed];
  for (let k = 0; k < 90; k++) {
    switch (Math.floor(r() * 6)) {
      case 0: out.push(`${rangeFn()}(${msel()})`); break;
      case 1: out.push(`${agg()}${grouping()} (${rangeFn()}(${msel()}))`); break;
      case 2: out.push(`${agg()}${grouping()} (${sel()})`); break;
      case 3: out.push(`${sel()} ${pick(['+', '-', '*', '/', '>', '<=', '!=', '== bool'])} ${pick(['2', '-3.5', 'scalar(min(dm_gauge))'])}`); break;
      case 4: out.push(`${agg()} by (job) (${sel()}) ${pick(['+', '/', '>', 'and', 'or', 'unless'])} ${pick(['on(job)', 'ignoring(instance)', ''])} ${agg()} by (job) (${sel()})`); break;
      default: out.push(`${pick(['max_over_time', 'avg_over_time', 'rate', 'min_over_time', 'count_over_time'])}((${agg()}${grouping()} (${sel()}))[${range()}:${pick(['', '30s', '1m', '45s'])}])`);
    }
  }
  return out;
}

/** Random well-typed queries built recursively (nested aggregations, matching, subqueries, functions). */
export function randomQueries(seed: number, count: number): string[] {
  const r = rng(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)]!;
  const range = (): string => pick(['1m', '3m', '5m', '10m', '150s']);
  const sel = (): string => pick(['dm_gauge', 'dm_counter', 'dm_gauge{job="j0"}', 'dm_counter{instance=~"i[12]"}', 'dm_gauge offset 2m',
    'dm_counter offset -3m', `dm_gauge @ ${(T0 + 900_000) / 1000}`, 'dm_hist_bucket{le="1"}', 'dm_sparse', 'dm_gauge @ end()']);
  const scalar = (d: number): string => (d > 0 && r() < 0.3 ? `scalar(${vec(d - 1)})` : pick(['2', '0.5', '-1', '100', 'time() / 1e9']));
  const grouping = (): string => pick(['', ' by (job)', ' without (instance)', ' by (instance)', ' by ()']);
  function vec(d: number): string {
    if (d <= 0) return sel();
    switch (Math.floor(r() * 10)) {
      case 0: return `${pick(['rate', 'increase', 'delta', 'irate', 'deriv', 'max_over_time', 'avg_over_time', 'stddev_over_time', 'changes'])}(${pick(['dm_gauge', 'dm_counter'])}[${range()}])`;
      case 1: return `${pick(['max_over_time', 'min_over_time', 'avg_over_time', 'sum_over_time', 'rate', 'last_over_time', 'count_over_time'])}((${vec(d - 1)})[${range()}:${pick(['', '20s', '1m'])}])`;
      case 2: return `${pick(['sum', 'avg', 'max', 'min', 'count', 'stddev', 'group'])}${grouping()} (${vec(d - 1)})`;
      case 3: return `${pick(['topk', 'bottomk'])}${grouping()} (${pick(['1', '2', '3'])}, ${vec(d - 1)})`;
      case 4: return `quantile${grouping()} (${pick(['0', '0.5', '0.9', '1'])}, ${vec(d - 1)})`;
      case 5: {
        const op = pick(['+', '-', '*', '/', '>', '<', '== bool', '>= bool', 'and', 'or', 'unless']);
        const m = pick(['', ' on(job, instance)', ' ignoring(le)', ' on(job)', ' on()']);
        return `(${vec(d - 1)}) ${op}${m} (${vec(d - 1)})`;
      }
      case 6: return `(${vec(d - 1)}) ${pick(['+', '*', '>', '<= bool', '^', '%'])} ${scalar(d - 1)}`;
      case 7: return `${pick(['abs', 'ceil', 'floor', 'sqrt', 'exp', 'ln', 'sgn', 'round', 'timestamp', 'sort'])}(${vec(d - 1)})`;
      case 8: return `sum by (job) (${vec(d - 1)}) * on(job) group_${pick(['left', 'right'])} ${pick(['', '(instance)'])} (${vec(d - 1)})`;
      default: return `label_replace(${vec(d - 1)}, "x", "$1", "instance", "i(.)")`;
    }
  }
  const out: string[] = [];
  for (let k = 0; k < count; k++) out.push(vec(1 + Math.floor(r() * 3)));
  return out;
}

/** Random query texts from PromQL's tokens (mostly invalid), to compare what each parser accepts. */
export function randomTexts(seed: number, count: number): string[] {
  const r = rng(seed);
  const toks = ['dm_gauge', 'sum', 'rate', 'by', 'without', 'on', 'ignoring', 'group_left', 'bool', 'offset', 'and', 'or', 'unless', 'atan2',
    '(', ')', '{', '}', '[', ']', ',', ':', '@', '+', '-', '*', '/', '%', '^', '==', '!=', '<', '>=', '=~', '=', '"a"', "'b'", '`c`',
    '1', '0x1f', '1e3', '.5', 'Inf', 'NaN', '5m', '1h30m', '0s', 'job', 'le', 'start()', 'end()', 'topk', 'count_values', 'histogram_quantile',
    'label_replace', 'time()', 'vector', 'x', ' ', '#c\n', 'absent', 'quantile', '"\\x41"', '"\\q"', '1m:', 'max_over_time'];
  const out: string[] = [];
  // Half are valid queries with one edit (a character dropped, or a token inserted): near misses test the grammar's edges.
  const valid = [...diffQueries(seed), ...randomQueries(seed, 100)];
  for (let k = 0; k < count / 2; k++) {
    const q = valid[Math.floor(r() * valid.length)]!;
    const at = Math.floor(r() * q.length);
    out.push(r() < 0.5 ? q.slice(0, at) + q.slice(at + 1) : q.slice(0, at) + toks[Math.floor(r() * toks.length)]! + q.slice(at));
  }
  for (let k = out.length; k < count; k++) {
    const n = 1 + Math.floor(r() * 9);
    let q = '';
    for (let i = 0; i < n; i++) q += (r() < 0.5 ? ' ' : '') + toks[Math.floor(r() * toks.length)]!;
    out.push(q.replace(/\\n/g, '\n'));
  }
  return out;
}
