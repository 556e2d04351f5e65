// The scan's selectivity cut-off: an index selection that would keep more than a needle's share of the rows spread
// over (nearly) every page is declined and the segment is read by the scan's own filter; answers are the same either
// way (fast-check over random tag layouts and IN lists), and the decision follows the layout: a scattered 20% value
// reads without the index, a needle or a clustered half with it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ColumnPredicate, TableSchema } from '../../core/index.ts';
import { RegionStore, type ScanStats } from '../../storage/index.ts';
import { scanCheaper } from '../../storage/index/prune.ts';
import { batchOf, cpuSchema, rowsOf, tempDir, type Row } from './fixtures.ts';

const REGIONS = ['r0', 'r1', 'r2', 'r3', 'r4'];

/** `hosts` series of `points` rows each; a host's region by `regionOf` (the segment sorts by host, then region). */
function rowsFor(hosts: number, points: number, regionOf: (h: number) => string): Row[] {
  const rows: Row[] = [];
  for (let h = 0; h < hosts; h++) {
    for (let t = 0; t < points; t++) rows.push({ host: `h${String(h).padStart(4, '0')}`, region: regionOf(h), usage_user: h + t, usage_system: null, ts: t });
  }
  return rows;
}

async function withStore<T>(sch: TableSchema, rows: Row[], f: (s: RegionStore) => Promise<T>, rowGroupRows = 256): Promise<T> {
  const { dir, cleanup } = await tempDir();
  try {
    const store = await RegionStore.open({ dir, regionId: 'r1', schema: sch, rowGroupRows, decodedCache: undefined });
    store.apply(batchOf(sch, rows), 1);
    await store.flush();
    const out = await f(store);
    await store.close();
    return out;
  } finally {
    await cleanup();
  }
}

async function scan(store: RegionStore, p: ColumnPredicate): Promise<{ rows: string[]; inverted: boolean }> {
  const stats: ScanStats = { segments: 0, unindexed: 0, indexes: [] };
  const got = rowsOf(await store.scan({ tagFilter: p.op === 'in' ? { [p.column]: p.values } : undefined, predicates: [p] }, stats));
  return { rows: got.map((r) => `${r.host}|${r.region}|${r.ts}`).sort(), inverted: stats.indexes.some((u) => u.kind === 'inverted') };
}

describe('index selectivity cut-off', () => {
  it('follows the layout: a scattered fifth reads without the index, a needle and a clustered fifth with it', async () => {
    const sch = cpuSchema({ appendMode: true });
    // 2,000 hosts x 4 points, pages of 256 rows (the row group): a region is every fifth host, 8 rows in 40; one host
    // alone in its region (the needle; = on host, the sort key, asks no index)
    const scattered = rowsFor(2000, 4, (h) => (h === 42 ? 'r9' : REGIONS[h % 5]!));
    await withStore(sch, scattered, async (store) => {
      await store.indexes.buildAll();
      const fifth = await scan(store, { column: 'region', op: 'in', values: ['r3'] });
      expect(fifth.rows.length).toBe(1600);
      expect(fifth.inverted).toBe(false);
      const needle = await scan(store, { column: 'region', op: 'in', values: ['r9'] });
      expect(needle.rows.length).toBe(4);
      expect(needle.inverted).toBe(true);
    });
    // the same fifth as one stretch of hosts: the index skips the other pages
    const clustered = rowsFor(2000, 4, (h) => REGIONS[Math.floor(h / 400)]!);
    await withStore(sch, clustered, async (store) => {
      await store.indexes.buildAll();
      const fifth = await scan(store, { column: 'region', op: 'in', values: ['r3'] });
      expect(fifth.rows.length).toBe(1600);
      expect(fifth.inverted).toBe(true);
    });
  });

  it('answers as a scan without index files, whichever way it decides (random layouts and IN lists)', async () => {
    const sch = cpuSchema({ appendMode: true });
    const layout = fc.record({ hosts: fc.integer({ min: 1, max: 300 }), points: fc.integer({ min: 1, max: 6 }), run: fc.integer({ min: 1, max: 120 }), mod: fc.integer({ min: 1, max: 5 }) });
    const pick = fc.subarray([...REGIONS, 'none'], { minLength: 1 });
    await fc.assert(fc.asyncProperty(layout, pick, fc.integer({ min: 4, max: 64 }), async (l, values, groupRows) => {
      const rows = rowsFor(l.hosts, l.points, (h) => REGIONS[Math.floor(h / l.run) % l.mod]!);
      const p: ColumnPredicate = { column: 'region', op: 'in', values };
      const plain = await withStore(sch, rows, (s) => scan(s, p), groupRows);
      const indexed = await withStore(sch, rows, async (s) => { await s.indexes.buildAll(); return scan(s, p); }, groupRows);
      expect(indexed.rows).toEqual(plain.rows);
      expect(plain.rows.length).toBe(rows.filter((r) => values.includes(r.region as string)).length);
    }), { numRuns: 40 });
  });

  it('declines only selections above a needle share that touch (nearly) every page', () => {
    const rows = 1_000_000, page = 8192; // 123 pages
    expect(scanCheaper({ rows: 50_000, ranges: 5_000 }, rows, page)).toBe(false); // 5%: pages read for their rows only
    expect(scanCheaper({ rows: 200_000, ranges: 20_000 }, rows, page)).toBe(true); // 20% in short ranges everywhere
    expect(scanCheaper({ rows: 200_000, ranges: 1 }, rows, page)).toBe(false); // 20% in one stretch: 25 pages of 123
    expect(scanCheaper({ rows: 500_000, ranges: 40 }, rows, page)).toBe(false); // half in 40 stretches: ~101 pages
    expect(scanCheaper({ rows: 900_000, ranges: 2 }, rows, page)).toBe(true);
    expect(scanCheaper({ rows: 0, ranges: 0 }, 0, page)).toBe(false);
  });
});
