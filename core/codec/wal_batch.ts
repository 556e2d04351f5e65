// Compact binary encoding of WriteBatches: the WAL record. Typed arrays are copied raw, strings dictionary-coded.
import { isBatchRows, type BatchPart, type Column, type ColumnValues, type WriteBatch } from '../batch.ts';
import type { DataType, SemanticType } from '../schema.ts';
import { CorruptDataError, InternalError } from '../errors.ts';

/*
 * Record: "EWB" version:u8 batches:varint, then per batch: table:str rows:varint columns:varint, and
 * per column: name:str type:u8 semantic:u8 flags:u8 [validity: ceil(rows/8) bytes, bit i = row i]
 * values. float64/int64/uint64/timestamp: rows*8 bytes little-endian; boolean: rows bytes; string:
 * dict:varint, dict strings, width:u8 (1, 2 or 4), rows indexes of that width (0 = null, k = dict[k-1]).
 * Version 2: flags bit 2 (constant) on an 8-byte column: its value once, 8 bytes.
 * str = byte length varint + UTF-8.
 */
const MAGIC = [0x45, 0x57, 0x42];
/** Version 2 records may hold constant columns (FLAG_CONST); a record without one is still written as version 1. */
const VERSION = 1;
const VERSION_CONST = 2;
const TYPES: DataType[] = ['string', 'float64', 'int64', 'uint64', 'boolean', 'timestamp'];
const SEMANTICS: SemanticType[] = ['tag', 'field', 'timestamp'];
const FLAG_VALID = 1;
/**
 * An 8-byte column without nulls whose rows all hold the same bits, written once (a scrape's timestamp in a remote-write
 * batch). Only in a batch with a string column, which takes at least a byte a row: so the reader bounds such a
 * column's rows by the record's length before it allocates them.
 */
const FLAG_CONST = 2;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const MAX_ROWS = 0x7fffffff;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

class Writer {
  buf = new Uint8Array(4096);
  pos = 0;
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const b = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    b.set(this.buf.subarray(0, this.pos));
    this.buf = b;
  }
  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }
  varint(v: number): void {
    this.ensure(5);
    while (v >= 0x80) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[this.pos++] = v;
  }
  str(s: string): void {
    // Worst case 3 bytes per UTF-16 unit; the length prefix is written after the bytes are known.
    this.ensure(5 + s.length * 3);
    const start = this.pos + 5;
    const { written } = encoder.encodeInto(s, this.buf.subarray(start));
    this.varint(written);
    this.buf.copyWithin(this.pos, start, start + written);
    this.pos += written;
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
}

/*
 * Every column writer takes `pick`: null for a batch's own rows, else the rows of the batch it writes, in that order (a
 * BatchRows part). A part is written exactly as the batch `takeRows` would copy out (tests/core/codec/wal_batch_rows.test.ts).
 */

/** Whether an 8-byte column's rows all hold the bits of its first row (NaN payloads and -0 compared as bits). */
function isConstant(c: Column, rows: number, pick: Int32Array | null): boolean {
  if (rows < 2 || c.valid !== null || c.type === 'string' || c.type === 'boolean') return false;
  const v = c.values as Float64Array | BigInt64Array | BigUint64Array;
  const u = new Uint32Array(v.buffer, v.byteOffset, v.length * 2);
  const first = pick ? 2 * pick[0]! : 0;
  const lo = u[first]!, hi = u[first + 1]!;
  if (pick) {
    for (let i = 1; i < rows; i++) if (u[2 * pick[i]!] !== lo || u[2 * pick[i]! + 1] !== hi) return false;
  } else {
    for (let i = 1; i < rows; i++) if (u[2 * i] !== lo || u[2 * i + 1] !== hi) return false;
  }
  return true;
}

/** Scratch for gathering 8-byte values (as 32-bit word pairs), reused: the record's own position is rarely aligned. */
let gatherWords = new Int32Array(0);

/** The rows' 8-byte values, gathered as pairs of 32-bit words (no BigInt per row) and copied into the record at once. */
function gather8(w: Writer, v: Exclude<ColumnValues, unknown[]>, pick: Int32Array): void {
  const n = pick.length;
  if (gatherWords.length < n * 2) gatherWords = new Int32Array(Math.max(n * 2, gatherWords.length * 2));
  const src = new Int32Array(v.buffer, v.byteOffset, v.length * 2), dst = gatherWords;
  for (let j = 0; j < n; j++) {
    const r = pick[j]! * 2;
    dst[2 * j] = src[r]!;
    dst[2 * j + 1] = src[r + 1]!;
  }
  w.bytes(new Uint8Array(dst.buffer, 0, n * 8));
}

/** Writes a column; true when it went as a constant (the record is then version 2). */
function encodeColumn(w: Writer, c: Column, rows: number, constOk: boolean, pick: Int32Array | null): boolean {
  w.str(c.name);
  const t = TYPES.indexOf(c.type);
  const s = SEMANTICS.indexOf(c.semantic);
  if (t < 0 || s < 0) throw new InternalError(`column ${c.name}: unknown type ${c.type} or semantic ${c.semantic}`);
  w.u8(t);
  w.u8(s);
  if (constOk && isConstant(c, rows, pick)) {
    w.u8(FLAG_CONST);
    const v = c.values as Float64Array;
    w.bytes(new Uint8Array(v.buffer, v.byteOffset + 8 * (pick ? pick[0]! : 0), 8));
    return true;
  }
  w.u8(c.valid !== null ? FLAG_VALID : 0);
  if (c.valid !== null) {
    const nb = (rows + 7) >>> 3;
    w.ensure(nb);
    const out = w.buf, valid = c.valid;
    out.fill(0, w.pos, w.pos + nb);
    if (pick) for (let i = 0; i < rows; i++) { if (valid[pick[i]!]) out[w.pos + (i >>> 3)]! |= 1 << (i & 7); }
    else for (let i = 0; i < rows; i++) if (valid[i]) out[w.pos + (i >>> 3)]! |= 1 << (i & 7);
    w.pos += nb;
  }
  if (c.type === 'string') {
    if (c.dict) encodeDictionary(w, c, rows, pick);
    else encodeStrings(w, c.values as (string | null)[], rows, pick);
    return false;
  }
  const v = c.values as Exclude<ColumnValues, (string | null)[]>;
  if (pick) {
    if (v.BYTES_PER_ELEMENT === 8) gather8(w, v, pick);
    else {
      w.ensure(rows);
      for (let i = 0; i < rows; i++) w.buf[w.pos + i] = v[pick[i]!] as number;
      w.pos += rows;
    }
    return false;
  }
  if (v.length < rows) throw new InternalError(`column ${c.name} has ${v.length} values for ${rows} rows`);
  w.bytes(new Uint8Array(v.buffer, v.byteOffset, rows * v.BYTES_PER_ELEMENT));
  return false;
}

function encodeStrings(w: Writer, values: (string | null)[], rows: number, pick: Int32Array | null): void {
  const dict = new Map<string, number>();
  const idx = new Uint32Array(rows);
  // Constant tags repeat row after row: the previous value saves most Map lookups.
  let prev: string | null = null;
  let prevK = 0;
  for (let i = 0; i < rows; i++) {
    const s = values[pick ? pick[i]! : i];
    if (s === null || s === undefined) continue;
    if (s === prev) {
      idx[i] = prevK;
      continue;
    }
    let k = dict.get(s);
    if (k === undefined) dict.set(s, (k = dict.size + 1));
    idx[i] = k;
    prev = s;
    prevK = k;
  }
  w.varint(dict.size);
  for (const s of dict.keys()) w.str(s);
  writeIndexes(w, idx, dict.size, rows, 0);
}

/** A dictionary column goes out as it is: its dict, then its codes + 1 (0 where the row is null). */
function encodeDictionary(w: Writer, c: Column, rows: number, pick: Int32Array | null): void {
  if (pick) return encodePickedDictionary(w, c, pick);
  const dict = c.dict!;
  const codes = c.values as Int32Array;
  if (codes.length < rows) throw new InternalError(`column ${c.name} has ${codes.length} codes for ${rows} rows`);
  w.varint(dict.length);
  for (let k = 0; k < dict.length; k++) w.str(dict[k]!);
  const valid = c.valid;
  for (let i = 0; i < rows; i++) {
    if ((codes[i]! >>> 0) >= dict.length && (valid === null || valid[i] !== 0)) {
      throw new InternalError(`column ${c.name}: code ${codes[i]} at row ${i} is outside its dictionary of ${dict.length}`);
    }
  }
  writeIndexes(w, codes, dict.length, rows, 1, valid);
}

/** Some rows of a dictionary column: a dictionary of the entries they use, in first-use order (as takeRows copies them). */
function encodePickedDictionary(w: Writer, c: Column, pick: Int32Array): void {
  const dict = c.dict!, codes = c.values as Int32Array, valid = c.valid, n = pick.length;
  const remap = new Int32Array(dict.length).fill(-1);
  const idx = new Uint32Array(n);
  const used: string[] = [];
  for (let j = 0; j < n; j++) {
    const r = pick[j]!;
    if (valid !== null && valid[r] === 0) continue;
    const code = codes[r]!;
    if ((code >>> 0) >= dict.length) throw new InternalError(`column ${c.name}: code ${code} at row ${r} is outside its dictionary of ${dict.length}`);
    let m = remap[code]!;
    if (m < 0) {
      m = remap[code] = used.length;
      used.push(dict[code]!);
    }
    idx[j] = m + 1;
  }
  w.varint(used.length);
  for (let k = 0; k < used.length; k++) w.str(used[k]!);
  writeIndexes(w, idx, used.length, n, 0);
}

/** Writes rows indexes (value + add, or 0 where valid says null) in the narrowest width for a dictionary of size. */
function writeIndexes(w: Writer, idx: Uint32Array | Int32Array, size: number, rows: number, add: number, valid: Uint8Array | null = null): void {
  const width = size < 0xff ? 1 : size < 0xffff ? 2 : 4;
  w.u8(width);
  w.ensure(rows * width + 4);
  const pos = w.pos;
  if (width === 1) {
    const out = w.buf;
    if (valid === null) for (let i = 0; i < rows; i++) out[pos + i] = idx[i]! + add;
    else for (let i = 0; i < rows; i++) out[pos + i] = valid[i] === 0 ? 0 : idx[i]! + add;
  } else {
    // Written through a view when aligned, byte by byte otherwise.
    const view = new DataView(w.buf.buffer, w.buf.byteOffset);
    for (let i = 0; i < rows; i++) {
      const v = valid !== null && valid[i] === 0 ? 0 : idx[i]! + add;
      if (width === 2) view.setUint16(pos + 2 * i, v, true);
      else view.setUint32(pos + 4 * i, v, true);
    }
  }
  w.pos = pos + rows * width;
}

/**
 * The WAL record of the batches (or of some rows of a batch: a BatchRows part is written as `takeRows` would copy it
 * out, without copying it). `reserve`: bytes left free after the record in the returned array's buffer, for the
 * caller to write something after it without a copy (a region write's series hints).
 */
export function encodeBatches(bs: readonly BatchPart[], reserve = 0): Uint8Array {
  if (!LITTLE_ENDIAN) throw new InternalError('walbatch: big-endian hosts are not supported');
  const w = new Writer();
  // Sized up front from the column types so the buffer is not regrown and copied on the way.
  let estimate = 16 + reserve;
  for (const p of bs) {
    const b = isBatchRows(p) ? p.of : p, rows = isBatchRows(p) ? p.rows.length : p.rows;
    estimate += 16 + b.table.length * 3;
    for (const c of b.columns) {
      estimate += 16 + c.name.length * 3 + rows * (c.type === 'string' ? 2 : c.type === 'boolean' ? 1 : 8) + (c.valid ? rows >>> 3 : 0);
      if (c.dict) for (const d of c.dict) estimate += 5 + d.length * 3;
    }
  }
  w.ensure(estimate);
  w.bytes(Uint8Array.from(MAGIC));
  const versionAt = w.pos;
  w.u8(VERSION);
  w.varint(bs.length);
  let constant = false;
  for (const p of bs) {
    const b = isBatchRows(p) ? p.of : p, pick = isBatchRows(p) ? p.rows : null, rows = pick ? pick.length : b.rows;
    if (!Number.isInteger(rows) || rows < 0 || rows > MAX_ROWS) throw new InternalError(`batch ${b.table}: bad row count ${rows}`);
    w.str(b.table);
    w.varint(rows);
    w.varint(b.columns.length);
    const constOk = b.columns.some((c) => c.type === 'string');
    for (const c of b.columns) if (encodeColumn(w, c, rows, constOk, pick)) constant = true;
  }
  if (constant) w.buf[versionAt] = VERSION_CONST;
  w.ensure(reserve);
  return w.buf.subarray(0, w.pos);
}

export function encodeBatch(b: WriteBatch): Uint8Array {
  return encodeBatches([b]);
}

/** Reads a record, checking every length against the bytes left so corrupt input fails fast. */
class Reader {
  pos = 0;
  version = VERSION;
  constructor(readonly buf: Uint8Array) {}
  fail(what: string): never {
    throw new CorruptDataError(`walbatch: corrupt record: ${what} at byte ${this.pos}`);
  }
  need(n: number, what: string): void {
    if (n > this.buf.length - this.pos) this.fail(`${what} needs ${n} bytes, ${this.buf.length - this.pos} left`);
  }
  u8(what: string): number {
    this.need(1, what);
    return this.buf[this.pos++]!;
  }
  varint(what: string): number {
    let v = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const b = this.u8(what);
      v += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) {
        if (v > 0xffffffff) this.fail(`${what} varint too large`);
        return v;
      }
    }
    this.fail(`${what} varint too long`);
  }
  take(n: number, what: string): Uint8Array {
    this.need(n, what);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  str(what: string): string {
    const n = this.varint(what);
    const bytes = this.take(n, what);
    try {
      return decoder.decode(bytes);
    } catch {
      this.fail(`${what} is not valid UTF-8`);
    }
  }
}

export interface DecodeOptions {
  /** String columns in dictionary form (Int32Array codes + dict), as the memtable takes them; default plain arrays. */
  dictionary?: boolean;
}

function decodeColumn(r: Reader, rows: number, opts: DecodeOptions): Column {
  const name = r.str('column name');
  const type = TYPES[r.u8('column type')];
  const semantic = SEMANTICS[r.u8('column semantic')];
  if (type === undefined || semantic === undefined) r.fail(`column ${name}: unknown type or semantic`);
  const flags = r.u8('column flags');
  if (flags === FLAG_CONST && r.version >= VERSION_CONST && type !== 'string' && type !== 'boolean') {
    // allocated by rows: bounded by the record's length (the encoder writes one only beside a column of a byte a row)
    if (rows > r.buf.length) r.fail(`constant column ${name} of ${rows} rows in a record of ${r.buf.length} bytes`);
    const one = r.take(8, `${type} constant`);
    const a = type === 'float64' ? new Float64Array(rows) : type === 'uint64' ? new BigUint64Array(rows) : new BigInt64Array(rows);
    const u = new Uint32Array(a.buffer);
    const lo = (one[0]! | (one[1]! << 8) | (one[2]! << 16) | (one[3]! << 24)) >>> 0;
    const hi = (one[4]! | (one[5]! << 8) | (one[6]! << 16) | (one[7]! << 24)) >>> 0;
    for (let i = 0; i < rows; i++) { u[2 * i] = lo; u[2 * i + 1] = hi; }
    return { name, type, semantic, values: a, valid: null };
  }
  if (flags & ~FLAG_VALID) r.fail(`column ${name}: unknown flags ${flags}`);
  // Values take at least a byte a row (8 for numbers): checked before any allocation sized by rows.
  r.need(rows * (type === 'string' || type === 'boolean' ? 1 : 8), `column ${name} values`);
  let valid: Uint8Array | null = null;
  if (flags & FLAG_VALID) {
    const bits = r.take((rows + 7) >>> 3, 'validity');
    valid = new Uint8Array(rows);
    for (let i = 0; i < rows; i++) valid[i] = (bits[i >>> 3]! >>> (i & 7)) & 1;
  }
  let values: ColumnValues;
  let dict: string[] | undefined;
  switch (type) {
    case 'string':
      if (opts.dictionary) {
        const d = decodeDictionary(r, rows, valid);
        values = d.codes;
        dict = d.dict;
        valid = d.valid;
      } else values = decodeStrings(r, rows);
      break;
    case 'boolean': values = r.take(rows, 'boolean values').slice(); break;
    default: {
      // Copied into a fresh, aligned buffer: the record may sit at any offset and may be reused by its owner.
      const bytes = r.take(rows * 8, `${type} values`);
      const a = type === 'float64' ? new Float64Array(rows) : type === 'uint64' ? new BigUint64Array(rows) : new BigInt64Array(rows);
      new Uint8Array(a.buffer).set(bytes);
      values = a;
    }
  }
  const col: Column = { name, type, semantic, values, valid };
  if (dict) col.dict = dict;
  return col;
}

function readIndexes(r: Reader, rows: number, n: number): Uint8Array | Uint16Array | Uint32Array {
  const width = r.u8('index width');
  if (width !== 1 && width !== 2 && width !== 4) r.fail(`index width ${width}`);
  const raw = r.take(rows * width, 'string indexes');
  const copy = raw.slice();
  const idx = width === 1 ? copy : width === 2 ? new Uint16Array(copy.buffer) : new Uint32Array(copy.buffer);
  for (let i = 0; i < rows; i++) if (idx[i]! > n) r.fail(`string index ${idx[i]} beyond dictionary of ${n}`);
  return idx;
}

/** Dictionary form: codes = index - 1; index 0 (null) becomes code 0 with valid[i] = 0. */
function decodeDictionary(r: Reader, rows: number, valid: Uint8Array | null): { codes: Int32Array; dict: string[]; valid: Uint8Array | null } {
  const n = r.varint('dictionary size');
  r.need(n, 'dictionary');
  const dict: string[] = [];
  for (let k = 0; k < n; k++) dict.push(r.str('dictionary entry'));
  const idx = readIndexes(r, rows, n);
  const codes = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const k = idx[i]!;
    if (k === 0) {
      if (valid === null) valid = new Uint8Array(rows).fill(1);
      valid[i] = 0;
    } else codes[i] = k - 1;
  }
  return { codes, dict, valid };
}

function decodeStrings(r: Reader, rows: number): (string | null)[] {
  const n = r.varint('dictionary size');
  r.need(n, 'dictionary');
  const dict: (string | null)[] = [null];
  for (let k = 0; k < n; k++) dict.push(r.str('dictionary entry'));
  const width = r.u8('index width');
  if (width !== 1 && width !== 2 && width !== 4) r.fail(`index width ${width}`);
  const raw = r.take(rows * width, 'string indexes');
  const copy = raw.slice();
  const idx = width === 1 ? copy : width === 2 ? new Uint16Array(copy.buffer) : new Uint32Array(copy.buffer);
  const out = new Array<string | null>(rows);
  for (let i = 0; i < rows; i++) {
    const s = dict[idx[i]!];
    if (s === undefined) r.fail(`string index ${idx[i]} beyond dictionary of ${n}`);
    out[i] = s;
  }
  return out;
}

export function decodeBatches(buf: Uint8Array, opts: DecodeOptions = {}): WriteBatch[] {
  if (!LITTLE_ENDIAN) throw new InternalError('walbatch: big-endian hosts are not supported');
  const r = new Reader(buf);
  const head = r.take(4, 'header');
  if (head[0] !== MAGIC[0] || head[1] !== MAGIC[1] || head[2] !== MAGIC[2]) r.fail('bad magic');
  if (head[3] !== VERSION && head[3] !== VERSION_CONST) r.fail(`unsupported version ${head[3]}`);
  r.version = head[3]!;
  const count = r.varint('batch count');
  r.need(count * 3, 'batches');
  const out: WriteBatch[] = [];
  for (let b = 0; b < count; b++) {
    const table = r.str('table name');
    const rows = r.varint('row count');
    if (rows > MAX_ROWS) r.fail(`row count ${rows}`);
    const ncols = r.varint('column count');
    // Every column takes at least 4 bytes, so a corrupt count cannot make us loop or allocate for long.
    r.need(ncols * 4, 'columns');
    const columns: Column[] = [];
    for (let c = 0; c < ncols; c++) columns.push(decodeColumn(r, rows, opts));
    out.push({ table, rows, columns });
  }
  if (r.pos !== buf.length) r.fail(`${buf.length - r.pos} trailing bytes`);
  return out;
}

export function decodeBatch(buf: Uint8Array, opts: DecodeOptions = {}): WriteBatch {
  const bs = decodeBatches(buf, opts);
  if (bs.length !== 1) throw new CorruptDataError(`walbatch: expected one batch, record holds ${bs.length}`);
  return bs[0]!;
}
