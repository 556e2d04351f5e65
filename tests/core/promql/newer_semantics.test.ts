// PromQL as Prometheus 2.53+/3.x reads and answers it, over the in-memory source: durations written as numbers (and
// numbers as durations), delayed removal of `__name__`, and the functions and aggregations added since 2.45
// (first_over_time, ts_of_*, mad_over_time, sort_by_label, limitk, limit_ratio).
import { describe, expect, it } from 'vitest';
import { MemorySeriesSource, evalInstant, evalRange, parsePromQL, type PromValue } from '../../../core/promql/index.ts';

const MIN = 60_000;

/** Two counters with the same `env`, and a gauge, one sample a minute for ten minutes. */
function source(): MemorySeriesSource {
  const src = new MemorySeriesSource();
  const t = Array.from({ length: 11 }, (_, i) => i * MIN);
  src.add({ __name__: 'reqs_total', env: 'a' }, t, t.map((_, i) => 6 * i));
  src.add({ __name__: 'errs_total', env: 'a' }, t, t.map((_, i) => 12 * i));
  src.add({ __name__: 'temp', room: 'x' }, t, [5, 3, 9, 9, 1, 4, 1, 7, 2, 8, 6]);
  return src;
}

/** A vector answer as `labels-as-text value` lines, sorted, for compact comparisons. */
function lines(v: PromValue): string[] {
  if (v.type !== 'vector') throw new Error(`expected a vector, got ${v.type}`);
  return v.samples.map((s) => `${s.labels.map(([k, x]) => `${k}=${x}`).join(',')} ${s.v}`).sort();
}

describe('durations and numbers are interchangeable (Prometheus 2.53+, stable in 3.0)', () => {
  it('reads a plain number as seconds in a range, an offset and a subquery step', async () => {
    const src = source();
    for (const [a, b] of [
      ['sum_over_time(temp[180])', 'sum_over_time(temp[3m])'],
      ['temp offset 120', 'temp offset 2m'],
      ['temp offset -60', 'temp offset -1m'],
      ['max_over_time(temp[300:60])', 'max_over_time(temp[5m:1m])'],
      ['sum_over_time(temp[1.5])', 'sum_over_time(temp[1500ms])'],
    ]) expect(lines(await evalInstant(a!, 6 * MIN, src))).toEqual(lines(await evalInstant(b!, 6 * MIN, src)));
  });

  it('reads a duration as its number of seconds where a number is expected', async () => {
    const src = source();
    expect(await evalInstant('1h', 0, src)).toMatchObject({ type: 'scalar', v: 3600 });
    expect(lines(await evalInstant('predict_linear(reqs_total[5m], 1h)', 10 * MIN, src)))
      .toEqual(lines(await evalInstant('predict_linear(reqs_total[5m], 3600)', 10 * MIN, src)));
  });

  it('still refuses a negative range and a zero subquery step, with a position', () => {
    expect(() => parsePromQL('temp[0]')).toThrow(/range must be positive/);
    expect(() => parsePromQL('temp[5m:0]')).toThrow(/greater than 0/);
    expect(() => parsePromQL('temp offset "x"')).toThrow(/expected duration.*column/);
  });
});

describe('delayed removal of __name__ (Prometheus 3)', () => {
  it('lets label_replace and label_join read and keep a name that rate() was going to drop', async () => {
    const src = source();
    expect(lines(await evalInstant('label_replace(rate({env="a"}[5m]), "was", "$1", "__name__", "(.+)")', 10 * MIN, src)))
      .toEqual(['env=a,was=errs_total 0.2', 'env=a,was=reqs_total 0.1']);
    expect(lines(await evalInstant('label_replace(rate({env="a"}[5m]), "__name__", "rate_$1", "__name__", "(.+)")', 10 * MIN, src)))
      .toEqual(['__name__=rate_errs_total,env=a 0.2', '__name__=rate_reqs_total,env=a 0.1']);
  });

  it('only fails on equal label sets once the answer is shaped', async () => {
    const src = source();
    // two series with env="a" after rate() drops the names: summing them is fine, keeping both apart is not
    expect(lines(await evalInstant('sum by (env) (rate({env="a"}[5m]))', 10 * MIN, src))).toEqual(['env=a 0.30000000000000004']);
    await expect(evalInstant('rate({env="a"}[5m])', 10 * MIN, src)).rejects.toThrow(/same labelset/);
    await expect(evalInstant('sum by (__name__) (rate({env="a"}[5m]))', 10 * MIN, src)).rejects.toThrow(/same labelset/);
    // a comparison filters and keeps the mark it was given
    await expect(evalInstant('rate({env="a"}[5m]) > 0', 10 * MIN, src)).rejects.toThrow(/same labelset/);
    expect(lines(await evalInstant('sum by (__name__) (reqs_total)', 10 * MIN, src))).toEqual(['__name__=reqs_total 60']);
  });

  it('joins the steps of series that end with one label set in a range query', async () => {
    const src = new MemorySeriesSource();
    src.add({ __name__: 'a' }, [0], [1]);
    src.add({ __name__: 'b' }, [0, 10 * MIN], [3, 4]);
    const r = await evalRange('-a or -b', 0, 20 * MIN, 10 * MIN, src);
    expect(r.type === 'matrix' && r.series.map((s) => [s.labels, Array.from(s.t), Array.from(s.v)])).toEqual([[[], [0, 10 * MIN], [-1, -4]]]);
  });
});

describe('functions and aggregations added after 2.45', () => {
  it('first_over_time keeps the name; ts_of_* answer sample times in seconds', async () => {
    const src = source();
    expect(lines(await evalInstant('first_over_time(temp[3m])', 6 * MIN, src))).toEqual(['__name__=temp,room=x 9']);
    expect(lines(await evalInstant('ts_of_first_over_time(temp[3m])', 6 * MIN, src))).toEqual(['room=x 180']);
    expect(lines(await evalInstant('ts_of_last_over_time(temp[3m])', 6 * MIN, src))).toEqual(['room=x 360']);
    // min 1 at 4m and 6m: the later one; max 9 at 2m and 3m: the later one
    expect(lines(await evalInstant('ts_of_min_over_time(temp[10m])', 6 * MIN, src))).toEqual(['room=x 360']);
    expect(lines(await evalInstant('ts_of_max_over_time(temp[10m])', 6 * MIN, src))).toEqual(['room=x 180']);
  });

  it('mad_over_time is the median of the distances to the median', async () => {
    const src = source();
    // 5 3 9 9 1 4 1: median 4, distances 1 1 5 5 3 0 3 -> median 3
    expect(lines(await evalInstant('mad_over_time(temp[6m])', 6 * MIN, src))).toEqual(['room=x 3']);
    expect(lines(await evalInstant('double_exponential_smoothing(temp[6m], 0.5, 0.5)', 6 * MIN, src)))
      .toEqual(lines(await evalInstant('holt_winters(temp[6m], 0.5, 0.5)', 6 * MIN, src)));
  });

  it('sort_by_label orders values naturally, then by the whole label set; _desc reverses it', async () => {
    const src = new MemorySeriesSource();
    for (const [cpu, mode] of [['10', 'a'], ['2', 'b'], ['1', 'b'], ['2', 'a'], ['100', 'a'], ['v1.11', 'a'], ['v1.2', 'a']]) {
      src.add({ __name__: 'cpu', cpu: cpu!, mode: mode! }, [0], [1]);
    }
    const order = async (q: string): Promise<string[]> => {
      const v = await evalInstant(q, 0, src);
      return v.type === 'vector' ? v.samples.map((s) => s.labels.filter(([k]) => k !== '__name__').map(([, x]) => x).join('/')) : [];
    };
    expect(await order('sort_by_label(cpu, "cpu")')).toEqual(['1/b', '2/a', '2/b', '10/a', '100/a', 'v1.2/a', 'v1.11/a']);
    expect(await order('sort_by_label(cpu, "mode", "cpu")')).toEqual(['2/a', '10/a', '100/a', 'v1.2/a', 'v1.11/a', '1/b', '2/b']);
    expect(await order('sort_by_label_desc(cpu, "cpu")')).toEqual(['v1.11/a', 'v1.2/a', '100/a', '10/a', '2/b', '2/a', '1/b']);
  });

  it('limitk keeps at most k unchanged series per group at each step', async () => {
    const src = new MemorySeriesSource();
    for (let i = 0; i < 6; i++) src.add({ __name__: 'm', g: i % 2 ? 'odd' : 'even', i: String(i) }, [0], [i]);
    expect(lines(await evalInstant('count(limitk by (g) (2, m))', 0, src))).toEqual([' 4']);
    expect(lines(await evalInstant('count(limitk(2, m) and m)', 0, src))).toEqual([' 2']);
    expect(lines(await evalInstant('limitk(0, m)', 0, src))).toEqual([]);
    expect(lines(await evalInstant('limitk(100, m)', 0, src))).toEqual(lines(await evalInstant('m', 0, src)));
  });

  it('limit_ratio(r) and limit_ratio(r - 1) split the series into two complementary sets', async () => {
    const src = new MemorySeriesSource();
    for (let i = 0; i < 40; i++) src.add({ __name__: 'm', i: String(i) }, [0], [i]);
    for (const r of [0.1, 0.3, 0.5, 0.9]) {
      const a = lines(await evalInstant(`limit_ratio(${r}, m)`, 0, src));
      const b = lines(await evalInstant(`limit_ratio(${r - 1}, m)`, 0, src));
      expect(a.filter((x) => b.includes(x))).toEqual([]);
      expect([...a, ...b].sort()).toEqual(lines(await evalInstant('m', 0, src)));
    }
    expect(lines(await evalInstant('count(limit_ratio(1.5, m))', 0, src))).toEqual([' 40']);
    expect(lines(await evalInstant('limit_ratio(0, m)', 0, src))).toEqual([]);
  });

  it('limit_ratio and limitk read their parameter once, at the first step of a range query (as Prometheus 3)', async () => {
    const src = new MemorySeriesSource();
    for (let i = 0; i < 10; i++) src.add({ __name__: 'm', i: String(i) }, [0, MIN, 2 * MIN], [i, i, i]);
    // time()/180 is 0 at the first step: nothing kept at any step, though later steps read 1/3 and 2/3
    const r = await evalRange('count(limit_ratio(time() / 180, m)) or vector(0)', 0, 2 * MIN, MIN, src);
    expect(r.type === 'matrix' && r.series.map((s) => Array.from(s.v))).toEqual([[0, 0, 0]]);
    const k = await evalRange('count(limitk(1 + time() / 60, m))', 0, 2 * MIN, MIN, src);
    expect(k.type === 'matrix' && k.series.map((s) => Array.from(s.v))).toEqual([[1, 1, 1]]);
  });
});

describe('info() (Prometheus 3, experimental)', () => {
  /** Two targets: one with target_info and build_info, one with neither; samples each minute. */
  function infoSource(): MemorySeriesSource {
    const src = new MemorySeriesSource();
    const t = [0, MIN, 2 * MIN];
    src.add({ __name__: 'up', instance: 'h1', job: 'node' }, t, [1, 1, 1]);
    src.add({ __name__: 'up', instance: 'h2', job: 'node' }, t, [0, 0, 0]);
    src.add({ __name__: 'target_info', instance: 'h1', job: 'node', region: 'eu', os: 'linux' }, [0, MIN], [1, 1]);
    src.add({ __name__: 'target_info', instance: 'h1', job: 'node', region: 'us', os: 'linux' }, [2 * MIN], [1]);
    src.add({ __name__: 'build_info', instance: 'h1', job: 'node', version: '1.2' }, t, [1, 1, 1]);
    return src;
  }

  it('adds the data labels of target_info sharing instance and job; a series without one is kept as it is', async () => {
    expect(lines(await evalInstant('info(up)', MIN, infoSource()))).toEqual([
      '__name__=up,instance=h1,job=node,os=linux,region=eu 1',
      '__name__=up,instance=h2,job=node 0',
    ]);
  });

  it('takes the newest info sample when an info series changes its labels', async () => {
    const r = await evalRange('info(up{instance="h1"})', 0, 2 * MIN, MIN, infoSource());
    expect(r.type === 'matrix' && r.series.map((s) => [s.labels.find(([k]) => k === 'region')?.[1], Array.from(s.t)])).toEqual([
      ['eu', [0, MIN]], ['us', [2 * MIN]],
    ]);
  });

  it('the selector picks the info metrics and the labels; a data matcher that needs a value drops unmatched series', async () => {
    const src = infoSource();
    expect(lines(await evalInstant('info(up, {__name__="build_info"})', MIN, src)))
      .toEqual(['__name__=up,instance=h1,job=node,version=1.2 1', '__name__=up,instance=h2,job=node 0']);
    expect(lines(await evalInstant('info(up, {region=~".+"})', MIN, src))).toEqual(['__name__=up,instance=h1,job=node,region=eu 1']);
    expect(lines(await evalInstant('info(up, {__name__=~".+_info", os=~".*"})', MIN, src)))
      .toEqual(['__name__=up,instance=h1,job=node,os=linux 1', '__name__=up,instance=h2,job=node 0']);
    // an info metric given as the first argument is answered unchanged
    expect(lines(await evalInstant('info(build_info, {__name__=~".+_info"})', MIN, src))).toEqual(['__name__=build_info,instance=h1,job=node,version=1.2 1']);
  });

  it('fails when two info metrics disagree on a label', async () => {
    const src = infoSource();
    src.add({ __name__: 'os_info', instance: 'h1', job: 'node', os: 'bsd' }, [0], [1]);
    await expect(evalInstant('info(up, {__name__=~".+_info"})', MIN, src)).rejects.toThrow(/conflicting label: os/);
  });
});

describe('sum compensates rounding; histogram_fraction reads classic buckets', () => {
  it('sum keeps small addends next to huge ones that cancel, and stays infinite or NaN where it must', async () => {
    const src = new MemorySeriesSource();
    for (const [p, v] of [['a', 2], ['b', 8], ['c', 1e100], ['d', -1e100]] as const) src.add({ __name__: 'x', g: 'small', p }, [0], [v]);
    for (const [p, v] of [['a', Infinity], ['b', 2]] as const) src.add({ __name__: 'x', g: 'inf', p }, [0], [v]);
    for (const [p, v] of [['a', Infinity], ['b', -Infinity]] as const) src.add({ __name__: 'x', g: 'nan', p }, [0], [v]);
    expect(lines(await evalInstant('sum by (g) (x)', 0, src))).toEqual(['g=inf Infinity', 'g=nan NaN', 'g=small 10']);
  });

  it('histogram_fraction interpolates within buckets; the lowest positive bucket starts at 0', async () => {
    const src = new MemorySeriesSource();
    // 10 observations in (0, 2], 10 in (2, 4], 10 in (4, 6]
    for (const [le, c] of [['2', 10], ['4', 20], ['6', 30], ['+Inf', 30]] as const) src.add({ __name__: 'h_bucket', le }, [0], [c]);
    const frac = async (lo: string, hi: string): Promise<number> => {
      const v = await evalInstant(`histogram_fraction(${lo}, ${hi}, h_bucket)`, 0, src);
      return v.type === 'vector' ? v.samples[0]!.v : NaN;
    };
    expect(await frac('0', '4')).toBeCloseTo(2 / 3, 12);
    expect(await frac('1', '3')).toBeCloseTo(1 / 3, 12);
    expect(await frac('-Inf', '+Inf')).toBe(1);
    expect(await frac('4', '1')).toBe(0);
  });
});

describe('info() argument checks', () => {
  it('refuses a second argument that is not a plain label selector, at parse time with a position', () => {
    expect(() => parsePromQL('info(up, {a="x"} + 1)')).toThrow(/second argument to "info".*line 1, column 1/);
    expect(() => parsePromQL('info(up, {a="x"} offset 1m)')).toThrow(/second argument to "info"/);
    expect(() => parsePromQL('info(up, {a=~".*"})')).not.toThrow();
    expect(() => parsePromQL('up + {a=~".*"}')).toThrow(/non-empty matcher/);
  });
});

describe('the query bounds as functions: start(), end(), step(), range(); min_of/max_of', () => {
  it('answer the top-level query bounds in seconds, also inside a subquery; an instant query has step 0', async () => {
    const src = new MemorySeriesSource();
    const r = await evalRange('start() + end() / 1000 + step() / 1e6', 60_000, 180_000, 60_000, src);
    expect(r.type === 'matrix' && Array.from(r.series[0]!.v)).toEqual([60.18006, 60.18006, 60.18006]);
    const sub = await evalRange('max_over_time(vector(range())[5m:1m])', 0, 120_000, 60_000, src);
    expect(sub.type === 'matrix' && Array.from(sub.series[0]!.v)).toEqual([120, 120, 120]);
    expect(await evalInstant('step() + range()', 50_000, src)).toMatchObject({ v: 0 });
    expect(await evalInstant('end()', 50_000, src)).toMatchObject({ v: 50 });
  });

  it('min_of and max_of take the smaller or larger scalar, NaN winning', async () => {
    const src = new MemorySeriesSource();
    expect(await evalInstant('min_of(3, -5) + max_of(3, -5)', 0, src)).toMatchObject({ v: -2 });
    expect(await evalInstant('max_of(NaN, 3)', 0, src)).toMatchObject({ v: NaN });
  });
});
