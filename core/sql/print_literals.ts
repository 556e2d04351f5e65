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

/** Canonical names of aggregate/function aliases as DataFusion reports them. */
export const FUNCTION_ALIASES: Record<string, string> = {
  covar: 'covar_samp', var: 'var_samp', var_sample: 'var_samp', variance: 'var_samp', stddev: 'stddev_samp',
  std: 'stddev_samp', mean: 'avg', array_agg_distinct: 'array_agg', ceiling: 'ceil', list_agg: 'string_agg',
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
