// Full-text backend 'tantivy' (an inverted index of our own, not tantivy's format): term dictionary -> row postings.
// Exact per token (rows, not granules), so a rare term (a trace id) selects just its rows; bigger than 'bloom'.
import type { AnalyzerOptions } from './analyzer.ts';
import type { RowRanges, TextColumn } from './column.ts';
import { HEADER_BYTES, forEachRowTokens, readHeader, rowsToRanges, allRanges, writeHeader } from './column.ts';
import type { CandidateAlgebra } from './eval.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

// Layout after the header: terms u32, term-block bytes u32, postings-block bytes u32, term offsets u32[terms + 1],
// postings offsets u32[terms + 1], the UTF-8 terms in JavaScript string order (UTF-16 code units; the probe's binary
// search compares the same way), then each term's rows as LEB128 varint deltas. Written into two buffers sized
// from upper bounds: no allocation per term.
export function buildPostings(col: TextColumn, rows: number, opts: AnalyzerOptions): Uint8Array {
  // Postings as chains in typed arrays (entry -> previous entry of the same term), not one JS array per term:
  // a segment of log lines has about as many distinct terms (ids, numbers) as rows, and a million small arrays
  // cost more in GC than the index itself.
  const ids = new Map<string, number>();
  let lastEntry = new Int32Array(1024), lastRow = new Int32Array(1024);
  let entryRow = new Uint32Array(4096), entryPrev = new Int32Array(4096);
  let nE = 0, chars = 0;
  forEachRowTokens(col, rows, opts, (r, toks) => {
    for (const t of toks) {
      let id = ids.get(t);
      if (id === undefined) {
        id = ids.size;
        ids.set(t, id);
        chars += t.length;
        if (id >= lastEntry.length) {
          const le = new Int32Array(lastEntry.length * 2); le.set(lastEntry); lastEntry = le;
          const lr = new Int32Array(lastRow.length * 2); lr.set(lastRow); lastRow = lr;
        }
        lastEntry[id] = -1; lastRow[id] = -1;
      }
      if (lastRow[id] === r) continue;
      if (nE === entryRow.length) {
        const er = new Uint32Array(nE * 2); er.set(entryRow); entryRow = er;
        const ep = new Int32Array(nE * 2); ep.set(entryPrev); entryPrev = ep;
      }
      entryRow[nE] = r; entryPrev[nE] = lastEntry[id]!;
      lastEntry[id] = nE++; lastRow[id] = r;
    }
  });
  const terms = [...ids.keys()].sort();
  const nT = terms.length;
  const termBuf = new Uint8Array(chars * 3);
  const postBuf = new Uint8Array(nE * 5);
  const termOff = new Uint32Array(nT + 1), postOff = new Uint32Array(nT + 1);
  const scratch: number[] = [];
  let to = 0, po = 0;
  for (let k = 0; k < nT; k++) {
    const t = terms[k]!;
    to += enc.encodeInto(t, termBuf.subarray(to)).written;
    termOff[k + 1] = to;
    scratch.length = 0;
    for (let e = lastEntry[ids.get(t)!]!; e >= 0; e = entryPrev[e]!) scratch.push(entryRow[e]!);
    let prev = 0;
    for (let j = scratch.length - 1; j >= 0; j--) {
      const r = scratch[j]!;
      let d = r - prev; prev = r;
      while (d >= 0x80) { postBuf[po++] = (d & 0x7f) | 0x80; d >>>= 7; }
      postBuf[po++] = d;
    }
    postOff[k + 1] = po;
  }
  const offsAt = HEADER_BYTES + 12;
  const termsAt = offsAt + 8 * (nT + 1);
  const out = new Uint8Array(termsAt + to + po);
  const dv = new DataView(out.buffer);
  writeHeader(dv, 'tantivy', opts, rows);
  dv.setUint32(HEADER_BYTES, nT, true);
  dv.setUint32(HEADER_BYTES + 4, to, true);
  dv.setUint32(HEADER_BYTES + 8, po, true);
  for (let i = 0; i <= nT; i++) {
    dv.setUint32(offsAt + 4 * i, termOff[i]!, true);
    dv.setUint32(offsAt + 4 * (nT + 1) + 4 * i, postOff[i]!, true);
  }
  out.set(termBuf.subarray(0, to), termsAt);
  out.set(postBuf.subarray(0, po), termsAt + to);
  return out;
}

export interface PostingsReader {
  backend: 'tantivy';
  opts: AnalyzerOptions;
  rows: number;
  termOff: Uint32Array;
  postOff: Uint32Array;
  terms: Uint8Array;
  postings: Uint8Array;
}

export function openPostings(bytes: Uint8Array): PostingsReader {
  const { opts, rows, dv } = readHeader(bytes);
  const nT = dv.getUint32(HEADER_BYTES, true);
  const termBytes = dv.getUint32(HEADER_BYTES + 4, true);
  const postBytes = dv.getUint32(HEADER_BYTES + 8, true);
  const offsAt = HEADER_BYTES + 12;
  const termOff = new Uint32Array(nT + 1), postOff = new Uint32Array(nT + 1);
  for (let i = 0; i <= nT; i++) { termOff[i] = dv.getUint32(offsAt + 4 * i, true); postOff[i] = dv.getUint32(offsAt + 4 * (nT + 1) + 4 * i, true); }
  const termsAt = offsAt + 8 * (nT + 1);
  return {
    backend: 'tantivy', opts, rows, termOff, postOff,
    terms: bytes.subarray(termsAt, termsAt + termBytes),
    postings: bytes.subarray(termsAt + termBytes, termsAt + termBytes + postBytes),
  };
}

/** The rows holding one token (sorted), empty when the dictionary has no such term. */
export function postingsOf(r: PostingsReader, tok: string): Uint32Array {
  let lo = 0, hi = r.termOff.length - 2;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const t = dec.decode(r.terms.subarray(r.termOff[mid]!, r.termOff[mid + 1]!));
    if (t === tok) return decode(r.postings.subarray(r.postOff[mid]!, r.postOff[mid + 1]!));
    if (t < tok) lo = mid + 1; else hi = mid - 1;
  }
  return new Uint32Array(0);
}

function decode(b: Uint8Array): Uint32Array {
  const out = new Uint32Array(b.length);
  let n = 0, prev = 0;
  for (let i = 0; i < b.length; ) {
    let d = 0, shift = 0, c: number;
    do { c = b[i++]!; d += (c & 0x7f) * 2 ** shift; shift += 7; } while (c & 0x80);
    prev += d;
    out[n++] = prev;
  }
  return out.subarray(0, n);
}

/** Sets of rows as sorted Uint32Arrays, null meaning every row. */
export function postingsAlgebra(r: PostingsReader): CandidateAlgebra<Uint32Array | null> {
  return {
    all: () => null,
    token: (tok) => postingsOf(r, tok),
    and(a, b) {
      if (a === null) return b;
      if (b === null) return a;
      const out = new Uint32Array(Math.min(a.length, b.length));
      let i = 0, j = 0, n = 0;
      while (i < a.length && j < b.length) { const x = a[i]!, y = b[j]!; if (x === y) { out[n++] = x; i++; j++; } else if (x < y) i++; else j++; }
      return out.subarray(0, n);
    },
    or(a, b) {
      if (a === null || b === null) return null;
      const out = new Uint32Array(a.length + b.length);
      let i = 0, j = 0, n = 0;
      while (i < a.length || j < b.length) {
        const x = i < a.length ? a[i]! : Infinity, y = j < b.length ? b[j]! : Infinity;
        if (x === y) { out[n++] = x; i++; j++; } else if (x < y) { out[n++] = x; i++; } else { out[n++] = y; j++; }
      }
      return out.subarray(0, n);
    },
  };
}

export function postingsRanges(r: PostingsReader, set: Uint32Array | null): RowRanges {
  return set === null ? allRanges(r.rows) : rowsToRanges(set);
}
