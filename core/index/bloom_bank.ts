// A bank of bloom filters, one per granule (block of consecutive rows) of a segment column, and its byte layout:
// the skipping index's blob, and the finer second level that the skipping index and the full-text bloom backend
// append to their blobs so a hit granule narrows to the sub-granules that may hold the value.
import { bloomAdd, bloomHas, bloomSize } from './bloom.ts';

/** Layout: magic u32, granularity u32, granules u32, rows u32, word offsets u32 x (granules + 1), k u8 x granules (padded to 4), words. */
export interface BloomBank { granularity: number; granules: number; rows: number; off: Uint32Array; k: Uint8Array; words: Uint32Array }

const HEADER = 16;

/** Rows per second-level filter: a granule larger than this gets one filter per 1,024 rows (an eighth of a segment page). */
export const SUB_GRANULE = 1024;

/** The second level's granule for a first level of `granularity` rows (0: none, the granule is small enough). */
export function subGranuleOf(granularity: number, sub = SUB_GRANULE): number {
  return sub > 0 && granularity > sub ? sub : 0;
}

/**
 * The values of a column's rows as codes (each hashed once, by the caller): one code a row (`rowAt` null; `valid`
 * a byte per row, 0: no value) or several (a text's tokens: row r's codes are codes[rowAt[r]] .. codes[rowAt[r + 1] - 1]).
 */
export interface RowCodes { codes: Int32Array; rowAt: Uint32Array | null; valid: Uint8Array | null; distinct: number; hashes: Uint32Array }

/** Calls visit(row, code) for every value; one plain loop per shape (builds run over every row of a segment). */
function eachCode(rc: RowCodes, rows: number, visit: (row: number, code: number) => void): void {
  const { codes, rowAt, valid } = rc;
  if (rowAt === null) {
    for (let i = 0; i < rows; i++) if (valid === null || valid[i] !== 0) visit(i, codes[i]!);
    return;
  }
  for (let r = 0; r < rows; r++) for (let i = rowAt[r]!, e = rowAt[r + 1]!; i < e; i++) visit(r, codes[i]!);
}

/** Builds a bank over `rows` rows, each filter sized for its granule's distinct codes. */
export function buildBank(rows: number, granularity: number, fpr: number, rc: RowCodes): BloomBank {
  const granules = Math.ceil(rows / granularity), hashes = rc.hashes;
  const seen = new Int32Array(rc.distinct).fill(-1), distinct = new Uint32Array(granules);
  eachCode(rc, rows, (row, c) => { const g = (row / granularity) | 0; if (seen[c] !== g) { seen[c] = g; distinct[g]!++; } });
  const off = new Uint32Array(granules + 1), k = new Uint8Array(granules);
  for (let g = 0; g < granules; g++) {
    const s = bloomSize(distinct[g]!, fpr);
    off[g + 1] = off[g]! + s.bits / 32;
    k[g] = s.k;
  }
  const words = new Uint32Array(off[granules]!);
  seen.fill(-1);
  eachCode(rc, rows, (row, c) => {
    const g = (row / granularity) | 0;
    if (seen[c] === g) return;
    seen[c] = g;
    bloomAdd(words, off[g]!, (off[g + 1]! - off[g]!) * 32, k[g]!, hashes[2 * c]!, hashes[2 * c + 1]!);
  });
  return { granularity, granules, rows, off, k, words };
}

/** Whether granule g's filter may hold the value hashed (h1, h2). */
export function bankHas(b: BloomBank, g: number, h1: number, h2: number): boolean {
  const base = b.off[g]!;
  return bloomHas(b.words, base, (b.off[g + 1]! - base) * 32, b.k[g]!, h1, h2);
}

const pad4 = (n: number) => (n + 3) & ~3;

export function bankBytes(b: BloomBank): number {
  return HEADER + 4 * (b.granules + 1) + pad4(b.granules) + 4 * b.words.length;
}

/** Writes the bank at `at` (a multiple of 4) of `out`; returns the end. */
export function writeBank(b: BloomBank, magic: number, out: Uint8Array, at: number): number {
  const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
  dv.setUint32(at, magic, true);
  dv.setUint32(at + 4, b.granularity, true);
  dv.setUint32(at + 8, b.granules, true);
  dv.setUint32(at + 12, b.rows, true);
  let p = at + HEADER;
  out.set(new Uint8Array(b.off.buffer, b.off.byteOffset, b.off.byteLength), p);
  p += 4 * (b.granules + 1);
  out.set(b.k, p);
  p += pad4(b.granules);
  out.set(new Uint8Array(b.words.buffer, b.words.byteOffset, b.words.byteLength), p);
  return p + 4 * b.words.length;
}

/**
 * Reads a bank written at `at` of `bytes` with `magic`: undefined when no bank starts there (an older blob ends
 * before it). Views into `bytes` (the caller keeps them 4-byte aligned). A bank whose sizes do not fit is damaged.
 */
export function readBank(bytes: Uint8Array, at: number, magic: number): BloomBank | undefined {
  if (at + HEADER > bytes.length || (bytes.byteOffset + at) % 4 !== 0) return undefined;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dv.getUint32(at, true) !== magic) return undefined;
  const granularity = dv.getUint32(at + 4, true), granules = dv.getUint32(at + 8, true), rows = dv.getUint32(at + 12, true);
  const offAt = at + HEADER, kAt = offAt + 4 * (granules + 1), wordsAt = kAt + pad4(granules);
  if (granularity === 0 || wordsAt > bytes.length) return undefined;
  const off = new Uint32Array(bytes.buffer, bytes.byteOffset + offAt, granules + 1);
  if (wordsAt + 4 * off[granules]! > bytes.length) return undefined;
  const k = bytes.subarray(kAt, kAt + granules);
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset + wordsAt, off[granules]!);
  return { granularity, granules, rows, off, k, words };
}

/** A 4-byte aligned copy of the bytes when they are not (a blob may sit at any offset of its file). */
export function aligned(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
}
