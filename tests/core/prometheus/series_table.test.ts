// Remote write's fast path (PromSeriesTable + PhysicalBatchBuilder) against the per-metric decoder: same rows, same
// labels, same errors, whether a series is new or known from an earlier request (fast-check).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { remoteWriteBatches } from '../../../core/codec/prometheus/remote_write.ts';
import { PromSeriesTable } from '../../../core/codec/prometheus/series_table.ts';
import { PhysicalBatchBuilder, TableIdAssigner } from '../../../core/codec/prometheus/physical_batch.ts';
import { decodeCommon } from '../../../core/codec/prometheus/series_fast.ts';
import { decodeWriteRequest, encodeWriteRequest, type EncodeSeries } from '../../../core/proto/prometheus_remote.ts';
import { ProtoWriter } from '../../../core/proto/wire.ts';
import { EddyError, type WriteBatch } from '../../../core/index.ts';
import { expectMetricTags } from './metric_tags.ts';

/** Rows as comparable strings: metric (or table id), sorted non-empty labels, ts (ns), value bits. */
function rowsOf(b: WriteBatch, metricOf: (code: string) => string): string[] {
  const out: string[] = [];
  const ts = b.columns.find((c) => c.semantic === 'timestamp')!.values as BigInt64Array;
  const v = b.columns.find((c) => c.name === 'greptime_value')!.values as Float64Array;
  const bits = new Uint32Array(v.buffer, v.byteOffset, v.length * 2);
  for (let i = 0; i < b.rows; i++) {
    const labels: string[] = [];
    let metric = b.table;
    for (const c of b.columns) {
      if (c.semantic !== 'tag') continue;
      if (c.valid && c.valid[i] === 0) continue;
      const s = c.dict ? c.dict[(c.values as Int32Array)[i]!]! : (c.values as string[])[i]!;
      if (c.name === '__table_id') metric = metricOf(s);
      else labels.push(`${c.name}=${s}`);
    }
    out.push(`${metric}{${labels.sort().join(',')}} ${ts[i]} ${bits[2 * i]}:${bits[2 * i + 1]}`);
  }
  return out;
}

function viaFastPath(table: PromSeriesTable, raw: Uint8Array): string[] {
  const dec = table.decode(raw);
  const p = new PhysicalBatchBuilder(table).build(dec);
  const b = new TableIdAssigner().assign('phy', p, 'phy', (m) => `#${p.metrics[m]}`);
  expect(b.rows).toBe(dec.samples);
  expectMetricTags(p);
  return rowsOf(b, (code) => code.slice(1)).sort();
}

function viaBatches(raw: Uint8Array): string[] {
  return remoteWriteBatches(decodeWriteRequest(raw)).flatMap((b) => rowsOf(b, () => b.table)).sort();
}

const outcome = (f: () => string[]): string[] | string => {
  try {
    return f();
  } catch (e) {
    return `error: ${(e as Error).message}`;
  }
};

const labelName = fc.constantFrom('job', 'instance', 'le', 'cpu', '', 'greptime_value', '__name__');
const seriesArb = fc.record({
  labels: fc.array(fc.tuple(labelName, fc.constantFrom('', 'a', 'b', 'ü', 'node')), { maxLength: 4 }),
  metric: fc.option(fc.constantFrom('up', 'node_cpu', 'x'), { nil: undefined }),
  t: fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 3 }),
});
const toEncode = (s: { labels: [string, string][]; metric: string | undefined; t: number[] }): EncodeSeries => ({
  labels: s.metric === undefined ? s.labels : [['__name__', s.metric], ...s.labels],
  t: s.t,
  v: Float64Array.from(s.t, (x) => x / 7),
});

describe('remote write fast path', () => {
  it('gives the rows and errors of the per-metric decoder, for new and for known series', () => {
    const table = new PromSeriesTable(50);
    fc.assert(fc.property(fc.array(seriesArb, { maxLength: 6 }), fc.boolean(), (series, sortT) => {
      const enc = series.map((s) => toEncode(sortT ? { ...s, t: [...s.t].sort((a, b) => a - b) } : s));
      const raw = encodeWriteRequest(enc);
      const want = outcome(() => viaBatches(raw));
      const got = outcome(() => viaFastPath(table, raw));
      if (typeof want === 'string') expect(typeof got).toBe('string');
      else expect(got).toEqual(want);
      // again: every series is known now
      if (typeof want !== 'string') expect(viaFastPath(table, raw)).toEqual(want);
    }), { numRuns: 400 });
  });

  it('random bytes never crash: an EddyError or a decode', () => {
    const t = new PromSeriesTable(20);
    fc.assert(fc.property(fc.uint8Array({ maxLength: 120 }), (a) => {
      try {
        t.decode(a);
      } catch (e) {
        expect(e).toBeInstanceOf(EddyError);
      }
    }), { numRuns: 3000 });
  });

  it('names the series and the fault', () => {
    const t = new PromSeriesTable();
    const raw = (s: EncodeSeries[]) => encodeWriteRequest(s);
    expect(() => t.decode(raw([{ labels: [['job', 'a']], t: [1], v: new Float64Array([1]) }]))).toThrow(/time series 0 has no metric name/);
    expect(() => t.decode(raw([{ labels: [['__name__', 'up']], t: [1], v: new Float64Array([1]) }, { labels: [['__name__', 'up'], ['a', '1'], ['a', '2']], t: [1], v: new Float64Array([1]) }]))).toThrow(/time series 1 has the label 'a' twice/);
    expect(() => t.decode(raw([{ labels: [['__name__', 'up']], t: [5, 4], v: new Float64Array([1, 2]) }]))).toThrow(/out of order sample in time series 0 \(up\)/);
  });

  it('labels interleaved with samples are the same series as labels first', () => {
    const t = new PromSeriesTable();
    const first = encodeWriteRequest([{ labels: [['__name__', 'up'], ['job', 'a']], t: [1], v: new Float64Array([2]) }]);
    const w = new ProtoWriter();
    w.message(1, (ts) => {
      ts.message(1, (l) => l.string(1, '__name__').string(2, 'up'));
      ts.message(2, (s) => s.double(1, 3).int64(2, 2));
      ts.message(1, (l) => l.string(1, 'job').string(2, 'a'));
    });
    const a = t.decode(first), b = t.decode(w.finish());
    expect(b.sid[0]).toBe(a.sid[0]);
    expect(b.t[0]).toBe(2);
  });

  it('starts again empty past its bound, between requests', () => {
    const t = new PromSeriesTable(3);
    const req = (n: number) => encodeWriteRequest(Array.from({ length: n }, (_, i) => ({ labels: [['__name__', `m${i}`]] as [string, string][], t: [1], v: new Float64Array([1]) })));
    expect(t.decode(req(5)).count).toBe(5);
    expect(t.count).toBe(5);
    const g = t.generation;
    const d = t.decode(req(2));
    expect(t.generation).toBe(g + 1);
    expect(t.count).toBe(2);
    expect(t.strings[t.metric[d.sid[1]!]!]).toBe('m1');
  });

  it('the common-shape reader reads what the checked reader reads, or leaves the request to it (fast-check)', () => {
    const fast = new PromSeriesTable(40), checked = new PromSeriesTable(40);
    const sample = fc.record({ t: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2 ** 50 })), v: fc.oneof(fc.constant(0), fc.double(), fc.constant(-0)) });
    const series = fc.record({
      labels: fc.array(fc.tuple(labelName, fc.oneof(fc.constantFrom('', 'a', 'ü'), fc.string({ maxLength: 140 }))), { maxLength: 4 }),
      metric: fc.option(fc.constantFrom('up', 'node_cpu'), { nil: undefined }),
      samples: fc.array(sample, { maxLength: 3 }),
    });
    const edit = fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('set', 'cut', 'none', 'none'));
    const described = (t: PromSeriesTable, d: ReturnType<PromSeriesTable['decode']>) => {
      const out: string[] = [];
      const bits = new Uint32Array(d.v.buffer, d.v.byteOffset, d.v.length * 2);
      for (let i = 0; i < d.count; i++) {
        const s = d.sid[i]!;
        const labels: string[] = [];
        for (let p = t.pairStart[s]!; p < t.pairStart[s + 1]!; p++) labels.push(`${t.strings[t.pairName[t.seriesPairs[p]!]!]}=${t.strings[t.pairValue[t.seriesPairs[p]!]!]}`);
        for (let k = d.sampleStart[i]!; k < d.sampleStart[i + 1]!; k++) out.push(`${t.strings[t.metric[s]!]}{${labels.join(',')}} ${d.t[k]} ${bits[2 * k]}:${bits[2 * k + 1]}`);
      }
      return `${out.join('\n')} / ${d.count} series, ${d.metadata} metadata`;
    };
    fc.assert(fc.property(fc.array(series, { maxLength: 5 }), fc.array(edit, { maxLength: 2 }), (ss, edits) => {
      let raw = encodeWriteRequest(ss.map((s) => ({
        labels: s.metric === undefined ? s.labels : [['__name__', s.metric], ...s.labels],
        t: s.samples.map((x) => x.t), v: Float64Array.from(s.samples, (x) => x.v),
      })));
      for (const [at, byte, kind] of edits) {
        if (kind === 'set' && raw.length) { raw = raw.slice(); raw[at % raw.length] = byte; }
        else if (kind === 'cut') raw = raw.subarray(0, at % (raw.length + 1));
      }
      let want: string;
      try {
        want = described(checked, checked.decodeChecked(raw));
      } catch (e) {
        want = `error: ${(e as Error).message}`;
      }
      let got: string;
      try {
        const d = decodeCommon(fast, raw);
        got = d ? described(fast, d) : want;
      } catch (e) {
        got = `error: ${(e as Error).message}`;
      }
      expect(got).toBe(want);
    }), { numRuns: 3000 });
  });

  it('reads a typical request through the common-shape reader', () => {
    const t = new PromSeriesTable();
    const raw = encodeWriteRequest([
      { labels: [['__name__', 'up'], ['job', 'a']], t: [1_765_000_000_000, 1_765_000_015_000], v: new Float64Array([1, 0]) },
      { labels: [['__name__', 'up'], ['job', 'b']], t: [0], v: new Float64Array([2]) },
    ]);
    const d = decodeCommon(t, raw)!;
    expect(d).not.toBeNull();
    expect(Array.from(d.t)).toEqual([1_765_000_000_000, 1_765_000_015_000, 0]);
    expect(Array.from(d.v)).toEqual([1, 0, 2]);
  });

  it('finds known series whatever their order (the guess from the last request is only a guess)', () => {
    const t = new PromSeriesTable();
    const names = ['a', 'b', 'c', 'd'];
    const req = (order: string[]) => encodeWriteRequest(order.map((n) => ({ labels: [['__name__', 'm'], ['k', n]] as [string, string][], t: [1], v: new Float64Array([1]) })));
    const first = t.decode(req(names));
    const id = new Map(names.map((n, i) => [n, first.sid[i]!]));
    for (const order of [names, ['d', 'c', 'b', 'a'], ['b', 'a', 'd', 'c'], ['a', 'a', 'c'], names]) {
      const d = t.decode(req(order));
      expect(Array.from(d.sid)).toEqual(order.map((n) => id.get(n)));
    }
    expect(t.count).toBe(4);
  });
});
