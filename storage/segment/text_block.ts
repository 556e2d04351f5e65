// Text columns of mostly distinct values (log messages) as one block per row group: byte-split UTF-8 lengths, then
// the text of every row, where a row's copy of a sibling column's value (a field a pipeline extracted, a label) is
// replaced by a 2-byte reference to that column. The segment's zstd then compresses the group's text as one buffer.
//
// Block layout: [width: u8][lengths: n * width bytes, byte-split][rows' UTF-8 text, concatenated]. In a row's text,
// NUL starts an escape: NUL NUL is a literal NUL, NUL k (1..126) is the value of the k-th referenced column.
import { isAscii } from 'node:buffer';
import type { ColumnData } from '../types.ts';
import { words } from '../int64.ts';
import { widthOf } from './encoding.ts';

export const TEXT_ENCODING = 'text-block';
/** A reference is one byte after NUL, kept ASCII so it stays one byte in UTF-8. */
export const MAX_TEXT_REFS = 126;
/** Values shorter than this are left in the text: a reference costs 2 bytes. */
const MIN_REF_CHARS = 3;
const NUL = '\u0000';

/** Row i of a sibling column as text, or null when it has none (null row, a value with no exact text form). */
export type RefSource = (i: number) => string | null;

/**
 * A column as reference text: strings as themselves; integers in [0, 2^31) in decimal (the form a line printed them
 * in; other integers are never referenced, so decoding needs no formatting rules beyond this one).
 */
export function refSourceOf(c: ColumnData): RefSource | null {
  const valid = c.valid;
  if (c.type === 'string') {
    const dict = c.dict!, codes = c.values as Int32Array;
    return (i) => (valid !== null && valid[i] === 0 ? null : dict[codes[i]!] ?? null);
  }
  if (c.type === 'int64' || c.type === 'uint64') {
    const w = words(c.values as BigInt64Array);
    return (i) => (valid !== null && valid[i] === 0) || w[2 * i + 1] !== 0 || w[2 * i]! < 0 ? null : String(w[2 * i]);
  }
  return null;
}

/** Distinct values among the rows of a dictionary column (nulls not counted). */
export function distinctUsed(c: ColumnData, n: number): number {
  const used = new Uint8Array(c.dict!.length), codes = c.values as Int32Array;
  let k = 0;
  for (let i = 0; i < n; i++) {
    if (c.valid !== null && c.valid[i] === 0) continue;
    const v = codes[i]!;
    if (used[v] === 0) { used[v] = 1; k++; }
  }
  return k;
}

const escape = (s: string): string => (s.indexOf(NUL) < 0 ? s : s.replaceAll(NUL, NUL + NUL));

// Spans of one row's references, reused across rows.
const spanStart: number[] = [], spanEnd: number[] = [], spanRef: number[] = [];

/** Row i's text with sibling values replaced by references (refs[k] -> NUL, k + 1). */
function residual(s: string, i: number, refs: RefSource[]): string {
  let m = 0;
  for (let k = 0; k < refs.length; k++) {
    const v = refs[k]!(i);
    if (v === null || v.length < MIN_REF_CHARS) continue;
    let p = s.indexOf(v);
    for (;;) {
      if (p < 0) break;
      let clash = false;
      for (let j = 0; j < m && !clash; j++) clash = p < spanEnd[j]! && p + v.length > spanStart[j]!;
      if (!clash) break;
      p = s.indexOf(v, p + 1);
    }
    if (p < 0) continue;
    // Insertion by start keeps the spans ordered for the rebuild below.
    let j = m++;
    while (j > 0 && spanStart[j - 1]! > p) { spanStart[j] = spanStart[j - 1]!; spanEnd[j] = spanEnd[j - 1]!; spanRef[j] = spanRef[j - 1]!; j--; }
    spanStart[j] = p; spanEnd[j] = p + v.length; spanRef[j] = k;
  }
  if (m === 0) return escape(s);
  let out = '', at = 0;
  for (let j = 0; j < m; j++) {
    out += escape(s.slice(at, spanStart[j])) + NUL + String.fromCharCode(spanRef[j]! + 1);
    at = spanEnd[j]!;
  }
  return out + escape(s.slice(at));
}

/** Rows [a, b) of a string column as one text block (nulls as empty text: the validity bitmap keeps them apart). */
export function encodeTextBlock(c: ColumnData, a: number, b: number, refs: RefSource[]): Uint8Array {
  const n = b - a, dict = c.dict!, codes = c.values as Int32Array, valid = c.valid;
  const texts = new Array<string>(n);
  const lens = new Uint32Array(n);
  let total = 0, max = 0;
  for (let i = 0; i < n; i++) {
    const r = a + i;
    const s = valid !== null && valid[r] === 0 ? '' : dict[codes[r]!] ?? '';
    const t = refs.length > 0 ? residual(s, r, refs) : escape(s);
    const len = Buffer.byteLength(t, 'utf8');
    texts[i] = t; lens[i] = len; total += len;
    if (len > max) max = len;
  }
  const width = widthOf(max) as number;
  if (width > 4) throw new RangeError('a text value over 4 GiB');
  const head = 1 + n * width;
  const buf = Buffer.allocUnsafe(head + total);
  buf[0] = width;
  for (let i = 0; i < n; i++) {
    const l = lens[i]!;
    buf[1 + i] = l;
    if (width === 1) continue;
    buf[1 + n + i] = l >>> 8;
    if (width === 2) continue;
    buf[1 + 2 * n + i] = l >>> 16;
    buf[1 + 3 * n + i] = l >>> 24;
  }
  let pos = head;
  for (let i = 0; i < n; i++) pos += buf.write(texts[i]!, pos, 'utf8');
  return new Uint8Array(buf.buffer, buf.byteOffset, pos);
}

/** Writes row i of a referenced column as UTF-8 at `pos` of out (grown as needed); returns the end. */
export type RefWriter = (i: number, out: Scratch, pos: number) => number;

/** A growable byte buffer for rebuilt rows. */
export interface Scratch { buf: Buffer }

function room(out: Scratch, need: number): void {
  if (out.buf.length < need) { const b = Buffer.allocUnsafe(Math.max(need, 2 * out.buf.length)); out.buf.copy(b); out.buf = b; }
}

/** The writer twin of refSourceOf: dictionary entries encoded once, integers as ASCII digits. */
export function refWriterOf(c: ColumnData): RefWriter | null {
  const valid = c.valid;
  if (c.type === 'string') {
    const dict = c.dict!, codes = c.values as Int32Array;
    const bytes: (Buffer | undefined)[] = new Array(dict.length);
    return (i, out, pos) => {
      if (valid !== null && valid[i] === 0) return pos;
      const k = codes[i]!;
      const b = bytes[k] ??= Buffer.from(dict[k] ?? '', 'utf8');
      room(out, pos + b.length);
      b.copy(out.buf, pos);
      return pos + b.length;
    };
  }
  if (c.type === 'int64' || c.type === 'uint64') {
    const w = words(c.values as BigInt64Array);
    return (i, out, pos) => {
      if ((valid !== null && valid[i] === 0) || w[2 * i + 1] !== 0 || w[2 * i]! < 0) return pos;
      let v = w[2 * i]!, digits = 1;
      for (let t = v; t >= 10; t = Math.floor(t / 10)) digits++;
      room(out, pos + digits);
      for (let d = digits - 1; d >= 0; d--) { out.buf[pos + d] = 48 + (v % 10); v = Math.floor(v / 10); }
      return pos + digits;
    };
  }
  return null;
}

const scratch: Scratch = { buf: Buffer.allocUnsafe(1 << 16) };

/**
 * Decodes one group's text block of n rows into out.dict (one entry a row, in row order: messages rarely repeat, and
 * readers accept a value under several codes) and out.values (codes) from row `at`; `refs` write the referenced
 * columns of the same group, row-aligned from 0. Rows with references are rebuilt as bytes, so each string is made
 * once, flat. When the block's text is ASCII it is made one string, and each other row is a slice of it (one call in
 * all, rather than one UTF-8 decode a row: a needle scan decodes whole pages to test a few rows).
 */
export function decodeTextBlock(blob: Uint8Array, n: number, refs: RefWriter[], out: ColumnData, at: number): void {
  if (n === 0) return;
  const buf = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  const width = buf[0]!;
  const codes = out.values as Int32Array, dict = out.dict!;
  let pos = 1 + n * width;
  const base = pos;
  const ascii = isAscii(buf.subarray(base)) ? buf.toString('latin1', base, buf.length) : null;
  for (let i = 0; i < n; i++) {
    let len = buf[1 + i]!;
    if (width >= 2) len |= buf[1 + n + i]! << 8;
    if (width === 4) len = (len | (buf[1 + 2 * n + i]! << 16) | (buf[1 + 3 * n + i]! << 24)) >>> 0;
    const end = pos + len;
    let nul = pos;
    while (nul < end && buf[nul] !== 0) nul++;
    let s: string;
    if (nul === end) s = ascii !== null ? ascii.substring(pos - base, end - base) : buf.toString('utf8', pos, end);
    else {
      room(scratch, len);
      buf.copy(scratch.buf, 0, pos, nul);
      let o = nul - pos;
      for (let p = nul; p < end; p++) {
        const c = buf[p]!;
        if (c !== 0) { room(scratch, o + 1); scratch.buf[o++] = c; continue; }
        const k = buf[++p]!;
        if (k === 0) { room(scratch, o + 1); scratch.buf[o++] = 0; } else o = refs[k - 1]?.(i, scratch, o) ?? o;
      }
      s = scratch.buf.toString('utf8', 0, o);
    }
    pos = end;
    codes[at + i] = dict.length;
    dict.push(s);
  }
}
