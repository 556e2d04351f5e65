// A scan whose row groups' time stats lie inside its range (and past the TTL cutoff) keeps their rows without testing
// each one (storage/scan.ts spanInside): on random rows, windows and TTLs it returns exactly the rows a row-by-row
// filter keeps, across flushes and compaction.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodedCache, RegionStore } from '../../storage/index.ts';
import { batchOf, cpuSchema, rowsOf, sortRows, tempDir, type Row } from './fixtures.ts';

const MS = 1_000_000n;
const row = (i: number): Row => ({ host: `h${i % 5}`, region: i % 3 ? 'eu' : null, usage_user: i % 4 ? i / 4 : null, usage_system: null, ts: BigInt(i) * 10n * MS });

describe('scan: groups inside the time range', () => {
  it('property: rows kept by the groups\' stats equal the rows a row-by-row time filter keeps', async () => {
    const window = fc.oneof(
      // inside or around the whole data (every group inside: nothing tested per row)
      fc.record({ from: fc.integer({ min: -50, max: 0 }), len: fc.integer({ min: 4020, max: 9000 }) }),
      fc.record({ from: fc.integer({ min: 0, max: 4000 }), len: fc.integer({ min: 1, max: 4000 }) }),
    );
    await fc.assert(fc.asyncProperty(
      fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 300 }),
      fc.array(fc.record({ w: fc.option(window, { nil: undefined }), hosts: fc.option(fc.subarray(['h0', 'h1', 'h4'], { minLength: 1 }), { nil: undefined }) }), { minLength: 1, maxLength: 5 }),
      fc.option(fc.integer({ min: 0, max: 4500 }), { nil: undefined }),
      fc.boolean(),
      async (ids, scans, ttlCut, compact) => {
        const t = await tempDir();
        // nothing expires while rows are written and flushed; then now - ttl = ttlCut (ms): rows older than ttlCut ms
        // are past the TTL in the segments (a group may straddle the cutoff)
        const schema = cpuSchema(ttlCut === undefined ? {} : { ttlMs: 1_000_000 });
        let now = 1_000_000;
        const clock = { now: () => now };
        const store = await RegionStore.open({ dir: t.dir, regionId: '9', schema, rowGroupRows: 16, pageRows: 5, decodedCache: new DecodedCache(1 << 20), clock });
        const half = Math.ceil(ids.length / 2);
        store.apply(batchOf(schema, ids.slice(0, half).map(row)), 1);
        await store.flush();
        store.apply(batchOf(schema, ids.slice(half).map(row)), 2);
        await store.flush();
        if (compact) await store.compact();
        now = (ttlCut ?? 0) + 1_000_000;
        for (const s of scans) {
          const start = s.w ? BigInt(s.w.from) * MS : undefined, end = s.w ? BigInt(s.w.from + s.w.len) * MS : undefined;
          const req = { ...(s.w ? { start, end } : {}), ...(s.hosts ? { tagFilter: { host: s.hosts } } : {}) };
          const want = [...new Set(ids)].map(row).filter((r) => {
            const ts = r.ts as bigint;
            return (start === undefined || ts >= start) && (end === undefined || ts < end)
              && (ttlCut === undefined || ts >= BigInt(ttlCut) * MS) && (!s.hosts || s.hosts.includes(r.host as string));
          });
          expect(sortRows(rowsOf(await store.scan(req)))).toEqual(sortRows(want));
        }
        await store.close();
        await t.cleanup();
      },
    ), { numRuns: 40 });
  });
});
