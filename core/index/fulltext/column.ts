// Text column input of the full-text index builders, the shared file header, and row-range output.
import { CorruptDataError } from '../../errors.ts';
import type { AnalyzerOptions } from './analyzer.ts';
import { tokenize } from './analyzer.ts';

/**
 * A segment's string column: plain values (null: no value), or dictionary codes into `dict` with an optional byte per
 * row validity, the shape of core/index's IndexColumn for strings (a code < 0 is also null).
 */
export type TextColumn = readonly (string | null)[] | { values: Int32Array; valid: Uint8Array | null; dict?: readonly string[] };

/** Rows an index says may match: sorted, disjoint, non-empty [start, end) ranges (core/index's RowSelection shape). */
export interface RowRanges {
  start: Uint32Array;
  end: Uint32Array;
}

/** Calls `emit(row, tokens)` for each non-null row; a dictionary column is tokenized once per distinct entry. */
export function forEachRowTokens(col: TextColumn, rows: number, opts: AnalyzerOptions, emit: (row: number, toks: readonly string[]) => void): void {
  if (Array.isArray(col)) {
    const arr = col as readonly (string | null)[];
    for (let r = 0; r < rows; r++) { const s = arr[r]; if (s !== null && s !== undefined) emit(r, tokenize(s, opts)); }
    return;
  }
  const d = col as { values: Int32Array; valid: Uint8Array | null; dict?: readonly string[] };
  const dict = d.dict ?? [];
  const cache: (string[] | undefined)[] = new Array(dict.length);
  for (let r = 0; r < rows; r++) {
    const k = d.values[r]!;
    if (k < 0 || (d.valid !== null && d.valid[r] === 0) || k >= dict.length) continue;
    emit(r, (cache[k] ??= tokenize(dict[k]!, opts)));
  }
}

/** Sorted row ids -> ranges of consecutive rows. */
export function rowsToRanges(ids: Uint32Array): RowRanges {
  const start: number[] = [], end: number[] = [];
  for (let i = 0; i < ids.length; ) {
    let j = i + 1;
    while (j < ids.length && ids[j] === ids[j - 1]! + 1) j++;
    start.push(ids[i]!); end.push(ids[j - 1]! + 1);
    i = j;
  }
  return { start: Uint32Array.from(start), end: Uint32Array.from(end) };
}

export function allRanges(rows: number): RowRanges {
  return rows === 0 ? { start: new Uint32Array(0), end: new Uint32Array(0) } : { start: Uint32Array.of(0), end: Uint32Array.of(rows) };
}

/** The selection as a byte per row (1: may match). */
export function rangesToMask(r: RowRanges, rows: number): Uint8Array {
  const m = new Uint8Array(rows);
  for (let i = 0; i < r.start.length; i++) m.fill(1, r.start[i]!, Math.min(rows, r.end[i]!));
  return m;
}

// File header: magic, version, backend, analyzer, case flag, row count. Little-endian throughout. Version 2: the
// bloom backend hashes with core/index/bloom.ts. Version 3: tokens are cut at word-class changes (analyzer.ts), so
// '错误error日志' holds 'error'; an older file lacks such tokens and is refused (the segment reads by full scan until
// the IndexBuilder rebuilds it: the kind's `format` is part of the index key).
export const MAGIC = 0x31544645; // 'EFT1'
export const HEADER_BYTES = 12;
export const FULLTEXT_FORMAT = 3;
export type Backend = 'bloom' | 'tantivy';

export function writeHeader(dv: DataView, backend: Backend, opts: AnalyzerOptions, rows: number): void {
  dv.setUint32(0, MAGIC, true);
  dv.setUint8(4, FULLTEXT_FORMAT);
  dv.setUint8(5, backend === 'bloom' ? 0 : 1);
  dv.setUint8(6, opts.analyzer === 'English' ? 0 : 1);
  dv.setUint8(7, opts.caseSensitive ? 1 : 0);
  dv.setUint32(8, rows, true);
}

export function readHeader(bytes: Uint8Array): { backend: Backend; opts: AnalyzerOptions; rows: number; dv: DataView } {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < HEADER_BYTES || dv.getUint32(0, true) !== MAGIC || dv.getUint8(4) !== FULLTEXT_FORMAT) throw new CorruptDataError('not a full-text index file (bad magic or version)');
  return {
    backend: dv.getUint8(5) === 0 ? 'bloom' : 'tantivy',
    opts: { analyzer: dv.getUint8(6) === 0 ? 'English' : 'Chinese', caseSensitive: dv.getUint8(7) === 1 },
    rows: dv.getUint32(8, true),
    dv,
  };
}
