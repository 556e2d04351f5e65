// Reads segment files: the footer and dictionaries once per file (a handle), then only the record batches (pages) and
// columns a scan needs, decompressing and decoding them straight into one output array per column.
import { Message, MessageHeader, MessageReader, RecordBatchFileReader, Type, type Field } from 'apache-arrow';
import { closeSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { TableSchema } from '../../core/index.ts';
import { StorageError } from '../../core/index.ts';
import { decoderOf, registerCodecs } from '../codec.ts';
import { defaultColumn } from '../defaults.ts';
import { byteJoin, decodeDecimalStreams, decodeInt64, FLOAT_SPLIT } from './encoding.ts';
import { decodeTextBlock, refWriterOf, TEXT_ENCODING, type RefWriter } from './text_block.ts';
import { pageSizes, type PageStats } from './plan.ts';
import { PAGED_FORMATS } from './format.ts';
import { words } from '../int64.ts';
import { OP_COLUMN } from '../ops.ts';
import { allocTypedUnsafe, gatherColumn, Ranges, sliceColumn } from '../run.ts';
import type { ColumnData, PageInfo, Run } from '../types.ts';

type Header = { length: number; nodes: { length: number; nullCount: number }[]; buffers: { offset: number; length: number }[]; compression: { type: number } | null };

/** A record batch's place in the file: `meta` bytes of message (prefix, flatbuffer, padding), then its body. */
interface Block { offset: number; length: number; meta: number }

/**
 * What a scan needs to know about a segment file, parsed once: fields, dictionaries, record batch positions, and how
 * the batches make row groups. Format 2 (`eddy.format`) writes each row group as pages, one record batch each; older
 * files have one record batch per group (a page is then the whole group).
 */
export interface SegmentHandle {
  file: string;
  fields: Field[];
  dicts: Map<number, string[]>;
  /** Record batches (pages) in file order. */
  blocks: Block[];
  /** Rows of each record batch once known (-1 until a read parses it; format 2 files know them all on open). */
  blockRows: number[];
  /** First block of each row group, then the number of blocks. */
  groupBlocks: number[];
  /** Each block as a page (format 2): its rows, time range and narrower tag stats, from the file's metadata. */
  pages?: PageInfo[];
  /** Row groups some of whose pages were cached on their own (read_cached.ts then reads the group page by page). */
  paged?: Uint8Array;
  /** Index of each field's first body buffer (validity): 2 buffers a field, 3 for a text block. */
  bufferAt: number[];
  /** Pages once read for a few rows only (read_cached.ts reads a page so the first time, whole from the second). */
  picked?: Uint8Array;
  /** Each record batch's message header once parsed (parseBlock): a page read again for other columns skips the flatbuffer. */
  headers?: (Header | undefined)[];
}

/**
 * Parses the footer and dictionaries of a segment file held in memory. `groupRows`: the rows of its row groups as the
 * manifest has them, for files of the older layout whose metadata lacks them.
 */
export function openSegment(bytes: Uint8Array, file: string, groupRows?: number[]): SegmentHandle {
  registerCodecs();
  if (bytes.length < 12 || Buffer.from(bytes.subarray(0, 6)).toString('latin1') !== 'ARROW1') {
    throw new StorageError(`segment ${file} is not an Arrow IPC file`);
  }
  const reader = RecordBatchFileReader.from(bytes).open();
  const dicts = new Map<number, string[]>();
  for (const [id, vec] of reader.dictionaries) {
    const strings: string[] = new Array(vec.length);
    for (let i = 0; i < vec.length; i++) strings[i] = vec.get(i) as string;
    dicts.set(Number(id), strings);
  }
  const footer = reader.footer!;
  const blocks: Block[] = [];
  for (let i = 0; i < footer.numRecordBatches; i++) {
    const b = footer.getRecordBatch(i)!;
    blocks.push({ offset: Number(b.offset), length: b.metaDataLength + Number(b.bodyLength), meta: b.metaDataLength });
  }
  const fields = reader.schema.fields;
  const bufferAt: number[] = [];
  let k = 0;
  for (const f of fields) { bufferAt.push(k); k += f.type.typeId === Type.Binary || f.type.typeId === Type.Utf8 ? 3 : 2; }
  return { file, fields, dicts, blocks, bufferAt, ...pageLayout(reader.schema.metadata, blocks.length, file, groupRows) };
}

/** How a file's record batches make row groups, from its schema metadata. */
function pageLayout(meta: Map<string, string>, nBlocks: number, file: string, manifestRows?: number[]): Pick<SegmentHandle, 'blockRows' | 'groupBlocks' | 'pages'> {
  const format = meta.get('eddy.format');
  const groupsJson = meta.get('eddy.row_groups');
  const groupRows = groupsJson ? (JSON.parse(groupsJson) as { rows: number }[]).map((g) => g.rows) : manifestRows;
  if (format === undefined) {
    const known = groupRows?.length === nBlocks;
    return { blockRows: known ? groupRows : Array.from({ length: nBlocks }, () => -1), groupBlocks: Array.from({ length: nBlocks + 1 }, (_, i) => i) };
  }
  if (!PAGED_FORMATS.includes(format) || !groupRows) throw new StorageError(`segment ${file} has format ${format}, which this build cannot read`);
  const pageRows = Number(meta.get('eddy.page_rows'));
  const blockRows: number[] = [], groupBlocks: number[] = [];
  for (const rows of groupRows) {
    groupBlocks.push(blockRows.length);
    blockRows.push(...pageSizes([rows], pageRows));
  }
  groupBlocks.push(blockRows.length);
  const stats = JSON.parse(meta.get('eddy.pages') ?? '[]') as PageStats[];
  if (blockRows.length !== nBlocks || stats.length !== nBlocks) {
    throw new StorageError(`segment ${file}: its metadata names ${blockRows.length} pages, the file holds ${nBlocks} record batches`);
  }
  const pages: PageInfo[] = [];
  let from = 0;
  for (let g = 0; g < groupRows.length; g++) {
    for (let b = groupBlocks[g]!; b < groupBlocks[g + 1]!; b++) {
      const st = stats[b]!;
      pages.push({ group: g, from, rows: blockRows[b]!, minTs: BigInt(st.minTs), maxTs: BigInt(st.maxTs), tags: st.tags });
      from += blockRows[b]!;
    }
  }
  return { blockRows, groupBlocks, pages };
}

/** Reads below this many bytes are made synchronously: a few page-cache reads cost less than the thread-pool trips of open, read and close. */
export const SYNC_READ_BYTES = 1 << 20;

/**
 * Reads the given record batches of a file: adjacent ones in one read. Returns each block's bytes. Small reads (a
 * scan's few row groups) are made synchronously; large ones (whole files for a full scan or a compaction) through the
 * thread pool, so they do not hold the event loop.
 */
export async function readBlocks(path: string, h: SegmentHandle, groups: number[]): Promise<Uint8Array[]> {
  const spans: { from: number; len: number; k: number; j: number }[] = [];
  let total = 0;
  for (let k = 0; k < groups.length; ) {
    let j = k;
    while (j + 1 < groups.length && groups[j + 1] === groups[j]! + 1) j++;
    const first = h.blocks[groups[k]!]!, last = h.blocks[groups[j]!]!;
    spans.push({ from: first.offset, len: last.offset + last.length - first.offset, k, j });
    total += last.offset + last.length - first.offset;
    k = j + 1;
  }
  const out: Uint8Array[] = [];
  const cut = (buf: Buffer, bytesRead: number, sp: (typeof spans)[number]): void => {
    if (bytesRead < sp.len) throw new StorageError(`segment ${h.file} is truncated: wanted ${sp.len} bytes at ${sp.from}, got ${bytesRead}`);
    for (let g = sp.k; g <= sp.j; g++) {
      const b = h.blocks[groups[g]!]!;
      out.push(buf.subarray(b.offset - sp.from, b.offset - sp.from + b.length));
    }
  };
  if (total < SYNC_READ_BYTES) {
    const fd = openSync(path, 'r');
    try {
      for (const sp of spans) { const buf = Buffer.allocUnsafe(sp.len); cut(buf, readSync(fd, buf, 0, sp.len, sp.from), sp); }
    } finally { closeSync(fd); }
    return out;
  }
  const fh = await open(path, 'r');
  try {
    for (const sp of spans) { const buf = Buffer.allocUnsafe(sp.len); cut(buf, (await fh.read(buf, 0, sp.len, sp.from)).bytesRead, sp); }
  } finally { await fh.close(); }
  return out;
}

/** The bytes of one body buffer, decompressed when the batch is compressed. */
function bodyBuffer(body: Uint8Array, h: Header, k: number): Uint8Array {
  const { offset, length } = h.buffers[k]!;
  const b = body.subarray(offset, offset + length);
  if (!h.compression || length === 0) return b;
  const raw = new DataView(b.buffer, b.byteOffset, 8).getBigInt64(0, true);
  return raw === -1n ? b.subarray(8) : decoderOf(h.compression.type)(b.subarray(8));
}

function unpackBits(bits: Uint8Array, n: number, out: Uint8Array, at: number): void {
  for (let i = 0; i < n; i++) out[at + i] = (bits[i >> 3]! >> (i & 7)) & 1;
}

/** How a file field maps to a run column. */
interface Reader {
  field: Field;
  index: number;
  type: ColumnData['type'];
  /** 'decimal' | 'int1' | 'int2' (delta order) | 'fsplit' | 'raw' | 'bool' | 'dict' | 'op' | 'text' */
  how: string;
  width: number;
  scale: number;
}

function readerOf(field: Field, index: number, file: string): Reader {
  const enc = field.metadata.get('eddy.encoding');
  const t = field.type;
  const width = t.typeId === Type.Int ? t.bitWidth / 8 : 0;
  if (enc === TEXT_ENCODING) return { field, index, type: 'string', how: 'text', width: 0, scale: 0 };
  if (enc === FLOAT_SPLIT) return { field, index, type: 'float64', how: 'fsplit', width: 8, scale: 0 };
  if (enc) {
    const type = field.metadata.get('eddy.type') as ColumnData['type'];
    const how = enc.startsWith('decimal') ? 'decimal' : enc.startsWith('delta2') ? 'int2' : 'int1';
    return { field, index, type, how, width, scale: Number(field.metadata.get('eddy.scale') ?? 0) };
  }
  switch (t.typeId) {
    case Type.Float: return { field, index, type: 'float64', how: 'raw', width: 8, scale: 0 };
    case Type.Timestamp: return { field, index, type: 'timestamp', how: 'raw', width: 8, scale: 0 };
    case Type.Bool: return { field, index, type: 'boolean', how: 'bool', width: 0, scale: 0 };
    case Type.Dictionary: return { field, index, type: 'string', how: 'dict', width: 4, scale: 0 };
    case Type.Int:
      if (t.bitWidth === 8) return { field, index, type: 'boolean', how: 'op', width: 1, scale: 0 };
      return { field, index, type: t.isSigned ? 'int64' : 'uint64', how: 'raw', width: 8, scale: 0 };
    default: throw new StorageError(`segment ${file} column ${field.name} has unsupported Arrow type ${String(t)}`);
  }
}

let zzScratch = new Int32Array(0);

function decodeInto(r: Reader, data: Uint8Array, n: number, out: ColumnData, at: number): void {
  const v = out.values;
  switch (r.how) {
    case 'decimal': case 'int1': case 'int2': {
      if (zzScratch.length < 2 * n) zzScratch = new Int32Array(2 * n);
      if (r.how === 'decimal') { decodeDecimalStreams(data, n, r.width, r.scale, v as Float64Array, at, zzScratch); return; }
      byteJoin(data, n, r.width, zzScratch);
      decodeInt64(zzScratch, n, r.how === 'int2' ? 2 : 1, words(v as BigInt64Array), at);
      return;
    }
    case 'fsplit': byteJoin(data, n, 8, new Int32Array(v.buffer, v.byteOffset + at * 8, 2 * n)); return;
    case 'bool': unpackBits(data, n, v as Uint8Array, at); return;
    default: new Uint8Array(v.buffer, v.byteOffset + at * r.width, n * r.width).set(data.subarray(0, n * r.width));
  }
}

export type Msg = { header: Header; body: Uint8Array };

/**
 * The header and body of a record batch's bytes. `block` (its number in the file), when given, keeps the parsed header on
 * the handle: apache-arrow's reader builds an object per field node and buffer (with BigInt offsets), ~0.1 ms a page.
 */
export function parseBlock(h: SegmentHandle, b: Uint8Array, block?: number): Msg {
  const known = block === undefined ? undefined : h.headers?.[block];
  if (known) return { header: known, body: b.subarray(h.blocks[block!]!.meta) };
  const reader = new MessageReader(b);
  const msg: Message | null = reader.readMessage();
  if (!msg || msg.headerType !== MessageHeader.RecordBatch) throw new StorageError(`segment ${h.file}: expected a record batch`);
  const out = { header: msg.header() as unknown as Header, body: reader.readMessageBody(msg.bodyLength) };
  if (block !== undefined) (h.headers ??= [])[block] = out.header;
  return out;
}

/** Decodes column `index` of several record batches into one column of `rows` rows. */
export function decodeColumn(h: SegmentHandle, index: number, msgs: Msg[], rows: number): ColumnData {
  const r = readerOf(h.fields[index]!, index, h.file);
  // every row is written below (each batch's n rows at its offset; text blocks write every code)
  const out: ColumnData = { type: r.type, values: r.how === 'op' ? new Uint8Array(rows) : allocTypedUnsafe(r.type, rows), valid: null };
  if (r.how === 'dict') out.dict = h.dicts.get((r.field.type as { id: number }).id) ?? [];
  const b = h.bufferAt[index]!;
  const text = r.how === 'text' ? { refs: JSON.parse(r.field.metadata.get('eddy.refs') ?? '[]') as string[] } : null;
  if (text) out.dict = [];
  let at = 0;
  for (const msg of msgs) {
    const { header, body } = msg;
    const n = header.nodes[index]!.length;
    if (header.nodes[index]!.nullCount > 0) {
      out.valid ??= new Uint8Array(rows).fill(1);
      unpackBits(bodyBuffer(body, header, b), n, out.valid, at);
    }
    if (text) decodeTextBlock(bodyBuffer(body, header, b + 2), n, text.refs.map((name) => refSource(h, name, msg)), out, at);
    else decodeInto(r, bodyBuffer(body, header, b + 1), n, out, at);
    at += n;
  }
  return out;
}

/**
 * Column `index` of one record batch (a page), only its rows `sel` (ascending offsets in the page): a needle read that
 * wants a few rows of a page. The page's buffers are decompressed whole (zstd has no random access), but values are
 * decoded only for the rows wanted: byte-split floats and fixed-width values row by row, delta-coded integers and
 * decimals up to the last row wanted; text blocks and 8-byte decimals decode the page and keep the rows. Equals
 * decodeColumn of the page gathered at `sel` (tests/storage/segment_read_rows.test.ts).
 */
export function decodeColumnRows(h: SegmentHandle, index: number, msg: Msg, sel: Uint32Array): ColumnData {
  const r = readerOf(h.fields[index]!, index, h.file);
  const { header, body } = msg;
  const n = header.nodes[index]!.length, m = sel.length;
  if (r.how === 'text' || (r.how === 'decimal' && r.width === 8)) return pickRows(decodeColumn(h, index, [msg], n), sel);
  const out: ColumnData = { type: r.type, values: r.how === 'op' ? new Uint8Array(m) : allocTypedUnsafe(r.type, m), valid: null };
  if (r.how === 'dict') out.dict = h.dicts.get((r.field.type as { id: number }).id) ?? [];
  const b = h.bufferAt[index]!;
  if (header.nodes[index]!.nullCount > 0) {
    const bits = bodyBuffer(body, header, b);
    out.valid = new Uint8Array(m);
    for (let k = 0; k < m; k++) out.valid[k] = (bits[sel[k]! >> 3]! >> (sel[k]! & 7)) & 1;
  }
  if (m === 0) return out;
  const data = bodyBuffer(body, header, b + 1);
  const v = out.values;
  switch (r.how) {
    case 'fsplit': {
      const w = new Int32Array(v.buffer, v.byteOffset, 2 * m);
      for (let k = 0; k < m; k++) {
        const i = sel[k]!;
        w[2 * k] = data[i]! | (data[n + i]! << 8) | (data[2 * n + i]! << 16) | (data[3 * n + i]! << 24);
        w[2 * k + 1] = data[4 * n + i]! | (data[5 * n + i]! << 8) | (data[6 * n + i]! << 16) | (data[7 * n + i]! << 24);
      }
      return out;
    }
    case 'bool':
      for (let k = 0; k < m; k++) (v as Uint8Array)[k] = (data[sel[k]! >> 3]! >> (sel[k]! & 7)) & 1;
      return out;
    case 'decimal': {
      // the running sum of zigzag deltas up to the last row wanted (widths 1, 2 and 4: one byte stream each)
      const p = 10 ** r.scale, w = r.width, last = sel[m - 1]!, f = v as Float64Array;
      let x = 0, k = 0;
      for (let i = 0; i <= last; i++) {
        const z = w === 1 ? data[i]! : w === 2 ? data[i]! | (data[n + i]! << 8)
          : (data[i]! | (data[n + i]! << 8) | (data[2 * n + i]! << 16) | (data[3 * n + i]! << 24)) >>> 0;
        x += (z >>> 1) ^ -(z & 1);
        if (i === sel[k]) f[k++] = x / p;
      }
      return out;
    }
    case 'int1': case 'int2': {
      const count = sel[m - 1]! + 1;
      if (zzScratch.length < 2 * count) zzScratch = new Int32Array(2 * count);
      byteJoin(data, n, r.width, zzScratch, count);
      const all = new Int32Array(2 * count);
      decodeInt64(zzScratch, count, r.how === 'int2' ? 2 : 1, all, 0);
      const dst = words(v as BigInt64Array);
      for (let k = 0; k < m; k++) { dst[2 * k] = all[2 * sel[k]!]!; dst[2 * k + 1] = all[2 * sel[k]! + 1]!; }
      return out;
    }
    default: {
      // fixed width: raw 8-byte values, dictionary codes, op bytes
      const w = r.width, dst = new Uint8Array(v.buffer, v.byteOffset, m * w);
      for (let k = 0; k < m; k++) for (let j = 0, i = sel[k]! * w; j < w; j++) dst[k * w + j] = data[i + j]!;
      return out;
    }
  }
}

/** Rows `sel` (ascending) of a column. */
function pickRows(c: ColumnData, sel: Uint32Array): ColumnData {
  const r = new Ranges();
  for (let k = 0; k < sel.length; k++) r.push(0, sel[k]!, 1);
  return r.rows === 0 ? sliceColumn(c, 0, 0) : gatherColumn([c], r);
}

/** A column a text block refers to, decoded from the same record batch (by its name in the file). */
function refSource(h: SegmentHandle, name: string, msg: Msg): RefWriter {
  const i = h.fields.findIndex((f) => f.name === name);
  if (i < 0) throw new StorageError(`segment ${h.file}: a text column refers to column ${name}, which the file lacks`);
  return refWriterOf(decodeColumn(h, i, [msg], msg.header.length))!;
}

/** Decodes `names` (table columns, and OP_COLUMN when the file has it) from record batch blocks of one file. */
export function decodeBlocks(h: SegmentHandle, blocks: Uint8Array[], schema: TableSchema, names: string[]): Run {
  return decodeMsgs(h, blocks.map((b) => parseBlock(h, b)), schema, names);
}

/** Decodes `names` from parsed record batches of one file (decodeBlocks). */
export function decodeMsgs(h: SegmentHandle, msgs: Msg[], schema: TableSchema, names: string[]): Run {
  const rows = msgs.reduce((s, m) => s + m.header.length, 0);
  const cols = new Map<string, ColumnData>();
  for (const name of names) {
    const index = h.fields.findIndex((f) => f.name === name);
    if (index < 0) {
      if (name !== OP_COLUMN) cols.set(name, defaultColumn(schema.columns.find((c) => c.name === name)!, rows));
      continue;
    }
    cols.set(name, decodeColumn(h, index, msgs, rows));
  }
  return { rows, cols };
}

/** Decodes `names` from a whole segment file in memory (every row group). */
export function decodeSegment(bytes: Uint8Array, schema: TableSchema, names: string[], file: string): Run {
  const h = openSegment(bytes, file);
  return decodeBlocks(h, h.blocks.map((b) => bytes.subarray(b.offset, b.offset + b.length)), schema, names);
}
