// Column/cast data types: GreptimeDB's names and aliases mapped to one canonical upper-case name.
import type { SqlType } from '../ast.ts';
import type { Cursor } from './cursor.ts';

/**
 * Alias (upper case) -> canonical name. Timestamp aliases also carry their precision. INT8 is PostgreSQL's
 * eight-byte BIGINT, as GreptimeDB reads it; TINYINT is the one-byte integer.
 */
const ALIASES: Record<string, string> = {
  STRING: 'STRING', TEXT: 'STRING', VARCHAR: 'STRING', CHAR: 'STRING', CHARACTER: 'STRING', NVARCHAR: 'STRING',
  TINYTEXT: 'STRING', MEDIUMTEXT: 'STRING', LONGTEXT: 'STRING', UTF8: 'STRING',
  DOUBLE: 'FLOAT64', FLOAT64: 'FLOAT64', FLOAT8: 'FLOAT64', REAL: 'FLOAT32', FLOAT: 'FLOAT32', FLOAT32: 'FLOAT32', FLOAT4: 'FLOAT32',
  BIGINT: 'INT64', INT64: 'INT64', INT8: 'INT64', INT: 'INT32', INTEGER: 'INT32', INT32: 'INT32', INT4: 'INT32',
  MEDIUMINT: 'INT32', SMALLINT: 'INT16', INT16: 'INT16', INT2: 'INT16', TINYINT: 'INT8',
  UINT8: 'UINT8', UINT16: 'UINT16', UINT32: 'UINT32', UINT64: 'UINT64',
  BOOLEAN: 'BOOLEAN', BOOL: 'BOOLEAN',
  TIMESTAMP: 'TIMESTAMP', DATE: 'DATE', DATETIME: 'TIMESTAMP', TIME: 'TIME', INTERVAL: 'INTERVAL',
  BINARY: 'BINARY', VARBINARY: 'BINARY', BLOB: 'BINARY', BYTEA: 'BINARY', BYTES: 'BINARY',
  JSON: 'JSON', JSONB: 'JSON', DECIMAL: 'DECIMAL', NUMERIC: 'DECIMAL', VECTOR: 'VECTOR', UUID: 'STRING',
  TIMESTAMPSECOND: 'TIMESTAMP', TIMESTAMPMILLISECOND: 'TIMESTAMP', TIMESTAMPMICROSECOND: 'TIMESTAMP',
  TIMESTAMPNANOSECOND: 'TIMESTAMP', TIMESTAMP_S: 'TIMESTAMP', TIMESTAMP_SEC: 'TIMESTAMP', TIMESTAMP_MS: 'TIMESTAMP',
  TIMESTAMP_US: 'TIMESTAMP', TIMESTAMP_NS: 'TIMESTAMP', TIMESTAMP_SECOND: 'TIMESTAMP',
  TIMESTAMP_MILLISECOND: 'TIMESTAMP', TIMESTAMP_MICROSECOND: 'TIMESTAMP', TIMESTAMP_NANOSECOND: 'TIMESTAMP',
  TIMESTAMPTZ: 'TIMESTAMP', // PostgreSQL's TIMESTAMP WITH TIME ZONE: the zone is a session matter here too
  UTF8VIEW: 'STRING', LARGEUTF8: 'STRING', GEOMETRY: 'BINARY',
};

/** Precision (fractional digits) of named timestamp variants; plain TIMESTAMP defaults to 3 (ms). */
const TS_PRECISION: Record<string, number> = {
  TIMESTAMP: 3, TIMESTAMPTZ: 3, DATETIME: 6,
  TIMESTAMPSECOND: 0, TIMESTAMP_S: 0, TIMESTAMP_SEC: 0, TIMESTAMP_SECOND: 0,
  TIMESTAMPMILLISECOND: 3, TIMESTAMP_MS: 3, TIMESTAMP_MILLISECOND: 3,
  TIMESTAMPMICROSECOND: 6, TIMESTAMP_US: 6, TIMESTAMP_MICROSECOND: 6,
  TIMESTAMPNANOSECOND: 9, TIMESTAMP_NS: 9, TIMESTAMP_NANOSECOND: 9,
};

/** Does the next token start a data type? */
export function isDataTypeStart(p: Cursor): boolean {
  const t = p.peek();
  return t.kind === 'word' && t.upper in ALIASES;
}

export function parseDataType(p: Cursor): SqlType {
  const t = p.peek();
  if (t.kind !== 'word' || !(t.upper in ALIASES)) throw p.error('a data type');
  p.next();
  const pos = p.pos(t);
  let upper = t.upper;
  let raw = t.raw;
  // Multi-word spellings.
  if (upper === 'DOUBLE' && p.eatKw('PRECISION')) raw += ' PRECISION';
  if ((upper === 'CHARACTER' || upper === 'CHAR') && p.eatKw('VARYING')) raw += ' VARYING';
  const dt: SqlType = { name: ALIASES[upper]!, raw, pos };
  if (p.isOp('(')) {
    dt.args = p.parenList(() => {
      const n = p.peek();
      if (n.kind !== 'number') throw p.error('a number in the type arguments');
      p.next();
      return Number(n.value);
    });
    raw = p.text.slice(t.offset, p.prev().end);
    dt.raw = raw;
  }
  if (upper === 'TIMESTAMP' || upper === 'TIME') {
    // TIMESTAMP [WITH|WITHOUT] TIME ZONE: accepted, zone is a session matter.
    if (p.isKws('WITH', 'TIME', 'ZONE') || p.isKws('WITHOUT', 'TIME', 'ZONE')) {
      p.i += 3;
      dt.raw = p.text.slice(t.offset, p.prev().end);
    }
  }
  if (p.eatKw('UNSIGNED')) {
    dt.unsigned = true;
    dt.raw = p.text.slice(t.offset, p.prev().end);
    if (dt.name.startsWith('INT')) dt.name = 'U' + dt.name;
  }
  if (upper in TS_PRECISION) {
    dt.precision = dt.args?.[0] ?? TS_PRECISION[upper]!;
    if (upper === 'DATETIME') upper = 'TIMESTAMP';
  }
  while (p.isOp('[') && p.isOp(']', 1)) {
    p.i += 2;
    dt.array = true;
    dt.raw = p.text.slice(t.offset, p.prev().end);
  }
  return dt;
}
