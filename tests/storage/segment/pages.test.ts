// Segment pages (formats 2 and 3): row groups written as pages, each decoded on its own. Round trips of every column
// type with nulls across page and group boundaries, the page stats, reads of a page subset (through the decoded cache)
// against the whole segment, pages read for a few rows only (needles), byte-split floats bit for bit, and files of the older layouts (one record batch per
// group; pages with floats stored raw) still read.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TableSchema } from '../../../core/index.ts';
import { DecodedCache } from '../../../storage/decoded_cache.ts';
import { Memtable } from '../../../storage/memtable/memtable.ts';
import { sortMemtable } from '../../../storage/memtable/sort.ts';
import { columnStats } from '../../../storage/segment/stats.ts';
import { decodeSegment, openSegment, parseBlock, type SegmentHandle } from '../../../storage/segment/read.ts';
import { readGroups } from '../../../storage/segment/read_cached.ts';
import { encodeSegment } from '../../../storage/segment/write.ts';
import type { ColumnData, Run } from '../../../storage/types.ts';
import { batchOf, type Row } from '../fixtures.ts';

const schema: TableSchema = {
  db: 'public', name: 'every', id: 1030, version: 1, timeIndex: 'ts', primaryKey: ['host', 'dc'], regions: 1, createdAt: 0,
  options: { appendMode: true },
  columns: [
    { name: 'host', type: 'string', semantic: 'tag', nullable: true },
    { name: 'dc', type: 'string', semantic: 'tag', nullable: true },
    { name: 'label', type: 'string', semantic: 'field', nullable: true },
    { name: 'message', type: 'string', semantic: 'field', nullable: true },
    { name: 'usage', type: 'float64', semantic: 'field', nullable: true },
    { name: 'ratio', type: 'float64', semantic: 'field', nullable: true },
    { name: 'count', type: 'int64', semantic: 'field', nullable: true },
    { name: 'status', type: 'uint64', semantic: 'field', nullable: true },
    { name: 'ok', type: 'boolean', semantic: 'field', nullable: true },
    { name: 'ts', type: 'timestamp', semantic: 'timestamp', nullable: false, unit: 'ns' },
  ],
};
const names = schema.columns.map((c) => c.name);

const value = (c: ColumnData, i: number): unknown => (c.valid && c.valid[i] === 0 ? null : c.dict ? c.dict[(c.values as Int32Array)[i]!] : (c.values as ArrayLike<unknown>)[i]);
const rowAt = (r: Run, i: number): unknown[] => names.map((n) => value(r.cols.get(n)!, i));

function sorted(rows: Row[]): Run {
  const mem = new Memtable(schema.primaryKey);
  mem.apply(batchOf(schema, rows), 1, schema);
  return sortMemtable(mem, schema);
}

const opt = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | null> => fc.option(a, { nil: null, freq: 5 });
const rowArb = fc.record({
  host: opt(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f')),
  dc: opt(fc.constantFrom('x', 'y')),
  label: opt(fc.constantFrom('GET', 'PUT', 'ü')),
  message: opt(fc.string({ maxLength: 12 })),
  usage: opt(fc.integer({ min: -100_000, max: 100_000 }).map((x) => x / 100)),
  ratio: opt(fc.double({ noNaN: true })),
  count: opt(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })),
  status: opt(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })),
  ok: opt(fc.boolean()),
  t: fc.integer({ min: 0, max: 1e9 }),
});
const toRow = (r: Omit<Row, 'ts'> & { t: number }): Row => ({ ...r, ts: BigInt(r.t) * 1_000_000n });
// Mostly-distinct messages make the message column a text block (with references to its siblings); few make it a dictionary.
const rowsArb = fc.tuple(fc.array(rowArb, { minLength: 1, maxLength: 400, size: 'max' }), fc.boolean())
  .map(([rs, distinct]) => rs.map((r, i) => toRow(distinct ? { ...r, message: r.message === null ? null : `${r.message}#${i}` } : r)));

/** The bytes of blocks of a file held in memory, as a fetch from disk returns them. */
const fetcher = (h: SegmentHandle, bytes: Uint8Array) => async (bs: number[]): Promise<Uint8Array[]> =>
  bs.map((b) => bytes.subarray(h.blocks[b]!.offset, h.blocks[b]!.offset + h.blocks[b]!.length));

/** A segment of the rows, decoded whole, its handle, a cache of `budget` bytes, and each block's first row. */
function segmentOf(rows: Row[], groupRows: number, pageRows: number, budget: number) {
  const run = sorted(rows);
  const { bytes } = encodeSegment(run, schema, 'zstd', 1, groupRows, pageRows);
  const h = openSegment(bytes, 'p.arrow');
  const start: number[] = [];
  h.blockRows.reduce((s, x) => { start.push(s); return s + x; }, 0);
  return { run, bytes, full: decodeSegment(bytes, schema, names, 'p.arrow'), h, cache: new DecodedCache(budget), start, blockAt: new Map(start.map((s, b) => [s, b])) };
}

describe('segment pages', () => {
  it('property: every column type round-trips across page and row group boundaries, and pages carry their own stats', () => {
    fc.assert(fc.property(rowsArb, fc.integer({ min: 1, max: 120 }), fc.integer({ min: 1, max: 50 }), (rows, groupRows, pageRows) => {
      const run = sorted(rows);
      const { bytes, meta } = encodeSegment(run, schema, 'zstd', 1, groupRows, pageRows);
      const back = decodeSegment(bytes, schema, names, 'p.arrow');
      expect(back.rows).toBe(run.rows);
      for (let i = 0; i < run.rows; i++) expect(rowAt(back, i)).toEqual(rowAt(run, i));
      const h = openSegment(bytes, 'p.arrow');
      const per = Math.min(pageRows, groupRows);
      expect(h.groupBlocks.length - 1).toBe(meta.groups!.length);
      let at = 0;
      meta.groups!.forEach((g, k) => {
        const pages = h.groupBlocks[k + 1]! - h.groupBlocks[k]!;
        expect(pages).toBe(Math.max(1, Math.ceil(g.rows / per)));
        for (let b = h.groupBlocks[k]!; b < h.groupBlocks[k + 1]!; b++) {
          const rowsOfPage = h.blockRows[b]!;
          const st = h.pages![b]!;
          expect([st.group, st.from, st.rows]).toEqual([k, at, rowsOfPage]);
          const view = (n: string): ColumnData => { const c = run.cols.get(n)!; return { ...c, values: c.values.subarray(at, at + rowsOfPage), valid: c.valid ? c.valid.subarray(at, at + rowsOfPage) : null }; };
          const ts = columnStats(view('ts'), rowsOfPage);
          expect([String(st.minTs), String(st.maxTs)]).toEqual([String(ts.min), String(ts.max)]);
          for (const tag of schema.primaryKey) {
            const own = columnStats(view(tag), rowsOfPage);
            // left out where equal to the group's (which is itself left out where equal to the segment's)
            const expected = st.tags?.[tag] ?? g.tags[tag] ?? meta.columns[tag];
            expect(expected).toEqual(own);
          }
          at += rowsOfPage;
        }
      });
      expect(at).toBe(run.rows);
    }), { numRuns: 40 });
  });

  it('property: reading some pages (through a cache, in any order of reads) equals filtering the whole segment', async () => {
    // Some reads keep every page of their groups (cached as groups, or whole when every group is read), later ones some.
    const read = fc.record({ groups: fc.array(fc.boolean(), { minLength: 1, maxLength: 12 }), pages: fc.array(fc.boolean(), { minLength: 1, maxLength: 40 }), every: fc.boolean() });
    await fc.assert(fc.asyncProperty(rowsArb, fc.integer({ min: 1, max: 80 }), fc.integer({ min: 1, max: 30 }), fc.array(read, { minLength: 1, maxLength: 6 }), fc.constantFrom(0, 1 << 10, 1 << 24),
      async (rows, groupRows, pageRows, reads, budget) => {
        const { bytes, full, h, cache, start, blockAt } = segmentOf(rows, groupRows, pageRows, budget);
        const nGroups = h.groupBlocks.length - 1;
        for (const r of reads) {
          const groups = [...Array(nGroups).keys()].filter((g) => r.groups[g % r.groups.length]);
          const keep = (b: number): boolean => r.every || r.pages[b % r.pages.length]!;
          // a projection of some columns, in another order
          const cols = r.pages[0] ? names : ['ts', 'message', 'host'];
          const asked: number[] = [];
          const got = await readGroups(h, groups, schema, cols, fetcher(h, bytes), cache, 'p', (p) => {
            const b = blockAt.get(p.from)!;
            expect(p.rows).toBe(h.blockRows[b]);
            asked.push(b);
            return keep(b);
          });
          // every page of the groups read is asked about once, and the rows of those kept are answered, in order
          const wanted: number[] = [];
          const all: number[] = [];
          for (const g of groups) {
            for (let b = h.groupBlocks[g]!; b < h.groupBlocks[g + 1]!; b++) {
              all.push(b);
              if (keep(b)) for (let i = 0; i < h.blockRows[b]!; i++) wanted.push(start[b]! + i);
            }
          }
          expect(asked).toEqual(all);
          const seen: number[] = [];
          got.runs.forEach((piece, k) => {
            for (let i = 0; i < piece.rows; i++) {
              seen.push(got.from[k]! + i);
              expect(cols.map((n) => value(piece.cols.get(n)!, i))).toEqual(cols.map((n) => value(full.cols.get(n)!, got.from[k]! + i)));
            }
          });
          expect(seen).toEqual(wanted);
        }
      }), { numRuns: 40 });
  });

  it('property: pages read for a few rows (needles) hold exactly those rows, the first time or always without a cache; the rest read whole', async () => {
    // each read picks, per page, nothing (read whole) or some rows; reads repeat, so later ones meet cached pages
    const read = fc.record({ picks: fc.array(fc.option(fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), { nil: undefined }), { minLength: 1, maxLength: 30 }), cols: fc.boolean() });
    await fc.assert(fc.asyncProperty(rowsArb, fc.integer({ min: 1, max: 80 }), fc.integer({ min: 1, max: 30 }), fc.array(read, { minLength: 1, maxLength: 5 }), fc.constantFrom(0, 1 << 24),
      async (rows, groupRows, pageRows, reads, budget) => {
        const { bytes, full, h, cache, start, blockAt } = segmentOf(rows, groupRows, pageRows, budget);
        const groups = [...Array(h.groupBlocks.length - 1).keys()];
        const everySeen = new Set<number>();
        for (const r of reads) {
          const cols = r.cols ? names : ['message', 'ts', 'ratio'];
          const picked = new Map<number, Uint32Array>();
          for (let b = 0; b < h.blocks.length; b++) {
            const p = r.picks[b % r.picks.length];
            if (p) picked.set(b, Uint32Array.from(new Set(p.map((x) => x % h.blockRows[b]!))).sort());
          }
          const got = await readGroups(h, groups, schema, cols, fetcher(h, bytes), cache, 'p', () => true, (p) => picked.get(blockAt.get(p.from)!));
          const seen: number[] = [];
          got.runs.forEach((piece, k) => {
            const b = blockAt.get(got.from[k]!)!;
            const sparse = got.sparse?.[k] === true;
            // a picked page is read for its rows the first time (nothing of it cached), or every time without a cache; else whole
            if (picked.has(b)) expect(sparse).toBe(budget === 0 || !everySeen.has(b));
            else expect(sparse).toBe(false);
            // a run read whole covers one page or more (a group, the whole file): each is cached now
            if (!sparse) start.forEach((x, blk) => { if (x >= got.from[k]! && x < got.from[k]! + piece.rows) everySeen.add(blk); });
            const at = sparse ? Array.from(picked.get(b)!, (i) => start[b]! + i) : Array.from({ length: piece.rows }, (_, i) => got.from[k]! + i);
            expect(piece.rows).toBe(at.length);
            at.forEach((row, i) => expect(cols.map((n) => value(piece.cols.get(n)!, i))).toEqual(cols.map((n) => value(full.cols.get(n)!, row))));
            seen.push(...at);
          });
          // every row of a page read whole, the picked rows of one read sparse, each once and in order
          expect(seen).toEqual([...seen].sort((a, b) => a - b));
          expect(new Set(seen).size).toBe(seen.length);
          for (const b of picked.keys()) everySeen.add(b);
        }
      }), { numRuns: 60 });
  });

  it('a group read in part is read page by page afterwards: its cached pages are reused, only the missing ones fetched', async () => {
    const rows = Array.from({ length: 200 }, (_, i): Row => ({ host: `h${i % 4}`, dc: 'x', label: 'GET', message: 'm', usage: i / 4, ratio: i, count: BigInt(i), status: 1n, ok: true, ts: BigInt(i) }));
    const run = sorted(rows);
    const { bytes } = encodeSegment(run, schema, 'zstd', 1, 100, 25);
    const h = openSegment(bytes, 'g.arrow');
    expect(h.groupBlocks.slice(0, 2)).toEqual([0, 4]);
    const cache = new DecodedCache(1 << 24);
    const fetched: number[][] = [];
    const fetch = async (bs: number[]) => { fetched.push(bs); return fetcher(h, bytes)(bs); };
    const start = (p: { from: number }) => p.from / 25;
    await readGroups(h, [0], schema, ['ts', 'usage'], fetch, cache, 'g', (p) => start(p) === 1 || start(p) === 2);
    // the whole of group 0 now: pages 1 and 2 come from the cache, 0 and 3 are fetched, and no page is fetched twice
    const got = await readGroups(h, [0], schema, ['ts', 'usage'], fetch, cache, 'g', () => true);
    expect(fetched).toEqual([[1, 2], [0, 3]]);
    expect(got.from).toEqual([0, 25, 50, 75]);
    const usage = got.runs.flatMap((r) => Array.from(r.cols.get('usage')!.values as Float64Array));
    expect(usage).toEqual(Array.from(run.cols.get('usage')!.values as Float64Array).slice(0, 100));
    // and a third read fetches nothing
    await readGroups(h, [0], schema, ['ts', 'usage'], fetch, cache, 'g', () => true);
    expect(fetched).toHaveLength(2);
    // each page's header was parsed once and kept; a page parsed again through it has the same body as a fresh parse
    expect(h.headers!.slice(0, 4).every((x) => x !== undefined)).toBe(true);
    const [bytes1] = await fetcher(h, bytes)([1]);
    const again = parseBlock(h, bytes1!, 1), fresh = parseBlock(h, bytes1!);
    expect(again.header).toBe(h.headers![1]);
    expect(Buffer.from(again.body).equals(Buffer.from(fresh.body))).toBe(true);
  });

  it('stores floats that are not short decimals byte-split, every bit kept (NaN payloads, -0, infinities, subnormals)', () => {
    const odd = [NaN, -0, 0, Infinity, -Infinity, 5e-324, -Number.MAX_VALUE, Math.PI, 1 / 3, null];
    const rows = odd.map((ratio, i): Row => ({ host: 'a', dc: 'x', label: 'GET', message: `m${i}`, usage: i / 4, ratio, count: 1n, status: 2n, ok: true, ts: BigInt(i) }));
    const run = sorted(rows);
    const { bytes } = encodeSegment(run, schema, 'zstd', 3, 4, 3);
    const h = openSegment(bytes, 'f.arrow');
    const enc = (n: string) => h.fields.find((f) => f.name === n)!.metadata.get('eddy.encoding');
    expect([enc('ratio'), enc('usage')]).toEqual(['float-bytesplit', 'decimal-delta-zigzag-bytesplit']);
    const back = decodeSegment(bytes, schema, ['ratio'], 'f.arrow').cols.get('ratio')!;
    const want = run.cols.get('ratio')!;
    expect(Array.from(back.valid ?? [])).toEqual(Array.from(want.valid ?? []));
    const bits = (c: ColumnData) => Array.from(new BigUint64Array((c.values as Float64Array).slice().buffer)).filter((_, i) => !c.valid || c.valid[i] === 1);
    expect(bits(back)).toEqual(bits(want));
  });

  it('reads a segment of format 2 (pages, floats stored raw)', () => {
    // Written by the build before byte-split floats (commit 546a4de) from rowsV1(), groups of 256, pages of 100.
    const bytes = readFileSync(join(import.meta.dirname, 'fixtures', 'v2_pages.arrow'));
    const h = openSegment(bytes, 'v2_pages.arrow');
    expect(h.pages!.length).toBe(12);
    const run = sorted(rowsV1());
    const back = decodeSegment(bytes, schema, names, 'v2_pages.arrow');
    expect(back.rows).toBe(run.rows);
    for (let i = 0; i < run.rows; i++) expect(rowAt(back, i)).toEqual(rowAt(run, i));
  });

  it('reads a segment of the older layout (one encoded record batch per row group, no page metadata)', () => {
    // Written by the build before pages (commit f120e36) from rowsV1(); see fixtures/README.md.
    const bytes = readFileSync(join(import.meta.dirname, 'fixtures', 'v1_groups.arrow'));
    const h = openSegment(bytes, 'v1_groups.arrow');
    expect(h.pages).toBeUndefined();
    expect(h.groupBlocks).toEqual([0, 1, 2, 3, 4]);
    const run = sorted(rowsV1());
    const back = decodeSegment(bytes, schema, names, 'v1_groups.arrow');
    expect(back.rows).toBe(run.rows);
    for (let i = 0; i < run.rows; i++) expect(rowAt(back, i)).toEqual(rowAt(run, i));
  });
});

/** The rows of fixtures/v1_groups.arrow (1,000 rows in row groups of 256). */
function rowsV1(): Row[] {
  return Array.from({ length: 1000 }, (_, i): Row => ({
    host: i % 17 === 0 ? null : `h${i % 9}`, dc: i % 2 ? 'x' : 'y', label: ['GET', 'PUT', null][i % 3]!, message: `line ${i * 7919 % 1000} h${i % 9}`,
    usage: i % 11 === 0 ? null : (i % 400) / 4, ratio: Math.sqrt(i), count: BigInt(i * 1_000_003 - 500_000_000), status: BigInt(i % 5) * 100n,
    ok: i % 13 === 0 ? null : i % 2 === 0, ts: BigInt(1_700_000_000_000 + i * 10_000) * 1_000_000n,
  }));
}
