// Compaction's merge as a segment source (segment/source.ts): the inputs' rows in merged order are kept as ranges of
// the inputs, and each slice the writer asks for is gathered from them then, into memory the next slice reuses. The
// merge never holds a merged copy of its inputs (which, with the decoded inputs and the writer, took ~3 times them):
// only the time index and op column in merged order (9 bytes a row) and the string columns (codes, 4 bytes a row).
import type { TableSchema } from '../core/index.ts';
import { filterRun } from './filter.ts';
import { alignOps, countOps, mergeModeOf, OP_COLUMN, putRows } from './ops.ts';
import { mergeRuns } from './merge.ts';
import { gatherColumn, gatherRun, Ranges } from './run.ts';
import { runSource, type SegmentSource } from './segment/source.ts';
import type { ColumnData, Run } from './types.ts';

export interface MergeOptions {
  /** Rows older than this are dropped (TTL). */
  cutoff?: bigint | undefined;
  /** Whether a segment older than the inputs overlaps the merged rows (their time index in `keys`): tombstones stay then. */
  olderOverlap: (keys: Run) => boolean;
}

/** First merged row of each range of `r`, and r.rows last. */
function offsets(r: Ranges): Float64Array {
  const off = new Float64Array(r.len.length + 1);
  for (let k = 0; k < r.len.length; k++) off[k + 1] = off[k]! + r.len[k]!;
  return off;
}

/** The range holding merged row `a` (off[k] <= a < off[k + 1]). */
function rangeAt(off: Float64Array, a: number): number {
  let lo = 0, hi = off.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (off[mid]! <= a) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The rows `inner` picks out of the rows `outer` lists (inner's source 0, in outer's order), as ranges of outer's sources. */
export function composeRanges(outer: Ranges, inner: Ranges): Ranges {
  const off = offsets(outer);
  const out = new Ranges();
  for (let j = 0; j < inner.src.length; j++) {
    let a = inner.start[j]!, left = inner.len[j]!;
    for (let k = rangeAt(off, a); left > 0; k++) {
      const within = a - off[k]!, take = Math.min(left, outer.len[k]! - within);
      out.push(outer.src[k]!, outer.start[k]! + within, take);
      a += take;
      left -= take;
    }
  }
  return out;
}

/**
 * The inputs (oldest first, decoded with the same columns) merged one row per key, TTL applied and tombstones dropped
 * unless an older segment overlaps them, as a segment source with the count of op rows it keeps. Null for a
 * `last_non_null` table merging several inputs, whose rows collapse field by field (the caller merges into a run).
 */
export function mergedSource(input: Run[], schema: TableSchema, names: string[], opts: MergeOptions): { src: SegmentSource; opRows: number } | null {
  const mode = mergeModeOf(schema);
  if (mode === 'last_non_null' && input.length > 1) return null;
  const runs = alignOps(input);
  const hasOps = runs[0]!.cols.has(OP_COLUMN);
  let order = mergeRuns(runs, schema.primaryKey, schema.timeIndex, mode);
  const keyNames = hasOps ? [schema.timeIndex, OP_COLUMN] : [schema.timeIndex];
  let keys = gatherRun(runs, order, keyNames);
  const live = opts.cutoff === undefined ? null : filterRun(keys, schema.timeIndex, { cutoff: opts.cutoff });
  if (live) {
    order = composeRanges(order, live);
    keys = gatherRun([keys], live, keyNames);
  }
  const puts = putRows(keys, opts.olderOverlap(keys));
  if (puts) {
    order = composeRanges(order, puts.keep);
    keys = gatherRun([keys], puts.keep, puts.keepOps ? keyNames : [schema.timeIndex]);
  }
  const all = [...names, ...(keys.cols.has(OP_COLUMN) ? [OP_COLUMN] : [])];
  // Strings need one dictionary for the whole segment (runSource compacts it once): gathered whole, as codes; so are
  // the key's columns (the series count reads them).
  const whole: Run = { rows: order.rows, cols: new Map() };
  for (const name of all) {
    const c = keys.cols.get(name) ?? (runs[0]!.cols.get(name)!.type === 'string' || schema.primaryKey.includes(name) ? gatherColumn(runs.map((r) => r.cols.get(name)!), order) : undefined);
    if (c) whole.cols.set(name, c);
  }
  const held = runSource(whole, [...whole.cols.keys()], schema.primaryKey);
  const off = offsets(order);
  const buffers = new Map<string, { values: ArrayBuffer; valid: Uint8Array | null }>();
  const slice = (name: string, a: number, b: number): ColumnData => {
    const cols = runs.map((r) => r.cols.get(name)!);
    const type = cols[0]!.type, n = b - a;
    const Ctor = cols[0]!.values.constructor as new (buf: ArrayBuffer, at: number, n: number) => ColumnData['values'];
    const width = cols[0]!.values.BYTES_PER_ELEMENT;
    const nullable = cols.some((c) => c.valid !== null);
    let buf = buffers.get(name);
    if (!buf || buf.values.byteLength < n * width || (nullable && (!buf.valid || buf.valid.length < n))) {
      buf = { values: new ArrayBuffer(Math.max(n * width, buf?.values.byteLength ?? 0)), valid: nullable ? new Uint8Array(Math.max(n, buf?.valid?.length ?? 0)) : null };
      buffers.set(name, buf);
    }
    const values = new Ctor(buf.values, 0, n);
    const valid = nullable ? buf.valid!.subarray(0, n) : null;
    let o = 0;
    for (let k = rangeAt(off, a); o < n; k++) {
      const c = cols[order.src[k]!]!;
      const s = order.start[k]! + Math.max(0, a - off[k]!), len = Math.min(n - o, off[k + 1]! - Math.max(a, off[k]!));
      (values as Float64Array).set((c.values as Float64Array).subarray(s, s + len), o);
      if (valid) {
        if (c.valid) valid.set(c.valid.subarray(s, s + len), o);
        else valid.fill(1, o, o + len);
      }
      o += len;
    }
    return { type, values, valid };
  };
  return {
    src: {
      rows: order.rows,
      names: all,
      series: () => held.series(),
      textColumn: (name) => held.textColumn(name),
      slice: (name, a, b) => (whole.cols.has(name) ? held.slice(name, a, b) : slice(name, a, b)),
    },
    opRows: countOps(keys),
  };
}
