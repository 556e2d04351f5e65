// The columnar batch that crosses every boundary of the write path: parser -> WAL -> memtable.
import type { DataType, SemanticType, TimeUnit } from './schema.ts';
import { InvalidArgumentError } from './errors.ts';

/**
 * Values of one column. string columns are plain arrays (null for missing); numbers are typed
 * arrays; boolean is a Uint8Array of 0/1; timestamp is int64 nanoseconds since the epoch.
 */
export type ColumnValues = Float64Array | BigInt64Array | BigUint64Array | Uint8Array | Int32Array | (string | null)[];

export interface Column {
  name: string;
  type: DataType;
  semantic: SemanticType;
  values: ColumnValues;
  /** 1 where the row has a value, 0 where it is null; null means every row has a value. */
  valid: Uint8Array | null;
  /**
   * Dictionary form of a string column: when set, `values` is an Int32Array of indexes into
   * `dict` (tags repeat a lot; parsers and codecs avoid building one string per row).
   */
  dict?: string[];
  /** Precision a timestamp column's table should declare when schema-on-write creates it (values stay ns); default ns. */
  unit?: TimeUnit;
}

/**
 * Series numbers a producer already knows, one per row: the line protocol parser's series cache and remote write's
 * series table number each distinct series they have seen. Rows with equal numbers of one `source` have equal tags,
 * so a memtable can map a number to its series once and read the rest of the rows' series from an array. A producer
 * that forgets its numbering (its cache starts over) takes a new source. Only within one process: a batch that
 * crosses NATS (the WAL encoding) leaves it behind. A transform that keeps rows keeps it; one that picks rows picks ids.
 */
export interface SeriesHint {
  source: number;
  ids: Int32Array;
}

/** Rows for one table, column by column. Exactly one column has semantic 'timestamp'. */
export interface WriteBatch {
  table: string;
  rows: number;
  columns: Column[];
  series?: SeriesHint;
}

/**
 * Rows of a batch picked by index, in that order, not copied out: a region's share of a split batch. Encoded for another
 * node's region straight from the batch's columns (wal_batch.ts), copied out (`takeRows`) only where a region here applies it.
 */
export interface BatchRows {
  of: WriteBatch;
  rows: Int32Array;
}

/** A whole batch, or some of its rows. */
export type BatchPart = WriteBatch | BatchRows;

export function isBatchRows(p: BatchPart): p is BatchRows {
  return (p as BatchRows).of !== undefined;
}

/** Rows in a part. */
export function partRowCount(p: BatchPart): number {
  return isBatchRows(p) ? p.rows.length : p.rows;
}

/** A new series numbering's source (random: parse workers are separate module instances of this file). */
export function newSeriesSource(): number {
  return Math.floor(Math.random() * 2 ** 48) + 1;
}

export function timeColumn(b: WriteBatch): Column {
  const c = b.columns.find((c) => c.semantic === 'timestamp');
  if (!c) throw new InvalidArgumentError(`batch for table ${b.table} has no time column`);
  return c;
}

export function isValid(c: Column, i: number): boolean {
  return c.valid === null || c.valid[i] === 1;
}

/** Allocates empty values for a column type. */
export function allocValues(type: DataType, n: number): ColumnValues {
  switch (type) {
    case 'float64': return new Float64Array(n);
    case 'int64': return new BigInt64Array(n);
    case 'timestamp': return new BigInt64Array(n);
    case 'uint64': return new BigUint64Array(n);
    case 'boolean': return new Uint8Array(n);
    case 'string': return new Array<string | null>(n).fill(null);
  }
}

/** Reads row i of a column as a plain JS value (null when missing): for tests and slow paths, not hot loops. */
export function valueAt(c: Column, i: number): string | number | bigint | boolean | null {
  if (!isValid(c, i)) return null;
  if (c.dict) return c.dict[(c.values as Int32Array)[i]!] ?? null;
  const v = c.values[i]!;
  if (c.type === 'boolean') return v === 1;
  return v as string | number | bigint;
}

/** The plain-array form of a string column (expands a dictionary column). */
export function stringValues(c: Column): (string | null)[] {
  if (!c.dict) return c.values as (string | null)[];
  const codes = c.values as Int32Array;
  const out = new Array<string | null>(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = c.valid && c.valid[i] === 0 ? null : c.dict[codes[i]!] ?? null;
  return out;
}
