// Leaf spellings the expression printer (print.ts) needs: Rust float display, DataFusion literal names, quoting.
import type { Ident } from './ast.ts';
import { RESERVED } from './parser/cursor.ts';

/** Rust's f64 Display: shortest round-trip digits, never exponent notation, no trailing ".0". */
export function rustFloat(n: number): string {
  if (!Number.isFinite(n)) return Number.isNaN(n) ? 'NaN' : n > 0 ? 'inf' : '-inf';
  const s = String(n);
  const m = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) return s;
  const [, sign, int, frac = '', expS] = m;
  const exp = Number(expS);
  const digits = int! + frac;
  const point = int!.length + exp;
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;
const U64_MAX = 2n ** 64n - 1n;

/**
 * A numeric literal as a typed scalar: `Int64(1)`, `UInt64(9223372036854775808)`, `Float64(0.5)`.
 * `exact` (result headers) checks both integer ranges and spells floats as Rust does; otherwise (the planner's
 * keys) every integer above i64 is UInt64 and floats use JavaScript's spelling. Both sides of a key use one spelling.
 */
export function numberLiteralName(text: string, negative: boolean, exact: boolean): string {
  const sign = negative ? '-' : '';
  if (/^\d+$/.test(text)) {
    const v = BigInt(sign + text);
    if (!exact) return v > I64_MAX ? `UInt64(${v})` : `Int64(${v})`;
    if (v >= I64_MIN && v <= I64_MAX) return `Int64(${v})`;
    if (v >= 0n && v <= U64_MAX) return `UInt64(${v})`;
  }
  const f = Number(sign + text);
  return `Float64(${exact ? rustFloat(f) : String(f)})`;
}

/** Arrow type names of canonical SQL types, for arrow_cast in display names. */
export const ARROW_TYPES: Record<string, string> = {
  INT8: 'Int8', INT16: 'Int16', INT32: 'Int32', INT64: 'Int64', UINT8: 'UInt8', UINT16: 'UInt16', UINT32: 'UInt32',
  UINT64: 'UInt64', FLOAT32: 'Float32', FLOAT64: 'Float64', STRING: 'Utf8', BOOLEAN: 'Boolean', DATE: 'Date32',
};

/** Numeric casts the planner names as arrow_cast (matched on the type as written). */
export const NUMERIC_CAST = /^(U?INT(8|16|32|64)|FLOAT(32|64))$/;

const TS_ARROW_UNIT: Record<number, string> = { 0: 'Second', 3: 'Millisecond', 6: 'Microsecond', 9: 'Nanosecond' };

/**
 * The arrow_cast type of a timestamp cast GreptimeDB rewrites before planning: a TIMESTAMP without a precision (its
 * milliseconds), TIMESTAMPTZ, and its own unit names (TIMESTAMP_S, TIMESTAMP_MS, ..). `TIMESTAMP(p)` stays a plain cast,
 * transparent in names; so does DATETIME. Undefined when the cast is not one of those.
 */
export function timestampArrowCast(t: { name: string; raw: string; args?: number[]; precision?: number }): string | undefined {
  if (t.name !== 'TIMESTAMP' || t.args !== undefined || t.precision === undefined) return undefined;
  if (/^DATETIME/i.test(t.raw)) return undefined;
  const unit = TS_ARROW_UNIT[t.precision];
  return unit === undefined ? undefined : `Timestamp(${unit}, None)`;
}

/**
 * Canonical names of function aliases: DataFusion names a call by the function's own name, whichever alias the query
 * used (`length(s)` is `character_length(t.s)`, `pow` is `power`, `covar` is `covar_samp`).
 */
// (GreptimeDB's MySQL-style `std` and `variance` are functions of their own, population statistics: not aliases.
// `length` keeps its name: the GreptimeDB release the shared conformance cases come from prints `length(t.s)`.)
export const FUNCTION_ALIASES: Record<string, string> = {
  // aggregates
  covar: 'covar_samp', var: 'var_samp', var_sample: 'var_samp', var_population: 'var_pop',
  stddev: 'stddev_samp', mean: 'avg', array_agg_distinct: 'array_agg', list_agg: 'string_agg',
  // scalars
  ceiling: 'ceil', pow: 'power', char_length: 'character_length', instr: 'strpos',
  position: 'strpos', substring: 'substr', trim: 'btrim', datepart: 'date_part', datetrunc: 'date_trunc',
  today: 'current_date', ifnull: 'nvl', row: 'struct', make_list: 'make_array', string_to_list: 'string_to_array',
  // array functions and their list_* spellings
  array_push_back: 'array_append', list_append: 'array_append', list_push_back: 'array_append',
  array_push_front: 'array_prepend', list_prepend: 'array_prepend', list_push_front: 'array_prepend',
  array_cat: 'array_concat', list_concat: 'array_concat', list_cat: 'array_concat',
  list_has: 'array_has', array_contains: 'array_has', list_contains: 'array_has', list_has_all: 'array_has_all',
  list_has_any: 'array_has_any', list_length: 'array_length', array_extract: 'array_element',
  list_element: 'array_element', list_extract: 'array_element', list_to_string: 'array_to_string',
  array_join: 'array_to_string', list_join: 'array_to_string', list_position: 'array_position',
  array_indexof: 'array_position', list_indexof: 'array_position', list_positions: 'array_positions',
  list_dims: 'array_dims', list_ndims: 'array_ndims', list_distinct: 'array_distinct', list_slice: 'array_slice',
  list_remove: 'array_remove', list_remove_n: 'array_remove_n', list_remove_all: 'array_remove_all',
  list_replace: 'array_replace', list_replace_n: 'array_replace_n', list_replace_all: 'array_replace_all',
  list_sort: 'array_sort', list_reverse: 'array_reverse', list_empty: 'array_empty', empty: 'array_empty',
  list_repeat: 'array_repeat', list_resize: 'array_resize', list_union: 'array_union', list_intersect: 'array_intersect',
  list_except: 'array_except', list_pop_back: 'array_pop_back', list_pop_front: 'array_pop_front',
  list_any_value: 'array_any_value', list_max: 'array_max', list_min: 'array_min',
};

/** Quotes an identifier when it would not read back as itself. */
export function formatIdent(id: Ident): string {
  if (id.quote === undefined && /^[a-z_][a-z0-9_$]*$/.test(id.value) && !RESERVED.has(id.value.toUpperCase())) return id.value;
  return `"${id.value.replace(/"/g, '""')}"`;
}

/** A SQL string literal. */
export function formatString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}
