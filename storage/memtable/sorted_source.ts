// A memtable as a segment source for its flush (storage/segment/source.ts): sorted once into a permutation of its rows,
// then gathered a row group at a time, column by column, straight from the chunks. The flush never holds a sorted copy
// of the memtable (which took ~3.5x its size with the encoded file): only the permutation (4 bytes a row), the sort's
// keys (16 bytes a row) and one row group of each column.
import type { ColumnSchema, TableSchema } from '../../core/index.ts';
import { words } from '../int64.ts';
import { defaultOf } from '../defaults.ts';
import { mergeModeOf, Op, OP_COLUMN } from '../ops.ts';
import { ScratchPool } from '../scratch.ts';
import type { SegmentSource } from '../segment/source.ts';
import type { ColumnData } from '../types.ts';
import type { ChunkColumn } from './memtable.ts';
import { POW10 } from '../segment/encoding.ts';
import { conformed, sortedRows, stringInterner, type MemView } from './sort.ts';

export interface FlushOptions {
  /** Rows older than this are dropped (TTL). */
  cutoff?: bigint | undefined;
  /** Whether the tombstones must be kept: an older segment overlaps the rows' time range [min, max]. */
  olderOverlap: (minTs: bigint, maxTs: bigint) => boolean;
}

export interface FlushSource {
  src: SegmentSource;
  /** Rows whose op is not a plain put (kept only with an older overlapping segment). */
  opRows: number;
}

/** Per column: memory for one slice, grown to the largest asked for. */
class SliceBuffers {
  private values = new Map<string, ArrayBuffer>();
  private valid = new Map<string, Uint8Array>();
  bytes(name: string, n: number): ArrayBuffer {
    let b = this.values.get(name);
    if (!b || b.byteLength < n) this.values.set(name, (b = new ArrayBuffer(Math.max(n, 64))));
    return b;
  }
  validOf(name: string, n: number): Uint8Array {
    let v = this.valid.get(name);
    if (!v || v.length < n) this.valid.set(name, (v = new Uint8Array(Math.max(n, 64))));
    return v.subarray(0, n);
  }
}

/** Where the rows of a range [a, b) live: chunk and row within it. */
interface Loc { a: number; b: number; chunk: Uint32Array; row: Uint32Array }

const WIDTH: Record<ColumnData['type'], number> = { float64: 8, int64: 8, timestamp: 8, uint64: 8, boolean: 1, string: 4 };

/** Sorted, dictionary-coded values of one tag per series (-1: null), over the series the rows use. */
function tagCodes(seriesTags: (string | null)[][], t: number, used: Uint8Array): { dict: string[]; code: Int32Array } {
  const values = new Set<string>();
  for (let s = 0; s < seriesTags.length; s++) if (used[s] && seriesTags[s]![t] != null) values.add(seriesTags[s]![t]!);
  const dict = [...values].sort();
  const pos = new Map(dict.map((v, i) => [v, i]));
  const code = Int32Array.from(seriesTags, (tuple) => (tuple[t] == null ? -1 : pos.get(tuple[t]!) ?? -1));
  return { dict, code };
}

/**
 * The frozen memtable's rows to flush: sorted (last write wins unless append-only), TTL applied, tombstones dropped
 * unless an older segment overlaps them. Null for a `last_non_null` table, whose rows collapse field by field (the
 * caller sorts a run for it). The source keeps what it reads from the memtable as of this call.
 */
export function memtableSource(mem: MemView, schema: TableSchema, opts: FlushOptions): FlushSource | null {
  const mode = mergeModeOf(schema);
  if (mode === 'last_non_null') return null;
  const view = conformed(mem, schema);
  // Its own memory: the flush awaits its file writes between row groups, while other sorts reuse the shared pools.
  const { perm: sorted, gSeries, gTs, chunkOf, chunkStart } = sortedRows(view, schema, mode === 'last_row', new ScratchPool());
  const tsw = words(gTs);
  const chunkOps = view.chunks.map((c) => c.op);
  // TTL, then tombstones: the permutation is filtered in place.
  let n = 0;
  const cutoff = opts.cutoff === undefined ? null : words(BigInt64Array.of(opts.cutoff));
  for (let i = 0; i < sorted.length; i++) {
    const g = sorted[i]!;
    if (cutoff && (tsw[2 * g + 1]! < cutoff[1]! || (tsw[2 * g + 1] === cutoff[1] && tsw[2 * g]! >>> 0 < cutoff[0]! >>> 0))) continue;
    sorted[n++] = g;
  }
  let perm = sorted.subarray(0, n);
  let ops = view.deletes > 0;
  if (ops && n > 0) {
    let lo = gTs[perm[0]!]!, hi = lo;
    for (let i = 1; i < n; i++) { const t = gTs[perm[i]!]!; if (t < lo) lo = t; if (t > hi) hi = t; }
    if (!opts.olderOverlap(lo, hi)) {
      let m = 0;
      for (let i = 0; i < n; i++) if (chunkOps[chunkOf[perm[i]!]!] !== Op.Delete) perm[m++] = perm[i]!;
      perm = perm.subarray(0, m);
      n = m;
      ops = false;
    }
  } else {
    ops = false;
  }
  let opRows = 0;
  if (ops) for (let i = 0; i < n; i++) if (chunkOps[chunkOf[perm[i]!]!] !== Op.Put) opRows++;

  const used = new Uint8Array(view.seriesTags.length);
  for (let i = 0; i < n; i++) used[gSeries[perm[i]!]!] = 1;
  const tags = new Map(schema.primaryKey.map((name, t) => [name, tagCodes(view.seriesTags, t, used)]));
  const fields = schema.columns.filter((c) => c.semantic === 'field');
  // A column's chunk data as of now: a later ALTER may change the chunks' maps.
  const srcs = new Map(fields.map((c) => [c.name, view.chunks.map((k) => k.cols.get(c.name))]));
  const strings = new Map(fields.filter((c) => c.type === 'string').map((c) => [c.name, stringCodes(c, srcs.get(c.name)!, perm, chunkOf, chunkStart)]));
  const names = [...schema.columns.map((c) => c.name), ...(ops ? [OP_COLUMN] : [])];
  const bufs = new SliceBuffers();
  // Chunk and row of each row of the range last asked for: every field slice of a row group reads them.
  const loc: Loc = { a: -1, b: -1, chunk: new Uint32Array(0), row: new Uint32Array(0) };
  const locate = (a: number, b: number): Loc => {
    if (loc.a === a && loc.b === b) return loc;
    const len = b - a;
    if (loc.chunk.length < len) { loc.chunk = new Uint32Array(len); loc.row = new Uint32Array(len); }
    for (let i = 0; i < len; i++) {
      const g = perm[a + i]!, c = chunkOf[g]!;
      loc.chunk[i] = c;
      loc.row[i] = g - chunkStart[c]!;
    }
    loc.a = a;
    loc.b = b;
    return loc;
  };

  const slice = (name: string, a: number, b: number): ColumnData => {
    const len = b - a;
    if (name === schema.timeIndex) {
      const out = new BigInt64Array(bufs.bytes(name, len * 8), 0, len), ow = words(out);
      for (let i = 0; i < len; i++) { const g = perm[a + i]!; ow[2 * i] = tsw[2 * g]!; ow[2 * i + 1] = tsw[2 * g + 1]!; }
      return { type: 'timestamp', values: out, valid: null };
    }
    const tag = tags.get(name);
    if (tag) {
      const out = new Int32Array(bufs.bytes(name, len * 4), 0, len);
      let valid: Uint8Array | null = null;
      for (let i = 0; i < len; i++) {
        const k = tag.code[gSeries[perm[a + i]!]!]!;
        if (k < 0) { valid ??= bufs.validOf(name, len).fill(1); valid[i] = 0; out[i] = 0; } else out[i] = k;
      }
      return { type: 'string', values: out, valid, dict: tag.dict };
    }
    if (name === OP_COLUMN) {
      const out = new Uint8Array(bufs.bytes(name, len), 0, len);
      for (let i = 0; i < len; i++) out[i] = chunkOps[chunkOf[perm[a + i]!]!]!;
      return { type: 'boolean', values: out, valid: null };
    }
    const col = fields.find((c) => c.name === name)!;
    const st = strings.get(name);
    if (st) return st.slice(len, bufs, locate(a, b));
    return numericSlice(col, srcs.get(name)!, len, bufs, locate(a, b));
  };
  let series = -1;
  const src: SegmentSource = {
    rows: n,
    names,
    slice,
    textColumn: (name) => strings.get(name)?.text ?? false,
    series() {
      if (series >= 0) return series;
      series = n > 0 ? 1 : 0;
      for (let i = 1; i < n; i++) if (gSeries[perm[i]!] !== gSeries[perm[i - 1]!]) series++;
      return series;
    },
  };
  return { src, opRows };
}

/** Rows [a, a + len) of a numeric or boolean field: 8-byte values copied as two words (no BigInt per row). */
function numericSlice(col: ColumnSchema, srcs: (ChunkColumn | undefined)[], len: number, bufs: SliceBuffers, loc: Loc): ColumnData {
  const width = WIDTH[col.type];
  const buf = bufs.bytes(col.name, len * width);
  const def = defaultOf(col);
  let valid: Uint8Array | null = null;
  const nullAt = (i: number): void => { valid ??= bufs.validOf(col.name, len).fill(1); valid[i] = 0; };
  if (width === 8) {
    const out = new Int32Array(buf, 0, 2 * len);
    // A chunk's 8-byte values as words, or (narrow.ts) its scaled integers and 10^scale.
    const ws = srcs.map((s) => (!s || s.scale !== undefined ? null : col.type === 'float64' ? new Int32Array((s.values as Float64Array).buffer, (s.values as Float64Array).byteOffset, 2 * (s.values as Float64Array).length) : words(s.values as BigInt64Array)));
    const ps = srcs.map((s) => (s?.scale !== undefined ? POW10[s.scale]! : 0));
    const f64 = new Float64Array(buf, 0, len);
    let dw: Int32Array | null = null;
    if (def !== null) dw = col.type === 'float64' ? new Int32Array(Float64Array.of(Number(def)).buffer) : words(BigInt64Array.of(BigInt(def as bigint)));
    for (let i = 0; i < len; i++) {
      const c = loc.chunk[i]!, r = loc.row[i]!;
      const s = srcs[c];
      if (!s) {
        if (dw) { out[2 * i] = dw[0]!; out[2 * i + 1] = dw[1]!; } else { out[2 * i] = out[2 * i + 1] = 0; nullAt(i); }
      } else if (s.valid && s.valid[r] === 0) {
        out[2 * i] = out[2 * i + 1] = 0;
        nullAt(i);
      } else if (ps[c] !== 0) {
        f64[i] = (s.values as Int16Array | Int32Array)[r]! / ps[c]!;
      } else {
        const w = ws[c]!;
        out[2 * i] = w[2 * r]!;
        out[2 * i + 1] = w[2 * r + 1]!;
      }
    }
    const values = col.type === 'float64' ? new Float64Array(buf, 0, len) : col.type === 'uint64' ? new BigUint64Array(buf, 0, len) : new BigInt64Array(buf, 0, len);
    return { type: col.type, values, valid };
  }
  const out = new Uint8Array(buf, 0, len);
  const d = def === null ? -1 : def ? 1 : 0;
  for (let i = 0; i < len; i++) {
    const c = loc.chunk[i]!, r = loc.row[i]!;
    const s = srcs[c];
    if (!s) { if (d < 0) { out[i] = 0; nullAt(i); } else out[i] = d; } else if (s.valid && s.valid[r] === 0) { out[i] = 0; nullAt(i); } else out[i] = (s.values as Uint8Array)[r]!;
  }
  return { type: col.type, values: out, valid };
}

/**
 * A string field's one dictionary over the rows to flush (every chunk's dictionary or plain values mapped into it):
 * sorted and holding only used values, unless the column is text (mostly distinct values: no sort is needed, the text
 * blocks store the strings themselves).
 */
function stringCodes(col: ColumnSchema, srcs: (ChunkColumn | undefined)[], perm: Uint32Array, chunkOf: Uint32Array, chunkStart: number[]) {
  const { dict, codeOf } = stringInterner();
  const def = defaultOf(col);
  let defCode = -1;
  // Per chunk in dictionary form: its code -> output code, filled on first use (-2 = not seen yet).
  const maps = srcs.map((s) => (s?.dict ? new Int32Array(s.dict.length).fill(-2) : null));
  const n = perm.length;
  const code = (c: number, r: number): number => {
    const s = srcs[c];
    if (!s) return def === null ? -1 : defCode < 0 ? (defCode = codeOf(def as string)) : defCode;
    if (s.valid && s.valid[r] === 0) return -1;
    const map = maps[c];
    if (map) {
      const k = (s.values as Int32Array)[r]!;
      if (k < 0 || k >= map.length) return -1;
      const m = map[k]!;
      return m !== -2 ? m : (map[k] = codeOf(s.dict![k]!));
    }
    const v = (s.values as unknown as (string | null)[])[r];
    return v === null || v === undefined ? -1 : codeOf(v);
  };
  for (let i = 0; i < n; i++) { const g = perm[i]!, c = chunkOf[g]!; code(c, g - chunkStart[c]!); }
  const text = n >= 2 && 2 * dict.length > n;
  // Not text: the dictionary sorted, and codes remapped to it.
  let remap: Int32Array | null = null;
  let out = dict;
  if (!text) {
    const order = dict.map((_, i) => i).sort((x, y) => (dict[x]! < dict[y]! ? -1 : dict[x]! > dict[y]! ? 1 : 0));
    remap = new Int32Array(dict.length);
    order.forEach((k, j) => { remap![k] = j; });
    out = order.map((k) => dict[k]!);
  }
  return {
    text,
    slice(len: number, bufs: SliceBuffers, loc: Loc): ColumnData {
      const values = new Int32Array(bufs.bytes(col.name, len * 4), 0, len);
      let valid: Uint8Array | null = null;
      for (let i = 0; i < len; i++) {
        const k = code(loc.chunk[i]!, loc.row[i]!);
        if (k < 0) { valid ??= bufs.validOf(col.name, len).fill(1); valid[i] = 0; values[i] = 0; } else values[i] = remap ? remap[k]! : k;
      }
      return { type: 'string', values, valid, dict: out };
    },
  };
}
