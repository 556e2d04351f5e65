// Table schemas: column types, semantic roles (tag, field, time index) and table options.
import { intervalHumanMs, parseInterval } from './duration.ts';

export const DataType = {
  String: 'string',
  Float64: 'float64',
  Int64: 'int64',
  UInt64: 'uint64',
  Boolean: 'boolean',
  Timestamp: 'timestamp',
} as const;
export type DataType = (typeof DataType)[keyof typeof DataType];

/** Whether stored values of one type cast to another (ALTER TABLE MODIFY COLUMN), as Arrow casts: not booleans to or from times. */
export function canCastType(from: DataType, to: DataType): boolean {
  return !((from === 'boolean' && to === 'timestamp') || (from === 'timestamp' && to === 'boolean'));
}

export const SemanticType = {
  Tag: 'tag',
  Field: 'field',
  Timestamp: 'timestamp',
} as const;
export type SemanticType = (typeof SemanticType)[keyof typeof SemanticType];

/** Declared precision of a timestamp column. Values are always held as int64 nanoseconds inside EddyDB. */
export type TimeUnit = 's' | 'ms' | 'us' | 'ns';
export const NANOS_PER_UNIT: Record<TimeUnit, bigint> = { s: 1_000_000_000n, ms: 1_000_000n, us: 1_000n, ns: 1n };

/** How a column's SQL type is reported (GreptimeDB's names). */
export function sqlTypeName(type: DataType, unit?: TimeUnit, sqlType?: string): string {
  if (sqlType) return sqlType;
  switch (type) {
    case 'string': return 'String';
    case 'float64': return 'Float64';
    case 'int64': return 'Int64';
    case 'uint64': return 'UInt64';
    case 'boolean': return 'Boolean';
    case 'timestamp':
      return { s: 'TimestampSecond', ms: 'TimestampMillisecond', us: 'TimestampMicrosecond', ns: 'TimestampNanosecond' }[unit ?? 'ms'];
  }
}

export interface ColumnSchema {
  name: string;
  type: DataType;
  semantic: SemanticType;
  /** Precision of a timestamp column. */
  unit?: TimeUnit;
  nullable: boolean;
  /** A SQL type narrower than the storage type (INT, FLOAT, ...), kept for DESCRIBE and SHOW CREATE TABLE. */
  sqlType?: string;
  /** Default value as a SQL literal text, applied to rows that omit the column. */
  defaultValue?: string | number | boolean | null;
  /** DEFAULT CURRENT_TIMESTAMP() and similar. */
  defaultExpr?: string;
  /** Secondary indexes declared on the column (INVERTED / FULLTEXT / SKIPPING INDEX) with their options. */
  indexes?: ColumnIndexes;
  /** COMPRESSION WITH options as GreptimeDB keeps them: type ('zstd'), level (1-22), page_size; SHOW CREATE TABLE prints them. */
  compression?: Record<string, string>;
  /** COMMENT 'text' (CREATE TABLE, ADD COLUMN, COMMENT ON COLUMN): shown by SHOW CREATE TABLE, SHOW FULL COLUMNS and information_schema.columns. */
  comment?: string;
  /** Schema version that added the column; data written before it (a dropped column of the same name) is not its data. */
  since?: number;
}

export interface ColumnIndexes {
  inverted?: boolean;
  fulltext?: Record<string, string>;
  skipping?: Record<string, string>;
  /** Kinds among these the smart index created (and may drop); the others were declared. */
  auto?: ('skipping' | 'fulltext')[];
}

export interface TableOptions {
  /** Rows older than now - ttl are dropped; undefined keeps everything. */
  ttlMs?: number;
  /** Keep every row, even with the same tags and time (no last-write-wins). */
  appendMode?: boolean;
  /** Any other WITH (...) option, kept verbatim. */
  extra?: Record<string, string>;
}

export interface TableSchema {
  db: string;
  name: string;
  /** Unique across the catalog; region ids derive from it. */
  id: number;
  /** Bumped on each schema change. */
  version: number;
  columns: ColumnSchema[];
  timeIndex: string;
  /** Tag columns, in primary-key order. */
  primaryKey: string[];
  options: TableOptions;
  /** Number of regions (partitions); 1 unless PARTITION ON is used. */
  regions: number;
  createdAt: number;
  /** PARTITION ON COLUMNS (...) (rules): rule i holds the rows of region i. Absent: one region. */
  partition?: PartitionRule;
  /** SPATIAL INDEX (lat, lng): numeric latitude / longitude column pairs indexed together (core/index/spatial). */
  spatialIndexes?: SpatialIndexSchema[];
}

export interface SpatialIndexSchema {
  lat: string;
  lng: string;
  /** flatbush node size (2..65535, default 16). */
  nodeSize?: number;
}

/** A comparison of one column with a literal, as partition rules are written (`host < 'h'`). */
export interface PartitionCmp {
  column: string;
  op: '<' | '<=' | '>' | '>=' | '=' | '!=';
  value: string | number | boolean | null;
}
/** One partition rule: comparisons joined by AND / OR (serializable; kept in the catalog). */
export type PartitionExpr = PartitionCmp | { and: PartitionExpr[] } | { or: PartitionExpr[] };

export interface PartitionRule {
  columns: string[];
  /** One expression per region, in region order. */
  exprs: PartitionExpr[];
}

export function columnOf(schema: TableSchema, name: string): ColumnSchema | undefined {
  return schema.columns.find((c) => c.name === name);
}

export function tagColumns(schema: TableSchema): ColumnSchema[] {
  return schema.primaryKey.map((n) => columnOf(schema, n)!);
}

export function fieldColumns(schema: TableSchema): ColumnSchema[] {
  return schema.columns.filter((c) => c.semantic === 'field');
}

/** Region id of one partition of a table, GreptimeDB style: (table id << 32) | region number, in decimal. */
export function regionIdOf(tableId: number, regionNumber: number): string {
  return (BigInt(tableId) * 4294967296n + BigInt(regionNumber)).toString();
}

export function splitRegionId(regionId: string): { tableId: number; regionNumber: number } {
  const v = BigInt(regionId);
  return { tableId: Number(v >> 32n), regionNumber: Number(v & 0xffffffffn) };
}

/** Table durations like '7d', '1h 30m', '500ms', 'forever' (core/duration.ts reads them); ms, or undefined for forever/instant. */
export function parseDurationMs(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  if (t === '' || t === 'forever' || t === 'instant' || t === '0' || t === 'none') return undefined;
  return intervalHumanMs(parseInterval(text, 'duration'));
}
