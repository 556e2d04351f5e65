// The index file of one segment: every index blob of the segment (one per column and kind) behind a small JSON table.
import { CorruptDataError } from '../errors.ts';

const MAGIC = 0x31584945; // 'EIX1'

/** One index in a file: which kind over which columns, built with which options (its key), and where its blob is. */
export interface IndexEntry {
  kind: string;
  columns: string[];
  /** kind, columns and options in one string: an entry is current while the schema declares the same key. */
  key: string;
  offset: number;
  length: number;
}

export interface IndexBlob { kind: string; columns: string[]; key: string; bytes: Uint8Array }

const pad8 = (n: number) => (n + 7) & ~7;

export function encodeIndexFile(blobs: IndexBlob[]): Uint8Array {
  const entries: IndexEntry[] = [];
  // the table's size depends on the offsets it holds: lay out with a bound, then write the real table padded
  const draft = JSON.stringify(blobs.map((b) => ({ kind: b.kind, columns: b.columns, key: b.key, offset: 0xffffffff, length: 0xffffffff })));
  const tableBytes = pad8(new TextEncoder().encode(draft).length);
  let at = 16 + tableBytes;
  for (const b of blobs) {
    entries.push({ kind: b.kind, columns: b.columns, key: b.key, offset: at, length: b.bytes.length });
    at = pad8(at + b.bytes.length);
  }
  const table = new TextEncoder().encode(JSON.stringify(entries));
  const out = new Uint8Array(at);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, MAGIC, true);
  dv.setUint32(4, 1, true);
  dv.setUint32(8, entries.length, true);
  dv.setUint32(12, table.length, true);
  out.set(table, 16);
  out.fill(0x20, 16 + table.length, 16 + tableBytes);
  blobs.forEach((b, i) => out.set(b.bytes, entries[i]!.offset));
  return out;
}

export interface IndexFile { entries: IndexEntry[]; blob(e: IndexEntry): Uint8Array }

export function decodeIndexFile(bytes: Uint8Array, name: string): IndexFile {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 16 || dv.getUint32(0, true) !== MAGIC) throw new CorruptDataError(`index file ${name} is not an EddyDB index file`);
  const len = dv.getUint32(12, true);
  let entries: IndexEntry[];
  try {
    entries = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + len))) as IndexEntry[];
  } catch (e) {
    throw new CorruptDataError(`index file ${name} has a corrupted table: ${(e as Error).message}`);
  }
  for (const e of entries) {
    if (e.offset + e.length > bytes.length) throw new CorruptDataError(`index file ${name} is truncated (${e.kind} on ${e.columns.join(', ')})`);
  }
  return { entries, blob: (e) => bytes.subarray(e.offset, e.offset + e.length) };
}
