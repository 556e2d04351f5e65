// Writes a segment: an Arrow IPC file of row groups (one record batch each, ZSTD bodies) + manifest stats, a row group
// at a time from a source (source.ts: a run in memory, or a memtable sorted into a permutation).
// Timestamps, int64 and decimal floats are stored zigzag-delta encoded in byte-split streams (encoding.ts); the
// Arrow field metadata names the encoding (eddy.encoding, eddy.scale, eddy.type) so the file describes itself.
import {
  AsyncByteQueue, Binary, Data, Dictionary, Field, Float64, makeData, makeVector, RecordBatch, RecordBatchFileWriter, Schema, Struct,
  Uint16, Uint32, Uint64, Uint8, type DataType as ArrowType, type Int32, type Utf8, type Vector,
} from 'apache-arrow';
import { open, rm } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { StorageError, type TableSchema } from '../../core/index.ts';
import { arrowField, columnToData, utf8Data } from '../arrow_out.ts';
import { packBits } from '../../core/bits.ts';
import { compressionTypeOf, registerCodecs, setZstdLevel } from '../codec.ts';
import { byteSplit, encodeDecimalBytes, FLOAT_SPLIT } from './encoding.ts';
import { OP_COLUMN } from '../ops.ts';
import { SEGMENT_FORMAT } from './format.ts';
import { encodeWords, groupStarts, learnSegment, type SegmentFacts } from './plan.ts';
import { sliceColumn } from '../run.ts';
import { runColumnNames, runSource, type SegmentSource } from './source.ts';
import { encodeTextBlock, MAX_TEXT_REFS, refSourceOf, TEXT_ENCODING } from './text_block.ts';
import type { ColumnData, Compression, Run, SegmentMeta } from '../types.ts';

/**
 * Rows per row group (one record batch). Measured on the TSBS query bench (1M rows, 1,000 hosts): 8k-row groups
 * decode an eighth per cold read but make most of a query's row groups cold (123 groups instead of 16 for the cache
 * to warm) and cost a fixed part per group (read, parse, one decode per column), so single-host queries used no less
 * CPU and 8-host ones ~40% more. Reads skip inside a group by its pages instead (DEFAULT_PAGE_ROWS).
 */
export const DEFAULT_ROW_GROUP_ROWS = 65_536;

/**
 * Rows per page: a row group is written as record batches of this many rows (the last one shorter), each buffer
 * compressed on its own and every delta encoding restarting at the page, so a read that needs a few rows of a group
 * (an index's row ranges, a page's time range or tag stats) decompresses and decodes only their pages.
 */
export const DEFAULT_PAGE_ROWS = 8_192;

const UINT: Record<number, () => ArrowType> = { 1: () => new Uint8(), 2: () => new Uint16(), 4: () => new Uint32(), 8: () => new Uint64() };

/** How one column is laid out in the file: raw Arrow data, or zigzag words split into `width` byte streams. */
interface Plan {
  name: string;
  field: Field;
  type: ColumnData['type'];
  /** 0 when stored raw. */
  width: number;
  order: 1 | 2;
  scale: number;
  dictionary?: Vector<Utf8>;
  /** A text-block column (text_block.ts): the columns its rows refer to. */
  refs?: string[];
  /** A float column byte-split as it is (encoding.ts FLOAT_SPLIT). */
  split?: boolean;
}

/**
 * The text column whose rows may refer to their siblings: the one with the most text (the message of a log line),
 * referring to every other string and integer column that is not a text block with references itself. Judged on the
 * first rows (`sample`: the source's first 1,000 rows).
 */
function refsOf(sample: Run, text: string[], names: string[]): Map<string, string[]> {
  let best = '', most = -1;
  const rows = sample.rows;
  for (const name of text) {
    const c = sample.cols.get(name)!, codes = c.values as Int32Array, dict = c.dict!;
    let chars = 0;
    for (let i = 0; i < rows; i++) if (!c.valid || c.valid[i] === 1) chars += dict[codes[i]!]?.length ?? 0;
    if (chars > most) { most = chars; best = name; }
  }
  if (!best) return new Map();
  // Longer values first: a short one ("1.1") found inside a longer one ("HTTP/1.1") would split it.
  const chars = (x: string): number => { const f = refSourceOf(sample.cols.get(x)!)!; let k = 0; for (let i = 0; i < rows; i++) k += f(i)?.length ?? 0; return k; };
  const refs = names.filter((x) => x !== best && x !== OP_COLUMN && refSourceOf(sample.cols.get(x)!) !== null)
    .map((x) => ({ x, k: chars(x) })).sort((a, b) => b.k - a.k).map((e) => e.x);
  return new Map([[best, refs.slice(0, MAX_TEXT_REFS)]]);
}

function planColumn(name: string, type: ColumnData['type'], schema: TableSchema, facts: SegmentFacts, refs?: string[]): Plan {
  if (name === OP_COLUMN) return { name, type, field: new Field(OP_COLUMN, new Uint8(), false, new Map([['eddy.semantic', 'op']])), width: 0, order: 1, scale: -1 };
  const i = schema.columns.findIndex((x) => x.name === name);
  const cs = schema.columns[i]!;
  // Tags are kept as text inside storage whatever their SQL type (memtable.ts): an INT tag is written as a dictionary.
  const base = arrowField(type === 'string' && cs.type !== 'string' ? { ...cs, type: 'string' } : cs, i);
  const plan: Plan = { name, type, field: base, width: 0, order: type === 'timestamp' ? 2 : 1, scale: -1 };
  let encoding = '', width = 0;
  if (type === 'timestamp' || type === 'int64') {
    encoding = plan.order === 2 ? 'delta2-zigzag-bytesplit' : 'delta-zigzag-bytesplit';
    width = facts.widths.get(name)!;
  } else if (type === 'float64') {
    const d = facts.decimals.get(name);
    if (d) { encoding = 'decimal-delta-zigzag-bytesplit'; plan.scale = d.scale; width = d.width; }
    else { encoding = FLOAT_SPLIT; width = 8; plan.split = true; }
  }
  if (refs) {
    const meta = new Map([...base.metadata, ['eddy.type', 'string'], ['eddy.encoding', TEXT_ENCODING], ['eddy.refs', JSON.stringify(refs)]]);
    return { ...plan, field: new Field(name, new Binary(), base.nullable, meta), refs };
  }
  if (encoding) {
    const meta = new Map([...base.metadata, ['eddy.type', cs.type], ['eddy.encoding', encoding]]);
    if (plan.scale >= 0) meta.set('eddy.scale', String(plan.scale));
    return { ...plan, width, field: new Field(name, UINT[width]!(), base.nullable, meta) };
  }
  if (type === 'string') plan.dictionary = makeVector(utf8Data(facts.dicts.get(name) ?? []));
  return plan;
}

/** Arrow data of a row group's slice (n rows) of a planned column; `group` holds the group's slices by name (refs). */
function dataOf(p: Plan, c: ColumnData, n: number, group: Map<string, ColumnData>): Data {
  const valid = c.valid;
  const { bitmap, zeros } = valid ? packBits(valid, n) : { bitmap: undefined, zeros: 0 };
  const nulls = { nullCount: zeros, nullBitmap: zeros > 0 ? bitmap : undefined };
  if (p.width > 0 && p.width <= 4 && p.scale >= 0) {
    const bytes = new Uint8Array(n * p.width);
    encodeDecimalBytes(c.values as Float64Array, valid, n, p.scale, p.width, bytes);
    const data = p.width === 1 ? bytes : p.width === 2 ? new Uint16Array(bytes.buffer, 0, n) : new Uint32Array(bytes.buffer, 0, n);
    return makeData({ type: p.field.type as Uint8, length: n, data: data as Uint8Array, ...nulls });
  }
  if (p.split) {
    const v = c.values as Float64Array, bytes = new Uint8Array(n * 8);
    byteSplit(new Int32Array(v.buffer, v.byteOffset, 2 * n), 0, n, 8, bytes);
    return makeData({ type: p.field.type as Uint8, length: n, data: new BigUint64Array(bytes.buffer, 0, n) as unknown as Uint8Array, ...nulls });
  }
  if (p.width > 0) {
    const { zz, width } = encodeWords(c, n, p.order, p.scale);
    if (width < 0 || width > p.width) throw new StorageError(`segment encoding of column ${p.field.name} does not round-trip`);
    const bytes = new Uint8Array(n * p.width);
    byteSplit(zz, 0, n, p.width, bytes);
    const data = p.width === 1 ? bytes : p.width === 2 ? new Uint16Array(bytes.buffer, 0, n) : p.width === 4 ? new Uint32Array(bytes.buffer, 0, n) : new BigUint64Array(bytes.buffer, 0, n);
    return makeData({ type: p.field.type as Uint8, length: n, data: data as Uint8Array, ...nulls });
  }
  if (p.refs) {
    const blob = encodeTextBlock(c, 0, n, p.refs.map((r) => refSourceOf(group.get(r)!)!));
    // The whole block is row 0's value (the other rows' slots are empty), so Arrow's offsets cost nothing.
    const valueOffsets = new Int32Array(n + 1).fill(blob.length);
    valueOffsets[0] = 0;
    return makeData({ type: new Binary(), length: n, valueOffsets, data: blob, ...nulls });
  }
  if (p.field.name === OP_COLUMN) return makeData({ type: new Uint8(), length: n, data: c.values as Uint8Array });
  if (c.type === 'string') {
    return makeData({ type: p.field.type as Dictionary<Utf8, Int32>, length: n, data: c.values as Int32Array, dictionary: p.dictionary!, ...nulls });
  }
  return columnToData(p.field.type, c, n) as Data<Float64>;
}

export interface EncodedSegment {
  bytes: Uint8Array;
  meta: Omit<SegmentMeta, 'file' | 'bytes' | 'maxSeq' | 'createdAt'>;
}

/** Collects what the Arrow writer writes, for the caller to take after each row group (no async queue). */
class ChunkSink extends AsyncByteQueue {
  private chunks: Uint8Array[] = [];
  override write(value: Uint8Array): void {
    if (value.byteLength > 0) this.chunks.push(value);
  }
  take(): Uint8Array[] {
    const c = this.chunks;
    this.chunks = [];
    return c;
  }
}

/**
 * The segment's bytes, a row group at a time: a first pass over the source learns what the schema must say (plan.ts),
 * then each row group is sliced, encoded and compressed, and its bytes handed out before the next is sliced (the
 * first piece also carries the schema and dictionaries, the last the footer). Returns the manifest's stats.
 */
function* segmentPieces(src: SegmentSource, schema: TableSchema, compression: Compression, level: number, rowGroupRows: number, pageRows: number): Generator<Uint8Array[], EncodedSegment['meta']> {
  registerCodecs();
  const n = src.rows;
  const facts = learnSegment(src, schema, rowGroupRows, pageRows);
  const { starts, columns, groups } = facts;
  const names = src.names;
  const sample: Run = { rows: Math.min(n, 1000), cols: new Map(names.map((x) => [x, src.slice(x, 0, Math.min(n, 1000))])) };
  const text = names.filter((x) => x !== OP_COLUMN && sample.cols.get(x)!.type === 'string' && src.textColumn(x));
  const refs = refsOf(sample, text, names);
  const plans = names.map((name) => planColumn(name, sample.cols.get(name)!.type, schema, facts, text.includes(name) ? refs.get(name) ?? [] : undefined));
  const arrowSchema = new Schema(plans.map((p) => p.field), new Map([
    ['eddy.table', `${schema.db}.${schema.name}`], ['eddy.schema_version', String(schema.version)],
    ['eddy.row_groups', JSON.stringify(groups.map((g) => ({ rows: g.rows, minTs: g.minTs, maxTs: g.maxTs })))],
    ['eddy.format', SEGMENT_FORMAT], ['eddy.page_rows', String(facts.pageRows)], ['eddy.pages', JSON.stringify(facts.pages)],
  ]));
  setZstdLevel(level);
  const sink = new ChunkSink();
  const writer = new RecordBatchFileWriter({ compressionType: compressionTypeOf(compression) });
  writer.reset(sink);
  for (let k = 0; k < starts.length; k++) {
    const a = starts[k]!, b = k + 1 < starts.length ? starts[k + 1]! : n;
    const group = new Map(names.map((x) => [x, src.slice(x, a, b)]));
    const ps = groupStarts(b - a, facts.pageRows);
    for (let j = 0; j < ps.length; j++) {
      const pa = ps[j]!, pb = j + 1 < ps.length ? ps[j + 1]! : b - a;
      const page = ps.length === 1 ? group : new Map([...group].map(([x, c]) => [x, sliceColumn(c, pa, pb)]));
      const children = plans.map((p) => dataOf(p, page.get(p.name)!, pb - pa, page));
      writer.write(new RecordBatch(arrowSchema, makeData({ type: new Struct(arrowSchema.fields), length: pb - pa, nullCount: 0, children })));
    }
    // the last group's piece waits for the footer
    if (k + 1 < starts.length) yield sink.take();
  }
  writer.finish();
  yield sink.take();
  const { min: minTs, max: maxTs } = columns[schema.timeIndex]!;
  return { rows: n, series: src.series(), minTs: String(minTs), maxTs: String(maxTs), schemaVersion: schema.version, columns, groups };
}

/** A run held in memory as one segment's bytes (tests, and runs a scan already sorted). */
export function encodeSegment(run: Run, schema: TableSchema, compression: Compression, level: number, rowGroupRows = DEFAULT_ROW_GROUP_ROWS, pageRows = DEFAULT_PAGE_ROWS): EncodedSegment {
  const src = runSource(run, runColumnNames(run, schema.columns.map((c) => c.name)), schema.primaryKey);
  const pieces = segmentPieces(src, schema, compression, level, rowGroupRows, pageRows);
  const parts: Uint8Array[] = [];
  for (;;) {
    const r = pieces.next();
    if (r.done) return { bytes: Buffer.concat(parts), meta: r.value };
    parts.push(...r.value);
  }
}

export interface WrittenSegment {
  /** File size. */
  bytes: number;
  crc32: number;
  meta: EncodedSegment['meta'];
}

/**
 * Writes a segment file row group by row group: each group's encoded, compressed bytes go to the file before the
 * next group is sliced, so the write holds one row group (and the source), never the whole file. Fsynced before the
 * manifest may name it; a failed write removes the partial file.
 */
export async function writeSegmentFile(
  path: string, src: SegmentSource, schema: TableSchema, compression: Compression, level: number, rowGroupRows = DEFAULT_ROW_GROUP_ROWS, pageRows = DEFAULT_PAGE_ROWS,
): Promise<WrittenSegment> {
  await storageFaults.beforeWrite?.(path);
  const fh = await open(path, 'w');
  let bytes = 0, crc = 0, ok = false;
  try {
    const pieces = segmentPieces(src, schema, compression, level, rowGroupRows, pageRows);
    for (;;) {
      const r = pieces.next();
      if (r.done) {
        await fh.sync();
        ok = true;
        return { bytes, crc32: crc, meta: r.value };
      }
      for (const c of r.value) crc = crc32(c, crc);
      const n = r.value.reduce((s, c) => s + c.byteLength, 0);
      await fh.writev(r.value);
      bytes += n;
    }
  } finally {
    await fh.close();
    if (!ok) await rm(path, { force: true });
  }
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
