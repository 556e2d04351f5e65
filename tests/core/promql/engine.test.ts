// Tests of the PromQL engine's entry points: result shapes, error kinds, deadlines, limits and the in-memory source.
import { describe, expect, it } from 'vitest';
import { PromQLExecError, PromQLParseError } from '../../../core/errors.ts';
import { MemorySeriesSource, astToJson, evalInstant, evalRange, parsePromQL, staleNaN } from '../../../core/promql/index.ts';

function source(): MemorySeriesSource {
  const src = new MemorySeriesSource();
  const t = Array.from({ length: 20 }, (_, i) => i * 60_000);
  src.add({ __name__: 'up', job: 'a', instance: '1' }, t, t.map((_, i) => i));
  src.add({ __name__: 'up', job: 'a', instance: '2' }, t, t.map((_, i) => 2 * i));
  src.add({ __name__: 'up', job: 'b', instance: '1' }, t, t.map(() => 1));
  return src;
}

describe('evalInstant / evalRange', () => {
  it('shapes scalars, strings, vectors and matrices as Prometheus does', async () => {
    const src = source();
    expect(await evalInstant('1 + 2', 60_000, src)).toEqual({ type: 'scalar', t: 60_000, v: 3 });
    expect(await evalInstant('"hi"', 60_000, src)).toEqual({ type: 'string', t: 60_000, v: 'hi' });
    const v = await evalInstant('sum by (job) (up)', 300_000, src);
    expect(v.type === 'vector' && v.samples.map((s) => [s.labels, s.v])).toEqual([[[['job', 'a']], 15], [[['job', 'b']], 1]]);
    const m = await evalInstant('up{instance="1", job="a"}[3m]', 600_000, src);
    expect(m.type === 'matrix' && Array.from(m.series[0]!.t)).toEqual([420_000, 480_000, 540_000, 600_000]);
  });

  it('names count_values groups and number literals as Go prints floats (-0, 1e21 without exponent)', async () => {
    const src = new MemorySeriesSource();
    src.add({ __name__: 'x', i: '1' }, [0], [-0]);
    src.add({ __name__: 'x', i: '2' }, [0], [1e21]);
    const v = await evalInstant('count_values("v", x)', 0, src);
    expect(v.type === 'vector' && v.samples.map((s) => s.labels[0]![1]).sort()).toEqual(['-0', '1000000000000000000000']);
    expect(astToJson(parsePromQL('-0'))).toMatchObject({ type: 'numberLiteral', val: '-0' });
  });

  it('answers a range query with a matrix; a scalar becomes one series without labels', async () => {
    const src = source();
    const r = await evalRange('time()', 0, 120_000, 60_000, src);
    expect(r).toEqual({ type: 'matrix', series: [{ labels: [], t: Float64Array.of(0, 60_000, 120_000), v: Float64Array.of(0, 60, 120) }] });
    const s = await evalRange('up{job="a"} * 2', 60_000, 180_000, 60_000, src);
    expect(s.type === 'matrix' && s.series.map((x) => [x.labels, Array.from(x.v)])).toEqual([
      [[['instance', '1'], ['job', 'a']], [2, 4, 6]],
      [[['instance', '2'], ['job', 'a']], [4, 8, 12]],
    ]);
    await expect(evalRange('up[5m]', 0, 60_000, 60_000, src)).rejects.toMatchObject({ errorType: 'bad_data' });
    await expect(evalRange('up', 0, 60_000, 0, src)).rejects.toBeInstanceOf(PromQLExecError);
  });

  it('throws PromQLParseError for bad syntax and PromQLExecError (execution) for evaluation failures', async () => {
    const src = source();
    await expect(evalInstant('sum(', 0, src)).rejects.toBeInstanceOf(PromQLParseError);
    await expect(evalInstant('up * on(job) up', 60_000, src)).rejects.toMatchObject({ errorType: 'execution', code: 3001 });
    await expect(evalInstant('label_replace(up, "a-b", "x", "job", ".*")', 60_000, src)).rejects.toBeInstanceOf(PromQLExecError);
    await expect(evalInstant('-{__name__="up", job="b"} or -{__name__=~"u.", job="b"}', 60_000, src)).resolves.toMatchObject({ type: 'vector' });
    await expect(evalInstant('holt_winters(up[5m], 2, 0.5)', 600_000, src)).rejects.toBeInstanceOf(PromQLExecError);
  });

  it('stops at the deadline with a timeout error and at the sample limit', async () => {
    const src = source();
    await expect(evalInstant('up', 60_000, src, { deadlineMs: Date.now() - 1 })).rejects.toMatchObject({ errorType: 'timeout' });
    await expect(evalRange('up', 0, 1_200_000, 60_000, src, { maxSamples: 10 })).rejects.toBeInstanceOf(PromQLExecError);
  });

  it('stops when its signal is aborted: the reason is thrown and no later selector is read', async () => {
    const src = source();
    const ac = new AbortController();
    const reason = new Error('cancelled by KILL');
    let selects = 0;
    const select = src.select.bind(src);
    src.select = async (...args) => {
      selects++;
      ac.abort(reason);
      return select(...args);
    };
    await expect(evalRange('sum(up) + count(up{job="b"})', 0, 600_000, 60_000, src, { signal: ac.signal })).rejects.toBe(reason);
    expect(selects).toBe(1);
    // without the signal the same query answers
    selects = 0;
    expect((await evalRange('sum(up) + count(up{job="b"})', 0, 600_000, 60_000, src)).type).toBe('matrix');
    expect(selects).toBe(2);
  });

  it('honours staleness markers and a custom lookback', async () => {
    const src = new MemorySeriesSource();
    src.add({ __name__: 'x' }, [0, 60_000], Float64Array.of(1, staleNaN()));
    expect(await evalInstant('x', 30_000, src)).toMatchObject({ samples: [{ v: 1 }] });
    expect(await evalInstant('x', 90_000, src)).toEqual({ type: 'vector', samples: [] });
    expect(await evalInstant('count_over_time(x[2m])', 90_000, src)).toMatchObject({ samples: [{ v: 1 }] });
    expect(await evalInstant('x', 50_000, src, { lookbackMs: 10_000 })).toEqual({ type: 'vector', samples: [] });
  });
});

describe('MemorySeriesSource', () => {
  it('selects by all four matcher kinds and lists names, values and series in a range', async () => {
    const src = source();
    const sel = await src.select([{ name: '__name__', op: '=', value: 'up' }, { name: 'job', op: '=~', value: 'a|c' }, { name: 'instance', op: '!~', value: '2' }], 0, 60_000);
    expect(sel.map((s) => s.labels)).toEqual([[['__name__', 'up'], ['instance', '1'], ['job', 'a']]]);
    expect(Array.from(sel[0]!.t)).toEqual([0, 60_000]);
    expect(await src.labelNames([], 0, 1e9)).toEqual(['__name__', 'instance', 'job']);
    expect(await src.labelValues('job', [[{ name: 'instance', op: '!=', value: '2' }]], 0, 1e9)).toEqual(['a', 'b']);
    expect(await src.series([[{ name: 'job', op: '=', value: 'b' }]], 0, 1e9)).toHaveLength(1);
    expect(await src.series([[{ name: 'job', op: '=', value: 'b' }]], 2e6, 3e6)).toHaveLength(0);
  });

  it('keeps samples sorted and overwrites a repeated timestamp', async () => {
    const src = new MemorySeriesSource();
    src.add({ __name__: 'y' }, [30, 10, 20, 10], [3, 1, 2, 9]);
    const [s] = await src.select([{ name: '__name__', op: '=', value: 'y' }], 0, 100);
    expect([Array.from(s!.t), Array.from(s!.v)]).toEqual([[10, 20, 30], [9, 2, 3]]);
  });
});
