// Reads a segment file into a run, decompressing only the buffers of the columns asked for.
import { Message, MessageHeader, MessageReader, RecordBatchFileReader, Type, type Field } from 'apache-arrow';
import type { TableSchema } from '../core/index.ts';
import { StorageError } from '../core/index.ts';
import { decoderOf, registerCodecs } from './codec.ts';
import { gatherRun, nullColumn, Ranges } from './run.ts';
import { defaultColumn } from './defaults.ts';
import type { ColumnData, Run } from './types.ts';

type Header = { nodes: { length: number; nullCount: number }[]; buffers: { offset: number; length: number }[]; compression: { type: number } | null };

/** The bytes of one body buffer, decompressed when the batch is compressed, 8-byte aligned for typed views. */
function bodyBuffer(body: Uint8Array, h: Header, k: number): Uint8Array {
  const { offset, length } = h.buffers[k]!;
  let b = body.subarray(offset, offset + length);
  if (h.compression && length > 0) {
    const raw = new DataView(b.buffer, b.byteOffset, 8).getBigInt64(0, true);
    b = raw === -1n ? b.subarray(8) : decoderOf(h.compression.type)(b.subarray(8));
  }
  return b.byteOffset % 8 === 0 ? b : b.slice();
}

function unpackBits(bits: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (bits[i >> 3]! >> (i & 7)) & 1;
  return out;
}

function decodeColumn(field: Field, body: Uint8Array, h: Header, f: number, dicts: Map<number, string[]>): ColumnData {
  const n = h.nodes[f]!.length;
  const valid = h.nodes[f]!.nullCount > 0 ? unpackBits(bodyBuffer(body, h, 2 * f), n) : null;
  const data = bodyBuffer(body, h, 2 * f + 1);
  const t = field.type;
  switch (t.typeId) {
    case Type.Float: return { type: 'float64', values: new Float64Array(data.buffer, data.byteOffset, n), valid };
    case Type.Timestamp: return { type: 'timestamp', values: new BigInt64Array(data.buffer, data.byteOffset, n), valid };
    case Type.Bool: return { type: 'boolean', values: unpackBits(data, n), valid };
    case Type.Int:
      if (t.bitWidth === 8) return { type: 'boolean', values: data.subarray(0, n), valid };
      if (t.isSigned) return { type: 'int64', values: new BigInt64Array(data.buffer, data.byteOffset, n), valid };
      return { type: 'uint64', values: new BigUint64Array(data.buffer, data.byteOffset, n), valid };
    case Type.Dictionary:
      return { type: 'string', values: new Int32Array(data.buffer, data.byteOffset, n), valid, dict: dicts.get(t.id) ?? [] };
    default: throw new StorageError(`segment column ${field.name} has unsupported Arrow type ${String(t)}`);
  }
}

/** Decodes `names` (table columns) from segment bytes; columns the file lacks come back all null. */
export function decodeSegment(bytes: Uint8Array, schema: TableSchema, names: string[], file: string): Run {
  registerCodecs();
  if (bytes.length < 12 || Buffer.from(bytes.subarray(0, 6)).toString('latin1') !== 'ARROW1') {
    throw new StorageError(`segment ${file} is not an Arrow IPC file`);
  }
  // The JS file writer puts the schema only in the footer, so the file reader opens it (and decodes the
  // dictionaries, which are small); record batches are then read straight from the stream part of the file.
  const u8 = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fileReader = RecordBatchFileReader.from(u8).open();
  const arrowSchema = fileReader.schema;
  const dicts = new Map<number, string[]>();
  for (const [id, vec] of fileReader.dictionaries) {
    const strings: string[] = new Array(vec.length);
    for (let i = 0; i < vec.length; i++) strings[i] = vec.get(i) as string;
    dicts.set(Number(id), strings);
  }
  const wanted = new Map<number, Field>();
  arrowSchema.fields.forEach((f, i) => { if (names.includes(f.name)) wanted.set(i, f); });
  const reader = new MessageReader(u8.subarray(8));
  const batches: Run[] = [];
  for (let msg: Message | null; (msg = reader.readMessage()); ) {
    const body = reader.readMessageBody(msg.bodyLength);
    if (msg.headerType !== MessageHeader.RecordBatch) continue;
    const h = msg.header() as unknown as Header & { length: number };
    const cols = new Map<string, ColumnData>();
    for (const [i, f] of wanted) cols.set(f.name, decodeColumn(f, body, h, i, dicts));
    batches.push({ rows: h.length, cols });
  }
  const rows = batches.reduce((s, b) => s + b.rows, 0);
  for (const b of batches) {
    for (const name of names) {
      if (!b.cols.has(name)) b.cols.set(name, defaultColumn(schema.columns.find((c) => c.name === name)!, b.rows));
    }
  }
  if (batches.length === 1) return batches[0]!;
  const r = new Ranges();
  batches.forEach((b, k) => r.push(k, 0, b.rows));
  return rows === 0 ? { rows: 0, cols: new Map(names.map((n) => [n, nullColumn(schema.columns.find((c) => c.name === n)!.type, 0)])) } : gatherRun(batches, r, names);
}
