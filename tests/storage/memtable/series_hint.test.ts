// Series hints (producers' series numbers handed over with a batch) give the memtable the ids its tags give.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { attachSeriesHints, decodeBatches, encodeBatches, encodeSeriesHints, type Column, type WriteBatch } from '../../../core/index.ts';
import { parseLineProtocol, SeriesCache } from '../../../core/codec/line_protocol/index.ts';
import { splitBatch } from '../../../core/partition.ts';
import { PromSeriesTable } from '../../../core/codec/prometheus/series_table.ts';
import { PhysicalBatchBuilder, TableIdAssigner } from '../../../core/codec/prometheus/physical_batch.ts';
import { encodeWriteRequest } from '../../../core/proto/prometheus_remote.ts';
import { SeriesIndex } from '../../../storage/memtable/series_index.ts';

const enc = new TextEncoder();

/** Two indexes over one growing primary key: one is given the batches' hints, the other only their tags. */
class Pair {
  readonly pk: string[] = [];
  readonly hinted = new SeriesIndex(0);
  readonly plain = new SeriesIndex(0);
  hits = 0;

  apply(b: WriteBatch): void {
    const tags = b.columns.filter((c) => c.semantic === 'tag');
    const fresh = tags.map((c) => c.name).filter((n) => !this.pk.includes(n));
    if (fresh.length) {
      this.pk.push(...fresh);
      this.hinted.extend(fresh.length, []);
      this.plain.extend(fresh.length, []);
    }
    if (b.rows === 0) return;
    const cols = this.pk.map((n): Column | undefined => tags.find((c) => c.name === n));
    const before = this.hinted.size;
    const a = this.hinted.intern(b.rows, cols, b.series).ids;
    if (b.series && this.hinted.size === before) this.hits++;
    const want = this.plain.intern(b.rows, cols).ids;
    expect([...a]).toEqual([...want]);
    expect(this.hinted.seriesTags).toEqual(this.plain.seriesTags);
  }
}

/** A part sent to another node's region: the WAL record and the hints beside it, decoded as the datanode does. */
function overTheWire(b: WriteBatch): WriteBatch {
  const hints = encodeSeriesHints([b]);
  const [out] = decodeBatches(encodeBatches([b]), { dictionary: true });
  if (hints) attachSeriesHints([out!], hints);
  expect(out!.series?.source).toBe(b.series?.source);
  return out!;
}

describe('series hints', () => {
  it('line protocol: a parse cache\'s serials (across payloads, cache restarts, region splits and NATS) give the ids of the tags', () => {
    const line = fc.tuple(
      fc.constantFrom('m', 'n'),
      fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.constantFrom('1', 'x', 'y\\,z', '')), { maxLength: 3 }),
      fc.constantFrom('v=1', 'v=2i', 'w="s"'),
    ).map(([m, tags, f]) => `${m}${tags.map(([k, v]) => `,${k}=${v}`).join('')} ${f} 1`);
    const payload = fc.array(line, { maxLength: 8 }).map((ls) => ls.join('\n'));
    let hits = 0;
    fc.assert(fc.property(fc.array(fc.tuple(payload, fc.array(fc.integer({ min: 0, max: 1 }), { minLength: 8, maxLength: 8 })), { maxLength: 6 }), fc.integer({ min: 3, max: 60 }), fc.boolean(), (payloads, max, wire) => {
      const cache = new SeriesCache(max);
      const tables = new Map<string, Pair>();
      for (const [text, regions] of payloads) {
        let batches: WriteBatch[];
        try { batches = parseLineProtocol(enc.encode(text), { seriesCache: cache }); } catch { continue; }
        for (const b of batches) {
          const pair = tables.get(b.table) ?? tables.set(b.table, new Pair()).get(b.table)!;
          const idx = Int32Array.from({ length: b.rows }, (_, i) => regions[i % regions.length]!);
          for (const part of splitBatch(b, idx, 2)) if (part) pair.apply(wire && part.rows > 0 ? overTheWire(part) : part);
        }
      }
      for (const p of tables.values()) hits += p.hits;
    }), { numRuns: 300 });
    expect(hits).toBeGreaterThan(0);
  });

  it('remote write: the series table\'s ids give the ids of the tags, also when a metric\'s table id changes', () => {
    const series = fc.record({
      metric: fc.constantFrom('up', 'node_cpu', 'x'),
      labels: fc.array(fc.tuple(fc.constantFrom('job', 'instance', 'cpu'), fc.constantFrom('a', 'b', '')), { maxLength: 3 }),
      t: fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 2 }),
    });
    let hits = 0;
    fc.assert(fc.property(fc.array(fc.tuple(fc.array(series, { maxLength: 5 }), fc.constantFrom('up', 'x', null)), { maxLength: 8 }), fc.integer({ min: 2, max: 40 }), (reqs, max) => {
      const table = new PromSeriesTable(max);
      const builder = new PhysicalBatchBuilder(table);
      const ids = new TableIdAssigner();
      const pair = new Pair();
      const epoch = new Map<string, number>();
      for (const [ss, recreate] of reqs) {
        const raw = encodeWriteRequest(ss.map((s) => ({ labels: [['__name__', s.metric], ...s.labels], t: s.t, v: Float64Array.from(s.t) })));
        // each request twice, a DROP and CREATE of one metric's logical table (a new id) maybe in between
        for (const again of [false, true]) {
          if (again && recreate) epoch.set(recreate, (epoch.get(recreate) ?? 0) + 1);
          let dec;
          try { dec = table.decode(raw); } catch { break; }
          const p = builder.build(dec);
          const b = ids.assign('phy', p, 'phy', (m) => `${p.metrics[m]}#${epoch.get(p.metrics[m]!) ?? 0}`);
          expect(b.series?.ids.length).toBe(b.rows);
          pair.apply(b);
        }
      }
      hits += pair.hits;
    }), { numRuns: 300 });
    expect(hits).toBeGreaterThan(0);
  });
});
