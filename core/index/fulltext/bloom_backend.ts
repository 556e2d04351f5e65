// Full-text backend 'bloom' (GreptimeDB's default): one bloom filter of the tokens of each granule of rows.
// Answers with whole granules; cheap to store (a few bits per distinct token per granule), never misses a row.
// The filters are core/index's bloom filters (bloom.ts), the ones of the skipping index: one hash, one sizing.
import { bloomAdd, bloomHas, bloomSize, hash2 } from '../bloom.ts';
import type { AnalyzerOptions } from './analyzer.ts';
import type { RowRanges, TextColumn } from './column.ts';
import { HEADER_BYTES, forEachRowTokens, readHeader, writeHeader } from './column.ts';
import type { CandidateAlgebra } from './eval.ts';

// Layout after the header: granularity u32, granules u32, then per granule (word offset u32, words u32, k u32),
// then the filters' 32-bit words (4-byte aligned).
export function buildBloom(col: TextColumn, rows: number, opts: AnalyzerOptions, granularity: number, fpr: number): Uint8Array {
  const granules = Math.ceil(rows / granularity);
  const sets: Set<string>[] = Array.from({ length: granules }, () => new Set<string>());
  forEachRowTokens(col, rows, opts, (r, toks) => { const s = sets[Math.floor(r / granularity)]!; for (const t of toks) s.add(t); });
  const shapes = sets.map((s) => { const b = bloomSize(s.size, fpr); return { words: b.bits / 32, k: b.k }; });
  const totalWords = shapes.reduce((a, s) => a + s.words, 0);
  const dirAt = HEADER_BYTES + 8;
  const wordsAt = dirAt + granules * 12;
  const out = new Uint8Array(wordsAt + totalWords * 4);
  const dv = new DataView(out.buffer);
  writeHeader(dv, 'bloom', opts, rows);
  dv.setUint32(HEADER_BYTES, granularity, true);
  dv.setUint32(HEADER_BYTES + 4, granules, true);
  const words = new Uint32Array(out.buffer, wordsAt, totalWords);
  let off = 0;
  const h = new Uint32Array(2);
  for (let g = 0; g < granules; g++) {
    const { words: w, k } = shapes[g]!;
    dv.setUint32(dirAt + g * 12, off, true);
    dv.setUint32(dirAt + g * 12 + 4, w, true);
    dv.setUint32(dirAt + g * 12 + 8, k, true);
    for (const t of sets[g]!) { hash2(t, h); bloomAdd(words, off, w * 32, k, h[0]!, h[1]!); }
    off += w;
  }
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
  const n = (bytes.byteLength - wordsAt) >>> 2;
  // a Uint32Array view needs 4-byte alignment of the underlying buffer: copy once when the blob sits unaligned
  const words = (bytes.byteOffset + wordsAt) % 4 === 0 ? new Uint32Array(bytes.buffer, bytes.byteOffset + wordsAt, n) : new Uint32Array(bytes.slice(wordsAt, wordsAt + n * 4).buffer);
  return { backend: 'bloom', opts, rows, granularity, off, len, k, words };
}

/** Sets of granules (a byte per granule), null meaning every granule. */
export function bloomAlgebra(r: BloomReader): CandidateAlgebra<Uint8Array | null> {
  const granules = r.off.length;
  return {
    all: () => null,
    token(tok) {
      const h = new Uint32Array(2);
      hash2(tok, h);
      const out = new Uint8Array(granules);
      for (let g = 0; g < granules; g++) out[g] = bloomHas(r.words, r.off[g]!, r.len[g]! * 32, r.k[g]!, h[0]!, h[1]!) ? 1 : 0;
      return out;
    },
    and: (a, b) => (a === null ? b : b === null ? a : a.map((x, i) => x & b[i]!)),
    or: (a, b) => (a === null || b === null ? null : a.map((x, i) => x | b[i]!)),
  };
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
