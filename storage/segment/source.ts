// What the segment writer reads: the rows of a segment column by column, a row group at a time (write.ts). A run held
// in memory (compaction's merged inputs, a sorted run a scan built) is one; a memtable sorted into a permutation,
// gathered group by group, is another (memtable/sorted_source.ts): a flush then never holds a sorted copy of it.
import { OP_COLUMN } from '../ops.ts';
import { sliceColumn } from '../run.ts';
import { countSeries } from './stats.ts';
import { distinctUsed } from './text_block.ts';
import type { ColumnData, Run } from '../types.ts';

export interface SegmentSource {
  readonly rows: number;
  /** Columns in file order (schema order, then the op column when the rows have one). */
  readonly names: string[];
  /** Distinct series among the rows (sorted by series: tag tuple changes). */
  series(): number;
  /**
   * Rows [a, b) of a column as b - a rows. Strings are codes into one dictionary for the whole segment: sorted and
   * holding only values some row uses, unless the column is text (textColumn): then any dictionary holding its values.
   * A slice may live in memory the next slice of the same column reuses: callers are done with it by then.
   */
  slice(name: string, a: number, b: number): ColumnData;
  /** True for a non-tag string column whose values are mostly distinct (a log message): written as text blocks. */
  textColumn(name: string): boolean;
}

/**
 * Drops dictionary entries no row uses and sorts the rest, so files stay small and stats exact. A dictionary already
 * sorted and fully used is kept as it is.
 */
export function compactDict(c: ColumnData, n: number): ColumnData {
  const dict = c.dict!, codes = c.values as Int32Array;
  const used = new Uint8Array(dict.length);
  for (let i = 0; i < n; i++) if (!c.valid || c.valid[i]) used[codes[i]!] = 1;
  const keep = dict.map((v, i) => ({ v, i })).filter((e) => used[e.i]).sort((a, b) => (a.v < b.v ? -1 : a.v > b.v ? 1 : 0));
  if (keep.length === dict.length && keep.every((e, k) => e.i === k)) return c;
  const map = new Int32Array(dict.length);
  keep.forEach((e, k) => { map[e.i] = k; });
  const out = new Int32Array(n);
  // null rows get code 0, whatever they held
  for (let i = 0; i < n; i++) out[i] = c.valid && c.valid[i] === 0 ? 0 : map[codes[i]!]!;
  return { ...c, values: out, dict: keep.map((e) => e.v) };
}

/** A run in memory as a segment source: slices are views of its columns (string dictionaries compacted once). */
export function runSource(run: Run, names: string[], primaryKey: string[]): SegmentSource {
  const n = run.rows;
  const text = new Set<string>();
  const cols = new Map<string, ColumnData>();
  for (const name of names) {
    const c = run.cols.get(name)!;
    if (c.type === 'string' && !primaryKey.includes(name) && n >= 2 && 2 * distinctUsed(c, n) > n) text.add(name);
    cols.set(name, c.type === 'string' && !text.has(name) ? compactDict(c, n) : c);
  }
  return {
    rows: n,
    names,
    series: () => countSeries({ rows: n, cols }, primaryKey),
    textColumn: (name) => text.has(name),
    slice(name, a, b) {
      const c = cols.get(name)!;
      return a === 0 && b === n ? c : sliceColumn(c, a, b);
    },
  };
}

/** The columns a run writes, in file order. */
export function runColumnNames(run: Run, schemaColumns: string[]): string[] {
  return [...schemaColumns, OP_COLUMN].filter((x) => run.cols.has(x));
}
