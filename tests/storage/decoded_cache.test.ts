// The decoded-column cache: scans answer the same with and without it, reuse decoded row groups, and forget removed files.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodedCache, RegionStore } from '../../storage/index.ts';
import { batchOf, cpuSchema, rowsOf, tempDir, type Row } from './fixtures.ts';

const schema = cpuSchema();
const row = (i: number): Row => ({ host: `h${i % 5}`, region: i % 3 ? 'eu' : null, usage_user: i % 4 ? i / 4 : null, ts: BigInt(i * 10) });

describe('DecodedCache', () => {
  it('evicts least recently used entries past its budget and drops a file\'s entries', () => {
    const c = new DecodedCache(4 * (800 + 64) + 10);
    const col = () => ({ type: 'float64' as const, values: new Float64Array(100), valid: null });
    for (let g = 0; g < 4; g++) c.set('f', g, 'x', col());
    expect(c.get('f', 0, 'x')).toBeDefined();
    c.set('f', 4, 'x', col());
    // Group 1 was the least recently used (0 was read again).
    expect(c.get('f', 1, 'x')).toBeUndefined();
    expect(c.get('f', 0, 'x')).toBeDefined();
    expect(c.bytes).toBeLessThanOrEqual(c.budgetBytes);
    c.dropFile('f');
    expect(c.bytes).toBe(0);
    expect(c.get('f', 4, 'x')).toBeUndefined();
  });

  it('property: scans through a cache equal scans without one, across flushes, compaction, projections and tag filters', async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 300 }),
      fc.array(fc.record({ from: fc.integer({ min: 0, max: 4000 }), len: fc.integer({ min: 1, max: 4000 }), cols: fc.subarray(['usage_user', 'region']), hosts: fc.option(fc.subarray(['h0', 'h1', 'h2', 'h3', 'h4'], { minLength: 1 })) }), { minLength: 1, maxLength: 6 }),
      async (ids, scans) => {
        const t = await tempDir();
        const cache = new DecodedCache(1 << 20);
        const store = await RegionStore.open({ dir: t.dir, regionId: '7', schema, rowGroupRows: 16, pageRows: 6, decodedCache: cache });
        const half = Math.ceil(ids.length / 2);
        store.apply(batchOf(schema, ids.slice(0, half).map(row)), 1);
        await store.flush();
        store.apply(batchOf(schema, ids.slice(half).map(row)), 2);
        await store.flush();
        const plain = await RegionStore.open({ dir: t.dir, regionId: '7', schema, rowGroupRows: 16, decodedCache: new DecodedCache(0) });
        for (const [i, s] of scans.entries()) {
          if (i === 2) { await store.compact(); await plain.close(); }
          const req = { start: BigInt(s.from), end: BigInt(s.from + s.len), columns: ['host', 'ts', ...s.cols], ...(s.hosts ? { tagFilter: { host: s.hosts } } : {}) };
          const want = rowsOf(await (i >= 2 ? await RegionStore.open({ dir: t.dir, regionId: '7', schema, decodedCache: new DecodedCache(0) }) : plain).scan(req));
          const got = rowsOf(await store.scan(req));
          expect(got).toEqual(want);
          // And again, now from the cache.
          expect(rowsOf(await store.scan(req))).toEqual(want);
        }
        await store.close();
        await t.cleanup();
      },
    ), { numRuns: 25 });
  });

  it('a repeated scan is answered from decoded row groups, and compaction forgets the merged files', async () => {
    const t = await tempDir();
    const cache = new DecodedCache(1 << 22);
    const store = await RegionStore.open({ dir: t.dir, regionId: '8', schema, rowGroupRows: 64, decodedCache: cache });
    store.apply(batchOf(schema, Array.from({ length: 500 }, (_, i) => row(i))), 1);
    await store.flush();
    store.apply(batchOf(schema, Array.from({ length: 500 }, (_, i) => row(i + 250))), 2);
    await store.flush();
    const first = rowsOf(await store.scan({}));
    const misses = cache.misses;
    expect(cache.bytes).toBeGreaterThan(0);
    expect(rowsOf(await store.scan({}))).toEqual(first);
    expect(cache.misses).toBe(misses);
    expect(cache.hits).toBeGreaterThan(0);
    await store.compact();
    expect(store.segments).toHaveLength(1);
    // Only the compacted segment may have entries now: the two merged files' entries went with them.
    const before = cache.bytes;
    expect(before).toBe(0);
    expect(rowsOf(await store.scan({}))).toEqual(first);
    await store.close();
    await t.cleanup();
  });
});
