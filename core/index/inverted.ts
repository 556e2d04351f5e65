// Inverted index of one string column of a segment: each distinct value -> the row ranges holding it.
// Segments are sorted by series, so a tag value is a few long ranges and a series lookup is a range read.
import { CorruptDataError, IndexOptionError } from '../errors.ts';
import type { DataType } from '../schema.ts';
import type { IndexColumn, IndexEstimate, IndexKind } from './kind.ts';
import { valueTest, type ColumnPredicate } from './predicate.ts';
import { EMPTY_SELECTION, normalize, type RowSelection } from './selection.ts';

const MAGIC = 0x31564945; // 'EIV1'
const HEADER = 16;

/** A parsed inverted index: sorted distinct values, and per value its ranges postings[off[k]..off[k+1]). */
export interface InvertedReader {
  keys: string[];
  off: Uint32Array;
  starts: Uint32Array;
  ends: Uint32Array;
  /** Rows of each value (summed over its ranges on first use: estimates only). */
  keyRows?: Float64Array;
}

/** Builds the index of a dictionary-coded string column: two passes over the codes, no per-row objects. */
export function buildInverted(col: IndexColumn, rows: number): Uint8Array {
  const codes = col.values as Int32Array, valid = col.valid, dict = col.dict ?? [];
  const nd = dict.length;
  const counts = new Uint32Array(nd);
  let prev = -1;
  for (let i = 0; i < rows; i++) {
    const c = valid && valid[i] === 0 ? -1 : codes[i]!;
    if (c >= 0 && c !== prev) counts[c]!++;
    prev = c;
  }
  const used: number[] = [];
  for (let c = 0; c < nd; c++) if (counts[c]! > 0) used.push(c);
  used.sort((a, b) => (dict[a]! < dict[b]! ? -1 : dict[a]! > dict[b]! ? 1 : 0));
  // postings laid out in sorted key order
  const cursor = new Uint32Array(nd);
  const off = new Uint32Array(used.length + 1);
  for (let k = 0; k < used.length; k++) { cursor[used[k]!] = off[k]!; off[k + 1] = off[k]! + counts[used[k]!]!; }
  const total = off[used.length]!;
  const starts = new Uint32Array(total), ends = new Uint32Array(total);
  prev = -1;
  let open = -1;
  for (let i = 0; i < rows; i++) {
    const c = valid && valid[i] === 0 ? -1 : codes[i]!;
    if (c !== prev) {
      if (open >= 0) ends[open] = i;
      open = -1;
      if (c >= 0) { open = cursor[c]!++; starts[open] = i; }
    }
    prev = c;
  }
  if (open >= 0) ends[open] = rows;
  const enc = new TextEncoder();
  const keyBytes = used.map((c) => enc.encode(dict[c]!));
  const keyOff = new Uint32Array(used.length + 1);
  for (let k = 0; k < used.length; k++) keyOff[k + 1] = keyOff[k]! + keyBytes[k]!.length;
  const size = HEADER + 4 * (2 * (used.length + 1) + 2 * total) + keyOff[used.length]!;
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, MAGIC, true);
  dv.setUint32(4, used.length, true);
  dv.setUint32(8, total, true);
  dv.setUint32(12, keyOff[used.length]!, true);
  let at = HEADER;
  for (const a of [keyOff, off, starts, ends]) { out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at); at += a.byteLength; }
  for (const b of keyBytes) { out.set(b, at); at += b.length; }
  return out;
}

function u32(bytes: Uint8Array, at: number, n: number): Uint32Array {
  // copied when unaligned (a blob sliced out of a larger file may start anywhere)
  if ((bytes.byteOffset + at) % 4 === 0) return new Uint32Array(bytes.buffer, bytes.byteOffset + at, n);
  return new Uint32Array(bytes.slice(at, at + 4 * n).buffer);
}

export function openInverted(bytes: Uint8Array): InvertedReader {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < HEADER || dv.getUint32(0, true) !== MAGIC) throw new CorruptDataError('not an inverted index blob');
  const n = dv.getUint32(4, true), total = dv.getUint32(8, true);
  let at = HEADER;
  const keyOff = u32(bytes, at, n + 1); at += 4 * (n + 1);
  const off = u32(bytes, at, n + 1); at += 4 * (n + 1);
  const starts = u32(bytes, at, total); at += 4 * total;
  const ends = u32(bytes, at, total); at += 4 * total;
  const dec = new TextDecoder();
  const keys = new Array<string>(n);
  for (let k = 0; k < n; k++) keys[k] = dec.decode(bytes.subarray(at + keyOff[k]!, at + keyOff[k + 1]!));
  return { keys, off, starts, ends };
}

/** First key index >= v. */
function lowerBound(keys: string[], v: string): number {
  let lo = 0, hi = keys.length;
  while (lo < hi) { const m = (lo + hi) >>> 1; if (keys[m]! < v) lo = m + 1; else hi = m; }
  return lo;
}

/**
 * The literal text every match of an anchored regex starts with ('' when none is sure): `^abc[0-9]` -> 'abc';
 * a character followed by a quantifier (`^ab?`) or an alternation anywhere ends it.
 */
export function regexPrefix(pattern: string): string {
  if (!pattern.startsWith('^') || pattern.includes('|')) return '';
  let out = '';
  for (let i = 1; i < pattern.length; i++) {
    let c = pattern[i]!, end = i;
    if (c === '\\') {
      const n = pattern[i + 1];
      if (n === undefined || /[A-Za-z0-9]/.test(n)) break; // \d, \w, \b, back references
      c = n; end = i + 1;
    } else if ('.[()^$+*?{}'.includes(c)) break;
    const q = pattern[end + 1];
    if (q !== undefined && '?*{'.includes(q)) break; // optional: not part of every match
    out += c;
    i = end;
  }
  return out;
}

/** Key indices the predicate selects. */
function matchingKeys(r: InvertedReader, p: ColumnPredicate): number[] {
  const out: number[] = [];
  if (p.op === 'in') {
    for (const v of new Set(p.values)) { const k = lowerBound(r.keys, v); if (r.keys[k] === v) out.push(k); }
    return out;
  }
  const test = valueTest(p);
  let from = 0, to = r.keys.length;
  const prefix = p.op === 'like' && !p.negated && !p.caseInsensitive ? p.prefix
    : p.op === 'regex' && !p.negated && p.flags === '' ? regexPrefix(p.pattern) : '';
  if (prefix !== '') {
    // keys are sorted: those starting with the prefix are one stretch
    from = lowerBound(r.keys, prefix);
    to = from;
    while (to < r.keys.length && r.keys[to]!.startsWith(prefix)) to++;
  }
  for (let k = from; k < to; k++) if (test(r.keys[k]!)) out.push(k);
  return out;
}

export function pruneInverted(r: InvertedReader, p: ColumnPredicate): RowSelection {
  const keys = matchingKeys(r, p);
  if (keys.length === 0) return EMPTY_SELECTION;
  if (keys.length === 1) {
    const k = keys[0]!;
    return { start: r.starts.subarray(r.off[k]!, r.off[k + 1]!), end: r.ends.subarray(r.off[k]!, r.off[k + 1]!) };
  }
  let n = 0;
  for (const k of keys) n += r.off[k + 1]! - r.off[k]!;
  const s = new Uint32Array(n), e = new Uint32Array(n);
  let at = 0;
  for (const k of keys) {
    const a = r.off[k]!, b = r.off[k + 1]!;
    s.set(r.starts.subarray(a, b), at);
    e.set(r.ends.subarray(a, b), at);
    at += b - a;
  }
  return normalize(s, e, n);
}

/** Rows and ranges the predicate's selection would hold (no selection built). */
export function estimateInverted(r: InvertedReader, p: ColumnPredicate): IndexEstimate {
  let kr = r.keyRows;
  if (!kr) {
    kr = r.keyRows = new Float64Array(r.keys.length);
    for (let k = 0; k < r.keys.length; k++) {
      let n = 0;
      for (let i = r.off[k]!; i < r.off[k + 1]!; i++) n += r.ends[i]! - r.starts[i]!;
      kr[k] = n;
    }
  }
  let rows = 0, ranges = 0;
  for (const k of matchingKeys(r, p)) { rows += kr[k]!; ranges += r.off[k + 1]! - r.off[k]!; }
  return { rows, ranges };
}

const STRING_ONLY = (t: DataType) => t === 'string';

export const invertedKind: IndexKind<Record<string, never>, InvertedReader> = {
  kind: 'inverted',
  supports: STRING_ONLY,
  options(raw, column) {
    const extra = Object.keys(raw);
    if (extra.length > 0) throw new IndexOptionError(`INVERTED INDEX on column ${column} takes no options, got '${extra[0]}'`);
    return {};
  },
  build: (cols, rows) => buildInverted(cols[0]!, rows),
  open: openInverted,
  answers: (p) => p.op === 'in' || p.op === 'ne' || p.op === 'regex' || p.op === 'like',
  prune: (r, p) => pruneInverted(r, p),
  estimate: (r, p) => estimateInverted(r, p),
};
