// Writes a run as one segment: an Arrow IPC file of row groups (one record batch each, ZSTD bodies) + manifest stats.
// Timestamps, int64 and decimal floats are stored zigzag-delta encoded in byte-split streams (encoding.ts); the
// Arrow field metadata names the encoding (eddy.encoding, eddy.scale, eddy.type) so the file describes itself.
import {
  Binary, Data, Dictionary, Field, Float64, makeData, makeVector, RecordBatch, RecordBatchFileWriter, Schema, Struct,
  Uint16, Uint32, Uint64, Uint8, type DataType as ArrowType, type Int32, type Utf8, type Vector,
} from 'apache-arrow';
import { open } from 'node:fs/promises';
import { StorageError, type TableSchema } from '../../core/index.ts';
import { arrowField, columnToData, utf8Data } from '../arrow_out.ts';
import { packBits } from '../../core/bits.ts';
import { compressionTypeOf, registerCodecs, setZstdLevel } from '../codec.ts';
import { byteSplit, decimalPlan, encodeDecimal, encodeDecimalBytes, encodeInt64, widthOf } from './encoding.ts';
import { words } from '../int64.ts';
import { OP_COLUMN } from '../ops.ts';
import { columnStats, countSeries } from './stats.ts';
import { distinctUsed, encodeTextBlock, MAX_TEXT_REFS, refSourceOf, TEXT_ENCODING, type RefSource } from './text_block.ts';
import type { ColumnData, ColumnStats, Compression, RowGroupMeta, Run, SegmentMeta } from '../types.ts';

/**
 * Rows per row group (one record batch). Segments are sorted by series, so the inverted index maps a series to a
 * short row range; a cold read decodes whole row groups, so their size is the cost of reading one series. 8k rows
 * keep that cost an eighth of 64k's for 2-3% more bytes (each group restarts its deltas and zstd frames).
 */
export const DEFAULT_ROW_GROUP_ROWS = 8_192;

/** Drops dictionary entries no row uses and sorts the rest, so files stay small and stats exact. */
function compactDict(c: ColumnData, n: number): ColumnData {
  const dict = c.dict!, codes = c.values as Int32Array;
  const used = new Uint8Array(dict.length);
  for (let i = 0; i < n; i++) if (!c.valid || c.valid[i]) used[codes[i]!] = 1;
  const keep = dict.map((v, i) => ({ v, i })).filter((e) => used[e.i]).sort((a, b) => (a.v < b.v ? -1 : a.v > b.v ? 1 : 0));
  if (keep.length === dict.length && keep.every((e, k) => e.i === k)) return c;
  const map = new Int32Array(dict.length);
  keep.forEach((e, k) => { map[e.i] = k; });
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = map[codes[i]!]!;
  return { ...c, values: out, dict: keep.map((e) => e.v) };
}

// Scratch words reused across writes: first touch of fresh memory is what makes large allocations slow.
let scratch = new Int32Array(0);
function scratchWords(n: number): Int32Array {
  if (scratch.length < 2 * n) scratch = new Int32Array(Math.max(2 * n, scratch.length * 2));
  return scratch;
}

const UINT: Record<number, () => ArrowType> = { 1: () => new Uint8(), 2: () => new Uint16(), 4: () => new Uint32(), 8: () => new Uint64() };

/** How one column is laid out in the file: raw Arrow data, or zigzag words split into `width` byte streams. */
interface Plan {
  field: Field;
  col: ColumnData;
  /** 0 when stored raw. */
  width: number;
  order: 1 | 2;
  scale: number;
  dictionary?: Vector<Utf8>;
  /** A text-block column (text_block.ts): the columns its rows refer to, as text sources. */
  refs?: RefSource[];
}

/** Zigzag words of rows [a, b) of an encoded column into the shared scratch; the largest value's width. */
function encodeRange(p: Plan, a: number, b: number): { zz: Int32Array; width: number } {
  const n = b - a, c = p.col;
  const zz = scratchWords(n);
  const valid = c.valid ? c.valid.subarray(a, b) : null;
  if (p.scale >= 0) {
    const max = new Float64Array(1);
    const ok = encodeDecimal((c.values as Float64Array).subarray(a, b), valid, n, p.scale, [0], zz, max);
    return { zz, width: ok ? widthOf(max[0]!) : -1 };
  }
  const w = words(c.values as BigInt64Array).subarray(2 * a, 2 * b);
  return { zz, width: encodeInt64(w, valid, n, p.order, [0], zz) };
}

/**
 * Non-tag string columns whose values are mostly distinct (log messages, ids): a dictionary would hold every value
 * once plus a random 4-byte code per row, so they are written as text blocks instead (text_block.ts).
 */
function textColumns(run: Run, schema: TableSchema): Set<string> {
  const out = new Set<string>();
  for (const [name, c] of run.cols) {
    if (c.type !== 'string' || schema.primaryKey.includes(name) || run.rows < 2) continue;
    if (2 * distinctUsed(c, run.rows) > run.rows) out.add(name);
  }
  return out;
}

/**
 * The text column whose rows may refer to their siblings: the one with the most text (the message of a log line),
 * referring to every other string and integer column that is not a text block with references itself.
 */
function refsOf(run: Run, text: Set<string>, names: string[]): Map<string, string[]> {
  let best = '', most = -1;
  for (const name of text) {
    const c = run.cols.get(name)!, codes = c.values as Int32Array, dict = c.dict!;
    let chars = 0;
    for (let i = 0; i < Math.min(run.rows, 1000); i++) chars += dict[codes[i]!]?.length ?? 0;
    if (chars > most) { most = chars; best = name; }
  }
  if (!best) return new Map();
  // Longer values first: a short one ("1.1") found inside a longer one ("HTTP/1.1") would split it.
  const sample = Math.min(run.rows, 1000);
  const chars = (x: string): number => { const f = refSourceOf(run.cols.get(x)!)!; let k = 0; for (let i = 0; i < sample; i++) k += f(i)?.length ?? 0; return k; };
  const refs = names.filter((x) => x !== best && x !== OP_COLUMN && refSourceOf(run.cols.get(x)!) !== null)
    .map((x) => ({ x, k: chars(x) })).sort((a, b) => b.k - a.k).map((e) => e.x);
  return new Map([[best, refs.slice(0, MAX_TEXT_REFS)]]);
}

function planColumn(name: string, c: ColumnData, n: number, schema: TableSchema, starts: number[], refs?: string[], run?: Run): Plan {
  if (name === OP_COLUMN) return { field: new Field(OP_COLUMN, new Uint8(), false, new Map([['eddy.semantic', 'op']])), col: c, width: 0, order: 1, scale: -1 };
  const i = schema.columns.findIndex((x) => x.name === name);
  const cs = schema.columns[i]!;
  // Tags are kept as text inside storage whatever their SQL type (memtable.ts): an INT tag is written as a dictionary.
  const base = arrowField(c.type === 'string' && cs.type !== 'string' ? { ...cs, type: 'string' } : cs, i);
  const plan: Plan = { field: base, col: c, width: 0, order: c.type === 'timestamp' ? 2 : 1, scale: -1 };
  let encoding = '', width = 0;
  if (c.type === 'timestamp' || c.type === 'int64') {
    encoding = plan.order === 2 ? 'delta2-zigzag-bytesplit' : 'delta-zigzag-bytesplit';
    // One pass per row group (deltas restart there) to find the widest value: the width is the file's.
    for (let k = 0; k < starts.length; k++) width = Math.max(width, encodeRange(plan, starts[k]!, k + 1 < starts.length ? starts[k + 1]! : n).width);
  } else if (c.type === 'float64') {
    const d = decimalPlan(c.values as Float64Array, c.valid, n, starts);
    if (d) { encoding = 'decimal-delta-zigzag-bytesplit'; plan.scale = d.scale; width = d.width; }
  }
  if (refs) {
    const meta = new Map([...base.metadata, ['eddy.type', 'string'], ['eddy.encoding', TEXT_ENCODING], ['eddy.refs', JSON.stringify(refs)]]);
    return { ...plan, field: new Field(name, new Binary(), base.nullable, meta), refs: refs.map((r) => refSourceOf(run!.cols.get(r)!)!) };
  }
  if (encoding) {
    const meta = new Map([...base.metadata, ['eddy.type', cs.type], ['eddy.encoding', encoding]]);
    if (plan.scale >= 0) meta.set('eddy.scale', String(plan.scale));
    return { ...plan, width, field: new Field(name, UINT[width]!(), base.nullable, meta) };
  }
  if (c.type === 'string') plan.dictionary = makeVector(utf8Data(c.dict ?? []));
  return plan;
}

/** Arrow data of rows [a, b) of a planned column. */
function dataOf(p: Plan, a: number, b: number): Data {
  const n = b - a;
  const valid = p.col.valid ? p.col.valid.subarray(a, b) : null;
  const { bitmap, zeros } = valid ? packBits(valid, n) : { bitmap: undefined, zeros: 0 };
  const nulls = { nullCount: zeros, nullBitmap: zeros > 0 ? bitmap : undefined };
  if (p.width > 0 && p.width <= 4 && p.scale >= 0) {
    const bytes = new Uint8Array(n * p.width);
    encodeDecimalBytes((p.col.values as Float64Array).subarray(a, b), valid, n, p.scale, p.width, bytes);
    const data = p.width === 1 ? bytes : p.width === 2 ? new Uint16Array(bytes.buffer, 0, n) : new Uint32Array(bytes.buffer, 0, n);
    return makeData({ type: p.field.type as Uint8, length: n, data: data as Uint8Array, ...nulls });
  }
  if (p.width > 0) {
    const { zz, width } = encodeRange(p, a, b);
    if (width < 0 || width > p.width) throw new StorageError(`segment encoding of column ${p.field.name} does not round-trip`);
    const bytes = new Uint8Array(n * p.width);
    byteSplit(zz, 0, n, p.width, bytes);
    const data = p.width === 1 ? bytes : p.width === 2 ? new Uint16Array(bytes.buffer, 0, n) : p.width === 4 ? new Uint32Array(bytes.buffer, 0, n) : new BigUint64Array(bytes.buffer, 0, n);
    return makeData({ type: p.field.type as Uint8, length: n, data: data as Uint8Array, ...nulls });
  }
  if (p.refs) {
    const blob = encodeTextBlock(p.col, a, b, p.refs);
    // The whole block is row 0's value (the other rows' slots are empty), so Arrow's offsets cost nothing.
    const valueOffsets = new Int32Array(n + 1).fill(blob.length);
    valueOffsets[0] = 0;
    return makeData({ type: new Binary(), length: n, valueOffsets, data: blob, ...nulls });
  }
  if (p.field.name === OP_COLUMN) return makeData({ type: new Uint8(), length: n, data: (p.col.values as Uint8Array).subarray(a, b) });
  if (p.col.type === 'string') {
    return makeData({ type: p.field.type as Dictionary<Utf8, Int32>, length: n, data: (p.col.values as Int32Array).subarray(a, b), dictionary: p.dictionary!, ...nulls });
  }
  const slice: ColumnData = { type: p.col.type, values: p.col.values.subarray(a, b), valid };
  return columnToData(p.field.type, slice, n) as Data<Float64>;
}

/**
 * A row group's time range and tag stats. Tag dictionaries are sorted (compactDict), so a tag's min and max are its
 * smallest and largest code in the group. Stats equal to the whole segment's are left out: a reader falls back to the
 * segment's (scan.ts), and they would only grow the manifest (tags other than the leading key span every group).
 */
function groupMeta(run: Run, a: number, b: number, tags: string[], timeIndex: string, segment: Record<string, ColumnStats>): RowGroupMeta {
  const ts = run.cols.get(timeIndex)!.values as BigInt64Array;
  const c = run.cols.get(timeIndex)!;
  const t = columnStats({ ...c, values: c.values.subarray(a, b), valid: c.valid ? c.valid.subarray(a, b) : null }, b - a);
  const g: RowGroupMeta = { rows: b - a, minTs: String(t.min ?? ts[a]), maxTs: String(t.max ?? ts[a]), tags: {} };
  for (const name of tags) {
    const col = run.cols.get(name);
    if (!col) continue;
    const st = col.type === 'string' && col.dict ? sortedDictStats(col, a, b) : columnStats({ ...col, values: col.values.subarray(a, b), valid: col.valid ? col.valid.subarray(a, b) : null }, b - a);
    const whole = segment[name];
    if (whole && st.min === whole.min && st.max === whole.max && st.nulls === whole.nulls) continue;
    g.tags[name] = st;
  }
  return g;
}

/** Stats of rows a..b of a string column whose dictionary is sorted: min and max by code, no pass over the dictionary. */
function sortedDictStats(c: ColumnData, a: number, b: number): ColumnStats {
  const codes = c.values as Int32Array, valid = c.valid;
  let lo = 0x7fffffff, hi = -1, nulls = 0;
  for (let i = a; i < b; i++) {
    if (valid && valid[i] === 0) { nulls++; continue; }
    const k = codes[i]!;
    if (k < lo) lo = k;
    if (k > hi) hi = k;
  }
  return hi < 0 ? { min: null, max: null, nulls } : { min: c.dict![lo]!, max: c.dict![hi]!, nulls };
}

export interface EncodedSegment {
  bytes: Uint8Array;
  meta: Omit<SegmentMeta, 'file' | 'bytes' | 'maxSeq' | 'createdAt'>;
}

export function encodeSegment(run: Run, schema: TableSchema, compression: Compression, level: number, rowGroupRows = DEFAULT_ROW_GROUP_ROWS): EncodedSegment {
  registerCodecs();
  const n = run.rows;
  const text = textColumns(run, schema);
  for (const [name, c] of run.cols) if (c.type === 'string' && !text.has(name)) run.cols.set(name, compactDict(c, n));
  const columns: Record<string, ColumnStats> = {};
  for (const [name, c] of run.cols) if (name !== OP_COLUMN) columns[name] = columnStats(c, n);
  const { min: minTs, max: maxTs } = columns[schema.timeIndex]!;
  const starts: number[] = [];
  for (let a = 0; a < n || a === 0; a += Math.max(1, rowGroupRows)) starts.push(a);
  const names = [...schema.columns.map((c) => c.name), OP_COLUMN].filter((x) => run.cols.has(x));
  const refs = refsOf(run, text, names);
  const plans = names.map((name) => planColumn(name, run.cols.get(name)!, n, schema, starts, text.has(name) ? refs.get(name) ?? [] : undefined, run));
  const groups = starts.map((a, k) => groupMeta(run, a, k + 1 < starts.length ? starts[k + 1]! : n, schema.primaryKey, schema.timeIndex, columns));
  const arrowSchema = new Schema(plans.map((p) => p.field), new Map([
    ['eddy.table', `${schema.db}.${schema.name}`], ['eddy.schema_version', String(schema.version)],
    ['eddy.row_groups', JSON.stringify(groups.map((g) => ({ rows: g.rows, minTs: g.minTs, maxTs: g.maxTs })))],
  ]));
  // Built one at a time as the writer pulls them, so each group's encoded buffers are compressed before the next.
  function* batches(): Generator<RecordBatch> {
    for (let k = 0; k < starts.length; k++) {
      const a = starts[k]!, b = k + 1 < starts.length ? starts[k + 1]! : n;
      const children = plans.map((p) => dataOf(p, a, b));
      yield new RecordBatch(arrowSchema, makeData({ type: new Struct(arrowSchema.fields), length: b - a, nullCount: 0, children }));
    }
  }
  setZstdLevel(level);
  const bytes = RecordBatchFileWriter.writeAll(batches(), { compressionType: compressionTypeOf(compression) }).toUint8Array(true);
  return {
    bytes,
    meta: {
      rows: n, series: countSeries(run, schema.primaryKey), minTs: String(minTs), maxTs: String(maxTs),
      schemaVersion: schema.version, columns, groups,
    },
  };
}

/**
 * A failpoint at the storage boundary: when set, called before each durable file write and may throw (a fault test
 * simulates a full disk with an ENOSPC error here) or wait (a test holds a flush in progress). Unset in production.
 */
export const storageFaults: { beforeWrite?: (path: string) => void | Promise<void> } = {};

/** Writes bytes to a new file and fsyncs it before the manifest may name it. */
export async function writeDurable(path: string, bytes: Uint8Array): Promise<void> {
  await storageFaults.beforeWrite?.(path);
  const fh = await open(path, 'w');
  try {
    await fh.writeFile(bytes);
    await fh.sync();
  } finally {
    await fh.close();
  }
}
