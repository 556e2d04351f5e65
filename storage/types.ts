// Shared shapes of storage/: requests, options, segment metadata, stats and the in-memory columnar run.
import type { SegmentMirror } from './mirror.ts';
import type { DecodedCache } from './decoded_cache.ts';
import type { IndexReaders } from './index/readers.ts';
import type { Clock, ColumnPredicate, DataType, TableSchema } from '../core/index.ts';

export interface ScanRequest {
  /** Nanoseconds, inclusive. */
  start?: bigint;
  /** Nanoseconds, exclusive. */
  end?: bigint;
  /** Projection: the time index is always returned; undefined returns every column. */
  columns?: string[];
  /** Tag column -> allowed values (AND across keys, OR within a key); null in the list matches a missing tag. */
  tagFilter?: Record<string, (string | null)[]>;
  /**
   * Conjuncts of WHERE on string columns (=, IN, !=, regex, LIKE) that indexes may answer. Rows are filtered by them
   * only where that is exact: on primary-key columns, or on any column of an append-mode table (elsewhere a newer
   * row of the key could differ, so they are ignored and the executor filters after the merge).
   */
  predicates?: ColumnPredicate[];
  /** Fill `ScanStats` (EXPLAIN ANALYZE). */
  analyze?: boolean;
  limit?: number;
  /** The query this scan is part of: its scans ask a segment's index each distinct predicate once (index/query_selections.ts). */
  queryId?: string;
  /**
   * Cancels the scan (KILL, the query's deadline, its client gone): checked when the scan starts, after its index
   * lookups, after each segment's bytes are read (before they are decoded) and between the runs it merges; the scan
   * then throws the signal's reason. In-process only: a remote region gets a cancel message (scan_wire.ts).
   */
  signal?: AbortSignal;
}

/** What indexes did in one scan, per index (kind and column): for EXPLAIN ANALYZE. */
export interface IndexUse {
  kind: string;
  column: string;
  /** Segments whose index answered. */
  segments: number;
  groupsBefore: number;
  groupsAfter: number;
  rowsBefore: number;
  rowsAfter: number;
}

export interface ScanStats {
  /** Segments read, and those among them that had no (current) index file for a predicate's column. */
  segments: number;
  unindexed: number;
  indexes: IndexUse[];
  /** Rows the scan read (segment row groups after pruning, memtable rows) and rows it returned (the smart index's cost measure). */
  rowsRead?: number;
  rowsOut?: number;
}

export type Compression = 'zstd' | 'lz4' | 'none';

export interface RegionStoreOptions {
  dir: string;
  regionId: string;
  schema: TableSchema;
  clock?: Clock;
  /** Codec for segment files; zstd by default. */
  compression?: Compression;
  /** zstd level used by flush (fast) and by compaction (denser). Defaults 1 and 3. */
  flushLevel?: number;
  compactLevel?: number;
  /** Compaction time window in milliseconds; 1 day by default. */
  compactionWindowMs?: number;
  /** Rows per row group of a segment (the unit of the manifest's stats); 65,536 by default. */
  rowGroupRows?: number;
  /** Rows per page (one Arrow record batch, decoded on its own) inside a row group; 8,192 by default. */
  pageRows?: number;
  /** Segments larger than this are not merged again; 256 MiB by default. */
  compactionMaxBytes?: number;
  /**
   * Most bytes one compaction job's inputs may hold decoded (every column); larger sets are merged in several jobs. The
   * merge holds less: the inputs' time index, op and string columns whole, the others a row group at a time
   * (merge_source.ts). 256 MiB by default; the node sets it from its memory budget.
   */
  compactionJobBytes?: number;
  /** A shared copy of the region's files (`--storage nats`); the local directory is then a cache. */
  mirror?: SegmentMirror;
  /**
   * Open without writing to the mirror (a migration's candidate: another node still owns the region and may be
   * writing it). Nothing in the shared store is created, rewritten or removed by the open.
   */
  readOnlyMirror?: boolean;
  /** Decoded row-group columns kept for later scans; the process-wide cache by default (EDDY_DECODED_CACHE_MB). */
  decodedCache?: DecodedCache;
  /** Parsed index files kept for later scans; the process-wide cache by default (storage/index/readers.ts). */
  indexReaders?: IndexReaders;
}

/** Min/max of one column in a segment: numbers for float64/boolean, decimal strings for int64/uint64/timestamp, text for strings. */
export interface ColumnStats {
  min: number | string | null;
  max: number | string | null;
  nulls: number;
}

/** One row group (record batch) of a segment: its rows, time range and tag min/max, for pruning inside a segment. */
export interface RowGroupMeta {
  rows: number;
  minTs: string;
  maxTs: string;
  tags: Record<string, ColumnStats>;
}

/** A page of a segment (format 2: a record batch inside a row group): its rows in the segment's numbering, time range and tag stats narrower than its group's. */
export interface PageInfo {
  /** The row group holding the page. */
  group: number;
  from: number;
  rows: number;
  minTs: bigint;
  maxTs: bigint;
  tags?: Record<string, ColumnStats> | undefined;
}

/** One segment file as the manifest records it. Timestamps are decimal nanosecond strings so the manifest stays JSON. */
export interface SegmentMeta {
  file: string;
  rows: number;
  series: number;
  minTs: string;
  maxTs: string;
  bytes: number;
  /** Highest WAL sequence whose rows the segment includes; orders segments for last-write-wins. */
  maxSeq: number;
  schemaVersion: number;
  columns: Record<string, ColumnStats>;
  /** Row groups in file order; absent in segments written as a single record batch by older builds. */
  groups?: RowGroupMeta[];
  /** Rows that are tombstones or replace marks (ops.ts), absent when none: they hide older rows of their key. */
  deletes?: number;
  createdAt: number;
  /** The segment's index file (storage/index/), once its IndexBuilder has built it; absent: read by full scan. */
  index?: SegmentIndexMeta;
  /** CRC-32 of the whole file, checked when the file is opened (absent in segments of older builds). */
  crc32?: number;
}

export interface SegmentIndexMeta {
  file: string;
  bytes: number;
  /** Keys (core/index IndexSpec.key) of the indexes in the file. */
  keys: string[];
  /** Bytes of each index's blob, parallel to keys. */
  sizes?: number[];
  builtAt: number;
  /** Milliseconds the build took. */
  buildMs: number;
}

export interface RegionStats {
  regionId: string;
  memRows: number;
  memBytes: number;
  /** Rows in memtables that a running flush is writing out. */
  flushingRows: number;
  segments: number;
  segmentRows: number;
  diskBytes: number;
  /** Decimal nanoseconds over segments and memtables; null when the region is empty. */
  minTs: string | null;
  maxTs: string | null;
  flushedSeq: number;
  lastSeq: number;
  schemaVersion: number;
}

/** One column of a run: typed values (Int32Array dictionary codes for strings) and a byte-per-row validity (null = all valid). */
export interface ColumnData {
  type: DataType;
  values: Float64Array | BigInt64Array | BigUint64Array | Uint8Array | Int32Array;
  valid: Uint8Array | null;
  /** Dictionary of a string column. */
  dict?: string[];
}

/**
 * Rows sorted by (series, ts) and free of duplicate keys unless the table is append-only: a flushed memtable,
 * a decoded segment, or a merge of those. Holds the time index, every tag, and the projected fields.
 */
export interface Run {
  rows: number;
  cols: Map<string, ColumnData>;
}
