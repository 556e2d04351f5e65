// Reads a segment's row groups, or some pages of them, through the decoded cache: a column decoded once is kept per
// file and column, as the whole file, a row group or a page, and later reads take views of it.
import type { TableSchema } from '../../core/index.ts';
import type { DecodedCache } from '../decoded_cache.ts';
import { defaultColumn } from '../defaults.ts';
import { OP_COLUMN } from '../ops.ts';
import { allocTyped, sliceColumn } from '../run.ts';
import type { ColumnData, PageInfo, Run } from '../types.ts';
import { decodeColumn, decodeColumnRows, parseBlock, type Msg, type SegmentHandle } from './read.ts';

/** Row group -1 in the cache: a column of every row group of the file, concatenated. */
const WHOLE = -1;
/** The cache's group number of a page (a block of the file) read on its own: -2, -3, ... */
const pageKey = (block: number): number => -2 - block;

/** Concatenates per-group pieces of one column into fresh memory. */
function concatPieces(pieces: ColumnData[], rows: number): ColumnData {
  const first = pieces[0]!;
  const out: ColumnData = { type: first.type, values: allocTyped(first.type, rows), valid: null };
  if (first.values instanceof Uint8Array && !(out.values instanceof Uint8Array)) out.values = new Uint8Array(rows);
  if (first.dict) out.dict = first.dict;
  // Text blocks decode to one dictionary per row group: the pieces' dictionaries are appended, codes shifted.
  const own = first.dict !== undefined && pieces.some((c) => c.dict !== first.dict);
  if (own) out.dict = [];
  let off = 0;
  for (const c of pieces) {
    if (own) {
      const base = out.dict!.length;
      for (const v of c.dict!) out.dict!.push(v);
      const src = c.values as Int32Array, dst = out.values as Int32Array;
      for (let i = 0; i < src.length; i++) dst[off + i] = src[i]! + base;
      if (c.valid) (out.valid ??= new Uint8Array(rows).fill(1)).set(c.valid, off);
      off += src.length;
      continue;
    }
    (out.values as Uint8Array).set(c.values as Uint8Array, off);
    if (c.valid) (out.valid ??= new Uint8Array(rows).fill(1)).set(c.valid, off);
    off += c.values.length;
  }
  return out;
}

/** Runs in the file's row order, with each run's first row in the segment's numbering. */
export interface SegmentPieces {
  runs: Run[];
  from: number[];
  /** Runs that hold only the rows `pickRows` named of their page (not the page's every row from `from`). */
  sparse?: boolean[];
}

/**
 * What one read unit is: a whole row group (its pages decoded into one column) or one page of a group; `rows`: a page
 * read for only these rows (offsets in the page).
 */
interface Unit { group: number; block: number; blocks: number[]; page: boolean; rows?: Uint32Array }

/**
 * Reads row groups `groups` (ascending) of a segment as runs, with decoded columns kept in `cache` under `cacheKey`
 * (unique per file path). `keepPage(block)`, when given, names the pages of those groups worth reading (others hold no
 * row the caller wants): a group whose every page is kept is read whole (unless pages of it were cached on their own:
 * then page by page, reusing them), one whose some are is read page by page, one with none is left out. Runs are answered in the file's row order: one run when the groups are contiguous and
 * their columns cached whole, else one run per group or page, so a filter gathers only the rows it keeps. A read of
 * every row group caches whole-file columns (its cached groups and pages become views of them); a read of some
 * caches them group by group, and of pages page by page (a page of a group cached whole is a view of it). Only units with a column missing are fetched (`fetch` returns the
 * given blocks' bytes, in order) and decoded. The answer shares memory with the cache: callers must not write into it.
 */
export async function readGroups(
  h: SegmentHandle, groups: number[], schema: TableSchema, names: string[],
  fetch: (blocks: number[]) => Promise<Uint8Array[]>, cache: DecodedCache, cacheKey: string,
  keepPage?: (page: PageInfo) => boolean, pickRows?: (page: PageInfo) => Uint32Array | undefined,
): Promise<SegmentPieces> {
  // Pages are skipped only in files that know their rows and stats (format 2): older files have one page a group.
  const pages = keepPage ? h.pages : undefined;
  const units: Unit[] = [];
  let partial = false;
  const paged = h.paged;
  for (const g of groups) {
    const all: number[] = [];
    for (let b = h.groupBlocks[g]!; b < h.groupBlocks[g + 1]!; b++) all.push(b);
    const kept = pages ? all.filter((b) => keepPage!(pages[b]!)) : all;
    // Needle reads: pages of which the caller wants a few rows are read for those rows only (see `sparse` below).
    const picks = pages && pickRows ? kept.map((b) => pickRows(pages[b]!)) : undefined;
    if (picks?.some((x) => x !== undefined)) {
      partial = true;
      kept.forEach((b, j) => units.push({ group: g, block: b, blocks: [b], page: true, ...(picks[j] ? { rows: picks[j] } : {}) }));
      continue;
    }
    if (kept.length < all.length) partial = true;
    // A group read in part before is read page by page from then on, even when every page is wanted: the pages
    // decoded then are reused and only the missing ones decoded (a one-off read never decodes more than its pages;
    // before, a group read in part a second time was decoded whole, 8 pages for the 1 a host query wanted).
    if (kept.length === all.length && (paged === undefined || paged[g] !== 1 || all.length === 1)) {
      units.push({ group: g, block: all[0]!, blocks: all, page: false });
    } else {
      for (const b of kept) units.push({ group: g, block: b, blocks: [b], page: true });
    }
  }
  const nGroups = h.groupBlocks.length - 1;
  const everything = !partial && groups.length === nGroups;
  const present = names.map((n) => h.fields.findIndex((f) => f.name === n));
  const whole = names.map((n, k) => (present[k]! < 0 ? undefined : cache.get(cacheKey, WHOLE, n)));
  // A page of a group cached whole is a view of the group's column: known once the rows of the group's blocks are.
  const cached = (u: Unit, k: number): ColumnData | undefined => {
    if (!u.page) return cache.get(cacheKey, u.group, names[k]!);
    const own = cache.get(cacheKey, pageKey(u.block), names[k]!);
    if (own) return own;
    const g = cache.get(cacheKey, u.group, names[k]!);
    if (!g) return undefined;
    let at = 0;
    for (let b = h.groupBlocks[u.group]!; b < u.block; b++) at += h.blockRows[b]!;
    return sliceColumn(g, at, at + h.blockRows[u.block]!);
  };
  const parts: (ColumnData | undefined)[][] = units.map((u) => present.map((i, k) => (i < 0 || whole[k] ? undefined : cached(u, k))));
  // A page wanted for a few rows, none of its columns cached, is decoded for those rows only and not cached, the first
  // time: a one-off needle neither pays for the page's every value nor fills the cache with pages it will not read
  // again; a page wanted again is read whole and cached (with no cache, never).
  units.forEach((u, ui) => {
    if (!u.rows) return;
    const seen = (h.picked ??= new Uint8Array(h.blocks.length));
    const sparse = present.every((i, k) => i < 0 || (!whole[k] && !parts[ui]![k])) && (cache.budgetBytes === 0 || seen[u.block] === 0);
    seen[u.block] = 1;
    if (!sparse) delete u.rows;
  });
  const missing = units.filter((u, ui) => u.blocks.some((b) => h.blockRows[b]! < 0) || present.some((i, k) => i >= 0 && !whole[k] && !parts[ui]![k]));
  if (missing.length > 0) {
    const want = missing.flatMap((u) => u.blocks);
    const bytes = await fetch(want);
    const msgOf = new Map<number, Msg>();
    want.forEach((b, j) => {
      const msg = parseBlock(h, bytes[j]!, b);
      h.blockRows[b] = msg.header.length;
      msgOf.set(b, msg);
    });
    for (let ui = 0; ui < units.length; ui++) {
      const u = units[ui]!;
      if (!msgOf.has(u.block)) continue;
      const msgs = u.blocks.map((b) => msgOf.get(b)!);
      const rows = msgs.reduce((s, m) => s + m.header.length, 0);
      if (u.rows) {
        present.forEach((i, k) => { if (i >= 0) parts[ui]![k] = decodeColumnRows(h, i, msgs[0]!, u.rows!); });
        continue;
      }
      present.forEach((i, k) => {
        if (i < 0 || whole[k] || parts[ui]![k]) return;
        const col = decodeColumn(h, i, msgs, rows);
        // Pieces of a whole-file read are cached as the whole column below instead.
        if (!everything) {
          cache.set(cacheKey, u.page ? pageKey(u.block) : u.group, names[k]!, col);
          if (u.page) (h.paged ??= new Uint8Array(h.groupBlocks.length - 1))[u.group] = 1;
        }
        parts[ui]![k] = col;
      });
    }
  }
  const blockStart: number[] = [];
  let at = 0;
  for (const n of h.blockRows) { blockStart.push(at); at += n; }
  const unitRows = (u: Unit): number => u.blocks.reduce((s, b) => s + h.blockRows[b]!, 0);
  if (everything) {
    present.forEach((i, k) => {
      if (i < 0 || whole[k]) return;
      whole[k] = concatPieces(parts.map((p) => p[k]!), at);
      cache.set(cacheKey, WHOLE, names[k]!, whole[k]);
      // the pieces are views of the whole column from now on
      for (const u of units) {
        cache.delete(cacheKey, u.group, names[k]!);
        if (u.page) cache.delete(cacheKey, pageKey(u.block), names[k]!);
      }
    });
  }
  const runOf = (from: number, to: number, piece: (k: number) => ColumnData | undefined, rows = to - from): Run => {
    const cols = new Map<string, ColumnData>();
    names.forEach((name, k) => {
      if (present[k]! >= 0) cols.set(name, whole[k] ? sliceColumn(whole[k], from, to) : piece(k)!);
      else if (name !== OP_COLUMN) cols.set(name, defaultColumn(schema.columns.find((c) => c.name === name)!, rows));
    });
    return { rows, cols };
  };
  if (units.length === 0) return { runs: [], from: [] };
  const contiguous = units.every((u, i) => i === 0 || u.block === units[i - 1]!.blocks[units[i - 1]!.blocks.length - 1]! + 1);
  if (contiguous && present.every((i, k) => i < 0 || whole[k])) {
    const first = blockStart[units[0]!.block]!, last = units[units.length - 1]!;
    return { runs: [runOf(first, blockStart[last.block]! + unitRows(last), () => undefined)], from: [first] };
  }
  const from = units.map((u) => blockStart[u.block]!);
  const runs = units.map((u, ui) => runOf(from[ui]!, from[ui]! + unitRows(u), (k) => parts[ui]![k], u.rows?.length));
  return units.some((u) => u.rows) ? { runs, from, sparse: units.map((u) => u.rows !== undefined) } : { runs, from };
}
