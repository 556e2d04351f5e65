// Scans pruned by index files (down to pages inside row groups) return exactly the rows of a full scan (fast-check
// over random data, flushes, predicates, time windows, and segments with and without their index file, as a crash
// between segment and index leaves them; trace ids few, as a dictionary column, or mostly distinct, as text pages
// each with its own dictionary, gathered across pages);
// index files survive a reopen, compaction rebuilds them, a missing file reads by full scan.
import fc from 'fast-check';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { likePrefix, valueTest, type ColumnPredicate, type ColumnSchema, type TableSchema } from '../../core/index.ts';
import { DecodedCache, IndexReaders, RegionStore, type ScanStats } from '../../storage/index.ts';
import { batchOf, cpuSchema, rowsOf, sortRows, tempDir, type Row } from './fixtures.ts';

const HOSTS = ['h0', 'h1', 'h2', 'h10', 'web-1', 'web-2', 'db'];
const REGIONS = ['eu', 'us', 'ap'];
const TRACES = ['t0', 't1', 't2', 't3', 't4', 't5'];
/** Mostly distinct among a scan's rows: the trace column is then written as text blocks (segment/text_block.ts). */
const MANY_TRACES = Array.from({ length: 400 }, (_, i) => `t${i}`);

function schema(appendMode: boolean): TableSchema {
  const trace: ColumnSchema = { name: 'trace', type: 'string', semantic: 'field', nullable: true, indexes: { skipping: { granularity: '4', type: 'BLOOM', false_positive_rate: '0.05' } } };
  return cpuSchema(appendMode ? { appendMode: true } : {}, [trace]);
}

const rowArb = (traces: string[]) => fc.record({
  host: fc.constantFrom(...HOSTS), region: fc.oneof(fc.constantFrom(...REGIONS), fc.constant(null)),
  t: fc.integer({ min: 0, max: 30 }), v: fc.integer({ min: 0, max: 9 }), trace: fc.oneof(fc.constantFrom(...traces), fc.constant(null)),
});
const opArb = (traces: string[]) => fc.oneof(
  { weight: 4, arbitrary: fc.array(rowArb(traces), { minLength: 1, maxLength: 25 }).map((rows) => ({ kind: 'write' as const, rows })) },
  { weight: 2, arbitrary: fc.constant({ kind: 'flush' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'index' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'compact' as const }) },
);
const lit = (xs: string[]) => fc.constantFrom(...xs, 'none');
const predArb = (cols: { name: string; values: string[] }[]): fc.Arbitrary<ColumnPredicate> => fc.constantFrom(...cols).chain(({ name, values }) => fc.oneof(
  fc.array(lit(values), { minLength: 1, maxLength: 3 }).map((vs) => ({ column: name, op: 'in' as const, values: vs })),
  lit(values).map((value) => ({ column: name, op: 'ne' as const, value })),
  fc.record({ pattern: fc.constantFrom('^h', '1$', 'web', '^(eu|ap)$', 't[0-2]'), flags: fc.constantFrom('' as const, 'i' as const), negated: fc.boolean() }).map((r) => ({ column: name, op: 'regex' as const, ...r })),
  fc.record({ pattern: fc.constantFrom('h%', 'web-%', '%1', 'e_', 't%'), caseInsensitive: fc.constant(false), negated: fc.boolean() }).map((r) => ({ column: name, op: 'like' as const, ...r, prefix: likePrefix(r.pattern) })),
));

function matches(r: Row, preds: ColumnPredicate[]): boolean {
  return preds.every((p) => { const v = r[p.column]; return typeof v === 'string' && valueTest(p)(v); });
}

describe('index-pruned scans', () => {
  for (const [appendMode, traces] of [[true, TRACES], [false, TRACES], [true, MANY_TRACES]] as const) {
    it(`return the rows of a full scan (${appendMode ? 'append mode' : 'last write wins'}, ${traces.length} trace ids)`, async () => {
      const cols = [{ name: 'host', values: HOSTS }, { name: 'region', values: REGIONS }, ...(appendMode ? [{ name: 'trace', values: traces.slice(0, 40) }] : [])];
      const windowArb = fc.option(fc.record({ from: fc.integer({ min: 0, max: 30 }), len: fc.integer({ min: 1, max: 30 }) }), { nil: undefined });
      await fc.assert(fc.asyncProperty(fc.array(opArb(traces), { minLength: 1, maxLength: 12 }), fc.array(predArb(cols), { minLength: 1, maxLength: 2 }), windowArb, async (ops, preds, w) => {
        const { dir, cleanup } = await tempDir();
        try {
          const sch = schema(appendMode);
          let store = await RegionStore.open({ dir, regionId: 'r1', schema: sch, rowGroupRows: 8, pageRows: 3, compactionWindowMs: 1e9, decodedCache: undefined });
          let seq = 0;
          for (const op of ops) {
            if (op.kind === 'write') store.apply(batchOf(sch, op.rows.map((r) => ({ host: r.host, region: r.region, ts: r.t, usage_user: r.v, trace: r.trace }))), ++seq);
            else if (op.kind === 'flush') await store.flush();
            else if (op.kind === 'index') await store.indexes.buildNext();
            else await store.compact();
          }
          const check = async () => {
            const inWindow = (r: Row) => !w || ((r.ts as bigint) >= BigInt(w.from) && (r.ts as bigint) < BigInt(w.from + w.len));
            const full = rowsOf(await store.scan()).filter((r) => matches(r, preds) && inWindow(r));
            const stats: ScanStats = { segments: 0, unindexed: 0, indexes: [] };
            const window = w ? { start: BigInt(w.from), end: BigInt(w.from + w.len) } : {};
            const pruned = rowsOf(await store.scan({ predicates: preds, analyze: true, ...window }, stats));
            const usable = preds.filter((p) => appendMode || p.column !== 'trace');
            expect(sortRows(pruned.filter((r) => matches(r, preds)))).toEqual(sortRows(full));
            expect(pruned.every((r) => matches(r, usable))).toBe(true);
          };
          await check();
          await store.flush();
          await store.indexes.buildAll();
          await check();
          // reopened: the manifest names the index files; one deleted behind its back reads by full scan
          await store.close();
          const idx = (await readdir(join(dir, 'segments'))).filter((f) => f.endsWith('.idx'));
          if (idx.length > 0) await rm(join(dir, 'segments', idx[0]!));
          store = await RegionStore.open({ dir, regionId: 'r1', schema: sch, rowGroupRows: 8, pageRows: 3, compactionWindowMs: 1e9 });
          await check();
          await store.close();
        } finally {
          await cleanup();
        }
      }), { numRuns: 40 });
    });
  }

  it('a needle reads only its rows of a page the first time (or always without a cache), and the same rows as a full scan', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const sch = schema(true);
      const rows: Row[] = [];
      for (let h = 0; h < 40; h++) for (let t = 0; t < 50; t++) rows.push({ host: `host-${h}`, region: REGIONS[h % 3]!, ts: t, usage_user: t * 0.5 + h, trace: `tr-${h}-${t}` });
      for (const cache of [new DecodedCache(0), new DecodedCache(1 << 26)]) {
        const store = await RegionStore.open({ dir, regionId: 'r', schema: sch, rowGroupRows: 2048, pageRows: 512, decodedCache: cache });
        if (store.segments.length === 0) { store.apply(batchOf(sch, rows), 1); await store.flush(); await store.indexes.buildAll(); }
        const needles = ['tr-7-3', 'tr-22-30', 'tr-0-1'];
        for (let round = 0; round < 3; round++) {
          for (const trace of needles) {
            const st: ScanStats = { segments: 0, unindexed: 0, indexes: [] };
            const got = rowsOf(await store.scan({ predicates: [{ column: 'trace', op: 'in', values: [trace] }], columns: ['trace', 'usage_user', 'ts'] }, st));
            expect(got.filter((r) => r.trace === trace)).toEqual(rows.filter((r) => r.trace === trace).map((r) => ({ trace, usage_user: r.usage_user, ts: BigInt(r.ts as number) })));
            // the skipping index keeps granules of 4 rows (a few more on false positives): a page is read for them alone
            // the first time it is touched (without a cache, every time), whole (512 rows, the last page 464) after
            if (cache.budgetBytes === 0 || (round === 0 && trace === needles[0])) expect(st.rowsRead).toBeLessThanOrEqual(64);
            else if (round > 0) expect(st.rowsRead).toBeGreaterThanOrEqual(464);
          }
        }
        await store.close();
      }
    } finally {
      await cleanup();
    }
  });

  it('parsed index files are shared by regions under one bound: a warm scan reads no file, the oldest go past it', async () => {
    const dirs = [await tempDir(), await tempDir(), await tempDir()];
    try {
      const sch = schema(true);
      const rows: Row[] = [];
      for (let h = 0; h < 50; h++) for (let t = 0; t < 20; t++) rows.push({ host: `host-${h}`, region: REGIONS[h % 3]!, ts: t, usage_user: t, trace: `tr-${h}-${t}` });
      const open = async (dir: string, readers: IndexReaders) => {
        const s = await RegionStore.open({ dir, regionId: 'r', schema: sch, rowGroupRows: 100, indexReaders: readers });
        if (s.segments.length === 0) { s.apply(batchOf(sch, rows), 1); await s.flush(); await s.indexes.buildAll(); }
        return s;
      };
      const scan = async (s: RegionStore) => {
        const st: ScanStats = { segments: 0, unindexed: 0, indexes: [] };
        const got = rowsOf(await s.scan({ predicates: [{ column: 'trace', op: 'in', values: ['tr-33-4'] }] }, st));
        expect(got.map((r) => r.host)).toEqual(['host-33']);
        return st.unindexed;
      };
      const dropFile = async (dir: string) => rm(join(dir, 'segments', (await readdir(join(dir, 'segments'))).find((f) => f.endsWith('.idx'))!));
      const big = new IndexReaders(1 << 30);
      const a = await open(dirs[0]!.dir, big);
      expect(await scan(a)).toBe(0);
      // held decompressed (more than the file's stored bytes) and read once: gone from disk, a warm scan still prunes by it
      const one = big.bytes;
      expect(one).toBeGreaterThan(a.segments[0]!.index!.bytes);
      await dropFile(dirs[0]!.dir);
      expect(await scan(a)).toBe(0);
      // shrunk below the file (a node's memory budget sizes it): the file is let go, and the scan reads every row
      big.resize(one - 1);
      expect(big.bytes).toBe(0);
      expect(await scan(a)).toBe(1);
      await a.close();
      // two regions under a bound below two files: the second's file pushes the first's out, whose scan must read the
      // file again (gone: it reads every row, the same answer)
      const small = new IndexReaders(Math.floor(one * 1.5));
      const b = await open(dirs[1]!.dir, small), c = await open(dirs[2]!.dir, small);
      expect(await scan(b)).toBe(0);
      expect(await scan(c)).toBe(0);
      expect(small.bytes).toBeLessThanOrEqual(small.budgetBytes);
      await dropFile(dirs[1]!.dir);
      expect(await scan(b)).toBe(1);
      expect(await scan(c)).toBe(0);
      await b.close(); await c.close();
    } finally {
      for (const d of dirs) await d.cleanup();
    }
  });

  it('prune row groups by the index and report it; compaction rebuilds; UNSET removes files', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const sch = schema(true);
      const store = await RegionStore.open({ dir, regionId: 'r1', schema: sch, rowGroupRows: 100 });
      const rows: Row[] = [];
      for (let h = 0; h < 50; h++) for (let t = 0; t < 20; t++) rows.push({ host: `host-${h}`, region: REGIONS[h % 3]!, ts: t, usage_user: t, trace: `tr-${h}-${t}` });
      store.apply(batchOf(sch, rows), 1);
      await store.flush();
      expect(store.indexes.status().map((s) => s.state)).toEqual(['building', 'building', 'building']);
      expect(await store.indexes.buildAll()).toBe(1);
      expect(store.indexes.status().map((s) => [s.kind, s.column, s.state, s.segmentsCovered])).toEqual([
        ['inverted', 'host', 'ready', 1], ['inverted', 'region', 'ready', 1], ['skipping', 'trace', 'ready', 1]]);
      const stats: ScanStats = { segments: 0, unindexed: 0, indexes: [] };
      const got = rowsOf(await store.scan({ predicates: [{ column: 'host', op: 'in', values: ['host-7'] }], analyze: true }, stats));
      expect(got.length).toBe(20);
      expect(stats.indexes).toEqual([{ kind: 'inverted', column: 'host', segments: 1, groupsBefore: 10, groupsAfter: 1, rowsBefore: 1000, rowsAfter: 20 }]);
      const st2: ScanStats = { segments: 0, unindexed: 0, indexes: [] };
      expect(rowsOf(await store.scan({ predicates: [{ column: 'trace', op: 'in', values: ['tr-33-4'] }] }, st2)).map((r) => r.host)).toEqual(['host-33']);
      expect(st2.indexes[0]!.kind).toBe('skipping');
      expect(st2.indexes[0]!.rowsAfter).toBeLessThan(100);
      // a second segment, compaction merges both: the merged segment is indexed again, old files go
      store.apply(batchOf(sch, [{ host: 'host-7', region: 'eu', ts: 99, usage_user: 1, trace: 'x' }]), 2);
      await store.flush();
      await store.compact();
      expect(store.segments.length).toBe(1);
      expect(store.segments[0]!.index).toBeUndefined();
      await store.indexes.buildAll();
      expect(store.segments[0]!.index?.keys.length).toBe(3);
      expect((await readdir(join(dir, 'segments'))).filter((f) => f.endsWith('.idx')).length).toBe(1);
      // UNSET SKIPPING INDEX: the file is rebuilt without it
      store.alterSchema({ ...sch, version: 2, columns: sch.columns.map((c) => (c.name === 'trace' ? { ...c, indexes: undefined } : c)) as ColumnSchema[] });
      expect(store.indexes.pending().length).toBe(1);
      await store.indexes.buildAll();
      expect(store.indexes.status().map((s) => s.kind)).toEqual(['inverted', 'inverted']);
      await store.close();
    } finally {
      await cleanup();
    }
  });
});
