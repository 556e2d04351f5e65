// format=arrow: a result as one Arrow IPC stream, built with makeData over the typed columns. Each column gets
// its own Arrow type: Int8..UInt64 at their width, Float32/64, Decimal128(p, s) (unscaled 128-bit integers),
// Utf8, Bool, Date32 (days), Timestamp in the column's own unit (values divided from the nanoseconds vectors hold),
// Interval(MonthDayNano), Null.
import {
  Bool, DateDay, Decimal, Duration, Field, Float32, Float64, Int16, Int32, Int64, Int8, IntervalMonthDayNano, Null, RecordBatch, Schema, Struct, Table, TimeUnit,
  TimeMicrosecond, TimeMillisecond, TimeNanosecond, TimeSecond, Timestamp, Uint16, Uint32, Uint64, Uint8, Utf8, makeData, tableToIPC, type Data, type DataType,
  AsyncByteQueue, CompressionType, RecordBatchFileWriter,
} from 'apache-arrow';
import { takeRel, type Rel } from '../plan/rel.ts';
import type { Interval, NumVec, TsVec, Vec } from '../vector.ts';
import { TIME_TYPES, UNIT_NS } from '../vector.ts';
import { decimalOf } from '../expr/decimal.ts';
import { DURATION_TYPES } from '../expr/time.ts';
import { unscaledAt } from '../expr/decimal_exact.ts';
import { numStore, unitsOf, words } from './digits.ts';
import { exactJson } from './exact_json.ts';
import { listText } from './table.ts';
import { packBits } from '../../bits.ts';

export const ARROW_STREAM_TYPE = 'application/vnd.apache.arrow.stream';
/** GreptimeDB's `format=arrow` answer: the Arrow IPC file format. */
export const ARROW_FILE_TYPE = 'application/arrow';
/** Body compression of an Arrow IPC file, as GreptimeDB's `compression` parameter names it (none when absent). */
export type ArrowCompression = 'zstd' | 'lz4' | null;

const TWO32 = 4294967296;
const NS_PER_DAY = 86_400_000_000_000n;
const ARROW_UNIT = { s: TimeUnit.SECOND, ms: TimeUnit.MILLISECOND, us: TimeUnit.MICROSECOND, ns: TimeUnit.NANOSECOND } as const;

function nullsOf(valid: Uint8Array | null, n: number): { nullCount: number; nullBitmap?: Uint8Array } {
  if (valid === null) return { nullCount: 0 };
  const { bitmap, zeros } = packBits(valid, n);
  return zeros > 0 ? { nullCount: zeros, nullBitmap: bitmap } : { nullCount: 0 };
}

/** Strings (null where missing) as Utf8 data: one pass to size, one to encode. */
function utf8(strings: ArrayLike<string | null | undefined>, n: number): Data<Utf8> {
  const enc = new TextEncoder();
  const offsets = new Int32Array(n + 1);
  const valid = new Uint8Array(n);
  let cap = 0;
  for (let i = 0; i < n; i++) { const s = strings[i]; if (s !== null && s !== undefined) { valid[i] = 1; cap += s.length * 3; } }
  const bytes = new Uint8Array(cap);
  let pos = 0;
  for (let i = 0; i < n; i++) {
    const s = strings[i];
    if (s !== null && s !== undefined) pos += enc.encodeInto(s, bytes.subarray(pos)).written;
    offsets[i + 1] = pos;
  }
  // sized for the worst case (3 bytes a UTF-16 unit): keep an exact copy when most of it went unused, so a batch
  // does not hold three times its text
  const data = pos < cap / 2 ? bytes.slice(0, pos) : bytes.subarray(0, pos);
  return makeData({ type: new Utf8(), length: n, valueOffsets: offsets, data, ...nullsOf(valid, n) });
}

/** Integer doubles as int64 words, without a BigInt per value (exact for every integer a double holds). */
function int64FromDoubles(v: Float64Array, n: number, unsigned: boolean): BigInt64Array | BigUint64Array {
  const out = unsigned ? new BigUint64Array(n) : new BigInt64Array(n);
  const w = words(out);
  for (let i = 0; i < n; i++) {
    const x = Math.trunc(v[i]!) || 0;
    const hi = Math.floor(x / TWO32);
    w[2 * i] = (x - hi * TWO32) | 0;
    w[2 * i + 1] = hi | 0;
  }
  return out;
}

const SMALL_INTS: Record<string, [() => DataType, new (n: number) => ArrayLike<number> & { [i: number]: number }]> = {
  Int8: [() => new Int8(), Int8Array], Int16: [() => new Int16(), Int16Array], Int32: [() => new Int32(), Int32Array],
  UInt8: [() => new Uint8(), Uint8Array], UInt16: [() => new Uint16(), Uint16Array], UInt32: [() => new Uint32(), Uint32Array],
};

/** A Decimal128(p, s) column: each value's unscaled integer as four little-endian 32-bit words (two's complement). */
function decimalData(c: NumVec, n: number, d: { p: number; s: number }): Data {
  const words32 = new Uint32Array(4 * n);
  for (let i = 0; i < n; i++) {
    if (c.valid !== null && c.valid[i] === 0) continue;
    let u = BigInt.asUintN(128, unscaledAt(c, i, d.s));
    for (let k = 0; k < 4; k++) { words32[4 * i + k] = Number(u & 0xffffffffn); u >>= 32n; }
  }
  return makeData({ type: new Decimal(d.s, d.p, 128), length: n, data: words32, ...nullsOf(c.valid, n) });
}

/** An interval column: months and days as int32, nanoseconds as int64, per value (Arrow's MonthDayNano layout). */
function intervalData(v: unknown[], n: number): Data {
  const w = new Int32Array(4 * n);
  const valid = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const iv = v[i] as Interval | null | undefined;
    if (iv === null || iv === undefined) continue;
    valid[i] = 1;
    const ns = BigInt.asUintN(64, iv.nanos);
    w[4 * i] = iv.months; w[4 * i + 1] = iv.days;
    w[4 * i + 2] = Number(ns & 0xffffffffn) | 0; w[4 * i + 3] = Number(ns >> 32n) | 0;
  }
  return makeData({ type: new IntervalMonthDayNano(), length: n, data: w, ...nullsOf(valid, n) });
}

/** A duration column: a count of its unit per value (int64), truncated toward zero from the nanoseconds held. */
function durationData(v: unknown[], n: number, unit: keyof typeof ARROW_UNIT): Data {
  const out = new BigInt64Array(n);
  const valid = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const iv = v[i] as Interval | number | null | undefined;
    if (iv === null || iv === undefined) continue;
    valid[i] = 1;
    // a duration held as a count of its unit already (SHOW PROCESSLIST's elapsed time)
    out[i] = typeof iv === 'object' ? iv.nanos / UNIT_NS[unit] : BigInt(iv);
  }
  return makeData({ type: new Duration(ARROW_UNIT[unit]), length: n, data: out, ...nullsOf(valid, n) });
}

function numData(c: NumVec, n: number): Data {
  const dec = decimalOf(c.dt);
  if (dec) return decimalData(c, n, dec);
  const nulls = nullsOf(c.valid, n);
  const s = numStore(c);
  const small = SMALL_INTS[c.dt];
  if (small && s.kind === 'f64') {
    const [type, Arr] = small;
    const out = new Arr(n);
    for (let i = 0; i < n; i++) out[i] = s.v[i]!;
    return makeData({ type: type() as Int32, length: n, data: out as Int32Array, ...nulls });
  }
  if (c.dt === 'UInt64' || s.kind === 'u64') {
    const data = s.kind === 'u64' ? s.v : s.kind === 'i64' ? new BigUint64Array(s.v.buffer, s.v.byteOffset, n) : int64FromDoubles(s.v, n, true);
    return makeData({ type: new Uint64(), length: n, data: data as BigUint64Array, ...nulls });
  }
  if (s.kind === 'i64' || c.dt.startsWith('Int') || c.dt.startsWith('UInt')) {
    const data = s.kind === 'i64' ? s.v : int64FromDoubles(s.v as Float64Array, n, false);
    return makeData({ type: new Int64(), length: n, data: data as BigInt64Array, ...nulls });
  }
  if (c.dt === 'Float32') return makeData({ type: new Float32(), length: n, data: Float32Array.from(s.v as Float64Array), ...nulls });
  return makeData({ type: new Float64(), length: n, data: s.v as Float64Array, ...nulls });
}

function tsData(c: TsVec, n: number): Data {
  const nulls = nullsOf(c.valid, n);
  if (c.dt === 'Date') {
    const days = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const x = c.v[i]!;
      // Floor, not truncation: a date before 1970 is the day the instant falls in.
      const d = x / NS_PER_DAY;
      days[i] = Number(x < 0n && d * NS_PER_DAY !== x ? d - 1n : d);
    }
    return makeData({ type: new DateDay(), length: n, data: days, ...nulls });
  }
  const tu = TIME_TYPES[c.dt];
  if (tu !== undefined) return timeData(c, n, tu);
  const type = new Timestamp(ARROW_UNIT[c.unit]);
  if (c.unit === 'ns') return makeData({ type, length: n, data: c.v.subarray(0, n), ...nulls });
  const out = new BigInt64Array(n);
  const w = words(out);
  const src = words(c.v);
  for (let i = 0; i < n; i++) {
    const q = unitsOf(src, i, c.unit);
    if (q === null) { out[i] = c.v[i]! / UNIT_NS[c.unit]; continue; }
    const hi = Math.floor(q / TWO32);
    w[2 * i] = (q - hi * TWO32) | 0;
    w[2 * i + 1] = hi | 0;
  }
  return makeData({ type, length: n, data: out, ...nulls });
}

/** A time of day in its own unit: Time32 (seconds, milliseconds) or Time64 (microseconds, nanoseconds) since midnight. */
function timeData(c: TsVec, n: number, unit: keyof typeof UNIT_NS): Data {
  const nulls = nullsOf(c.valid, n);
  const d = UNIT_NS[unit];
  if (unit === 's' || unit === 'ms') {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = Number(c.v[i]! / d);
    return makeData({ type: unit === 's' ? new TimeSecond() : new TimeMillisecond(), length: n, data: out, ...nulls });
  }
  const out = unit === 'ns' ? c.v.slice(0, n) : c.v.slice(0, n).map((x) => x / d);
  return makeData({ type: unit === 'us' ? new TimeMicrosecond() : new TimeNanosecond(), length: n, data: out, ...nulls });
}

function colData(c: Vec, n: number): Data {
  switch (c.kind) {
    case 'num': return numData(c, n);
    case 'ts': return tsData(c, n);
    case 'bool': return makeData({ type: new Bool(), length: n, data: packBits(c.v, n).bitmap, ...nullsOf(c.valid, n) });
    case 'str': return utf8(c.v, n);
    case 'any': {
      if (c.dt === 'Null') return makeData({ type: new Null(), length: n, nullCount: n });
      if (c.dt === 'IntervalMonthDayNano') return intervalData(c.v, n);
      if (DURATION_TYPES[c.dt]) return durationData(c.v, n, DURATION_TYPES[c.dt]!);
      // Lists have no typed storage here: their text, as the JSON output shows them.
      const text = new Array<string | null>(n);
      for (let i = 0; i < n; i++) {
        const x = c.v[i];
        text[i] = x === null || x === undefined ? null
          : c.dt === 'List' ? listText(x as unknown[], c.nested)
          : typeof x === 'string' ? x : exactJson(x);
      }
      return utf8(text, n);
    }
  }
}

/** Rows a streamed result puts in one record batch. */
export const ARROW_BATCH_ROWS = 16_384;
/** The IPC stream's end-of-stream marker: continuation token, zero length. */
const EOS = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0);

/** Row indexes from, from+1, ... (n of them). */
function rows(from: number, n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = from + i;
  return out;
}

function batchOf(schema: Schema | null, part: Rel): RecordBatch {
  const n = part.len;
  const children = part.cols.map((c) => colData(c, n));
  const s = schema ?? new Schema(part.fields.map((f, j) => new Field(f.name, children[j]!.type, true)));
  return new RecordBatch(s, makeData({ type: new Struct(s.fields), length: n, nullCount: 0, children }));
}

/**
 * The result as an Arrow IPC stream, one chunk at a time: the schema message, then one record batch per
 * `batchRows` rows (each built from its own slice of the columns, so memory holds one batch's Arrow data, not the
 * whole result's), then the end marker. Each batch is framed by arrow's own writer; the schema message it repeats
 * is cut off after the first.
 */
export function* relToArrowChunks(rel: Rel, batchRows = ARROW_BATCH_ROWS): Generator<Uint8Array> {
  let first: RecordBatch | null = batchOf(null, takeRel(rel, rows(0, Math.min(rel.len, batchRows))));
  const schema = first.schema;
  const schemaBytes = tableToIPC(new Table(schema), 'stream');
  const schemaLen = schemaBytes.length - EOS.length;
  yield schemaBytes.subarray(0, schemaLen);
  for (let from = 0; from < rel.len; from += batchRows) {
    const batch = first ?? batchOf(schema, takeRel(rel, rows(from, Math.min(rel.len - from, batchRows))));
    first = null;
    const ipc = tableToIPC(new Table(schema, [batch]), 'stream');
    yield ipc.subarray(schemaLen, ipc.length - EOS.length);
  }
  yield EOS;
}

/** The whole result as one Arrow IPC stream (small results, tests). */
export function relToArrow(rel: Rel): Uint8Array {
  return joinBytes([...relToArrowChunks(rel, Math.max(1, rel.len))]);
}

/** The parts one after another in one array (the part itself when there is one). */
function joinBytes(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((a, p) => a + p.byteLength, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.byteLength; }
  return out;
}

/** A byte queue that hands over what the writer wrote so far, so a file is sent while it is written. */
class Drain extends AsyncByteQueue {
  private parts: Uint8Array[] = [];
  override write(value: Uint8Array): void { if (value.byteLength > 0) this.parts.push(value); }
  take(): Uint8Array {
    const parts = this.parts;
    this.parts = [];
    return joinBytes(parts);
  }
}

/**
 * The result as an Arrow IPC *file* (GreptimeDB's `format=arrow`), one chunk per record batch of `batchRows`
 * rows, then the footer that indexes them. Each batch's body buffers are compressed with `compression` (the
 * codec must be registered in arrow's compressionRegistry by the caller: core has no codecs of its own).
 */
export function* relToArrowFileChunks(rel: Rel, compression: ArrowCompression, batchRows = ARROW_BATCH_ROWS): Generator<Uint8Array> {
  const compressionType = compression === 'zstd' ? CompressionType.ZSTD : compression === 'lz4' ? CompressionType.LZ4_FRAME : null;
  const writer = new RecordBatchFileWriter({ compressionType });
  const sink = new Drain();
  writer.reset(sink);
  let schema: Schema | null = null;
  for (let from = 0; from === 0 || from < rel.len; from += batchRows) {
    const batch = batchOf(schema, takeRel(rel, rows(from, Math.max(0, Math.min(rel.len - from, batchRows)))));
    schema = batch.schema;
    writer.write(batch);
    yield sink.take();
  }
  writer.finish();
  yield sink.take();
}

/** The whole result as one Arrow IPC file. */
export function relToArrowFile(rel: Rel, compression: ArrowCompression): Uint8Array {
  return joinBytes([...relToArrowFileChunks(rel, compression, Math.max(1, rel.len))]);
}
