// The full-text index as an index kind of core/index's registry (registered in core/index/index.ts).
import type { IndexColumn, IndexKind } from '../kind.ts';
import type { ColumnPredicate } from '../predicate.ts';
import type { RowSelection } from '../selection.ts';
import type { DataType } from '../../schema.ts';
import type { TextColumn } from './column.ts';
import { FULLTEXT_FORMAT } from './column.ts';
import type { FulltextIndexOptions, FulltextQuery, FulltextReader } from './fulltext_index.ts';
import { buildFulltextIndex, fulltextIndexOptions, openFulltextIndex, probeFulltextIndex } from './fulltext_index.ts';

/** The predicate shape this kind answers (a member of core/index's ColumnPredicate union). */
export interface FulltextColumnPredicate {
  column: string;
  op: 'fulltext';
  query: FulltextQuery;
}

export const fulltextIndexKind: IndexKind<FulltextIndexOptions, FulltextReader> = {
  kind: 'fulltext',
  format: FULLTEXT_FORMAT, // files of an older tokenization are rebuilt
  supports: (type: DataType): boolean => type === 'string',
  options: (raw: Record<string, string>, _column: string): FulltextIndexOptions => fulltextIndexOptions(raw),
  build(cols: IndexColumn[], rows: number, options: FulltextIndexOptions): Uint8Array {
    const c = cols[0]!;
    const col: TextColumn = { values: c.values as Int32Array, valid: c.valid, ...(c.dict ? { dict: c.dict } : {}) };
    return buildFulltextIndex(col, rows, options);
  },
  open: (bytes: Uint8Array): FulltextReader => openFulltextIndex(bytes),
  answers: (pred: ColumnPredicate): boolean => pred.op === 'fulltext',
  prune(reader: FulltextReader, pred: ColumnPredicate, _rows: number): RowSelection | undefined {
    return pred.op === 'fulltext' ? probeFulltextIndex(reader, pred.query) : undefined;
  },
};
