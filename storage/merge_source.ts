// Compaction's merge as a segment source (segment/source.ts): the inputs' rows in merged order are kept as ranges of
// the inputs, and each slice the writer asks for is gathered from them then, into memory the next slice reuses. The
// merge never holds a merged copy of its inputs, nor every column of them decoded (which, with the writer, took ~3
// times the decoded inputs): the inputs' time index, op and string columns are decoded whole (the merge order reads
// the key), the others a row group at a time as the slices reach it.
import type { TableSchema } from '../core/index.ts';
import { conformRun } from './cast.ts';
import { filterRun } from './filter.ts';
import { alignOps, countOps, mergeModeOf, OP_COLUMN, putRows } from './ops.ts';
import { mergeRuns } from './merge.ts';
import { gatherColumn, gatherRun, Ranges } from './run.ts';
import { decodeMsgs, parseBlock, type SegmentHandle } from './segment/read.ts';
import { runSource, type SegmentSource } from './segment/source.ts';
import type { ColumnData, Run } from './types.ts';

/** One input of a merge, oldest first: a segment's rows, some columns decoded whole, the others a row group at a time. */
export interface MergeInput {
  /** Its rows, with the columns decoded whole: at least the time index, the key's tags and the op column if any. */
  whole: Run;
  /** First row of each row group, and the row count last. */
  starts: number[];
  /** Column `name` (one `whole` lacks) of row group g. */
  group(name: string, g: number): ColumnData;
}

/** A run in memory as a merge input (one row group). */
export function runInput(run: Run): MergeInput {
  return { whole: run, starts: [0, run.rows], group: (name) => run.cols.get(name)! };
}

/**
 * A segment file's blocks (every one, in order) as a merge input: the time index, op and string columns decoded whole
 * (the merge order reads the key), the others a row group at a time; each conformed to the current schema.
 */
export function segmentInput(h: SegmentHandle, blocks: Uint8Array[], schemaVersion: number, schema: TableSchema, names: string[]): MergeInput {
  const msgs = blocks.map((b) => parseBlock(h, b));
  const starts = [0];
  for (let g = 0; g + 1 < h.groupBlocks.length; g++) {
    let rows = 0;
    for (let b = h.groupBlocks[g]!; b < h.groupBlocks[g + 1]!; b++) rows += msgs[b]!.header.length;
    starts.push(starts[g]! + rows);
  }
  const whole = names.filter((n) => n === OP_COLUMN || n === schema.timeIndex || schema.columns.find((c) => c.name === n)?.type === 'string');
  const decode = (part: typeof msgs, cols: string[]) => conformRun(decodeMsgs(h, part, schema, cols), schemaVersion, schema);
  return {
    whole: decode(msgs, whole),
    starts,
    group: (name, g) => decode(msgs.slice(h.groupBlocks[g]!, h.groupBlocks[g + 1]!), [name]).cols.get(name)!,
  };
}

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
export function mergedSource(inputs: MergeInput[], schema: TableSchema, names: string[], opts: MergeOptions): { src: SegmentSource; opRows: number } | null {
  const mode = mergeModeOf(schema);
  if (mode === 'last_non_null' && inputs.length > 1) return null;
  const runs = alignOps(inputs.map((i) => i.whole));
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
  const off = offsets(order);
  const colsOf = (name: string) => runs.map((r) => r.cols.get(name)!);
  // per input, the row group of each lazily read column decoded last (slices move forward through each input)
  const groups = new Map<string, ({ g: number; col: ColumnData } | null)[]>();
  const pieceOf = (name: string, i: number, row: number): { col: ColumnData; at: number; end: number } => {
    const input = inputs[i]!, starts = input.starts;
    const last = groups.get(name) ?? inputs.map(() => null);
    groups.set(name, last);
    let g = last[i]?.g ?? 0;
    if (row < starts[g]! || row >= starts[g + 1]!) {
      g = 0;
      while (starts[g + 1]! <= row) g++;
    }
    if (last[i]?.g !== g) last[i] = { g, col: input.group(name, g) };
    return { col: last[i]!.col, at: row - starts[g]!, end: starts[g + 1]! - starts[g]! };
  };
  // A segment's string column has one dictionary, sorted, of the values its rows use (runSource compacts it). A key
  // tag's is learnt here and its codes mapped slice by slice; other strings (maybe text blocks) are gathered whole.
  const maps = new Map<string, { dict: string[]; maps: Int32Array[] }>();
  const whole: Run = { rows: order.rows, cols: new Map() };
  for (const name of all) {
    const c = keys.cols.get(name);
    if (c) whole.cols.set(name, c);
    else if (runs[0]!.cols.get(name)?.type === 'string') {
      if (schema.primaryKey.includes(name)) maps.set(name, usedDict(colsOf(name), order, off));
      else whole.cols.set(name, gatherColumn(colsOf(name), order));
    }
  }
  const held = runSource(whole, [...whole.cols.keys()], []);
  const buffers = new Map<string, SliceBuffer>();
  const gather = (name: string, a: number, b: number, bufs: Map<string, SliceBuffer>): ColumnData => {
    const lazy = !runs[0]!.cols.has(name), map = maps.get(name), n = b - a;
    let buf = bufs.get(name);
    if (!buf) bufs.set(name, (buf = { values: new ArrayBuffer(0), valid: null }));
    let out: ColumnData | null = null;
    let o = 0;
    const put = (src: number, c: ColumnData, at: number, len: number): void => {
      if (!out) {
        const width = c.values.BYTES_PER_ELEMENT;
        if (buf.values.byteLength < n * width) buf.values = new ArrayBuffer(n * width);
        out = { type: c.type, values: new (c.values.constructor as new (b: ArrayBuffer, at: number, n: number) => ColumnData['values'])(buf.values, 0, n), valid: null };
        if (map) out.dict = map.dict;
      }
      if (map) {
        const to = map.maps[src]!, codes = c.values as Int32Array, dst = out.values as Int32Array;
        // null rows get code 0, whatever they held
        for (let i = 0; i < len; i++) dst[o + i] = c.valid && c.valid[at + i] === 0 ? 0 : to[codes[at + i]!]!;
      } else (out.values as Float64Array).set((c.values as Float64Array).subarray(at, at + len), o);
      if (c.valid && !out.valid) {
        if (!buf.valid || buf.valid.length < n) buf.valid = new Uint8Array(n);
        out.valid = buf.valid.subarray(0, n).fill(1, 0, o);
      }
      if (out.valid) {
        if (c.valid) out.valid.set(c.valid.subarray(at, at + len), o);
        else out.valid.fill(1, o, o + len);
      }
      o += len;
    };
    for (let k = rangeAt(off, a); o < n; k++) {
      let s = order.start[k]! + Math.max(0, a - off[k]!);
      let left = Math.min(n - o, off[k + 1]! - Math.max(a, off[k]!));
      while (left > 0) {
        // a range may cross row groups of its input: read it group by group
        const p = lazy ? pieceOf(name, order.src[k]!, s) : { col: runs[order.src[k]!]!.cols.get(name)!, at: s, end: Infinity };
        const len = Math.min(left, p.end - p.at);
        put(order.src[k]!, p.col, p.at, len);
        s += len;
        left -= len;
      }
    }
    if (out) return out;
    const c0 = lazy ? inputs[0]!.group(name, 0) : runs[0]!.cols.get(name)!;
    return { type: c0.type, values: c0.values.subarray(0, 0) as ColumnData['values'], valid: null, ...(map ? { dict: map.dict } : {}) };
  };
  const slice = (name: string, a: number, b: number): ColumnData => (whole.cols.has(name) ? held.slice(name, a, b) : gather(name, a, b, buffers));
  return {
    src: {
      rows: order.rows,
      names: all,
      series: () => countSeriesBySlices(order.rows, schema.primaryKey.filter((t) => all.includes(t)), (name, a, b, bufs) => (whole.cols.has(name) ? held.slice(name, a, b) : gather(name, a, b, bufs))),
      textColumn: (name) => held.textColumn(name),
      slice,
    },
    opRows: countOps(keys),
  };
}

interface SliceBuffer { values: ArrayBuffer; valid: Uint8Array | null }

/**
 * The sorted dictionary of the values the listed rows use (non-null), and per input a map from its codes into it.
 * Inputs' codes a row does not use map to 0 (never read).
 */
function usedDict(cols: ColumnData[], order: Ranges, off: Float64Array): { dict: string[]; maps: Int32Array[] } {
  const values = new Set<string>();
  for (const c of cols) for (const v of c.dict!) values.add(v);
  const union = [...values].sort();
  const pos = new Map(union.map((v, i) => [v, i]));
  const toUnion = cols.map((c) => Int32Array.from(c.dict!, (v) => pos.get(v)!));
  const used = new Uint8Array(union.length);
  for (let k = 0; k < order.src.length; k++) {
    const c = cols[order.src[k]!]!, codes = c.values as Int32Array, map = toUnion[order.src[k]!]!;
    for (let i = order.start[k]!, e = i + (off[k + 1]! - off[k]!); i < e; i++) if (!c.valid || c.valid[i]) used[map[codes[i]!]!] = 1;
  }
  const dict: string[] = [];
  const rank = new Int32Array(union.length);
  for (let u = 0; u < union.length; u++) if (used[u]) { rank[u] = dict.length; dict.push(union[u]!); }
  return { dict, maps: toUnion.map((m) => m.map((u) => rank[u]!)) };
}

/** Series among sorted rows (a key column's code or validity changes), read a slice at a time. */
function countSeriesBySlices(rows: number, tags: string[], read: (name: string, a: number, b: number, bufs: Map<string, SliceBuffer>) => ColumnData): number {
  if (rows === 0) return 0;
  const bufs = new Map<string, SliceBuffer>();
  const STEP = 1 << 16;
  let count = 1;
  const last = tags.map(() => ({ code: 0, valid: 1 }));
  for (let a = 0; a < rows; a += STEP) {
    const b = Math.min(rows, a + STEP);
    const cols = tags.map((t) => read(t, a, b, bufs));
    for (let i = 0; i < b - a; i++) {
      let changed = false;
      for (let t = 0; t < cols.length; t++) {
        const c = cols[t]!, code = (c.values as Int32Array)[i]!, valid = c.valid ? c.valid[i]! : 1;
        if (code !== last[t]!.code || valid !== last[t]!.valid) changed = true;
        last[t]!.code = code;
        last[t]!.valid = valid;
      }
      if (changed && a + i > 0) count++;
    }
  }
  return count;
}
