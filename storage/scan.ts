// Scans a region snapshot: prunes segments by stats, reads projected columns, filters, merges with last-write-wins.
import type { RecordBatch } from 'apache-arrow';
import { InvalidArgumentError, type TableSchema } from '../core/index.ts';
import { runToBatch } from './arrow_out.ts';
import { filterRun, type RowFilter } from './filter.ts';
import { mergeRuns } from './merge.ts';
import { gatherRun, Ranges } from './run.ts';
import { defaultOf } from './defaults.ts';
import { alignOps, collapseLastNonNull, mergeModeOf, OP_COLUMN, withoutDeletes } from './ops.ts';
import type { Run, ScanRequest, SegmentMeta } from './types.ts';

export interface ScanSnapshot {
  schema: TableSchema;
  /** Oldest first (ascending maxSeq). */
  segments: SegmentMeta[];
  /** Sorted memtable runs, oldest first; all newer than every segment. */
  memRuns: Run[];
  cutoff: bigint | undefined;
  /** Reads columns of a segment: every row group, or only the listed ones. */
  /** A segment's columns as runs in the segment's row order (pieces of one sorted run). */
  readSegment(meta: SegmentMeta, names: string[], groups?: number[]): Promise<Run[]>;
}

/** Columns a scan returns, in table order, and the ones it must read (tags for dedup, filter columns). */
export function scanColumns(schema: TableSchema, req: ScanRequest): { output: string[]; read: string[] } {
  const all = schema.columns.map((c) => c.name);
  for (const n of [...(req.columns ?? []), ...Object.keys(req.tagFilter ?? {})]) {
    if (!all.includes(n)) throw new InvalidArgumentError(`column '${n}' does not exist in table ${schema.name}`);
  }
  const want = new Set(req.columns ?? all);
  want.add(schema.timeIndex);
  const output = all.filter((n) => want.has(n));
  const extra = new Set([...output, ...schema.primaryKey, ...Object.keys(req.tagFilter ?? {})]);
  return { output, read: all.filter((n) => extra.has(n)) };
}

/** False when the segment's stats prove that no row can pass the filter. */
export function segmentMayMatch(s: SegmentMeta, f: RowFilter, schema?: TableSchema): boolean {
  const min = BigInt(s.minTs), max = BigInt(s.maxTs);
  if (f.start !== undefined && max < f.start) return false;
  if (f.end !== undefined && min >= f.end) return false;
  if (f.cutoff !== undefined && max < f.cutoff) return false;
  for (const [name, values] of Object.entries(f.tags ?? {})) {
    const st = s.columns[name];
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
  s.groups.forEach((g, k) => {
    const stats = { ...s, minTs: g.minTs, maxTs: g.maxTs, columns: { ...s.columns, ...g.tags } };
    if (segmentMayMatch(stats, f, schema)) out.push(k);
  });
  return out;
}

export async function scanSnapshot(snap: ScanSnapshot, req: ScanRequest): Promise<RecordBatch[]> {
  const { schema } = snap;
  const { output, read } = scanColumns(schema, req);
  const f: RowFilter = { start: req.start, end: req.end, cutoff: snap.cutoff, tags: req.tagFilter };
  const picked = snap.segments.filter((s) => segmentMayMatch(s, f, schema))
    .map((s) => ({ s, groups: groupsMayMatch(s, f, schema) }))
    .filter((x) => !x.groups || x.groups.length > 0);
  // A lone segment is already one row per key: nothing to merge, so tags not asked for need not be decoded.
  const alone = picked.length === 1 && snap.memRuns.length === 0;
  const segRead = alone ? read.filter((n) => output.includes(n) || n in (req.tagFilter ?? {})) : read;
  const loaded = await Promise.all(picked.map(({ s, groups }) => snap.readSegment(s, s.deletes ? [...segRead, OP_COLUMN] : segRead, groups)));
  const runs: Run[] = [];
  for (const pieces of [...loaded, ...snap.memRuns.map((r) => [r])]) {
    // Pieces of one sorted run: the kept rows of every piece, gathered once (a lone untouched piece as it is).
    const keep = new Ranges();
    let whole = true;
    pieces.forEach((run, k) => {
      const r = filterRun(run, schema.timeIndex, f, schema.primaryKey[0]);
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
