// Skipping index: a bloom filter per granule of rows of one column, for high-cardinality columns (trace ids,
// request ids) where an inverted index would be as large as the data. Answers = and IN; a granule whose filter
// says no is skipped.
import { CorruptDataError, IndexOptionError } from '../errors.ts';
import { bloomAdd, bloomHas, bloomSize, hash2 } from './bloom.ts';
import type { IndexColumn, IndexKind } from './kind.ts';
import type { ColumnPredicate } from './predicate.ts';
import { normalize, type RowSelection } from './selection.ts';

const MAGIC = 0x31534b45; // 'EKS1'
const HEADER = 16;

export interface SkippingOptions { granularity: number; falsePositiveRate: number }

/** Limits of the options: a granule of at least 1 and at most 1,048,576 rows; 0 < rate < 1 (as GreptimeDB: a rate of 1 keeps nothing useful). */
export const GRANULARITY_MAX = 1 << 20;

export function skippingOptions(raw: Record<string, string>, column: string): SkippingOptions {
  for (const k of Object.keys(raw)) {
    if (!['granularity', 'false_positive_rate', 'type'].includes(k)) throw new IndexOptionError(`SKIPPING INDEX on column ${column}: unknown option '${k}' (options: granularity, false_positive_rate, type)`);
  }
  const g = raw.granularity === undefined ? 10240 : Number(raw.granularity);
  if (!Number.isInteger(g) || g < 1 || g > GRANULARITY_MAX) {
    throw new IndexOptionError(`SKIPPING INDEX on column ${column}: granularity = ${raw.granularity} is out of range, expected an integer from 1 to ${GRANULARITY_MAX}`);
  }
  const p = raw.false_positive_rate === undefined ? 0.01 : Number(raw.false_positive_rate);
  if (!Number.isFinite(p) || p <= 0 || p >= 1) {
    throw new IndexOptionError(`SKIPPING INDEX on column ${column}: false_positive_rate = ${raw.false_positive_rate} is out of range, expected 0 < rate < 1`);
  }
  return { granularity: g, falsePositiveRate: p };
}

export interface SkippingReader { granularity: number; granules: number; off: Uint32Array; k: Uint8Array; words: Uint32Array }

/** Builds one filter per granule, sized for the distinct values of that granule; hashes are computed once per dictionary entry. */
export function buildSkipping(col: IndexColumn, rows: number, o: SkippingOptions): Uint8Array {
  const codes = col.values as Int32Array, valid = col.valid, dict = col.dict ?? [];
  const G = o.granularity, ng = Math.ceil(rows / G);
  const h = new Uint32Array(2 * dict.length), tmp = new Uint32Array(2);
  for (let c = 0; c < dict.length; c++) { hash2(dict[c]!, tmp); h[2 * c] = tmp[0]!; h[2 * c + 1] = tmp[1]!; }
  const seen = new Int32Array(dict.length).fill(-1);
  const distinct = new Uint32Array(ng);
  for (let i = 0; i < rows; i++) {
    if (valid && valid[i] === 0) continue;
    const c = codes[i]!, g = (i / G) | 0;
    if (seen[c] !== g) { seen[c] = g; distinct[g]!++; }
  }
  const off = new Uint32Array(ng + 1), k = new Uint8Array(ng);
  for (let g = 0; g < ng; g++) {
    const s = bloomSize(distinct[g]!, o.falsePositiveRate);
    off[g + 1] = off[g]! + s.bits / 32;
    k[g] = s.k;
  }
  const kBytes = Math.ceil(ng / 4) * 4;
  const out = new Uint8Array(HEADER + 4 * (ng + 1) + kBytes + 4 * off[ng]!);
  const words = new Uint32Array(out.buffer, HEADER + 4 * (ng + 1) + kBytes, off[ng]!);
  seen.fill(-1);
  for (let i = 0; i < rows; i++) {
    if (valid && valid[i] === 0) continue;
    const c = codes[i]!, g = (i / G) | 0;
    if (seen[c] === g) continue;
    seen[c] = g;
    bloomAdd(words, off[g]!, (off[g + 1]! - off[g]!) * 32, k[g]!, h[2 * c]!, h[2 * c + 1]!);
  }
  const dv = new DataView(out.buffer);
  dv.setUint32(0, MAGIC, true);
  dv.setUint32(4, G, true);
  dv.setUint32(8, ng, true);
  dv.setUint32(12, rows, true);
  out.set(new Uint8Array(off.buffer), HEADER);
  out.set(k, HEADER + 4 * (ng + 1));
  return out;
}

export function openSkipping(bytes: Uint8Array): SkippingReader {
  // an aligned private copy: the blob may sit at any offset of the file it came from
  const b = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (b.length < HEADER || dv.getUint32(0, true) !== MAGIC) throw new CorruptDataError('not a skipping index blob');
  const granularity = dv.getUint32(4, true), granules = dv.getUint32(8, true);
  const off = new Uint32Array(b.buffer, b.byteOffset + HEADER, granules + 1);
  const k = b.subarray(HEADER + 4 * (granules + 1), HEADER + 4 * (granules + 1) + granules);
  const wordsAt = HEADER + 4 * (granules + 1) + Math.ceil(granules / 4) * 4;
  const words = new Uint32Array(b.buffer, b.byteOffset + wordsAt, off[granules]!);
  return { granularity, granules, off, k, words };
}

export function pruneSkipping(r: SkippingReader, p: ColumnPredicate, rows: number): RowSelection | undefined {
  if (p.op !== 'in') return undefined;
  const hs = new Uint32Array(2 * p.values.length), tmp = new Uint32Array(2);
  p.values.forEach((v, j) => { hash2(v, tmp); hs[2 * j] = tmp[0]!; hs[2 * j + 1] = tmp[1]!; });
  const s = new Uint32Array(r.granules), e = new Uint32Array(r.granules);
  let n = 0;
  for (let g = 0; g < r.granules; g++) {
    const base = r.off[g]!, bits = (r.off[g + 1]! - base) * 32, k = r.k[g]!;
    for (let j = 0; j < p.values.length; j++) {
      if (bloomHas(r.words, base, bits, k, hs[2 * j]!, hs[2 * j + 1]!)) {
        s[n] = g * r.granularity; e[n] = Math.min(rows, (g + 1) * r.granularity); n++;
        break;
      }
    }
  }
  return normalize(s, e, n);
}

export const skippingKind: IndexKind<SkippingOptions, SkippingReader> = {
  kind: 'skipping',
  supports: (t) => t === 'string',
  options: skippingOptions,
  build: (cols, rows, o) => buildSkipping(cols[0]!, rows, o),
  open: openSkipping,
  answers: (p) => p.op === 'in',
  prune: pruneSkipping,
};
