// Which casts Arrow refuses outright (Boolean to Timestamp, Binary to Int64, ..) and the Arrow type names they are told in.
import type { DType } from '../vector.ts';
import { FLOAT_TYPES, INT_TYPES, TIME_TYPES, TS_TYPES } from '../vector.ts';
import { DURATION_TYPES } from './time.ts';

const UNIT_NAME = { s: 'Second', ms: 'Millisecond', us: 'Microsecond', ns: 'Nanosecond' } as const;

/** A column type as Arrow (and so GreptimeDB's errors and arrow_typeof) spells it: Timestamp(Millisecond, None), Utf8. */
export function arrowTypeName(dt: DType): string {
  const unit = TS_TYPES[dt];
  if (unit) return `Timestamp(${UNIT_NAME[unit]}, None)`;
  if (dt === 'String') return 'Utf8';
  if (dt === 'Date') return 'Date32';
  const time = TIME_TYPES[dt];
  if (time) return time === 's' || time === 'ms' ? `Time32(${UNIT_NAME[time]})` : `Time64(${UNIT_NAME[time]})`;
  if (dt === 'IntervalMonthDayNano') return 'Interval(MonthDayNano)';
  if (DURATION_TYPES[dt]) return `Duration(${UNIT_NAME[DURATION_TYPES[dt]!]})`;
  if (dt.startsWith('Vector(')) return 'Binary'; // GreptimeDB's vector is an Arrow Binary column
  return dt;
}

/** The families the matrix knows; a type outside them (strings, JSON, vectors, lists) is never refused here. */
type Family = 'bool' | 'int' | 'float' | 'decimal' | 'ts' | 'date' | 'binary' | 'interval';

function family(dt: DType): Family | null {
  if (dt === 'Boolean') return 'bool';
  if (INT_TYPES.has(dt)) return 'int';
  if (FLOAT_TYPES.has(dt)) return 'float';
  if (dt.startsWith('Decimal128(')) return 'decimal';
  if (TS_TYPES[dt]) return 'ts';
  if (dt === 'Date') return 'date';
  if (dt === 'Binary') return 'binary';
  if (dt === 'IntervalMonthDayNano') return 'interval';
  return null;
}

/**
 * Arrow's cast table between these families (arrow-cast's can_cast_types): a boolean becomes an integer, a float or
 * text only (no decimal); decimals trade with numbers, text and timestamps; timestamps with every number; a date
 * with timestamps and the two integer types that hold its days (Int32, Int64) only; bytes with text only; an
 * interval with text only. Text to and from each is allowed (its value may still fail to parse).
 */
const ALLOWED: Record<Family, ReadonlySet<Family>> = {
  bool: new Set(['bool', 'int', 'float']),
  int: new Set(['bool', 'int', 'float', 'decimal', 'ts', 'date']),
  float: new Set(['bool', 'int', 'float', 'decimal', 'ts']),
  decimal: new Set(['int', 'float', 'decimal', 'ts']),
  ts: new Set(['int', 'float', 'decimal', 'ts', 'date']),
  date: new Set(['int', 'ts', 'date']),
  binary: new Set(['binary']),
  interval: new Set(['interval']),
};

/** Arrow's date casts go through the day count's own width: Int32 and Int64 only, not Int8 or UInt32 (can_cast_types). */
const DATE_INTS = new Set(['Int32', 'Int64']);

/** The error Arrow gives for a cast it has no kernel for, or null when the cast is one it runs. */
export function refusedCast(from: DType, to: DType): string | null {
  const f = family(from), t = family(to);
  if (f === null || t === null) return null;
  const ok = ALLOWED[f].has(t) && !(f === 'date' && t === 'int' && !DATE_INTS.has(to)) && !(f === 'int' && t === 'date' && !DATE_INTS.has(from));
  return ok ? null : `Cast error: Casting from ${arrowTypeName(from)} to ${arrowTypeName(to)} not supported`;
}
