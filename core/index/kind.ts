// The contract every index kind implements (inverted, skipping, full-text, spatial) and the registry of kinds.
import type { DataType } from '../schema.ts';
import type { ColumnPredicate } from './predicate.ts';
import type { RowSelection } from './selection.ts';

/**
 * One column of a segment as the index builder gets it: typed values in the segment's row order, a byte per row
 * validity (null: all valid). String columns are dictionary codes (Int32Array) into `dict`. This is the shape of
 * storage's ColumnData, so a decoded segment column is passed as it is.
 */
export interface IndexColumn {
  type: DataType;
  values: Float64Array | BigInt64Array | BigUint64Array | Uint8Array | Int32Array;
  valid: Uint8Array | null;
  dict?: string[];
}

/**
 * An index kind. An index is built per segment, over one column (or a few, e.g. a latitude/longitude pair), into
 * one byte blob stored beside the segment; `open` parses a blob once (the reader is cached between scans) and
 * `prune` answers a predicate with the rows that MAY match. Pruning must never drop a matching row (false
 * positives are fine: the scan filters rows after it); it returns undefined when this index cannot answer the
 * predicate, and the scan reads as if there were no index.
 */
export interface IndexKind<O = unknown, R = unknown> {
  /** Name in the manifest, the file and information_schema ('inverted', 'skipping', 'fulltext', 'spatial'). */
  readonly kind: string;
  /** Version of the blob format, when it has changed: part of the index key, so files of an older format are rebuilt. */
  readonly format?: number;
  /** Whether a column of this type can carry the index. */
  supports(type: DataType): boolean;
  /**
   * Options from `WITH (...)` (keys lower-cased) checked and completed with defaults; throws an
   * IndexOptionError naming the option and its accepted range.
   */
  options(raw: Record<string, string>, column: string): O;
  build(cols: IndexColumn[], rows: number, options: O): Uint8Array;
  open(bytes: Uint8Array): R;
  /** Whether `prune` can answer this predicate shape at all (no bytes read). */
  answers(pred: ColumnPredicate): boolean;
  prune(reader: R, pred: ColumnPredicate, rows: number): RowSelection | undefined;
  /**
   * What `prune` would keep, read off the index's sizes without building the selection (an inverted index's posting
   * lengths): the scan asks first and reads without the index when the selection would cost more than it saves.
   */
  estimate?(reader: R, pred: ColumnPredicate): IndexEstimate | undefined;
}

/** Rows a selection would keep, and in how many ranges (each one a jump for the scan, and a page it touches). */
export interface IndexEstimate {
  rows: number;
  ranges: number;
}

const KINDS = new Map<string, IndexKind>();

/** Adds a kind to the registry (core/index/index.ts registers the built-in ones). */
export function registerIndexKind<O, R>(k: IndexKind<O, R>): void {
  KINDS.set(k.kind, k as unknown as IndexKind);
}

export function indexKind(kind: string): IndexKind | undefined {
  return KINDS.get(kind);
}

export function indexKinds(): IndexKind[] {
  return [...KINDS.values()];
}
