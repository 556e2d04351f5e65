// Merges the scans of a table's regions into one (primary key, time) order, as the executor expects: a merge of series runs, zero-copy slices.
import type { Data, RecordBatch, Vector } from 'apache-arrow';
import { compareKeyTuples as compareTuples } from '../../partition.ts';
import { type TableSchema } from '../../schema.ts';

type Tuple = (string | null)[];

/** A run of rows of one series in one region's batch: [start, end). */
interface Run {
  tuple: Tuple;
  region: number;
  batch: RecordBatch;
  start: number;
  end: number;
}

const isNull = (d: Data, i: number) => {
  if (d.nullCount === 0) return false;
  const j = d.offset + i;
  return !((d.nullBitmap![j >> 3]! >> (j & 7)) & 1);
};

/** Where a new series starts in one tag column: dictionary codes compared as numbers, plain strings as strings. */
function markBoundaries(vec: Vector, starts: Uint8Array): void {
  const d = vec.data[0]!;
  if (vec.data.length === 1 && d.dictionary) {
    const codes = d.values as Int32Array;
    const n = d.length;
    if (d.nullCount === 0) {
      for (let i = 1; i < n; i++) if (codes[i] !== codes[i - 1]) starts[i] = 1;
    } else {
      for (let i = 1; i < n; i++) if (codes[i] !== codes[i - 1] || isNull(d, i) !== isNull(d, i - 1)) starts[i] = 1;
    }
    return;
  }
  let prev = vec.get(0);
  for (let i = 1; i < vec.length; i++) {
    const v = vec.get(i);
    if (v !== prev) starts[i] = 1;
    prev = v;
  }
}

function runsOf(batch: RecordBatch, region: number, tags: string[], out: Run[]): boolean {
  const n = batch.numRows;
  if (n === 0) return true;
  const vecs: Vector[] = [];
  for (const t of tags) {
    const v = batch.getChild(t);
    if (!v) return false;
    vecs.push(v);
  }
  const starts = new Uint8Array(n);
  starts[0] = 1;
  for (const v of vecs) markBoundaries(v, starts);
  let s = 0;
  for (let i = 1; i <= n; i++) {
    if (i < n && starts[i] === 0) continue;
    out.push({ tuple: vecs.map((v) => { const x = v.get(s); return x === null || x === undefined ? null : String(x); }), region, batch, start: s, end: i });
    s = i;
  }
  return true;
}

function timeAt(batch: RecordBatch, timeIndex: string, i: number): bigint {
  const d = batch.getChild(timeIndex)!.data[0]!;
  const v = (d.values as BigInt64Array)[i];
  return typeof v === 'bigint' ? v : BigInt(Math.round(Number(batch.getChild(timeIndex)!.get(i))));
}

/** A region's first or last key (its batches are in key order), or null without the tag columns. */
function edgeKey(batches: RecordBatch[], tags: string[], last: boolean): Tuple | null {
  const bs = batches.filter((b) => b.numRows > 0);
  const b = last ? bs[bs.length - 1]! : bs[0]!;
  const i = last ? b.numRows - 1 : 0;
  const out: Tuple = [];
  for (const t of tags) {
    const v = b.getChild(t);
    if (!v) return null;
    const x = v.get(i);
    out.push(x === null || x === undefined ? null : String(x));
  }
  return out;
}

/**
 * The usual case, a table partitioned on ranges of its leading key: each region's keys form a range and the ranges do
 * not overlap, so ordering the regions by first key orders the rows. Null when the ranges touch or overlap.
 */
function disjointOrder(perRegion: RecordBatch[][], tags: string[]): RecordBatch[][] | null {
  if (tags.length === 0) return null;
  const edges = [];
  for (const bs of perRegion) {
    const first = edgeKey(bs, tags, false);
    const last = edgeKey(bs, tags, true);
    if (!first || !last) return null;
    edges.push({ bs, first, last });
  }
  edges.sort((a, b) => compareTuples(a.first, b.first));
  for (let i = 1; i < edges.length; i++) if (compareTuples(edges[i - 1]!.last, edges[i]!.first) >= 0) return null;
  return edges.map((e) => e.bs);
}

/**
 * The regions' batches (each region's already in (primary key, time) order) as one ordered list of batches. One
 * region with rows: its batches as they are. Series wholly in one region (partitioned on tags, the usual case) move as
 * whole runs; a series split across regions (partitioned on a field) is merged row by row on time.
 */
export function mergeRegionScans(schema: TableSchema, perRegion: RecordBatch[][]): RecordBatch[] {
  const withRows = perRegion.filter((bs) => bs.some((b) => b.numRows > 0));
  if (withRows.length <= 1) return withRows[0] ?? perRegion.flat();
  const tags = schema.primaryKey;
  const ordered = disjointOrder(withRows, tags);
  if (ordered) return ordered.flat();
  const runs: Run[] = [];
  for (let r = 0; r < perRegion.length; r++) {
    for (const b of perRegion[r]!) {
      // Without the tag columns the scan's order is not observable; keep the batches as they come.
      if (!runsOf(b, r, tags, runs)) return perRegion.flat();
    }
  }
  // Stable: runs of one region keep their order (time within a series spread over several batches).
  runs.sort((a, b) => compareTuples(a.tuple, b.tuple) || a.region - b.region);
  const out: RecordBatch[] = [];
  let last: { batch: RecordBatch; start: number; end: number } | null = null;
  const emit = (batch: RecordBatch, start: number, end: number) => {
    if (last && last.batch === batch && last.end === start) {
      last.end = end;
      return;
    }
    if (last) out.push(last.start === 0 && last.end === last.batch.numRows ? last.batch : last.batch.slice(last.start, last.end));
    last = { batch, start, end };
  };
  for (let i = 0; i < runs.length;) {
    let j = i + 1;
    while (j < runs.length && compareTuples(runs[j]!.tuple, runs[i]!.tuple) === 0) j++;
    const group = runs.slice(i, j);
    if (group.every((g) => g.region === group[0]!.region)) {
      for (const g of group) emit(g.batch, g.start, g.end);
    } else {
      const rows: { batch: RecordBatch; i: number; ts: bigint }[] = [];
      for (const g of group) for (let k = g.start; k < g.end; k++) rows.push({ batch: g.batch, i: k, ts: timeAt(g.batch, schema.timeIndex, k) });
      rows.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
      for (const r of rows) emit(r.batch, r.i, r.i + 1);
    }
    i = j;
  }
  if (last) {
    const l = last as { batch: RecordBatch; start: number; end: number };
    out.push(l.start === 0 && l.end === l.batch.numRows ? l.batch : l.batch.slice(l.start, l.end));
  }
  return out;
}
