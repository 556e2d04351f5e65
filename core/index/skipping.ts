// Skipping index: a bloom filter per granule of rows of one column, for high-cardinality columns (trace ids,
// request ids) where an inverted index would be as large as the data. Answers = and IN; a granule whose filter
// says no is skipped, and a granule over 1,024 rows that may hold the value narrows to its 1,024-row sub-granules
// whose own filters may (a second level: a needle's scan then tests about 1,024 rows, not the whole granule).
import { CorruptDataError, IndexOptionError } from '../errors.ts';
import { hash2 } from './bloom.ts';
import { aligned, bankBytes, bankHas, buildBank, readBank, subGranuleOf, writeBank, type BloomBank, type RowCodes } from './bloom_bank.ts';
import type { IndexColumn, IndexKind } from './kind.ts';
import type { ColumnPredicate } from './predicate.ts';
import { normalize, type RowSelection } from './selection.ts';

const MAGIC = 0x31534b45; // 'EKS1'
const SUB_MAGIC = 0x31425345; // 'ESB1'

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

/** The first level (one filter per declared granule) and, for granules over SUB_GRANULE rows, the second (one per 1,024 rows). */
export interface SkippingReader { granularity: number; granules: number; bank: BloomBank; sub: BloomBank | undefined }

/**
 * Builds the blob: the first level's bank (magic EKS1, the layout older builds read), then the second level's bank
 * (magic ESB1) after it, which older builds ignore. Hashes are computed once per dictionary entry. `sub`: the second
 * level's granule (tests pass small ones; 0 for none).
 */
export function buildSkipping(col: IndexColumn, rows: number, o: SkippingOptions, sub = subGranuleOf(o.granularity)): Uint8Array {
  const codes = col.values as Int32Array, valid = col.valid, dict = col.dict ?? [];
  const h = new Uint32Array(2 * dict.length), tmp = new Uint32Array(2);
  for (let c = 0; c < dict.length; c++) { hash2(dict[c]!, tmp); h[2 * c] = tmp[0]!; h[2 * c + 1] = tmp[1]!; }
  const rc: RowCodes = { codes, rowAt: null, valid, distinct: dict.length, hashes: h };
  const first = buildBank(rows, o.granularity, o.falsePositiveRate, rc);
  const second = sub > 0 && sub < o.granularity ? buildBank(rows, sub, o.falsePositiveRate, rc) : undefined;
  const firstBytes = bankBytes(first);
  const out = new Uint8Array(firstBytes + (second ? bankBytes(second) : 0));
  writeBank(first, MAGIC, out, 0);
  if (second) writeBank(second, SUB_MAGIC, out, firstBytes);
  return out;
}

export function openSkipping(bytes: Uint8Array): SkippingReader {
  const b = aligned(bytes);
  const bank = readBank(b, 0, MAGIC);
  if (!bank) throw new CorruptDataError('not a skipping index blob');
  return { granularity: bank.granularity, granules: bank.granules, bank, sub: readBank(b, bankBytes(bank), SUB_MAGIC) };
}

export function pruneSkipping(r: SkippingReader, p: ColumnPredicate, rows: number): RowSelection | undefined {
  if (p.op !== 'in') return undefined;
  const nv = p.values.length;
  const hs = new Uint32Array(2 * nv), tmp = new Uint32Array(2);
  p.values.forEach((v, j) => { hash2(v, tmp); hs[2 * j] = tmp[0]!; hs[2 * j + 1] = tmp[1]!; });
  const may = (bank: BloomBank, g: number): boolean => {
    for (let j = 0; j < nv; j++) if (bankHas(bank, g, hs[2 * j]!, hs[2 * j + 1]!)) return true;
    return false;
  };
  const { bank, sub } = r, G = r.granularity;
  const s: number[] = [], e: number[] = [];
  for (let g = 0; g < r.granules; g++) {
    if (!may(bank, g)) continue;
    const from = g * G, to = Math.min(rows, from + G);
    if (!sub) { s.push(from); e.push(to); continue; }
    // the hit granule's rows narrowed to its sub-granules that may hold a value
    const S = sub.granularity;
    for (let q = Math.floor(from / S); q * S < to && q < sub.granules; q++) {
      if (may(sub, q)) { s.push(Math.max(from, q * S)); e.push(Math.min(to, (q + 1) * S)); }
    }
  }
  return normalize(Uint32Array.from(s), Uint32Array.from(e));
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
