// Scans pruned by FULLTEXT and SPATIAL index files keep every row the predicate matches (fast-check over random log
// lines, points, flushes, compactions, and segments with and without their index file), and EXPLAIN-level stats
// show what each index pruned.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ANALYZER, haversineM, valueTest, type ColumnPredicate, type ColumnSchema, type SpatialPredicate, type TableSchema } from '../../core/index.ts';
import { RegionStore, type ScanStats } from '../../storage/index.ts';
// the manifest is rewritten as an older build left it (no public surface writes a manifest)
import { loadManifest, saveManifest } from '../../storage/manifest.ts';
import { batchOf, cpuSchema, rowsOf, tempDir, type Row } from './fixtures.ts';

const WORDS = ['GET', 'get', 'POST', '/api/v1', 'error', 'Error', 'timeout', 'ok', 'user=42', 'abc123', '数据库', '连接', 'failed:', 'cache-miss', '系统error发生', '连接timeout.5次', 'Größe'];

function schema(analyzer: 'English' | 'Chinese', caseSensitive: boolean, backend: 'bloom' | 'tantivy'): TableSchema {
  const extra: ColumnSchema[] = [
    { name: 'msg', type: 'string', semantic: 'field', nullable: true, indexes: { fulltext: { analyzer, case_sensitive: String(caseSensitive), backend, granularity: '4' } } },
    { name: 'lat', type: 'float64', semantic: 'field', nullable: true },
    { name: 'lng', type: 'float64', semantic: 'field', nullable: true },
  ];
  return { ...cpuSchema({ appendMode: true }, extra), spatialIndexes: [{ lat: 'lat', lng: 'lng', nodeSize: 4 }] };
}

const msgArb = fc.oneof(fc.constant(null), fc.array(fc.constantFrom(...WORDS), { minLength: 0, maxLength: 5 }).map((ws) => ws.join(' ')));
const coordArb = (lim: number) => fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 8, arbitrary: fc.integer({ min: -lim * 10, max: lim * 10 }).map((x) => x / 10) });
const rowArb = fc.record({ host: fc.constantFrom('a', 'b', 'c'), t: fc.integer({ min: 0, max: 40 }), msg: msgArb, lat: coordArb(90), lng: coordArb(180) });
const opArb = fc.oneof(
  { weight: 4, arbitrary: fc.array(rowArb, { minLength: 1, maxLength: 30 }).map((rows) => ({ kind: 'write' as const, rows })) },
  { weight: 2, arbitrary: fc.constant({ kind: 'flush' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'index' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'compact' as const }) },
);
const queryArb = fc.oneof(
  fc.constantFrom(...WORDS, 'api', 'v1', '42', 'miss', 'x', '系统', 'Gr', '5次').map((term) => ({ kind: 'term' as const, term })),
  fc.constantFrom('error', 'error -timeout', '+GET api', '"failed timeout"', 'ok OR abc123', 'user AND 42', '数据库', '-ok', 'Error').map((query) => ({ kind: 'matches' as const, query })),
);
const boxArb = fc.tuple(fc.integer({ min: -90, max: 90 }), fc.integer({ min: 0, max: 60 }), fc.integer({ min: -180, max: 180 }), fc.integer({ min: 0, max: 90 }))
  .map(([la, dla, ln, dln]): SpatialPredicate => ({ op: 'bbox', minLat: la, maxLat: la + dla, minLng: ln, maxLng: ln + dln }));
const radiusArb = fc.tuple(fc.integer({ min: -89, max: 89 }), fc.integer({ min: -180, max: 180 }), fc.integer({ min: 1, max: 3_000_000 }))
  .map(([lat, lng, meters]): SpatialPredicate => ({ op: 'radius', lat, lng, meters }));

function spatialTest(p: SpatialPredicate, r: Row): boolean {
  const lat = r.lat as number | null, lng = r.lng as number | null;
  if (lat === null || lng === null) return false;
  return p.op === 'bbox' ? lat >= p.minLat && lat <= p.maxLat && lng >= p.minLng && lng <= p.maxLng : haversineM(p.lat, p.lng, lat, lng) <= p.meters;
}
function holds(p: ColumnPredicate, r: Row): boolean {
  if (p.op === 'spatial') return spatialTest(p.predicate, r);
  const v = r[p.column];
  return typeof v === 'string' && valueTest(p)(v);
}
const key = (r: Row) => `${r.host}|${r.ts}|${r.msg}|${r.lat}|${r.lng}`;
const sorted = (rows: Row[]) => rows.map(key).sort();

describe('full-text and spatial index pruning', () => {
  it('keeps every matching row (random data, predicates, index files present or not)', async () => {
    const optsArb = fc.record({ analyzer: fc.constantFrom('English' as const, 'Chinese' as const), caseSensitive: fc.boolean(), backend: fc.constantFrom('bloom' as const, 'tantivy' as const) });
    await fc.assert(fc.asyncProperty(optsArb, fc.array(opArb, { minLength: 1, maxLength: 10 }), queryArb, fc.oneof(boxArb, radiusArb), async (o, ops, q, geo) => {
      const { dir, cleanup } = await tempDir();
      try {
        const sch = schema(o.analyzer, o.caseSensitive, o.backend);
        const store = await RegionStore.open({ dir, regionId: 'r1', schema: sch, rowGroupRows: 8, compactionWindowMs: 1e9, decodedCache: undefined });
        let seq = 0;
        for (const op of ops) {
          if (op.kind === 'write') store.apply(batchOf(sch, op.rows.map((r) => ({ host: r.host, region: 'eu', ts: r.t, msg: r.msg, lat: r.lat, lng: r.lng }))), ++seq);
          else if (op.kind === 'flush') await store.flush();
          else if (op.kind === 'index') await store.indexes.buildNext();
          else await store.compact();
        }
        // matches() reads with the column's options: what the SQL pushdown puts in the predicate
        const ft: ColumnPredicate = q.kind === 'term' ? { column: 'msg', op: 'fulltext', query: q }
          : { column: 'msg', op: 'fulltext', query: { kind: 'matches', query: q.query, options: { ...DEFAULT_ANALYZER, analyzer: o.analyzer, caseSensitive: o.caseSensitive } } };
        const sp: ColumnPredicate = { column: 'lat', op: 'spatial', lng: 'lng', predicate: geo };
        const check = async () => {
          const full = rowsOf(await store.scan());
          for (const preds of [[ft], [sp], [ft, sp]]) {
            const want = full.filter((r) => preds.every((p) => holds(p, r)));
            const got = rowsOf(await store.scan({ predicates: preds }));
            // the full-text predicate is applied by the scan's row filter; the spatial one only prunes (a superset)
            expect(got.every((r) => holds(ft, r) || !preds.includes(ft))).toBe(true);
            expect(sorted(got.filter((r) => preds.every((p) => holds(p, r))))).toEqual(sorted(want));
          }
        };
        await check();
        await store.flush();
        await store.indexes.buildAll();
        await check();
        await store.close();
      } finally {
        await cleanup();
      }
    }), { numRuns: 60 });
  });

  it('reports rows and row groups pruned by each index', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const sch = schema('English', false, 'bloom');
      const store = await RegionStore.open({ dir, regionId: 'r1', schema: sch, rowGroupRows: 100 });
      const rows: Row[] = [];
      for (let i = 0; i < 2000; i++) rows.push({ host: `h${i % 5}`, region: 'eu', ts: i, msg: i === 1234 ? 'disk failure zzyzx on sda' : `GET /api/item/${i % 50} ok`, lat: (i % 180) - 89.5, lng: ((i * 7) % 360) - 179.5 });
      store.apply(batchOf(sch, rows), 1);
      await store.flush();
      await store.indexes.buildAll();
      expect(store.indexes.status().map((s) => [s.kind, s.column, s.state])).toEqual([
        ['inverted', 'host', 'ready'], ['inverted', 'region', 'ready'], ['fulltext', 'msg', 'ready'], ['spatial', 'lat, lng', 'ready']]);
      const stats: ScanStats = { segments: 0, unindexed: 0, indexes: [] };
      const got = rowsOf(await store.scan({ predicates: [{ column: 'msg', op: 'fulltext', query: { kind: 'term', term: 'zzyzx' } }] }, stats));
      expect(got.map((r) => r.ts)).toEqual([1234n]);
      expect(stats.indexes).toEqual([{ kind: 'fulltext', column: 'msg', segments: 1, groupsBefore: 20, groupsAfter: 1, rowsBefore: 2000, rowsAfter: 4 }]);
      const st2: ScanStats = { segments: 0, unindexed: 0, indexes: [] };
      const box: SpatialPredicate = { op: 'bbox', minLat: 10, maxLat: 10.6, minLng: -180, maxLng: 180 };
      const inBox = rowsOf(await store.scan({ predicates: [{ column: 'lat', op: 'spatial', lng: 'lng', predicate: box }] }, st2));
      expect(inBox.length).toBe(rows.filter((r) => spatialTest(box, r)).length);
      expect(st2.indexes[0]).toMatchObject({ kind: 'spatial', column: 'lat, lng', rowsBefore: 2000, rowsAfter: inBox.length });
      await store.close();
    } finally {
      await cleanup();
    }
  });

  it('a full-text index file of an older tokenization is not used, and is rebuilt', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const sch = schema('English', false, 'bloom');
      let store = await RegionStore.open({ dir, regionId: 'r1', schema: sch, rowGroupRows: 100 });
      const rows: Row[] = [];
      for (let i = 0; i < 1000; i++) rows.push({ host: 'h', region: 'eu', ts: i, msg: i % 250 === 7 ? '系统error发生' : `GET /api/${i} ok`, lat: null, lng: null });
      store.apply(batchOf(sch, rows), 1);
      await store.flush();
      await store.indexes.buildAll();
      const pred: ColumnPredicate = { column: 'msg', op: 'fulltext', query: { kind: 'term', term: 'error' } };
      const scan = async (s: RegionStore) => {
        const stats: ScanStats = { segments: 0, unindexed: 0, indexes: [] };
        const got = rowsOf(await s.scan({ predicates: [pred] }, stats)).map((r) => r.ts);
        return { got, fulltext: stats.indexes.find((u) => u.kind === 'fulltext') };
      };
      const now = await scan(store);
      expect(now.got).toEqual([7n, 257n, 507n, 757n]);
      expect(now.fulltext?.rowsAfter).toBeLessThan(1000);
      await store.close();
      // an older build recorded the index under its key without the format version
      const m = (await loadManifest(dir))!;
      const seg = m.segments[0]!;
      const ftKey = seg.index!.keys.find((k) => k.startsWith('fulltext('))!;
      expect(ftKey).toMatch(/@\d+$/);
      seg.index!.keys = seg.index!.keys.map((k) => (k === ftKey ? k.replace(/@\d+$/, '') : k));
      await saveManifest(dir, m);
      store = await RegionStore.open({ dir, regionId: 'r1', schema: sch, rowGroupRows: 100 });
      expect(store.indexes.pending().map((s) => s.file)).toEqual([seg.file]);
      const stale = await scan(store);
      expect(stale.got).toEqual(now.got);
      expect(stale.fulltext).toBeUndefined(); // read by full scan, never by the stale file
      expect(await store.indexes.buildAll()).toBe(1);
      const rebuilt = await scan(store);
      expect(rebuilt.got).toEqual(now.got);
      expect(rebuilt.fulltext?.rowsAfter).toBe(now.fulltext?.rowsAfter);
      await store.close();
    } finally {
      await cleanup();
    }
  });
});
