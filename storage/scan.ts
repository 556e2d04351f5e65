// Scans a region snapshot: prunes segments by stats, reads projected columns, filters, merges with last-write-wins.
import type { RecordBatch } from 'apache-arrow';
import { InvalidArgumentError, isValuePredicate, selectedRows, type ColumnPredicate, type RowSelection, type TableSchema } from '../core/index.ts';
import { runToBatch } from './arrow_out.ts';
import { filterRun, type RowFilter } from './filter.ts';
import { mergeRuns } from './merge.ts';
import { gatherRun, Ranges } from './run.ts';
import { defaultOf } from './defaults.ts';
import { alignOps, collapseLastNonNull, mergeModeOf, OP_COLUMN, withoutDeletes } from './ops.ts';
import type { ColumnStats, PageInfo, Run, ScanRequest, ScanStats, SegmentMeta } from './types.ts';
import type { SegmentPieces } from './segment/read_cached.ts';
import { addUses, groupStarts, groupsOf, SPARSE_SHARE, type SegmentPrune } from './index/prune.ts';

export interface ScanSnapshot {
  schema: TableSchema;
  /** Oldest first (ascending maxSeq). */
  segments: SegmentMeta[];
  /** Sorted memtable runs, oldest first; all newer than every segment. */
  memRuns: Run[];
  cutoff: bigint | undefined;
  /**
   * A segment's columns (every row group, or only the listed ones, and of those only the pages `keepPage` keeps) as
   * runs in the segment's row order (pieces of one sorted run), each with its first row in the segment's numbering.
   */
  readSegment(
    meta: SegmentMeta, names: string[], groups?: number[], keepPage?: (page: PageInfo) => boolean,
    pickRows?: (page: PageInfo) => Uint32Array | undefined,
  ): Promise<SegmentPieces>;
  /** Rows of a segment its index says may match the predicates (undefined: no index answered). */
  prune?(meta: SegmentMeta, preds: ColumnPredicate[]): Promise<SegmentPrune | undefined>;
}

/**
 * The predicates a scan may apply before the merge: on primary-key columns always (they are part of the key), on
 * other columns only in append-mode tables (elsewhere a newer row of the same key may hold another value, and
 * dropping it would let an older matching row win the merge). Value predicates are on string columns; a spatial
 * one on its numeric latitude/longitude pair.
 */
export function usablePredicates(schema: TableSchema, preds: ColumnPredicate[] | undefined): ColumnPredicate[] {
  if (!preds?.length) return [];
  const exact = (name: string) => schema.options.appendMode || schema.primaryKey.includes(name);
  return preds.filter((p) => {
    const c = schema.columns.find((x) => x.name === p.column);
    if (p.op === 'spatial') {
      const g = schema.columns.find((x) => x.name === p.lng);
      return c !== undefined && g !== undefined && c.type !== 'string' && g.type !== 'string' && exact(p.column) && exact(p.lng);
    }
    return c !== undefined && c.type === 'string' && exact(p.column);
  });
}

/** Columns a scan returns, in table order, and the ones it must read (tags for dedup, filter columns). */
export function scanColumns(schema: TableSchema, req: ScanRequest): { output: string[]; read: string[] } {
  const all = schema.columns.map((c) => c.name);
  const predCols = usablePredicates(schema, req.predicates).filter(isValuePredicate).map((p) => p.column);
  for (const n of [...(req.columns ?? []), ...Object.keys(req.tagFilter ?? {})]) {
    if (!all.includes(n)) throw new InvalidArgumentError(`column '${n}' does not exist in table ${schema.name}`);
  }
  const want = new Set(req.columns ?? all);
  want.add(schema.timeIndex);
  const output = all.filter((n) => want.has(n));
  const extra = new Set([...output, ...schema.primaryKey, ...Object.keys(req.tagFilter ?? {}), ...predCols]);
  return { output, read: all.filter((n) => extra.has(n)) };
}

/** False when the segment's stats prove that no row can pass the filter. */
export function segmentMayMatch(s: SegmentMeta, f: RowFilter, schema?: TableSchema): boolean {
  return statsMayMatch(s.minTs, s.maxTs, (name) => s.columns[name], f, schema);
}

/**
 * False when a time range and tag stats (`stat`: undefined for a column the data predates) rule out every row. Times
 * as the manifest keeps them (decimal strings) are parsed only when the filter has a bound to compare them with.
 */
function statsMayMatch(min: bigint | string, max: bigint | string, stat: (name: string) => ColumnStats | undefined, f: RowFilter, schema?: TableSchema): boolean {
  if (f.start !== undefined && BigInt(max) < f.start) return false;
  if (f.end !== undefined && BigInt(min) >= f.end) return false;
  if (f.cutoff !== undefined && BigInt(max) < f.cutoff) return false;
  for (const name in f.tags ?? {}) {
    const values = f.tags![name]!;
    const st = stat(name);
    if (!st) {
      // The column was added after this segment was written: its rows read as the column's default.
      const cs = schema?.columns.find((c) => c.name === name);
      const d = cs ? defaultOf(cs) : null;
      if (!values.includes(d === null ? null : String(d))) return false;
      continue;
    }
    const hit = values.some((v) =>
      v === null ? st.nulls > 0 : st.min !== null && st.max !== null && v >= String(st.min) && v <= String(st.max));
    if (!hit) return false;
  }
  return true;
}

/**
 * Merges filtered runs (oldest first) into one run of `names` with one row per key as the merge mode says;
 * Delete rows stay in (with the op column) so callers can persist or drop them.
 */
export function mergeToRun(input: Run[], schema: TableSchema, names: string[]): Run {
  const mode = mergeModeOf(schema);
  const runs = alignOps(input);
  const all = runs[0]!.cols.has(OP_COLUMN) ? [...names, OP_COLUMN] : names;
  const ranges = mergeRuns(runs, schema.primaryKey, schema.timeIndex, mode);
  const run = gatherRun(runs, ranges, all);
  return mode === 'last_non_null' && runs.length > 1 ? collapseLastNonNull(run, schema.primaryKey, schema.timeIndex) : run;
}

/** Row groups of a segment whose stats may hold rows passing the filter (undefined: the segment has no groups). */
export function groupsMayMatch(s: SegmentMeta, f: RowFilter, schema?: TableSchema): number[] | undefined {
  if (!s.groups) return undefined;
  const out: number[] = [];
  // A group's tag stats are absent where they equal the segment's (segment/write.ts groupMeta).
  s.groups.forEach((g, k) => {
    if (statsMayMatch(g.minTs, g.maxTs, (name) => g.tags[name] ?? s.columns[name], f, schema)) out.push(k);
  });
  return out;
}

/**
 * A segment to read: its row groups (undefined: all), the rows its index may match (`rows`, segment numbering), and
 * the same when the scan tests rows by it (`within`: when the index keeps most rows, testing each row is cheaper).
 */
export interface Picked { s: SegmentMeta; groups: number[] | undefined; rows?: RowSelection; within?: RowSelection }

/** Segments and row groups that may hold matching rows: by stats, then by each segment's index (recorded in stats). */
async function pickSegments(snap: ScanSnapshot, f: RowFilter, preds: ColumnPredicate[], stats: ScanStats | undefined): Promise<Picked[]> {
  const { schema } = snap;
  const byStats = snap.segments.filter((s) => segmentMayMatch(s, f, schema))
    .map((s): Picked => ({ s, groups: groupsMayMatch(s, f, schema) }))
    .filter((x) => !x.groups || x.groups.length > 0);
  if (stats) stats.segments += byStats.length;
  if (preds.length === 0 || !snap.prune) return byStats;
  const pruned = await Promise.all(byStats.map(async (x): Promise<Picked | null> => {
    const pr = await snap.prune!(x.s, preds);
    if (stats && (!pr || pr.unanswered > 0)) stats.unindexed++;
    if (!pr) return x;
    if (stats) addUses(stats.indexes, pr.uses);
    const starts = groupStarts(x.s);
    const all = x.groups ?? [...Array(starts.length - 1).keys()];
    const groups = groupsOf(pr.rows, starts, all);
    if (groups.length === 0) return null;
    // When the index keeps most rows of those groups, testing every row is cheaper than walking its ranges.
    const groupRows = groups.reduce((a, g) => a + starts[g + 1]! - starts[g]!, 0);
    const within = selectedRows(pr.rows) * 2 > groupRows ? undefined : pr.rows;
    return { s: x.s, groups: x.s.groups ? groups : undefined, rows: pr.rows, ...(within ? { within } : {}) };
  }));
  return pruned.filter((x): x is Picked => x !== null);
}

/**
 * True when the filter tests nothing but time and the stats of the groups read put every row inside its range (and
 * past the TTL cutoff): filterRun would keep every row, so it need not look at them.
 */
export function spanInside(x: Picked, f: RowFilter): boolean {
  if (x.within || (f.tags && Object.keys(f.tags).length > 0) || f.preds?.length) return false;
  const spans = x.s.groups && x.groups ? x.groups.map((g) => x.s.groups![g]!) : [x.s];
  let min: bigint | undefined, max: bigint | undefined;
  for (const g of spans) {
    const a = BigInt(g.minTs), b = BigInt(g.maxTs);
    if (min === undefined || a < min) min = a;
    if (max === undefined || b > max) max = b;
  }
  if (min === undefined || max === undefined) return false;
  const lo = f.cutoff !== undefined && (f.start === undefined || f.cutoff > f.start) ? f.cutoff : f.start;
  return (lo === undefined || min >= lo) && (f.end === undefined || max < f.end);
}

/** Index of the first range of `sel` ending after row `from` (binary search: ranges are sorted and disjoint). */
function firstEndingAfter(sel: RowSelection, from: number): number {
  let lo = 0, hi = sel.end.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sel.end[mid]! <= from) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** True when some row of [from, from + rows) is selected. */
function selects(sel: RowSelection, from: number, rows: number): boolean {
  const lo = firstEndingAfter(sel, from);
  return lo < sel.end.length && sel.start[lo]! < from + rows;
}

/**
 * Which pages of a picked segment's row groups to read: those holding a row the index selected, whose time range
 * and tag stats (falling back to the group's, then the segment's, where the file leaves them out) may pass the
 * filter. Undefined when nothing would narrow the groups.
 */
export function pageTest(x: Picked, f: RowFilter, schema: TableSchema): ((p: PageInfo) => boolean) | undefined {
  const bounded = f.start !== undefined || f.end !== undefined || f.cutoff !== undefined || Object.keys(f.tags ?? {}).length > 0;
  if (!x.rows && !bounded) return undefined;
  const { s, rows } = x;
  return (p) => (!rows || selects(rows, p.from, p.rows)) &&
    (!bounded || statsMayMatch(p.minTs, p.maxTs, (name) => p.tags?.[name] ?? s.groups?.[p.group]?.tags[name] ?? s.columns[name], f, schema));
}

/**
 * The rows of a page the index selected (offsets in the page) when they are few (a needle): undefined when the scan
 * tests rows by no selection (`within`) or the page holds many of them.
 */
export function pageRows(x: Picked): ((p: PageInfo) => Uint32Array | undefined) | undefined {
  const sel = x.within;
  if (!sel) return undefined;
  return (p) => {
    const end = p.from + p.rows;
    const lo = firstEndingAfter(sel, p.from);
    let n = 0;
    for (let i = lo; i < sel.start.length && sel.start[i]! < end; i++) n += Math.min(end, sel.end[i]!) - Math.max(p.from, sel.start[i]!);
    if (n === 0 || n > p.rows * SPARSE_SHARE) return undefined;
    const out = new Uint32Array(n);
    let k = 0;
    for (let i = lo; i < sel.start.length && sel.start[i]! < end; i++) {
      for (let r = Math.max(p.from, sel.start[i]!), e = Math.min(end, sel.end[i]!); r < e; r++) out[k++] = r - p.from;
    }
    return out;
  };
}

/** The part of a selection (segment numbering) that falls in one piece (its rows from segment row `from`), in the piece's numbering. */
function pieceSelection(sel: RowSelection, from: number, rows: number): RowSelection {
  // only the ranges overlapping the piece: a scan of many pieces walks each range about once, not once per piece
  const lo = firstEndingAfter(sel, from);
  let hi = lo;
  while (hi < sel.start.length && sel.start[hi]! < from + rows) hi++;
  const s = new Uint32Array(hi - lo), e = new Uint32Array(hi - lo);
  for (let i = lo; i < hi; i++) {
    s[i - lo] = Math.max(from, sel.start[i]!) - from;
    e[i - lo] = Math.min(from + rows, sel.end[i]!) - from;
  }
  return { start: s, end: e };
}

export async function scanSnapshot(snap: ScanSnapshot, req: ScanRequest, stats?: ScanStats): Promise<RecordBatch[]> {
  const { schema } = snap;
  const { output, read } = scanColumns(schema, req);
  const preds = usablePredicates(schema, req.predicates);
  // = and IN on a tag already filter rows as tagFilter: tested once per row, used by the indexes all the same
  // (a spatial predicate only prunes by its index: the executor tests the rows' points)
  const rowPreds = preds.filter((p) => isValuePredicate(p) && !(p.op === 'in' && req.tagFilter?.[p.column]));
  const f: RowFilter = { start: req.start, end: req.end, cutoff: snap.cutoff, tags: req.tagFilter, preds: rowPreds };
  // = and IN on the first primary-key tag ask no index: segments are sorted by it, so group and page stats and the binary
  // search of its sorted dictionary (filterRun) find its rows for less than an index lookup costs
  const lead = schema.primaryKey[0];
  const indexPreds = lead !== undefined && req.tagFilter?.[lead] ? preds.filter((p) => !(p.op === 'in' && p.column === lead)) : preds;
  const picked = await pickSegments(snap, f, indexPreds, stats);
  req.signal?.throwIfAborted();
  // A lone segment is already one row per key: nothing to merge, so tags not asked for need not be decoded.
  const alone = picked.length === 1 && snap.memRuns.length === 0;
  const segRead = alone ? read.filter((n) => output.includes(n) || n in (req.tagFilter ?? {}) || rowPreds.some((p) => p.column === n)) : read;
  const loaded = await Promise.all(picked.map((x) => snap.readSegment(x.s, x.s.deletes ? [...segRead, OP_COLUMN] : segRead, x.groups, pageTest(x, f, schema), pageRows(x))));
  if (stats) stats.rowsRead = (stats.rowsRead ?? 0) + loaded.reduce((a, ps) => a + ps.runs.reduce((b, r) => b + r.rows, 0), 0) + snap.memRuns.reduce((a, r) => a + r.rows, 0);
  req.signal?.throwIfAborted();
  const out = await scanRuns(snap, req, loaded, picked, f, output, read, alone);
  if (stats) stats.rowsOut = (stats.rowsOut ?? 0) + out.reduce((a, b) => a + b.numRows, 0);
  return out;
}

async function scanRuns(snap: ScanSnapshot, req: ScanRequest, loaded: SegmentPieces[], picked: Picked[], f: RowFilter, output: string[], read: string[], alone: boolean): Promise<RecordBatch[]> {
  const { schema } = snap;
  const runs: Run[] = [];
  const sources = [
    ...loaded.map((p, i) => ({ pieces: p.runs, from: p.from, sparse: p.sparse, within: picked[i]!.within, inside: spanInside(picked[i]!, f) })),
    ...snap.memRuns.map((r) => ({ pieces: [r], from: [0], sparse: undefined, within: undefined, inside: false })),
  ];
  for (const { pieces, from, sparse, within, inside } of sources) {
    // Pieces of one sorted run: the kept rows of every piece, gathered once (a lone untouched piece as it is).
    const keep = new Ranges();
    let whole = true;
    pieces.forEach((run, k) => {
      // rows whose time span the stats put inside the filter's range, with nothing else to test: every row passes
      // (a sparse piece holds only selected rows)
      const sel = within && !sparse?.[k] ? pieceSelection(within, from[k]!, run.rows) : undefined;
      const r = inside ? null : filterRun(run, schema.timeIndex, f, sel, schema.primaryKey[0]);
      if (r === null) { keep.push(k, 0, run.rows); return; }
      whole = false;
      for (let j = 0; j < r.src.length; j++) keep.push(k, r.start[j]!, r.len[j]!);
    });
    if (keep.rows === 0) continue;
    if (whole && pieces.length === 1) runs.push(pieces[0]!);
    else runs.push(gatherRun(pieces, keep, pieces[0]!.cols.keys()));
  }
  if (runs.length === 0) return [];
  if (alone) {
    let run = runs[0]!;
    if (run.cols.has(OP_COLUMN)) run = withoutDeletes(run, false);
    if (req.limit !== undefined && run.rows > req.limit) {
      const r = new Ranges();
      r.push(0, 0, Math.max(0, req.limit));
      run = gatherRun([run], r, output);
    }
    return run.rows === 0 ? [] : [runToBatch(run, schema, output)];
  }
  const simple = mergeModeOf(schema) !== 'last_non_null' && !runs.some((r) => r.cols.has(OP_COLUMN));
  if (simple) {
    // No tombstones and no field-wise merge: the limit applies to the merged ranges, before any copy.
    const ranges = mergeRuns(runs, schema.primaryKey, schema.timeIndex, mergeModeOf(schema));
    if (req.limit !== undefined) ranges.limit(Math.max(0, req.limit));
    if (ranges.rows === 0) return [];
    return [runToBatch(gatherRun(runs, ranges, output), schema, output)];
  }
  let run = withoutDeletes(mergeToRun(runs, schema, read), false);
  if (req.limit !== undefined && run.rows > req.limit) {
    const r = new Ranges();
    r.push(0, 0, Math.max(0, req.limit));
    run = gatherRun([run], r, output);
  }
  if (run.rows === 0) return [];
  return [runToBatch(run, schema, output)];
}
