// Table schemas: column types, semantic roles (tag, field, time index) and table options.
import { InvalidArgumentError } from './errors.ts';

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
  /** Schema version that added the column; data written before it (a dropped column of the same name) is not its data. */
  since?: number;
}

export interface ColumnIndexes {
  inverted?: boolean;
  fulltext?: Record<string, string>;
  skipping?: Record<string, string>;
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

/** Parses durations like '7d', '1h 30m', '500ms', 'forever'; returns milliseconds, or undefined for forever/instant. */
export function parseDurationMs(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  if (t === '' || t === 'forever' || t === 'instant' || t === '0' || t === 'none') return undefined;
  const units: Record<string, number> = {
    ns: 1e-6, nsec: 1e-6, us: 1e-3, usec: 1e-3, ms: 1, msec: 1, millisecond: 1, milliseconds: 1,
    s: 1000, sec: 1000, secs: 1000, second: 1000, seconds: 1000,
    m: 60_000, min: 60_000, mins: 60_000, minute: 60_000, minutes: 60_000,
    h: 3_600_000, hr: 3_600_000, hour: 3_600_000, hours: 3_600_000,
    d: 86_400_000, day: 86_400_000, days: 86_400_000,
    w: 604_800_000, week: 604_800_000, weeks: 604_800_000,
    month: 2_630_016_000, months: 2_630_016_000, M: 2_630_016_000,
    y: 31_557_600_000, year: 31_557_600_000, years: 31_557_600_000,
  };
  const re = /(\d+(?:\.\d+)?)\s*([a-z]+)/g;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(t); m; m = re.exec(t)) {
    const u = units[m[2]!];
    if (u === undefined) throw new InvalidArgumentError(`unknown duration unit '${m[2]}' in '${text}'`);
    total += parseFloat(m[1]!) * u;
    consumed += m[0].length;
  }
  if (consumed !== t.replace(/\s+/g, '').length && consumed === 0) throw new InvalidArgumentError(`invalid duration '${text}'`);
  return total;
}
