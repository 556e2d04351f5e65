// Types of nested values: a list column names its element type as `List<Int64>` (nested: `List<List<Float64>>`), the
// way Arrow's DataType::List carries its item field; a struct row carries its fields' types under FIELD_TYPES.
// Pure string functions, shared by the vector constructors, the list kernels and the output formats.
import type { DType } from './vector.ts';

/**
 * Each struct row carries its fields' column types under this symbol (one shared object per column; no output or
 * Object.entries sees it), so get_field gives a field back as the type it went in with (1.0 stays a Float64).
 */
export const FIELD_TYPES = Symbol('struct field types');

/** The full type of a list of `elem` ('Null' when nothing is known of the elements). */
export function listType(elem: DType): DType {
  return `List<${elem}>`;
}

/** The element type of a full list type (`List<T>` -> T), or null for anything else. */
export function listElem(t: DType | undefined): DType | null {
  return t !== undefined && t.startsWith('List<') && t.endsWith('>') ? t.slice(5, -1) : null;
}

export function isListType(t: DType): boolean {
  return t === 'List' || t.startsWith('List<');
}

const NUMERIC_RANK: Record<string, number> = {
  Int8: 1, UInt8: 1, Int16: 2, UInt16: 2, Int32: 3, UInt32: 3, Int64: 4, UInt64: 4, Float32: 5, Float64: 6,
};

/**
 * The one element type of values of the given types, as make_array coerces its arguments: NULLs take the others'
 * type, integers of any width meet as Int64, integers and floats as Float64, equal types stay; anything else that
 * differs is text (DataFusion would refuse or coerce to Utf8).
 */
export function commonElemType(types: DType[]): DType {
  let out: DType = 'Null';
  for (const t of types) {
    if (t === 'Null' || t === out) continue;
    if (out === 'Null') { out = t; continue; }
    const a = NUMERIC_RANK[out], b = NUMERIC_RANK[t];
    if (a !== undefined && b !== undefined) { out = a >= 5 || b >= 5 ? 'Float64' : 'Int64'; continue; }
    if (isListType(out) && isListType(t)) { out = listType(commonElemType([listElem(out) ?? 'Null', listElem(t) ?? 'Null'])); continue; }
    return 'String';
  }
  return out;
}
