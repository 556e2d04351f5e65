// The cache warm-up: scans after it answer as scans without a cache do, read no more pages than warm ones need, and it
// stops at its byte bound, skips segments that left the manifest and leaves a store that closes cleanly.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DecodedCache, RegionStore, warmCache } from '../../storage/index.ts';
import { batchOf, cpuSchema, rowsOf, tempDir, type Row } from './fixtures.ts';

const schema = cpuSchema();
const row = (i: number): Row => ({ host: `h${i % 5}`, region: i % 3 ? 'eu' : null, usage_user: i % 4 ? i / 4 : null, ts: BigInt(i * 10) });
const turn = () => new Promise<void>((r) => setImmediate(r));

describe('warmCache', () => {
  it('property: after a warm-up, scans answer as with no cache even with the segment files deleted (nothing left to decode)', async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 300 }),
      fc.array(fc.record({ from: fc.integer({ min: 0, max: 4000 }), len: fc.integer({ min: 1, max: 4000 }), cols: fc.subarray(['usage_user', 'region']), hosts: fc.option(fc.subarray(['h0', 'h1', 'h2', 'h3', 'h4'], { minLength: 1 })) }), { minLength: 1, maxLength: 5 }),
      async (ids, scans) => {
        const t = await tempDir();
        const writer = await RegionStore.open({ dir: t.dir, regionId: '7', schema, rowGroupRows: 16, pageRows: 6, decodedCache: new DecodedCache(0) });
        const half = Math.ceil(ids.length / 2);
        writer.apply(batchOf(schema, ids.slice(0, half).map(row)), 1);
        await writer.flush();
        writer.apply(batchOf(schema, ids.slice(half).map(row)), 2);
        await writer.flush();
        await writer.close();
        // a restart: the warm-up fills the new store's cache before any scan
        const cache = new DecodedCache(1 << 24);
        const store = await RegionStore.open({ dir: t.dir, regionId: '7', schema, rowGroupRows: 16, pageRows: 6, decodedCache: cache });
        const groups = await warmCache(store, { upToBytes: cache.budgetBytes, between: turn });
        expect(groups).toBeGreaterThan(0);
        const plain = await RegionStore.open({ dir: t.dir, regionId: '7', schema, decodedCache: new DecodedCache(0) });
        const reqs = scans.map((s) => ({ start: BigInt(s.from), end: BigInt(s.from + s.len), columns: ['host', 'ts', ...s.cols], ...(s.hosts ? { tagFilter: { host: s.hosts } } : {}) }));
        const want = [];
        for (const req of reqs) want.push(rowsOf(await plain.scan(req)));
        // with the segment files gone, a scan that had to decode anything would fail: the warm cache answers them all
        for (const f of await readdir(join(t.dir, 'segments'))) await rm(join(t.dir, 'segments', f));
        for (const [i, req] of reqs.entries()) expect(rowsOf(await store.scan(req))).toEqual(want[i]);
        await plain.close();
        await store.close();
        await t.cleanup();
      },
    ), { numRuns: 20 });
  });

  it('stops at its byte bound, newest segment first, and passes over files that left the manifest', async () => {
    const t = await tempDir();
    const store = await RegionStore.open({ dir: t.dir, regionId: '9', schema, rowGroupRows: 64, decodedCache: new DecodedCache(1 << 24) });
    for (let k = 0; k < 3; k++) {
      store.apply(batchOf(schema, Array.from({ length: 640 }, (_, i) => row(k * 640 + i))), k + 1);
      await store.flush();
    }
    const cache = store.cache;
    const newest = [...store.segments].sort((a, b) => b.maxSeq - a.maxSeq)[0]!;
    // one row group's columns go past a bound of one byte: exactly one group is decoded, from the newest segment
    expect(await warmCache(store, { upToBytes: 1, between: turn })).toBe(1);
    expect(cache.bytes).toBeGreaterThan(0);
    const before = cache.bytes;
    await store.scan({ start: 0n, end: 64n * 10n, columns: ['host', 'ts', 'usage_user', 'region'] });
    // the oldest rows (segment 1) were not warmed: that scan decoded and kept them
    expect(cache.bytes).toBeGreaterThan(before);
    expect(newest.maxSeq).toBe(3);
    // a file no longer in the manifest (compacted away) is passed over, not read
    const files = store.segments.map((s) => s.file);
    await store.compact();
    expect(store.segments.some((s) => files.includes(s.file))).toBe(false);
    expect(await warmCache(store, { upToBytes: 1 << 24, between: turn, files })).toBe(0);
    // and a stopped warm-up decodes nothing
    expect(await warmCache(store, { upToBytes: 1 << 24, between: turn, stopped: () => true })).toBe(0);
    await store.close();
    await t.cleanup();
  });
});
