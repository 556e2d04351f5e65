// Cell encoders: one per result column, specialised on its kind and format, writing DataRow cells from the typed arrays.
import type { Interval, Vec } from '../query/vector.ts';
import { dictOf } from '../query/vector.ts';
import { int64Text, numStore, unitsOf, words } from '../query/output/digits.ts';
import { listText } from '../query/output/table.ts';
import type { Format } from './protocol.ts';
import type { PgType } from './types.ts';
import { Oid } from './types.ts';
import type { BackendWriter } from './writer.ts';
import { byteaText, dateText, float4Text, float8Text, intervalText, microsText, nsToDays, pgEpochDays, pgEpochMicros, timestampText } from './text.ts';
import { numericBinary } from './numeric.ts';
import { decimalText } from '../query/expr/decimal_exact.ts';
import { formatTimeOfDay } from '../query/expr/time_of_day.ts';

/** Writes row i of its column as one DataRow cell (length word included). */
export type CellEncoder = (w: BackendWriter, i: number) => void;

export interface CellOptions {
  /** Minutes east of UTC of the session time zone at an instant (timestamps are shown in it); none: UTC. */
  offsetMinutes?: (ns: bigint) => number;
}

const enc = new TextEncoder();
const TWO32 = 4294967296;
const US_PER_UNIT = { s: 1e6, ms: 1e3, us: 1, ns: 1e-3 } as const;

function textCell(w: BackendWriter, s: string): void {
  const at = w.size;
  w.int32(0);
  const n = w.utf8(s);
  const v = w.view(0);
  v.buf[at] = n >>> 24; v.buf[at + 1] = (n >>> 16) & 0xff; v.buf[at + 2] = (n >>> 8) & 0xff; v.buf[at + 3] = n & 0xff;
}
function asciiCell(w: BackendWriter, s: string): void {
  w.int32(s.length);
  w.ascii(s);
}
function bytesCell(w: BackendWriter, b: Uint8Array): void {
  w.int32(b.length);
  w.bytes(b);
}
function int64Cell(w: BackendWriter, hi: number, lo: number): void {
  const { buf, at } = w.view(12);
  const dv = new DataView(buf.buffer, buf.byteOffset);
  dv.setInt32(at, 8); dv.setInt32(at + 4, hi); dv.setUint32(at + 8, lo);
}
function fixedCell(w: BackendWriter, n: number, fill: (dv: DataView, at: number) => void): void {
  const { buf, at } = w.view(4 + n);
  const dv = new DataView(buf.buffer, buf.byteOffset);
  dv.setInt32(at, n);
  fill(dv, at + 4);
}

/** Text of any value without typed storage (lists, bytes, objects). */
function anyText(dt: string, x: unknown, nested?: string): string {
  // a duration (timestamp - timestamp) is a PostgreSQL interval of its nanoseconds
  if (dt === 'IntervalMonthDayNano' || dt.startsWith('Duration')) return intervalText(x as Interval);
  if (x instanceof Uint8Array) return byteaText(x);
  if (Array.isArray(x)) return listText(x, nested);
  if (typeof x === 'string') return x;
  if (typeof x === 'bigint' || typeof x === 'number' || typeof x === 'boolean') return String(x);
  return JSON.stringify(x, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? '';
}

/** A Binary value's text: its bytes in lower-case hex (other Binary producers, sketch states and vectors, hold text). */
const HEX = /^(?:[0-9a-f]{2})*$/;

/** The encoder of column c sent as `type` in `format`. */
export function cellEncoder(c: Vec, type: PgType, format: Format, opts: CellOptions = {}): CellEncoder {
  const binary = format === 1;
  switch (c.kind) {
    case 'num': {
      const valid = c.valid;
      const s = numStore(c);
      const isNull = (i: number) => valid !== null && valid[i] === 0;
      if (type.oid === Oid.float4 || type.oid === Oid.float8) {
        const v = c.v;
        const f4 = type.oid === Oid.float4;
        if (binary) return (w, i) => { if (isNull(i)) w.nullCell(); else fixedCell(w, f4 ? 4 : 8, (dv, at) => (f4 ? dv.setFloat32(at, v[i]!) : dv.setFloat64(at, v[i]!))); };
        return (w, i) => { if (isNull(i)) w.nullCell(); else asciiCell(w, f4 ? float4Text(v[i]!) : float8Text(v[i]!)); };
      }
      const digits = (i: number): string => {
        if (s.kind === 'f64') { const x = s.v[i]!; return Number.isInteger(x) ? String(x) : String(Math.trunc(x)); }
        return int64Text(s.w, i, s.kind === 'u64', s.v);
      };
      const decimal = /^Decimal/.test(c.dt) ? Number(/,\s*(\d+)\)/.exec(c.dt)?.[1] ?? 0) : -1;
      if (type.oid === Oid.numeric) {
        const text = decimal >= 0 && s.kind === 'f64' ? (i: number) => decimalText(c, i, decimal) : digits;
        if (binary) return (w, i) => { if (isNull(i)) w.nullCell(); else bytesCell(w, numericBinary(text(i))); };
        return (w, i) => { if (isNull(i)) w.nullCell(); else asciiCell(w, text(i)); };
      }
      if (!binary) return (w, i) => { if (isNull(i)) w.nullCell(); else asciiCell(w, digits(i)); };
      if (type.oid === Oid.int2 || type.oid === Oid.int4) {
        const v = c.v;
        const n = type.oid === Oid.int2 ? 2 : 4;
        return (w, i) => { if (isNull(i)) w.nullCell(); else fixedCell(w, n, (dv, at) => (n === 2 ? dv.setInt16(at, v[i]!) : dv.setInt32(at, v[i]!))); };
      }
      if (s.kind !== 'f64') {
        const ws = s.w;
        return (w, i) => { if (isNull(i)) w.nullCell(); else int64Cell(w, ws[2 * i + 1]!, ws[2 * i]! >>> 0); };
      }
      const v = s.v;
      return (w, i) => {
        if (isNull(i)) { w.nullCell(); return; }
        const x = Math.trunc(v[i]!);
        const hi = Math.floor(x / TWO32);
        int64Cell(w, hi | 0, (x - hi * TWO32) >>> 0);
      };
    }
    case 'ts': {
      const valid = c.valid, v = c.v;
      const isNull = (i: number) => valid !== null && valid[i] === 0;
      const off = opts.offsetMinutes;
      if (type.oid === Oid.date) {
        if (binary) return (w, i) => { if (isNull(i)) w.nullCell(); else fixedCell(w, 4, (dv, at) => dv.setInt32(at, pgEpochDays(v[i]!))); };
        return (w, i) => { if (isNull(i)) w.nullCell(); else asciiCell(w, dateText(nsToDays(v[i]!))); };
      }
      if (type.oid === Oid.time) {
        // PostgreSQL's time: microseconds since midnight (binary), its text to the microsecond
        if (binary) return (w, i) => { if (isNull(i)) w.nullCell(); else fixedCell(w, 8, (dv, at) => dv.setBigInt64(at, v[i]! / 1000n)); };
        return (w, i) => { if (isNull(i)) w.nullCell(); else asciiCell(w, formatTimeOfDay((v[i]! / 1000n) * 1000n)); };
      }
      const shift = (ns: bigint) => (off ? ns + BigInt(off(ns)) * 60_000_000_000n : ns);
      if (binary) return (w, i) => { if (isNull(i)) w.nullCell(); else fixedCell(w, 8, (dv, at) => dv.setBigInt64(at, pgEpochMicros(shift(v[i]!)))); };
      if (!off && c.unit !== 'ns') {
        // whole seconds / ms / us: the count of units from the 32-bit words, without a BigInt per row
        const ws = words(v);
        const perUnit = US_PER_UNIT[c.unit];
        return (w, i) => {
          if (isNull(i)) { w.nullCell(); return; }
          const units = unitsOf(ws, i, c.unit);
          asciiCell(w, units !== null ? microsText(units * perUnit) : timestampText(v[i]!));
        };
      }
      return (w, i) => { if (isNull(i)) w.nullCell(); else asciiCell(w, timestampText(shift(v[i]!))); };
    }
    case 'bool': {
      const valid = c.valid, v = c.v;
      if (binary) return (w, i) => { if (valid !== null && valid[i] === 0) w.nullCell(); else fixedCell(w, 1, (dv, at) => dv.setUint8(at, v[i] ? 1 : 0)); };
      return (w, i) => { if (valid !== null && valid[i] === 0) w.nullCell(); else asciiCell(w, v[i] ? 't' : 'f'); };
    }
    case 'str': {
      const bytea = type.oid === Oid.bytea;
      const d = dictOf(c);
      if (d && !bytea) {
        // each distinct string encoded once
        const bytes = d.dict.map((s) => (s === null ? null : enc.encode(s)));
        return (w, i) => { const k = d.codes[i]!; const b = k < 0 ? null : bytes[k]; if (!b) w.nullCell(); else bytesCell(w, b); };
      }
      const v = c.v;
      if (bytea) {
        // a Binary column holds its bytes as hex; other text sent as bytea is its UTF-8
        const bytesOf = c.dt === 'Binary' ? (s: string) => (HEX.test(s) ? Buffer.from(s, 'hex') : enc.encode(s)) : (s: string) => enc.encode(s);
        return (w, i) => {
          const s = v[i];
          if (s === null || s === undefined) w.nullCell();
          else if (binary) bytesCell(w, bytesOf(s));
          else asciiCell(w, byteaText(bytesOf(s)));
        };
      }
      return (w, i) => { const s = v[i]; if (s === null || s === undefined) w.nullCell(); else textCell(w, s); };
    }
    case 'any': {
      const v = c.v, dt = c.dt, nested = c.nested;
      if (type.oid === Oid.interval && binary) {
        return (w, i) => {
          const x = v[i] as Interval | null | undefined;
          if (x === null || x === undefined) { w.nullCell(); return; }
          fixedCell(w, 16, (dv, at) => { dv.setBigInt64(at, x.nanos / 1000n); dv.setInt32(at + 8, x.days); dv.setInt32(at + 12, x.months); });
        };
      }
      if (type.oid === Oid.bytea) {
        return (w, i) => {
          const x = v[i];
          if (x === null || x === undefined) { w.nullCell(); return; }
          const b = x instanceof Uint8Array ? x : enc.encode(anyText(dt, x, nested));
          if (binary) bytesCell(w, b); else asciiCell(w, byteaText(b));
        };
      }
      return (w, i) => { const x = v[i]; if (x === null || x === undefined) w.nullCell(); else textCell(w, anyText(dt, x, nested)); };
    }
  }
}
