// The PromQL table source's fast paths equal their plain paths (fast-check): series boundaries found by galloping vs one
// look per row and tag, and a whole select over Arrow batches as storage delivers them (dictionary tags, values viewed
// straight from the scan when a series is one stretch) vs the same samples in the in-memory source.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RecordBatch } from 'apache-arrow';
import { MemorySeriesSource, type LabelMatcher, type SeriesSamples } from '../../../core/promql/index.ts';
import { TableSeriesSource } from '../../../core/promql/table_source.ts';
import { mergeTimeRuns, seriesStarts, seriesStartsPlain, type TagCodes } from '../../../core/promql/series_runs.ts';
import type { QueryContext } from '../../../core/query/index.ts';
import type { TableSchema } from '../../../core/index.ts';
import { runToBatch } from '../../../storage/arrow_out.ts';
import type { ColumnData } from '../../../storage/types.ts';

/** Rows of tag tuples sorted within each batch (what a scan delivers), with the batches' end rows. */
const sortedBatches = (tags: number, values: number) =>
  fc.array(fc.array(fc.array(fc.integer({ min: -1, max: values - 1 }), { minLength: tags, maxLength: tags }), { maxLength: 40 }), { minLength: 1, maxLength: 4 })
    .map((bs) => {
      const rows: number[][] = [];
      const ends: number[] = [];
      for (const b of bs) {
        b.sort((x, y) => { for (let k = 0; k < x.length; k++) if (x[k] !== y[k]) return x[k]! - y[k]!; return 0; });
        rows.push(...b);
        if (b.length) ends.push(rows.length);
      }
      return { rows, ends };
    });

describe('PromQL table source fast paths', () => {
  it('seriesStarts (galloping over runs of equal codes) equals one look per row and tag', () => {
    // a dictionary: distinct non-empty words (exact), or with a repeated word / '' (canonical codes merge raw ones)
    const dict = fc.oneof(fc.constant(['a', 'b', 'c', 'd']), fc.constant(['a', 'b', 'a', 'c']), fc.constant(['', 'a', 'b', 'c']));
    fc.assert(fc.property(sortedBatches(3, 4), fc.array(dict, { minLength: 3, maxLength: 3 }), ({ rows, ends }, dicts) => {
      const len = rows.length;
      const tags: TagCodes[] = dicts.map((d, k) => {
        const names = [''];
        const canon = new Int32Array(d.length + 1);
        d.forEach((w, c) => { let at = names.indexOf(w); if (at < 0) { at = names.length; names.push(w); } canon[c + 1] = w === '' ? 0 : at; });
        return { codes: Int32Array.from(rows, (r) => r[k]!), canon, names, exact: names.length === d.length + 1 };
      });
      const plain = seriesStartsPlain(tags, len);
      for (const e of ends) plain[e] = 1;
      const want: number[] = [];
      plain.forEach((x, r) => { if (x) want.push(r); });
      expect(Array.from(seriesStarts(tags, len, ends))).toEqual(want);
    }), { numRuns: 1000 });
  });

  it('mergeTimeRuns equals a stable sort by time, keeping NaN payloads (stale markers)', () => {
    const STALE = new Float64Array(new BigInt64Array([0x7ff0000000000002n]).buffer)[0]!;
    const run = fc.array(fc.record({ t: fc.integer({ min: 0, max: 30 }), v: fc.oneof(fc.double({ noNaN: true }), fc.constant(STALE)) }), { maxLength: 12 })
      .map((xs) => xs.sort((a, b) => a.t - b.t));
    fc.assert(fc.property(fc.array(run, { minLength: 1, maxLength: 6 }), fc.boolean(), (runs, chained) => {
      // chained: each run after the previous in time, as a series cut at batch ends
      let shift = 0;
      const samples = runs.map((r) => { const out = r.map((x) => ({ t: x.t + (chained ? shift : 0), v: x.v })); shift += 31; return out; });
      const bounds = [0];
      for (const r of samples) bounds.push(bounds[bounds.length - 1]! + r.length);
      const flat = samples.flat();
      const t = Float64Array.from(flat, (x) => x.t);
      const v = Float64Array.from(flat, (x) => x.v);
      const bits = (a: Float64Array) => Array.from(new BigInt64Array(a.buffer, a.byteOffset, a.length));
      const want = flat.map((x, i) => ({ ...x, i })).sort((a, b) => a.t - b.t);
      const wantV = new Float64Array(want.length);
      want.forEach((x, k) => wantV.set(v.subarray(x.i, x.i + 1), k));
      mergeTimeRuns(t, v, bounds);
      expect(Array.from(t)).toEqual(want.map((x) => x.t));
      expect(bits(v)).toEqual(bits(wantV));
    }), { numRuns: 1000 });
  });

  it('select over storage-shaped batches answers what the in-memory source answers', async () => {
    const schema: TableSchema = {
      db: 'public', name: 'm', id: 1, version: 1, regions: 1, createdAt: 0, options: {},
      columns: [
        { name: 'host', type: 'string', semantic: 'tag', nullable: true },
        { name: 'dc', type: 'string', semantic: 'tag', nullable: true },
        { name: 'ts', type: 'timestamp', unit: 'ms', semantic: 'timestamp', nullable: false },
        { name: 'greptime_value', type: 'float64', semantic: 'field', nullable: true },
      ],
      timeIndex: 'ts', primaryKey: ['host', 'dc'],
    } as TableSchema;
    const HOSTS = ['h1', 'h2', 'h3'];
    const sample = fc.record({
      host: fc.integer({ min: -1, max: 2 }), dc: fc.integer({ min: -1, max: 1 }), t: fc.integer({ min: 0, max: 60 }),
      v: fc.oneof(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), fc.constant(null)), batch: fc.integer({ min: 0, max: 2 }),
    });
    await fc.assert(fc.asyncProperty(fc.array(sample, { maxLength: 60 }), fc.constantFrom('', 'h1', 'h2'), async (raw, hostEq) => {
      // one sample per (series, time): storage keeps the last write
      const byKey = new Map<string, (typeof raw)[number]>();
      for (const s of raw) byKey.set(`${s.host},${s.dc},${s.t}`, s);
      const samples = [...byKey.values()];
      const mem = new MemorySeriesSource();
      const batches: RecordBatch[] = [];
      for (let b = 0; b < 3; b++) {
        const rows = samples.filter((s) => s.batch === b).sort((x, y) => x.host - y.host || x.dc - y.dc || x.t - y.t);
        if (rows.length === 0) continue;
        const anyNull = rows.some((s) => s.v === null);
        const cols = new Map<string, ColumnData>([
          ['host', { type: 'string', values: Int32Array.from(rows, (s) => Math.max(0, s.host)), valid: Uint8Array.from(rows, (s) => (s.host < 0 ? 0 : 1)), dict: HOSTS }],
          ['dc', { type: 'string', values: Int32Array.from(rows, (s) => Math.max(0, s.dc)), valid: Uint8Array.from(rows, (s) => (s.dc < 0 ? 0 : 1)), dict: ['x', 'y'] }],
          ['ts', { type: 'timestamp', values: BigInt64Array.from(rows, (s) => BigInt(s.t * 1000) * 1_000_000n), valid: null }],
          ['greptime_value', { type: 'float64', values: Float64Array.from(rows, (s) => s.v ?? 0), valid: anyNull ? Uint8Array.from(rows, (s) => (s.v === null ? 0 : 1)) : null }],
        ]);
        batches.push(runToBatch({ rows: rows.length, cols }, schema, ['host', 'dc', 'ts', 'greptime_value']));
      }
      for (const s of samples) {
        const labels: Record<string, string> = { __name__: 'm' };
        if (s.host >= 0) labels.host = HOSTS[s.host]!;
        if (s.dc >= 0) labels.dc = ['x', 'y'][s.dc]!;
        mem.add(labels, [s.t * 1000], [s.v ?? NaN]);
      }
      const ctx = {
        db: 'public', listTables: async () => ['m'], getTable: async () => schema, scan: async () => batches,
      } as unknown as QueryContext;
      const matchers: LabelMatcher[] = [{ name: '__name__', op: '=', value: 'm' }];
      if (hostEq) matchers.push({ name: 'host', op: '!=', value: hostEq });
      const norm = (xs: SeriesSamples[]) => xs.map((x) => ({ labels: JSON.stringify(x.labels), t: Array.from(x.t), v: Array.from(x.v) }))
        .sort((a, b) => (a.labels < b.labels ? -1 : 1));
      expect(norm(await new TableSeriesSource(ctx).select(matchers, 0, 60_000))).toEqual(norm(await mem.select(matchers, 0, 60_000)));
    }), { numRuns: 300 });
  });
});
