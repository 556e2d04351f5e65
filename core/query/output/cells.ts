// How each column's cells are written for JSON and CSV: one writer per column, specialised on its kind and reading
// its typed array directly, appending bytes (digits for numbers) to one buffer.
import type { Interval, Vec } from '../vector.ts';
import { TIME_TYPES, dictOf } from '../vector.ts';
import { formatTimeOfDay } from '../expr/time_of_day.ts';
import { formatTimestamp, intervalLikeText, isIntervalLike } from '../expr/time.ts';
import type { ByteWriter } from './byte_writer.ts';
import { floatCsv, floatJson, numStore, words, writeInt64, writeShortFloat, writeTs } from './digits.ts';
import { shortestFloat32 } from '../expr/cast.ts';
import { decimalOf, formatDecimal } from '../expr/decimal.ts';
import { decimalText } from '../expr/decimal_exact.ts';
import { listText } from './table.ts';
import { exactJson } from './exact_json.ts';

export type CellMode = 'json' | 'csv';
export type CellWriter = (out: ByteWriter, i: number) => void;

const enc = new TextEncoder();
const NULL_TEXT: Record<CellMode, string> = { json: 'null', csv: '' };
const NULL_BYTES: Record<CellMode, Uint8Array> = { json: enc.encode('null'), csv: new Uint8Array(0) };
/** A dictionary's strings as written by each mode (escaped, quoted, UTF-8), by code, each beside the string it encodes. */
const encodedDicts = new WeakMap<readonly (string | null)[], Record<CellMode, ({ s: string | null | undefined; b: Uint8Array } | undefined)[]>>();

/** RFC 4180 quoting; an empty string is quoted so it reads back apart from NULL (an empty cell). */
export function csvQuote(s: string): string {
  return s === '' || /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** True when s is printable ASCII with nothing JSON or CSV would escape or quote. */
function plain(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c || c === 0x2c) return false;
  }
  return true;
}

function writeString(out: ByteWriter, s: string, mode: CellMode): void {
  if (plain(s)) {
    if (mode === 'json') { out.byte(0x22); out.ascii(s); out.byte(0x22); } else out.ascii(s);
  } else out.utf8(mode === 'json' ? JSON.stringify(s) : csvQuote(s));
}

/** The cell writer of column c. Integers and timestamps keep every digit; floats print as JSON/JS numbers do. */
export function cellWriter(c: Vec, mode: CellMode): CellWriter {
  const nul = NULL_TEXT[mode];
  switch (c.kind) {
    case 'num': {
      const s = numStore(c);
      const valid = c.valid;
      if (s.kind === 'f64') {
        const v = s.v;
        const fmt64 = mode === 'json' ? floatJson : floatCsv;
        const dec = decimalOf(c.dt);
        if (dec) {
          // a decimal prints every digit of its scale, as text in JSON (GreptimeDB's Decimal128 rendering)
          const exact = c.dec !== undefined;
          return (out, i) => {
            if (valid !== null && valid[i] === 0) out.ascii(nul);
            else writeString(out, exact ? decimalText(c, i, dec.s) : formatDecimal(v[i]!, dec.s), mode);
          };
        }
        // a Float32 prints its own shortest digits, not those of the double that holds it
        const fmt = c.dt === 'Float32' ? (x: number) => fmt64(Number.isInteger(x) ? x : Number(shortestFloat32(x))) : fmt64;
        return (out, i) => {
          if (valid !== null && valid[i] === 0) { out.ascii(nul); return; }
          const x = v[i]!;
          // Integers (the common case for int columns held as doubles) skip String(); -0 goes to fmt for its sign.
          if (Number.isSafeInteger(x) && x !== 0) out.int(x);
          else if (fmt === fmt64 && x !== 0 && writeShortFloat(out, x)) return;
          else out.ascii(fmt(x));
        };
      }
      const unsigned = s.kind === 'u64';
      return (out, i) => {
        if (valid !== null && valid[i] === 0) out.ascii(nul);
        else writeInt64(out, s.w, i, unsigned, s.v);
      };
    }
    case 'ts': {
      const valid = c.valid;
      if (c.dt === 'Date' || TIME_TYPES[c.dt]) {
        const text = c.dt === 'Date' ? (x: bigint) => formatTimestamp(x).slice(0, 10) : formatTimeOfDay;
        return (out, i) => {
          if (valid !== null && valid[i] === 0) out.ascii(nul);
          else writeString(out, text(c.v[i]!), mode);
        };
      }
      const w = words(c.v);
      return (out, i) => {
        if (valid !== null && valid[i] === 0) out.ascii(nul);
        else writeTs(out, c, w, i);
      };
    }
    case 'bool': {
      const valid = c.valid;
      return (out, i) => out.ascii(valid !== null && valid[i] === 0 ? nul : c.v[i] === 1 ? 'true' : 'false');
    }
    case 'str': {
      const d = dictOf(c);
      if (d) {
        // Each distinct string is escaped and encoded once, when a row first writes it: a dictionary (a tag's
        // every value) is often far larger than the rows of an answer. The encodings stay with the dictionary array
        // for the next answers over it (a segment's dictionary is shared by every scan of the segment), each beside
        // the string it encodes, so an entry whose string changed is encoded again.
        let byMode = encodedDicts.get(d.dict);
        if (!byMode) encodedDicts.set(d.dict, (byMode = { json: [], csv: [] }));
        const texts = byMode[mode];
        const encodeAt = (k: number): Uint8Array => {
          const s = d.dict[k];
          const b = enc.encode(s === null || s === undefined ? nul : mode === 'json' ? JSON.stringify(s) : csvQuote(s));
          texts[k] = { s, b };
          return b;
        };
        const nulBytes = NULL_BYTES[mode];
        return (out, i) => {
          const k = d.codes[i]!;
          if (k < 0) { out.bytes(nulBytes); return; }
          const t = texts[k];
          out.bytes(t !== undefined && t.s === d.dict[k] ? t.b : encodeAt(k));
        };
      }
      const v = c.v;
      return (out, i) => {
        const s = v[i];
        if (s === null || s === undefined) out.ascii(nul);
        else writeString(out, s, mode);
      };
    }
    case 'any':
      return (out, i) => {
        const x = c.v[i];
        if (x === null || x === undefined) out.ascii(nul);
        else if (isIntervalLike(c.dt)) writeString(out, intervalLikeText(c.dt, x as Interval), mode);
        else if (c.dt === 'List') writeString(out, listText(x as unknown[], c.nested), mode);
        else if (mode === 'json') out.utf8(exactJson(x));
        else out.utf8(csvQuote(typeof x === 'string' ? x : exactJson(x)));
      };
  }
}
