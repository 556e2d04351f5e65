// Sorts a memtable into a run: series ranked by tag values, counting sort by series, ts sort, last-write-wins dedup.
import type { ColumnSchema, TableSchema } from '../../core/index.ts';
import { cmp, gather, words } from '../int64.ts';
import type { Chunk, ChunkColumn, Memtable } from './memtable.ts';
import { castColumn } from '../cast.ts';
import { widened, widenInto } from './narrow.ts';
import { allocTyped } from '../run.ts';
import { compareKeyTuples } from '../../core/index.ts';
import { ScratchPool } from '../scratch.ts';
import { defaultOf } from '../defaults.ts';
import { collapseLastNonNull, mergeModeOf, OP_COLUMN } from '../ops.ts';
import type { ColumnData, Run } from '../types.ts';

/** Row order of the memtable: a permutation of global row indexes, sorted by (series rank, ts), deduped. */
function sortedPermutation(mem: MemView, gSeries: Int32Array, gTs: BigInt64Array, dedup: boolean, newestFirst: boolean, tmp: ScratchPool): Uint32Array {
  const S = mem.seriesTags.length, N = mem.rows;
  const order = Array.from({ length: S }, (_, i) => i).sort((a, b) => compareKeyTuples(mem.seriesTags[a]!, mem.seriesTags[b]!));
  const rank = new Int32Array(S);
  order.forEach((id, r) => { rank[id] = r; });
  const bounds = new Int32Array(S + 1);
  for (let g = 0; g < N; g++) bounds[rank[gSeries[g]!]! + 1]!++;
  for (let r = 0; r < S; r++) bounds[r + 1]! += bounds[r]!;
  const fill = bounds.slice(0, S);
  const perm = tmp.u32(N);
  for (let g = 0; g < N; g++) perm[fill[rank[gSeries[g]!]!]!++] = g;
  const w = words(gTs);
  // Equal (series, ts) rows: arrival order when deduping (the last is kept) or collapsing (last_non_null); newest
  // first in an append-only table, as GreptimeDB orders rows by sequence, descending.
  const byTs = newestFirst ? (a: number, b: number) => cmp(w, a, w, b) || b - a : (a: number, b: number) => cmp(w, a, w, b) || a - b;
  const unsorted = newestFirst ? -1 : 0;
  let m = 0;
  for (let r = 0; r < S; r++) {
    const a = bounds[r]!, b = bounds[r + 1]!;
    for (let i = a + 1; i < b; i++) {
      if (cmp(w, perm[i - 1]!, w, perm[i]!) > unsorted) { perm.subarray(a, b).sort(byTs); break; }
    }
    // Equal (series, ts) rows are adjacent in arrival order: the last one is the newest write.
    for (let i = a; i < b; i++) {
      if (dedup && i + 1 < b && cmp(w, perm[i]!, w, perm[i + 1]!) === 0) continue;
      perm[m++] = perm[i]!;
    }
  }
  return perm.subarray(0, m);
}

function tagColumn(mem: MemView, t: number, sid: Int32Array, out: Int32Array): ColumnData {
  const values = new Set<string>();
  for (const tuple of mem.seriesTags) if (tuple[t] != null) values.add(tuple[t]!);
  const dict = [...values].sort();
  const pos = new Map(dict.map((v, i) => [v, i]));
  const code = Int32Array.from(mem.seriesTags, (tuple) => (tuple[t] == null ? -1 : pos.get(tuple[t]!)!));
  const n = sid.length;
  let valid: Uint8Array | null = null;
  for (let i = 0; i < n; i++) {
    const c = code[sid[i]!]!;
    if (c < 0) { valid ??= new Uint8Array(n).fill(1); valid[i] = 0; out[i] = 0; }
    else out[i] = c;
  }
  return { type: 'string', values: out, valid, dict };
}

/** Values -> codes in order of first appearance (`dict` lists them). */
export function stringInterner(): { dict: string[]; codeOf: (v: string) => number } {
  const dict: string[] = [];
  const pos = new Map<string, number>();
  return {
    dict,
    codeOf(v) {
      let k = pos.get(v);
      if (k === undefined) { k = dict.length; dict.push(v); pos.set(v, k); }
      return k;
    },
  };
}

/** A string field: codes of every chunk (plain or dictionary form) mapped into one output dictionary. */
function stringField(mem: MemView, col: ColumnSchema, locChunk: Uint32Array, locRow: Uint32Array): ColumnData {
  const n = locRow.length;
  const srcs = mem.chunks.map((c) => c.cols.get(col.name));
  const values = new Int32Array(n);
  const valid = new Uint8Array(n);
  const { dict, codeOf } = stringInterner();
  const def = defaultOf(col);
  const defCode = def === null ? -1 : codeOf(def as string);
  // Per chunk in dictionary form: its code -> output code, filled on first use (-2 = not seen yet).
  const maps = srcs.map((s) => (s?.dict ? new Int32Array(s.dict.length).fill(-2) : null));
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    const ci = locChunk[i]!, local = locRow[i]!;
    const s = srcs[ci];
    let code = -1;
    if (!s) code = defCode;
    else if (!(s.valid && s.valid[local] === 0)) {
      const map = maps[ci];
      if (map) {
        const k = (s.values as Int32Array)[local]!;
        if (k >= 0 && k < map.length) {
          code = map[k]!;
          if (code === -2) code = map[k] = codeOf(s.dict![k]!);
        }
      } else {
        const v = (s.values as (string | null)[])[local];
        if (v !== null && v !== undefined) code = codeOf(v);
      }
    }
    if (code < 0) nulls++;
    else { values[i] = code; valid[i] = 1; }
  }
  return { type: 'string', values, valid: nulls > 0 ? valid : null, dict };
}

// Rows of every chunk laid end to end, reused across columns and flushes (fresh memory is slow to first touch).
let flat = new Float64Array(0);

/** Hot path: a numeric column every chunk has without nulls is a gather by global row index from one flat copy. */
function plainGather(mem: MemView, col: ColumnSchema, perm: Uint32Array, alloc: Alloc): ColumnData | null {
  if (col.type === 'string') return null;
  const srcs = mem.chunks.map((c) => c.cols.get(col.name));
  if (!srcs.every((s) => s && !s.valid && !s.dict)) return null;
  if (flat.length < mem.rows) flat = new Float64Array(Math.max(mem.rows, flat.length * 2));
  const f = new Uint8Array(flat.buffer);
  let o = 0;
  mem.chunks.forEach((c, k) => {
    const s = srcs[k]!;
    if (s.scale !== undefined) { widenInto(s.values as Int16Array | Int32Array, s.scale, c.rows, flat, o / 8); o += 8 * c.rows; return; }
    const v = s.values as Float64Array;
    f.set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength), o);
    o += v.byteLength;
  });
  const n = perm.length, values = alloc(col.type, n);
  if (col.type === 'boolean') {
    const src = f, dst = values as Uint8Array;
    for (let i = 0; i < n; i++) dst[i] = src[perm[i]!]!;
  } else if (col.type === 'float64') {
    const src = flat, dst = values as Float64Array;
    for (let i = 0; i < n; i++) dst[i] = src[perm[i]!]!;
  } else {
    // int64 bit patterns go through word copies: a float view could canonicalize NaN-looking patterns.
    gather(new Int32Array(flat.buffer), perm, words(values as BigInt64Array));
  }
  return { type: col.type, values, valid: null };
}

/** Output row i comes from chunk locChunk[i], row locRow[i]: resolved once for all columns. */
function fieldColumn(mem: MemView, col: ColumnSchema, locChunk: Uint32Array, locRow: Uint32Array): ColumnData {
  if (col.type === 'string') return stringField(mem, col, locChunk, locRow);
  const n = locRow.length;
  const srcs = mem.chunks.map((c) => widened(c.cols.get(col.name), c.rows));
  const out: ColumnData = { type: col.type, values: allocTyped(col.type, n), valid: null };
  if (srcs.every((s) => s && !s.valid)) {
    // Hot path: every chunk has the column and no nulls, so it is a plain typed gather.
    const arrs = srcs.map((s) => s!.values as Float64Array), dst = out.values as Float64Array;
    for (let i = 0; i < n; i++) dst[i] = arrs[locChunk[i]!]![locRow[i]!]!;
    return out;
  }
  const def = defaultOf(col);
  const needValid = srcs.some((s) => s?.valid) || (def === null && srcs.some((s) => !s));
  if (needValid) out.valid = new Uint8Array(n);
  const dst = out.values as unknown as (number | bigint)[];
  for (let i = 0; i < n; i++) {
    const local = locRow[i]!;
    const s = srcs[locChunk[i]!];
    let v: number | bigint | string | null | undefined;
    if (!s) v = def;
    else if (s.valid && s.valid[local] === 0) v = null;
    else v = (s.values as unknown as (number | bigint)[])[local];
    if (v === null || v === undefined) continue;
    if (needValid) out.valid![i] = 1;
    dst[i] = v as number;
  }
  return out;
}

/** Chunks of a memtable (all, or a range of them) with what sorting needs to know about them. */
export interface MemView {
  chunks: Chunk[];
  rows: number;
  deletes: number;
  seriesTags: (string | null)[][];
}

/** Chunks [from, to) of a memtable. */
export function memView(mem: Memtable, from: number, to: number): MemView {
  if (from === 0 && to === mem.chunks.length) return mem;
  const chunks = mem.chunks.slice(from, to);
  let rows = 0, deletes = 0;
  for (const c of chunks) { rows += c.rows; if (c.op !== 0) deletes += c.rows; }
  return { chunks, rows, deletes, seriesTags: mem.seriesTags };
}

/** The chunks with columns written under another type (before ALTER TABLE MODIFY COLUMN) cast to the schema's type. */
export function conformed(mem: MemView, schema: TableSchema): MemView {
  const fields = new Map(schema.columns.filter((c) => c.semantic === 'field').map((c) => [c.name, c]));
  let chunks: Chunk[] | null = null;
  mem.chunks.forEach((c, k) => {
    let cols: Map<string, ChunkColumn> | null = null;
    for (const [name, col] of c.cols) {
      const cs = fields.get(name);
      if (!col.type || !cs || cs.type === col.type) continue;
      (cols ??= new Map(c.cols)).set(name, castColumn(widened(col, c.rows), col.type, cs, c.rows));
    }
    if (cols) (chunks ??= [...mem.chunks])[k] = { ...c, cols };
  });
  return chunks ? { chunks, rows: mem.rows, deletes: mem.deletes, seriesTags: mem.seriesTags } : mem;
}

type Alloc = (type: ColumnSchema['type'], n: number) => ColumnData['values'];

const tmpPool = new ScratchPool();
const outPool = new ScratchPool();

/**
 * The memtable as a sorted run of every schema column (no TTL applied), one row per key unless append-only.
 * With `scratch`, the run's main columns live in memory reused by the next scratch sort: for a flush that encodes
 * the run right away and never hands it out.
 */
export function sortMemtable(mem: MemView, schema: TableSchema, scratch = false): Run {
  const mode = mergeModeOf(schema);
  const alloc: Alloc = scratch ? (type, n) => outPool.typed(type, n) : allocTyped;
  if (scratch) outPool.reset();
  const run = sortChunks(conformed(mem, schema), schema, mode === 'last_row', alloc);
  return mode === 'last_non_null' ? collapseLastNonNull(run, schema.primaryKey, schema.timeIndex) : run;
}

/** The memtable's rows laid end to end (series, time, chunk of each global row index) and their sorted order. */
export interface SortedRows {
  /** Global row indexes in (series rank, ts) order, deduplicated unless append-only. */
  perm: Uint32Array;
  gSeries: Int32Array;
  gTs: BigInt64Array;
  chunkOf: Uint32Array;
  chunkStart: number[];
}

/** Sorts the rows of the chunks into a permutation, in memory from `tmp` (the arrays live until its next reset). */
export function sortedRows(mem: MemView, schema: TableSchema, dedup: boolean, tmp: ScratchPool): SortedRows {
  const N = mem.rows;
  const gSeries = tmp.i32(N), gTs = tmp.i64(N), chunkOf = tmp.u32(N);
  const chunkStart: number[] = [];
  let o = 0;
  mem.chunks.forEach((c, k) => {
    chunkStart.push(o);
    gSeries.set(c.series, o);
    gTs.set(c.ts, o);
    chunkOf.fill(k, o, o + c.rows);
    o += c.rows;
  });
  const perm = sortedPermutation(mem, gSeries, gTs, dedup, schema.options.appendMode === true, tmp);
  return { perm, gSeries, gTs, chunkOf, chunkStart };
}

function sortChunks(mem: MemView, schema: TableSchema, dedup: boolean, alloc: Alloc): Run {
  const tmp = tmpPool.reset();
  const { perm, gSeries, gTs, chunkOf, chunkStart } = sortedRows(mem, schema, dedup, tmp);
  const cols = new Map<string, ColumnData>();
  const ts = alloc('timestamp', perm.length) as BigInt64Array;
  gather(words(gTs), perm, words(ts));
  cols.set(schema.timeIndex, { type: 'timestamp', values: ts, valid: null });
  const sid = tmp.i32(perm.length);
  for (let i = 0; i < perm.length; i++) sid[i] = gSeries[perm[i]!]!;
  schema.primaryKey.forEach((name, t) => cols.set(name, tagColumn(mem, t, sid, alloc('string', sid.length) as Int32Array)));
  let loc: { chunk: Uint32Array; row: Uint32Array } | null = null;
  const locate = () => {
    if (loc) return loc;
    const chunk = new Uint32Array(perm.length), row = new Uint32Array(perm.length);
    for (let i = 0; i < perm.length; i++) {
      const g = perm[i]!, c = chunkOf[g]!;
      chunk[i] = c;
      row[i] = g - chunkStart[c]!;
    }
    return (loc = { chunk, row });
  };
  for (const col of schema.columns) {
    if (cols.has(col.name)) continue;
    cols.set(col.name, plainGather(mem, col, perm, alloc) ?? fieldColumn(mem, col, locate().chunk, locate().row));
  }
  if (mem.deletes > 0) {
    const ops = new Uint8Array(perm.length), chunkOps = mem.chunks.map((c) => c.op);
    const lc = locate().chunk;
    for (let i = 0; i < perm.length; i++) ops[i] = chunkOps[lc[i]!]!;
    cols.set(OP_COLUMN, { type: 'boolean', values: ops, valid: null });
  }
  return { rows: perm.length, cols };
}
