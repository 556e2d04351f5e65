// The value of one row of a Map column (DataFusion's map(): keys unique and not NULL, in the order given), and the
// Arrow display text of nested values (lists, structs, maps) the output formats share.
import type { DType, Interval } from '../vector.ts';
import { FLOAT_TYPES, TS_TYPES } from '../vector.ts';
import { FIELD_TYPES, listElem } from '../nested_type.ts';
import { formatNumber } from './number_text.ts';
import { formatTimestamp, intervalLikeText, isIntervalLike } from './time.ts';

/** One map: parallel keys and values, the keys unique and never NULL; the key and value types when known. */
export class SqlMap {
  constructor(readonly keys: unknown[], readonly values: unknown[], readonly keyType?: DType, readonly valueType?: DType) {}

  /** The position of a key, -1 when absent (numbers of either JS type meet by value). */
  find(key: unknown): number {
    const k = mapKey(key);
    for (let i = 0; i < this.keys.length; i++) if (mapKey(this.keys[i]) === k) return i;
    return -1;
  }

  /** Arrow's display of a map: `{a: 1, b: }` (a NULL value prints empty). */
  toString(): string {
    return `{${this.keys.map((k, i) => `${nestedText(k, this.keyType)}: ${nestedText(this.values[i], this.valueType)}`).join(', ')}}`;
  }

  /** JSON output: an object keyed by each key's text. */
  toJSON(): Record<string, unknown> {
    const o: Record<string, unknown> = {};
    this.keys.forEach((k, i) => (o[nestedText(k)] = this.values[i] ?? null));
    return o;
  }
}

/** A key's identity: its type family and value (1 and 1n are one key; '1' is another). */
export function mapKey(x: unknown): string {
  if (typeof x === 'number' || typeof x === 'bigint') return `n:${String(x)}`;
  if (x instanceof SqlMap || Array.isArray(x) || (x !== null && typeof x === 'object')) return `o:${nestedText(x)}`;
  return `${typeof x}:${String(x)}`;
}

/** The column type of a set of list elements: numbers are Int64 unless one has a fraction. */
export function elementType(xs: unknown[]): DType {
  let t: DType = 'Null';
  for (const x of xs) {
    if (x === null || x === undefined) continue;
    if (typeof x === 'string') return 'String';
    if (typeof x === 'boolean') t = 'Boolean';
    else if (Array.isArray(x)) return 'List';
    else if (x instanceof SqlMap) return 'Map';
    else if (typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype) return 'Struct';
    else if (typeof x === 'bigint') t = t === 'Float64' ? t : 'Int64';
    else if (typeof x === 'number') t = Number.isInteger(x) && t !== 'Float64' ? 'Int64' : 'Float64';
  }
  return t;
}

/**
 * A nested value as Arrow displays it: lists `[1, 2]`, structs `{a: 1}`, maps `{k: v}`, NULL empty. With its full
 * type (`List<Float64>`; a struct row carries its own field types) each element prints as a column of its type does
 * (1.0, timestamps as text, dates as days); without one, as JavaScript writes the value.
 */
export function nestedText(x: unknown, type?: DType): string {
  if (x === null || x === undefined) return '';
  if (Array.isArray(x)) {
    const elem = listElem(type) ?? undefined;
    return `[${x.map((y) => nestedText(y, elem)).join(', ')}]`;
  }
  if (x instanceof SqlMap) return x.toString();
  if (typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype) {
    const types = (x as { [FIELD_TYPES]?: Record<string, DType> })[FIELD_TYPES];
    return `{${Object.entries(x as Record<string, unknown>).map(([k, v]) => `${k}: ${nestedText(v, types?.[k])}`).join(', ')}}`;
  }
  return type === undefined ? String(x) : scalarText(x, type);
}

/** One non-NULL element of a known type as its column would print it. */
function scalarText(x: unknown, type: DType): string {
  if (type === 'Date' && typeof x === 'bigint') return formatTimestamp(x).slice(0, 10);
  if (TS_TYPES[type] !== undefined && typeof x === 'bigint') return formatTimestamp(x, TS_TYPES[type]);
  if (typeof x === 'number' && (FLOAT_TYPES.has(type) || type.startsWith('Decimal128('))) return formatNumber(x, type);
  if (isIntervalLike(type) && typeof x === 'object') return intervalLikeText(type, x as Interval);
  return String(x);
}
