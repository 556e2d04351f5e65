// Group commit's fast path: several remote-write requests read one after the other and built into one batch give the
// rows of each request built alone, in arrival order (fast-check), across series-table clears.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RemoteWriteDecoder, type ReadRequest } from '../../../core/codec/prometheus/request_decoder.ts';
import { snappyEncode } from '../../../core/codec/prometheus/snappy.ts';
import { encodeWriteRequest, type EncodeSeries } from '../../../core/proto/prometheus_remote.ts';
import type { PromBatch } from '../../../core/codec/prometheus/physical_batch.ts';
import { expectMetricTags } from './metric_tags.ts';

/** Rows in batch order: metric, labels, ts (ns), value bits; plus the series hint's id per row, checked for consistency. */
function rowsOf(p: PromBatch): string[] {
  const b = p.batch;
  const ts = b.columns.find((c) => c.semantic === 'timestamp')!.values as BigInt64Array;
  const v = b.columns.find((c) => c.name === 'greptime_value')!.values as Float64Array;
  const bits = new Uint32Array(v.buffer, v.byteOffset, v.length * 2);
  const out: string[] = [];
  for (let i = 0; i < b.rows; i++) {
    const labels: string[] = [];
    let metric = '';
    for (const c of b.columns) {
      if (c.semantic !== 'tag' || (c.valid && c.valid[i] === 0)) continue;
      const s = c.dict![(c.values as Int32Array)[i]!]!;
      if (c.name === '__table_id') metric = s;
      else labels.push(`${c.name}=${s}`);
    }
    out.push(`${metric}{${labels.sort().join(',')}} ${ts[i]} ${bits[2 * i]}:${bits[2 * i + 1]}`);
  }
  return out;
}

const seriesArb = fc.record({
  metric: fc.constantFrom('up', 'node_cpu', 'x'),
  labels: fc.uniqueArray(fc.tuple(fc.constantFrom('job', 'instance', 'le', 'cpu'), fc.constantFrom('', 'a', 'b', 'ü')), { maxLength: 3, selector: (l) => l[0] }),
  n: fc.integer({ min: 0, max: 3 }),
  t0: fc.integer({ min: 0, max: 1000 }),
});
const requestArb = fc.array(seriesArb, { maxLength: 5 });
const encode = (req: { metric: string; labels: [string, string][]; n: number; t0: number }[]): Uint8Array =>
  snappyEncode(encodeWriteRequest(req.map((s): EncodeSeries => ({
    labels: [['__name__', s.metric], ...s.labels],
    t: Array.from({ length: s.n }, (_, k) => s.t0 + k),
    v: Float64Array.from({ length: s.n }, (_, k) => s.t0 / 3 + k),
  }))));

describe('remote write group build', () => {
  it('equals each request built alone, in order, with groups split where the series table clears', () => {
    fc.assert(fc.property(fc.array(requestArb, { minLength: 1, maxLength: 8 }), fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }), fc.integer({ min: 2, max: 40 }), (reqs, cuts, maxSeries) => {
      const payloads = reqs.map(encode);
      // the plain path: every request decoded and built alone
      const alone = new RemoteWriteDecoder(maxSeries);
      const expected = payloads.map((p) => rowsOf(alone.decode(p)));
      // the group path: requests read, groups built at random cuts and whenever a read is about to clear the table
      const grouped = new RemoteWriteDecoder(maxSeries);
      const got: string[][] = [];
      let open: ReadRequest[] = [];
      const seal = (): void => {
        if (!open.length) return;
        const p = grouped.build(open);
        expectMetricTags(p);
        expect(p.samples).toBe(open.reduce((a, r) => a + r.dec.samples, 0));
        // rows of one hint id are one series (the same labels; `job=""` and no job may be two ids of one series)
        const rows = rowsOf(p);
        const keyOf = new Map<number, string>();
        rows.forEach((r, i) => {
          const key = r.slice(0, r.lastIndexOf('} ') + 1);
          const id = p.batch.series!.ids[i]!;
          expect(keyOf.get(id) ?? key).toBe(key);
          keyOf.set(id, key);
        });
        let at = 0;
        for (const r of open) {
          got.push(rows.slice(at, at + r.dec.samples));
          at += r.dec.samples;
        }
        open = [];
      };
      payloads.forEach((p, k) => {
        const r = grouped.read(p, seal); // may seal the open group first
        open.push(r);
        if (cuts[k]) seal();
      });
      seal();
      expect(got).toEqual(expected);
    }), { numRuns: 300 });
  });

  it('refuses to build a request read before the series table was cleared', () => {
    const d = new RemoteWriteDecoder(2);
    const r = d.read(encode([{ metric: 'up', labels: [['job', 'a']], n: 1, t0: 1 }, { metric: 'up', labels: [['job', 'b']], n: 1, t0: 1 }]), () => undefined);
    // the table holds 2 series: the next read clears it
    d.read(encode([{ metric: 'x', labels: [], n: 1, t0: 2 }]), () => undefined);
    expect(() => d.build([r])).toThrow(/cleared series table/);
  });
});
