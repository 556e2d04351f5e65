// Compaction: job picking keeps last-write-wins order, merges keep scans identical (fast-check against a model map).
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { RegionStore, type SegmentMeta } from '../../storage/index.ts';
import { decodedBytesOf, pickCompactions } from '../../storage/compaction.ts';
import { batchOf, cpuSchema, keyOf, rowsOf, sortRows, tempDir, type Row } from './fixtures.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => { for (const c of cleanups.splice(0)) await c(); });

function seg(file: string, minTs: number, maxTs: number, maxSeq: number, bytes = 100): SegmentMeta {
  return { file, rows: 1, series: 1, minTs: String(minTs), maxTs: String(maxTs), bytes, maxSeq, schemaVersion: 1, columns: {}, createdAt: 0 };
}

describe('pickCompactions', () => {
  it('groups segments by time window', () => {
    const jobs = pickCompactions([seg('a', 0, 5, 1), seg('b', 12, 15, 2), seg('c', 3, 8, 3), seg('d', 14, 18, 4)], 10n, 1000);
    expect(jobs.map((j) => j.map((s) => s.file))).toEqual([['a', 'c'], ['b', 'd']]);
  });

  it('never merges around a newer-but-excluded overlapping segment', () => {
    // 'big' is excluded by size and sits between a and c in write order while overlapping them in time.
    const jobs = pickCompactions([seg('a', 0, 5, 1), seg('big', 0, 9, 2, 10_000), seg('c', 3, 8, 3), seg('d', 4, 6, 4)], 10n, 1000);
    expect(jobs.map((j) => j.map((s) => s.file))).toEqual([['c', 'd']]);
  });

  it('cuts a job into consecutive parts of at most jobBytes decoded, leaving out a part of one segment', () => {
    const big = (file: string, maxSeq: number, rows: number): SegmentMeta => ({ ...seg(file, 1, 2, maxSeq), rows, columns: { ts: { min: 1, max: 2, nulls: 0 }, v: { min: 0, max: 1, nulls: 0 } } });
    const segs = [big('a', 1, 100), big('b', 2, 100), big('c', 3, 100), big('d', 4, 300), big('e', 5, 100)];
    const per100 = decodedBytesOf(segs[0]!);
    expect(per100).toBe(100 * 17);
    const jobs = pickCompactions(segs, 10n, 1_000_000, 2 * per100);
    // a+b fit, c alone (d would pass the cap), d alone is past it, e alone: only a+b merge
    expect(jobs.map((j) => j.map((s) => s.file))).toEqual([['a', 'b']]);
    expect(pickCompactions(segs, 10n, 1_000_000, 4 * per100).map((j) => j.map((s) => s.file))).toEqual([['a', 'b', 'c'], ['d', 'e']]);
    expect(pickCompactions(segs, 10n, 1_000_000).map((j) => j.map((s) => s.file))).toEqual([['a', 'b', 'c', 'd', 'e']]);
  });
});

describe('compaction', () => {
  it('merges the segments of a window into one and keeps the scan identical', async () => {
    const t = await tempDir();
    cleanups.push(t.cleanup);
    const s = cpuSchema();
    const store = await RegionStore.open({ dir: t.dir, regionId: '1', schema: s, compactionWindowMs: 1 });
    for (let k = 0; k < 4; k++) {
      store.apply(batchOf(s, ['a', 'b'].map((host, i) => ({ host, region: 'eu', usage_user: k * 10 + i, ts: BigInt(k % 2) }))), k + 1);
      await store.flush();
    }
    const before = rowsOf(await store.scan({}));
    expect(store.stats().segments).toBe(4);
    const r = await store.compact();
    expect(r).toMatchObject({ merged: 4, written: 1 });
    expect(store.stats()).toMatchObject({ segments: 1, segmentRows: 4 });
    expect(rowsOf(await store.scan({}))).toEqual(before);
    expect(before.map((x) => x.usage_user)).toEqual([20, 30, 21, 31]);
  });

  it('does not let an older segment win over a large newer one it was merged around', async () => {
    const t = await tempDir();
    cleanups.push(t.cleanup);
    const s = cpuSchema();
    const store = await RegionStore.open({ dir: t.dir, regionId: '1', schema: s, compactionMaxBytes: 2000 });
    store.apply(batchOf(s, [{ host: 'h0', region: 'eu', usage_user: 1, ts: 0n }]), 1);
    await store.flush();
    store.apply(batchOf(s, Array.from({ length: 8 }, (_, i) => ({ host: `h${i % 4}`, region: 'eu', usage_user: 2, ts: BigInt(i * 1000) }))), 2);
    await store.flush();
    store.apply(batchOf(s, [{ host: 'h1', region: 'eu', usage_user: 3, ts: 0n }]), 3);
    await store.flush();
    expect(store.segments[1]!.bytes).toBeGreaterThan(2000);
    await store.compact();
    expect(rowsOf(await store.scan({ tagFilter: { host: ['h0'] }, end: 1n })).map((r) => r.usage_user)).toEqual([2]);
  });

  it('property: random writes, flushes, compactions and reopens scan like a last-write-wins map', async () => {
    const op = fc.oneof(
      { weight: 5, arbitrary: fc.array(fc.record({ h: fc.integer({ min: 0, max: 2 }), t: fc.integer({ min: 0, max: 12 }), v: fc.integer({ min: -50, max: 50 }) }), { minLength: 1, maxLength: 10 }).map((rows) => ({ kind: 'write' as const, rows })) },
      { weight: 2, arbitrary: fc.constant({ kind: 'flush' as const }) },
      { weight: 2, arbitrary: fc.constant({ kind: 'compact' as const }) },
      { weight: 1, arbitrary: fc.constant({ kind: 'reopen' as const }) },
    );
    const windows = fc.constantFrom(0.002, 0.01, 1000);
    const maxBytes = fc.constantFrom(2000, 2100, 1 << 30);
    await fc.assert(fc.asyncProperty(fc.array(op, { maxLength: 25 }), fc.boolean(), windows, maxBytes, async (ops, appendMode, windowMs, compactionMaxBytes) => {
      const t = await tempDir();
      try {
        const s = cpuSchema({ appendMode });
        const open = () => RegionStore.open({ dir: t.dir, regionId: '1', schema: s, compactionWindowMs: windowMs, compactionMaxBytes });
        let store = await open();
        const model = new Map<string, Row>();
        const all: Row[] = [];
        let seq = 0;
        for (const o of ops) {
          if (o.kind === 'write') {
            const rows = o.rows.map((r) => ({ host: `h${r.h}`, region: r.h % 2 ? 'eu' : null, usage_user: r.v, usage_system: null, ts: BigInt(r.t * 1000) }));
            store.apply(batchOf(s, rows), ++seq);
            for (const r of rows) { model.set(keyOf(r), r); all.push(r); }
          } else if (o.kind === 'flush') await store.flush();
          else if (o.kind === 'compact') await store.compact();
          else { await store.flush(); await store.close(); store = await open(); }
        }
        const got = rowsOf(await store.scan({}));
        const want = appendMode ? all : [...model.values()];
        const norm = (rows: Row[]) => sortRows(rows).map((r) => `${keyOf(r)}=${r.usage_user}`).sort();
        expect(norm(got)).toEqual(norm(want));
        // Output order is (series by tag values, null first; then ts).
        const rank = (r: Row) => [r.host as string, r.region === null ? '' : `~${r.region}`, (r.ts as bigint) + 1_000_000n] as const;
        for (let i = 1; i < got.length; i++) {
          const [x, y] = [rank(got[i - 1]!), rank(got[i]!)];
          const le = x[0] < y[0] || (x[0] === y[0] && (x[1] < y[1] || (x[1] === y[1] && x[2] <= y[2])));
          expect(le).toBe(true);
        }
        const filtered = rowsOf(await store.scan({ start: 5000n, end: 30000n, tagFilter: { host: ['h1', 'h2'] } }));
        const inRange = (r: Row) => (r.ts as bigint) >= 5000n && (r.ts as bigint) < 30000n && (r.host === 'h1' || r.host === 'h2');
        expect(norm(filtered)).toEqual(norm(want.filter(inRange)));
        await store.close();
      } finally {
        await t.cleanup();
      }
    }), { numRuns: 150 });
  });
});
