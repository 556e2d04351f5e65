// Prometheus's query annotations (warnings and infos) as its engine gives them for float data: the text, the
// line:column of the expression they are about, each text once, and none where Prometheus gives none.
import { describe, expect, it } from 'vitest';
import { Annotations, MemorySeriesSource, evalInstant, evalRange } from '../../../core/promql/index.ts';
import { formatGoG } from '../../../core/promql/go_float.ts';

const MIN = 60_000;
const NON_COUNTER = 'PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket:';
const MONOTONIC = 'PromQL info: input to histogram_quantile needed to be fixed for monotonicity (see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile) for metric name';

function source(): MemorySeriesSource {
  const src = new MemorySeriesSource();
  const t = Array.from({ length: 11 }, (_, i) => i * MIN);
  for (const name of ['reqs_total', 'lat_sum', 'lat_count', 'not_a_counter', 'also_not']) src.add({ __name__: name, env: 'a' }, t, t.map((_, i) => 6 * i));
  src.add({ __name__: 'not_a_counter', env: 'b' }, t, t.map((_, i) => 2 * i));
  // a classic histogram whose 0.5 bucket counts more than the 1 bucket (not monotonic), and a clean one
  for (const [le, c] of [['0.5', 40], ['1', 30], ['+Inf', 45]] as const) src.add({ __name__: 'h_bucket', le }, t, t.map(() => c));
  for (const [le, c] of [['0.5', 10], ['1', 30], ['+Inf', 45]] as const) src.add({ __name__: 'ok_bucket', le }, t, t.map(() => c));
  // tiny float noise only: fixed silently
  for (const [le, c] of [['1', 30], ['2', 30 - 1e-14], ['+Inf', 31]] as const) src.add({ __name__: 'noise_bucket', le }, t, t.map(() => c));
  src.add({ __name__: 'nole_bucket' }, t, t.map(() => 1));
  src.add({ __name__: 'badle_bucket', le: 'x' }, t, t.map(() => 1));
  return src;
}

async function notes(q: string, range = false): Promise<{ warnings: string[]; infos: string[] }> {
  const a = new Annotations(q);
  if (range) await evalRange(q, 5 * MIN, 10 * MIN, MIN, source(), { annotations: a });
  else await evalInstant(q, 10 * MIN, source(), { annotations: a });
  return { warnings: [...a.warnings].sort(), infos: [...a.infos].sort() };
}

describe('PromQL annotations', () => {
  it('rate and increase: an info per metric whose name is not a counter\'s, at the range selector', async () => {
    expect(await notes('rate(not_a_counter[5m])')).toEqual({ warnings: [], infos: [`${NON_COUNTER} "not_a_counter" (1:6)`] });
    expect((await notes('count(increase({__name__=~".+", env="a"}[5m]))')).infos).toEqual([
      `${NON_COUNTER} "also_not" (1:16)`, `${NON_COUNTER} "not_a_counter" (1:16)`,
    ]);
    // counters' names, other functions, a selector without matches, a nameless series: nothing
    for (const q of ['rate(reqs_total[5m])', 'rate(lat_sum[5m]) + rate(lat_count[5m])', 'delta(not_a_counter[5m])', 'irate(not_a_counter[5m])', 'rate(missing[5m])', 'rate(sum(not_a_counter)[5m:1m])']) {
      expect(await notes(q)).toEqual({ warnings: [], infos: [] });
    }
    // positions count lines and columns; a range query says it once
    expect((await notes('sum(\n  rate(not_a_counter[5m])\n)', true)).infos).toEqual([`${NON_COUNTER} "not_a_counter" (2:8)`]);
  });

  it('quantile, quantile_over_time and histogram_quantile warn of a φ outside [0, 1], at the φ', async () => {
    expect((await notes('quantile(1.5, reqs_total)')).warnings).toEqual(['PromQL warning: quantile value should be between 0 and 1, got 1.5 (1:10)']);
    expect((await notes('quantile_over_time(-1, reqs_total[5m])')).warnings).toEqual(['PromQL warning: quantile value should be between 0 and 1, got -1 (1:20)']);
    expect((await notes('histogram_quantile(NaN, ok_bucket)')).warnings).toEqual(['PromQL warning: quantile value should be between 0 and 1, got NaN (1:20)']);
    for (const q of ['quantile(0, reqs_total)', 'quantile(1, reqs_total)', 'quantile_over_time(0.5, reqs_total[5m])']) expect(await notes(q)).toEqual({ warnings: [], infos: [] });
  });

  it('limit_ratio warns of a ratio outside [-1, 1], saying what it was capped to', async () => {
    expect((await notes('limit_ratio(1.5, reqs_total)')).warnings).toEqual(['PromQL warning: ratio value should be between -1 and 1, got 1.5, capping to 1 (1:13)']);
  });

  it('histogram_quantile: a bucket without a valid le warns, counts forced monotonic give an info, float noise neither', async () => {
    expect(await notes('histogram_quantile(0.5, h_bucket)')).toEqual({ warnings: [], infos: [`${MONOTONIC} "h_bucket" (1:25)`] });
    expect(await notes('histogram_quantile(0.5, ok_bucket)')).toEqual({ warnings: [], infos: [] });
    expect(await notes('histogram_quantile(0.5, noise_bucket)')).toEqual({ warnings: [], infos: [] });
    expect((await notes('histogram_quantile(0.9, {__name__=~"nole_bucket|badle_bucket"})')).warnings).toEqual([
      'PromQL warning: bucket label "le" is missing or has a malformed value of "" for metric name "nole_bucket" (1:25)',
      'PromQL warning: bucket label "le" is missing or has a malformed value of "x" for metric name "badle_bucket" (1:25)',
    ].sort());
    // the argument's position is where the expression starts: an aggregation at its operator
    expect((await notes('histogram_quantile(0.5, sum by (le) (rate(h_bucket[5m])))')).infos).toEqual([]);
  });

  it('numbers as Go\'s %g writes them', () => {
    expect([1.5, -1, 1e6, 123456, 1234567, 1e-5, 0.0001, NaN, Infinity, 0].map(formatGoG)).toEqual(['1.5', '-1', '1e+06', '123456', '1.234567e+06', '1e-05', '0.0001', 'NaN', '+Inf', '0']);
  });
});
