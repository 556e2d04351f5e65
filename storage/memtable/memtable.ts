// The memtable: append-only columnar chunks of applied batches, with tag tuples interned to series ids (series_index.ts).
import type { Column, ColumnValues, DataType, SeriesHint, TableSchema, WriteBatch } from '../../core/index.ts';
import { InvalidArgumentError } from '../../core/errors.ts';
import { minMaxIndex, words } from '../int64.ts';
import { SeriesIndex } from './series_index.ts';
import { narrowFloats } from './narrow.ts';

export interface MemtableOptions {
  /** Keep decimal float columns as scaled integers (narrow.ts); default true. */
  narrow?: boolean;
}

/** One non-tag column of a chunk: plain or dictionary-coded strings (values are Int32Array codes when dict is set). */
export interface ChunkColumn {
  /** Int16Array only when narrowed (`scale` set). */
  values: ColumnValues | Int16Array;
  valid: Uint8Array | null;
  dict?: string[] | undefined;
  /** Type the batch carried; differs from the schema's after ALTER TABLE MODIFY COLUMN (sorting casts it). */
  type?: DataType;
  /** Set on a float64 column kept narrowed (narrow.ts): values are Int16/Int32, each value times 10^-scale. */
  scale?: number;
}

/** One applied batch: its typed arrays are kept as they are (callers must not mutate a batch after apply). */
export interface Chunk {
  rows: number;
  seq: number;
  ts: BigInt64Array;
  series: Int32Array;
  /** Non-tag columns by name; a column the batch lacks is absent. */
  cols: Map<string, ChunkColumn>;
  /** Op of every row (ops.ts): a delete chunk holds tombstones only. */
  op: number;
}

/**
 * Bytes a row takes while its memtable is sorted for a flush or a scan (sort.ts sortedRows: permutation, series,
 * time and chunk of every row: 4 + 4 + 8 + 4): more than a row of a narrow table holds in the memtable itself.
 */
export const SORT_BYTES_PER_ROW = 20;

export class Memtable {
  readonly chunks: Chunk[] = [];
  /** Tag tuples -> series ids, interned column by column (series_index.ts). */
  private index: SeriesIndex;
  rows = 0;
  /**
   * Memory the memtable holds, plus what sorting it will take (SORT_BYTES_PER_ROW): the memory budget and
   * --flush-bytes bound a memtable by what it costs up to the end of its flush, not by its columns alone.
   */
  bytes = 0;
  /** Rows that are tombstones. */
  deletes = 0;
  minTs: bigint | null = null;
  maxTs: bigint | null = null;
  firstSeq = 0;
  lastSeq = 0;
  /** Bumped on every apply and schema change. */
  version = 0;
  /** Bumped when cached sorted runs are wrong as a whole (schema change); new chunks alone do not bump it. */
  epoch = 0;
  /** Written while the table kept the last write of each key; it became append-only since (sorting still dedups). */
  lastWriteWins = false;

  private readonly narrow: boolean;

  constructor(private tagNames: string[], opts: MemtableOptions = {}) {
    this.index = new SeriesIndex(tagNames.length);
    this.narrow = opts.narrow ?? true;
  }

  /** Tag tuple (in primary-key order) of each series id. */
  get seriesTags(): (string | null)[][] {
    return this.index.seriesTags;
  }

  /** Applies a batch of rows (op Put) or of keys to delete (op Delete: only tags and the time index are read). */
  apply(batch: WriteBatch, seq: number, schema: TableSchema, op = 0): void {
    const n = batch.rows;
    if (n === 0) return;
    let tsCol: BigInt64Array | null = null;
    const tagCols: (Column | undefined)[] = this.tagNames.map(() => undefined);
    const cols = new Map<string, ChunkColumn>();
    let bytes = n * (12 + SORT_BYTES_PER_ROW);
    for (const c of batch.columns) {
      if (c.name === schema.timeIndex) { tsCol = c.values as BigInt64Array; continue; }
      const ti = this.tagNames.indexOf(c.name);
      if (ti >= 0) { tagCols[ti] = c; continue; }
      if (op !== 0) continue;
      const narrowed = this.narrow && c.type === 'float64' && c.values instanceof Float64Array ? narrowFloats(c.values, c.valid, n) : null;
      const col: ChunkColumn = narrowed ? { values: narrowed.ints, valid: c.valid, type: c.type, scale: narrowed.scale }
        : c.dict ? { values: c.values, valid: c.valid, dict: c.dict, type: c.type } : { values: c.values, valid: c.valid, type: c.type };
      cols.set(c.name, col);
      bytes += Array.isArray(col.values) ? n * 16 : (col.values as Uint8Array).byteLength + (c.valid ? n : 0);
    }
    if (!tsCol) throw new InvalidArgumentError(`batch for ${batch.table} has no time index column ${schema.timeIndex}`);
    const series = this.internSeries(n, tagCols, batch.series);
    this.chunks.push({ rows: n, seq, ts: tsCol, series, cols, op });
    if (op !== 0) this.deletes += n;
    const [lo, hi] = minMaxIndex(words(tsCol), n);
    if (this.minTs === null || tsCol[lo]! < this.minTs) this.minTs = tsCol[lo]!;
    if (this.maxTs === null || tsCol[hi]! > this.maxTs) this.maxTs = tsCol[hi]!;
    if (this.rows === 0) this.firstSeq = seq;
    this.lastSeq = seq;
    this.rows += n;
    this.bytes += bytes;
    this.version++;
  }

  private internSeries(n: number, tagCols: (Column | undefined)[], hint: SeriesHint | undefined): Int32Array {
    const { ids, added } = this.index.intern(n, tagCols, hint);
    this.bytes += added * 64 * this.tagNames.length;
    return ids;
  }

  /** Forgets the data of dropped columns, so a column later added under the same name starts empty. */
  dropColumns(names: string[]): void {
    for (const c of this.chunks) for (const n of names) c.cols.delete(n);
    this.invalidate();
  }

  /** The schema changed (columns added): sorted views of the chunks must be rebuilt. */
  invalidate(): void {
    this.version++;
    this.epoch++;
  }

  /** Primary key grew (ALTER TABLE ADD tag): existing series get the new tags' defaults (or null) and are re-keyed. */
  extendTags(tagNames: string[], fill: (string | null)[] = []): void {
    const added = tagNames.length - this.tagNames.length;
    this.tagNames = tagNames;
    this.index.extend(added, fill);
    this.version++;
    this.epoch++;
  }
}
