// Full-text backend 'bloom' (GreptimeDB's default): one bloom filter of the tokens of each granule of rows.
// Answers with whole granules; cheap to store (a few bits per distinct token per granule), never misses a row.
// The filters are core/index's bloom filters (bloom.ts), the ones of the skipping index: one hash, one sizing.
import { bloomHas, hash2 } from '../bloom.ts';
import { bankBytes, bankHas, buildBank, readBank, subGranuleOf, writeBank, type BloomBank, type RowCodes } from '../bloom_bank.ts';
import { intersect } from '../selection.ts';

const SUB_MAGIC = 0x31425345; // 'ESB1', as the skipping index's second level
import type { AnalyzerOptions } from './analyzer.ts';
import { CorruptDataError } from '../../errors.ts';
import type { RowRanges, TextColumn } from './column.ts';
import { HEADER_BYTES, forEachRowTokens, readHeader, writeHeader } from './column.ts';
import type { CandidateAlgebra } from './eval.ts';

// Layout after the header: granularity u32, granules u32, then per granule (word offset u32, words u32, k u32),
// then the filters' 32-bit words (4-byte aligned); then, for granules over SUB_GRANULE rows, the second level: a bloom
// bank (core/index/bloom_bank.ts, magic ESB1) of the tokens of each 1,024 rows, which older builds do not read.
export function buildBloom(col: TextColumn, rows: number, opts: AnalyzerOptions, granularity: number, fpr: number, sub = subGranuleOf(granularity)): Uint8Array {
  // each row's token codes; a token is interned (and hashed) once per granule, as the first level's filters need it:
  // small per-granule maps stay in cache where one map of every token of the segment would not
  const rowAt = new Uint32Array(rows + 1), ids = new Map<string, number>(), h = new Uint32Array(2);
  let toks = new Int32Array(Math.max(16, rows * 2)), n = 0, next = 0, granule = -1;
  let hashes = new Uint32Array(1024), codes = 0;
  forEachRowTokens(col, rows, opts, (r, ts) => {
    rowAt.fill(n, next, r + 1); // rows without a value since the last one: no tokens
    next = r + 1;
    const g = (r / granularity) | 0;
    if (g !== granule) { ids.clear(); granule = g; }
    if (n + ts.length > toks.length) { const t = new Int32Array(2 * (n + ts.length)); t.set(toks.subarray(0, n)); toks = t; }
    for (const t of ts) {
      let c = ids.get(t);
      if (c === undefined) {
        c = codes++;
        ids.set(t, c);
        if (2 * codes > hashes.length) { const x = new Uint32Array(2 * hashes.length); x.set(hashes); hashes = x; }
        hash2(t, h); hashes[2 * c] = h[0]!; hashes[2 * c + 1] = h[1]!;
      }
      toks[n++] = c;
    }
    rowAt[r + 1] = n;
  });
  rowAt.fill(n, next, rows + 1);
  const rc: RowCodes = { codes: toks, rowAt, valid: null, distinct: codes, hashes };
  const first = buildBank(rows, granularity, fpr, rc);
  const second = sub > 0 && sub < granularity ? buildBank(rows, sub, fpr, rc) : undefined;
  const granules = first.granules;
  const dirAt = HEADER_BYTES + 8;
  const wordsAt = dirAt + granules * 12;
  const end = wordsAt + first.words.length * 4;
  const out = new Uint8Array(end + (second ? bankBytes(second) : 0));
  const dv = new DataView(out.buffer);
  writeHeader(dv, 'bloom', opts, rows);
  dv.setUint32(HEADER_BYTES, granularity, true);
  dv.setUint32(HEADER_BYTES + 4, granules, true);
  for (let g = 0; g < granules; g++) {
    dv.setUint32(dirAt + g * 12, first.off[g]!, true);
    dv.setUint32(dirAt + g * 12 + 4, first.off[g + 1]! - first.off[g]!, true);
    dv.setUint32(dirAt + g * 12 + 8, first.k[g]!, true);
  }
  out.set(new Uint8Array(first.words.buffer), wordsAt);
  if (second) writeBank(second, SUB_MAGIC, out, end);
  return out;
}

export interface BloomReader {
  backend: 'bloom';
  opts: AnalyzerOptions;
  rows: number;
  granularity: number;
  off: Uint32Array;
  len: Uint32Array;
  k: Uint32Array;
  words: Uint32Array;
  /** The second level (finer granules), absent in blobs of older builds and for small granules. */
  sub: BloomBank | undefined;
}

export function openBloom(bytes: Uint8Array): BloomReader {
  const { opts, rows, dv } = readHeader(bytes);
  const granularity = dv.getUint32(HEADER_BYTES, true);
  const granules = dv.getUint32(HEADER_BYTES + 4, true);
  const dirAt = HEADER_BYTES + 8;
  const off = new Uint32Array(granules), len = new Uint32Array(granules), k = new Uint32Array(granules);
  for (let g = 0; g < granules; g++) {
    off[g] = dv.getUint32(dirAt + g * 12, true);
    len[g] = dv.getUint32(dirAt + g * 12 + 4, true);
    k[g] = dv.getUint32(dirAt + g * 12 + 8, true);
  }
  const wordsAt = dirAt + granules * 12;
  // the first level's words end where its last filter does (older blobs end there; newer ones go on with the second level)
  let n = 0;
  for (let g = 0; g < granules; g++) n = Math.max(n, off[g]! + len[g]!);
  if (wordsAt + 4 * n > bytes.byteLength) throw new CorruptDataError('full-text bloom index is truncated');
  // a Uint32Array view needs 4-byte alignment of the underlying buffer: copy once when the blob sits unaligned
  const b = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  const words = new Uint32Array(b.buffer, b.byteOffset + wordsAt, n);
  return { backend: 'bloom', opts, rows, granularity, off, len, k, words, sub: readBank(b, wordsAt + 4 * n, SUB_MAGIC) };
}

/** Sets of granules as a byte per granule, null meaning every granule; `has(g, h1, h2)`: granule g may hold the token. */
function granuleAlgebra(granules: number, has: (g: number, h1: number, h2: number) => boolean): CandidateAlgebra<Uint8Array | null> {
  return {
    all: () => null,
    token(tok) {
      const h = new Uint32Array(2);
      hash2(tok, h);
      const out = new Uint8Array(granules);
      for (let g = 0; g < granules; g++) if (has(g, h[0]!, h[1]!)) out[g] = 1;
      return out;
    },
    and: (a, b) => (a === null ? b : b === null ? a : a.map((x, i) => x & b[i]!)),
    or: (a, b) => (a === null || b === null ? null : a.map((x, i) => x | b[i]!)),
  };
}

/** Sets of granules (a byte per granule), null meaning every granule. */
export function bloomAlgebra(r: BloomReader): CandidateAlgebra<Uint8Array | null> {
  return granuleAlgebra(r.off.length, (g, h1, h2) => bloomHas(r.words, r.off[g]!, r.len[g]! * 32, r.k[g]!, h1, h2));
}

/**
 * The second level's sets of sub-granules, probed only within `within` (the first level's answer, null: all): a
 * sub-granule outside it is 0 (the two answers are intersected after).
 */
export function subAlgebra(sub: BloomBank, within: RowRanges | null): CandidateAlgebra<Uint8Array | null> {
  const n = sub.granules, S = sub.granularity;
  const probe = new Uint8Array(n);
  if (within === null) probe.fill(1);
  else for (let i = 0; i < within.start.length; i++) probe.fill(1, Math.floor(within.start[i]! / S), Math.min(n, Math.ceil(within.end[i]! / S)));
  return granuleAlgebra(n, (q, h1, h2) => probe[q] === 1 && bankHas(sub, q, h1, h2));
}

/** Rows of the sub-granules in `set` (null: all), intersected with the first level's rows. */
export function subRanges(sub: BloomBank, set: Uint8Array | null, first: RowRanges): RowRanges {
  if (set === null) return first;
  const start: number[] = [], end: number[] = [];
  const S = sub.granularity;
  for (let q = 0; q < sub.granules; q++) {
    if (set[q] === 0) continue;
    const s = q * S, e = Math.min(sub.rows, s + S);
    if (end.length && end[end.length - 1] === s) end[end.length - 1] = e;
    else { start.push(s); end.push(e); }
  }
  return intersect(first, { start: Uint32Array.from(start), end: Uint32Array.from(end) });
}

export function bloomRanges(r: BloomReader, set: Uint8Array | null): RowRanges {
  const start: number[] = [], end: number[] = [];
  const granules = r.off.length;
  for (let g = 0; g < granules; g++) {
    if (set !== null && set[g] === 0) continue;
    const s = g * r.granularity, e = Math.min(r.rows, s + r.granularity);
    if (end.length && end[end.length - 1] === s) end[end.length - 1] = e;
    else { start.push(s); end.push(e); }
  }
  return { start: Uint32Array.from(start), end: Uint32Array.from(end) };
}
