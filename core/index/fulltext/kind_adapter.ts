// The full-text index as an index kind of core/index's registry (IndexKind of core/index/kind.ts, on the index
// framework's branch): typed structurally here so this file compiles before the two branches meet; register it
// with `registerIndexKind(fulltextIndexKind)` in core/index/index.ts after the merge.
import type { DataType } from '../../schema.ts';
import type { RowRanges, TextColumn } from './column.ts';
import type { FulltextIndexOptions, FulltextQuery, FulltextReader } from './fulltext_index.ts';
import { buildFulltextIndex, fulltextIndexOptions, openFulltextIndex, probeFulltextIndex } from './fulltext_index.ts';

/** The predicate shape this kind adds to core/index's ColumnPredicate union. */
export interface FulltextColumnPredicate {
  column: string;
  op: 'fulltext';
  query: FulltextQuery;
}

/** A segment column as the index builder passes it (core/index's IndexColumn, string case). */
interface IndexColumnLike {
  type: DataType;
  values: unknown;
  valid: Uint8Array | null;
  dict?: string[];
}

export const fulltextIndexKind = {
  kind: 'fulltext',
  supports: (type: DataType): boolean => type === 'string',
  options: (raw: Record<string, string>, _column: string): FulltextIndexOptions => fulltextIndexOptions(raw),
  build(cols: IndexColumnLike[], rows: number, options: FulltextIndexOptions): Uint8Array {
    const c = cols[0]!;
    const col: TextColumn = c.values instanceof Int32Array ? { values: c.values, valid: c.valid, ...(c.dict ? { dict: c.dict } : {}) } : (c.values as (string | null)[]);
    return buildFulltextIndex(col, rows, options);
  },
  open: (bytes: Uint8Array): FulltextReader => openFulltextIndex(bytes),
  answers: (pred: { op: string }): boolean => pred.op === 'fulltext',
  prune(reader: FulltextReader, pred: { op: string }, _rows: number): RowRanges | undefined {
    return pred.op === 'fulltext' ? probeFulltextIndex(reader, (pred as FulltextColumnPredicate).query) : undefined;
  },
};
