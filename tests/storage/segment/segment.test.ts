// Segment files: row groups with stats, pruning by time and tags, encodings, and files of the older single-batch layout.
import { RecordBatchFileWriter } from 'apache-arrow';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { RegionStore } from '../../../storage/index.ts';
import { runToBatch } from '../../../storage/arrow_out.ts';
import { groupsMayMatch } from '../../../storage/scan.ts';
import { decodeSegment } from '../../../storage/segment/read.ts';
import { encodeSegment } from '../../../storage/segment/write.ts';
import { columnStats } from '../../../storage/segment/stats.ts';
import type { SegmentMeta } from '../../../storage/types.ts';
import { sortMemtable } from '../../../storage/memtable/sort.ts';
import { Memtable } from '../../../storage/memtable/memtable.ts';
import { batchOf, cpuSchema, rowsOf, sortRows, tempDir, type Row } from '../fixtures.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => { for (const c of cleanups.splice(0)) await c(); });

const s = cpuSchema({}, [{ name: 'cores', type: 'int64', semantic: 'field', nullable: true }]);
const rows: Row[] = ['a', 'b', 'c', 'd'].flatMap((host, h) => Array.from({ length: 10 }, (_, t) => ({
  host, region: 'eu', usage_user: t % 3 === 0 ? null : h * 100 + t * 0.25, usage_system: Math.PI * t, cores: BigInt(t * 1000 - 3), ts: BigInt(t * 10_000_000_000),
})));

describe('segments', () => {
  it('writes row groups with time and tag stats, and prunes them in scans', async () => {
    const t = await tempDir();
    cleanups.push(t.cleanup);
    const store = await RegionStore.open({ dir: t.dir, regionId: '1', schema: s, rowGroupRows: 8 });
    store.apply(batchOf(s, rows), 1);
    const f = await store.flush();
    const groups = f!.segment.groups!;
    expect(groups.map((g) => g.rows)).toEqual([8, 8, 8, 8, 8]);
    expect(groups[0]).toMatchObject({ minTs: '0', maxTs: '70000000000', tags: { host: { min: 'a', max: 'a' } } });
    expect(groups[1]!.tags.host).toMatchObject({ min: 'a', max: 'b' });
    // Every group's region stats equal the segment's: left out of the manifest, read from the segment's.
    expect(groups.every((g) => !('region' in g.tags))).toBe(true);
    expect(groupsMayMatch(f!.segment, { tags: { region: ['eu'] } })).toEqual([0, 1, 2, 3, 4]);
    expect(groupsMayMatch(f!.segment, { tags: { region: ['us'] } })).toEqual([]);
    expect(groupsMayMatch(f!.segment, { tags: { host: ['c'] } })).toEqual([2, 3]);
    expect(groupsMayMatch(f!.segment, { start: 80_000_000_000n, tags: { host: ['a', 'd'] } })).toEqual([1, 3, 4]);
    const want = sortRows(rows.map((r) => ({ ...r })));
    expect(sortRows(rowsOf(await store.scan({})))).toEqual(want);
    const got = rowsOf(await store.scan({ start: 80_000_000_000n, tagFilter: { host: ['a', 'd'] }, columns: ['host', 'usage_user', 'cores'] }));
    expect(got).toEqual(want.filter((r) => (r.host === 'a' || r.host === 'd') && (r.ts as bigint) >= 80_000_000_000n)
      .map((r) => ({ host: r.host, usage_user: r.usage_user, cores: r.cores, ts: r.ts })));
    // pi multiples are not short decimals: that column stays raw Float64, the others are encoded.
    const meta = f!.segment;
    expect(meta.rows).toBe(40);
  });

  it('reads segments of the older layout (one record batch, raw Float64 / Timestamp columns)', () => {
    const mem = new Memtable(s.primaryKey);
    mem.apply(batchOf(s, rows), 1, s);
    const run = sortMemtable(mem, s);
    const names = s.columns.map((c) => c.name);
    const bytes = RecordBatchFileWriter.writeAll([runToBatch(run, s, names)]).toUint8Array(true);
    const back = decodeSegment(bytes, s, names, 'old.arrow');
    expect(back.rows).toBe(40);
    for (const n of names) {
      expect(Array.from(back.cols.get(n)!.values as ArrayLike<unknown>)).toEqual(Array.from(run.cols.get(n)!.values as ArrayLike<unknown>));
    }
  });

  it('property: row groups pruned by their written stats are those whose full stats match (left-out tags read the segment\'s)', () => {
    const names = s.columns.map((c) => c.name);
    const tagValue = fc.option(fc.constantFrom('a', 'b', 'c', 'd', 'e'), { nil: null, freq: 6 });
    const row = fc.record({ host: tagValue, region: tagValue, t: fc.integer({ min: 0, max: 50 }) });
    const filter = fc.record({
      start: fc.option(fc.integer({ min: 0, max: 50 }), { nil: undefined }),
      end: fc.option(fc.integer({ min: 0, max: 50 }), { nil: undefined }),
      host: fc.option(fc.array(tagValue, { minLength: 1, maxLength: 3 }), { nil: undefined }),
      region: fc.option(fc.array(tagValue, { minLength: 1, maxLength: 3 }), { nil: undefined }),
    });
    fc.assert(fc.property(fc.array(row, { minLength: 1, maxLength: 80 }), fc.integer({ min: 1, max: 20 }), fc.array(filter, { minLength: 1, maxLength: 5 }), (rs, groupRows, filters) => {
      const mem = new Memtable(s.primaryKey);
      mem.apply(batchOf(s, rs.map((r) => ({ host: r.host, region: r.region, usage_user: 1, usage_system: 2, cores: 3n, ts: BigInt(r.t) }))), 1, s);
      const run = sortMemtable(mem, s);
      const { meta } = encodeSegment(run, s, 'zstd', 1, groupRows);
      // The plain path: every group with the stats of each tag over its own rows.
      const back = decodeSegment(encodeSegment(sortMemtable(mem, s), s, 'zstd', 1, groupRows).bytes, s, names, 'p.arrow');
      let at = 0;
      const full: SegmentMeta = { ...(meta as SegmentMeta), groups: meta.groups!.map((g) => {
        const tags = Object.fromEntries(s.primaryKey.map((n) => {
          const c = back.cols.get(n)!;
          return [n, columnStats({ ...c, values: c.values.subarray(at, at + g.rows), valid: c.valid ? c.valid.subarray(at, at + g.rows) : null }, g.rows)];
        }));
        at += g.rows;
        return { ...g, tags };
      }) };
      for (const f of filters) {
        const tags: Record<string, (string | null)[]> = {};
        if (f.host) tags.host = f.host;
        if (f.region) tags.region = f.region;
        const rf = { start: f.start === undefined ? undefined : BigInt(f.start), end: f.end === undefined ? undefined : BigInt(f.end), tags };
        expect(groupsMayMatch(meta as SegmentMeta, rf, s)).toEqual(groupsMayMatch(full, rf, s));
      }
    }), { numRuns: 150 });
  });

  it('property: segments decode (into uncleared memory) to exactly the rows written, whatever the row group size', () => {
    const names = s.columns.map((c) => c.name);
    const row = fc.record({
      host: fc.option(fc.constantFrom('a', 'b', 'c'), { nil: null, freq: 8 }), t: fc.integer({ min: 0, max: 1e6 }),
      u: fc.option(fc.oneof(fc.double({ noNaN: true }), fc.integer({ min: -1e4, max: 1e4 }).map((x) => x / 100)), { nil: null, freq: 6 }),
      c: fc.option(fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n }), { nil: null, freq: 6 }),
    });
    // Enough rows that columns take the uncleared allocation (512 rows and up); garbage first, so stale memory shows.
    fc.assert(fc.property(fc.array(row, { minLength: 500, maxLength: 1500 }), fc.integer({ min: 300, max: 2000 }), (rs, groupRows) => {
      for (let k = 0; k < 20; k++) new Float64Array(Buffer.allocUnsafeSlow(8 * 2048).buffer).fill(k + 0.5);
      const mem = new Memtable(s.primaryKey);
      mem.apply(batchOf(s, rs.map((r) => ({ host: r.host, region: 'eu', usage_user: r.u, usage_system: 1.5, cores: r.c, ts: BigInt(r.t) }))), 1, s);
      const want = sortMemtable(mem, s);
      const back = decodeSegment(encodeSegment(sortMemtable(mem, s), s, 'zstd', 1, groupRows).bytes, s, names, 'p.arrow');
      expect(back.rows).toBe(want.rows);
      for (const n of names) {
        const w = want.cols.get(n)!, g = back.cols.get(n)!;
        const valid = (c: typeof w, i: number) => (c.valid ? c.valid[i] === 1 : true);
        const value = (c: typeof w, i: number) => (c.dict ? c.dict[(c.values as Int32Array)[i]!] : (c.values as ArrayLike<unknown>)[i]);
        for (let i = 0; i < want.rows; i++) {
          expect(valid(g, i)).toBe(valid(w, i));
          if (valid(w, i)) expect(value(g, i)).toEqual(value(w, i));
        }
      }
    }), { numRuns: 25 });
  });
});
