// Decimal128(p, s): values held as doubles rounded to s fractional digits (exact to ~15 significant digits),
// with DataFusion's result precision and scale for each operator, half-away-from-zero rounding and overflow checks.
import { OutOfRangeError, PlanError, StatusCode } from '../../errors.ts';
import type { SourcePos } from '../../sql/index.ts';
import type { DType } from '../vector.ts';
import { doubleDecimalText } from './decimal_exact.ts';
import { nonFiniteText } from '../output/digits.ts';

const RE = /^Decimal128\((\d+),\s*(-?\d+)\)$/;
export const MAX_PRECISION = 38;

export function decimalOf(dt: DType): { p: number; s: number } | null {
  const m = RE.exec(dt);
  return m ? { p: Number(m[1]), s: Number(m[2]) } : null;
}

export function isDecimal(dt: DType): boolean {
  return dt.startsWith('Decimal128(');
}

export function decimalType(p: number, s: number): DType {
  return `Decimal128(${p}, ${s})`;
}

/** Integer types as DataFusion widens them to decimals when they meet one. */
const INT_AS_DECIMAL: Record<string, [number, number]> = {
  Int8: [3, 0], Int16: [5, 0], Int32: [10, 0], Int64: [20, 0], UInt8: [3, 0], UInt16: [5, 0], UInt32: [10, 0], UInt64: [20, 0],
};

export function asDecimal(dt: DType): { p: number; s: number } | null {
  const d = decimalOf(dt);
  if (d) return d;
  const i = INT_AS_DECIMAL[dt];
  return i ? { p: i[0], s: i[1] } : null;
}

/**
 * Result type of a op b where one side is a decimal and the other a decimal or an integer, as Arrow's decimal kernels
 * give it (DataFusion takes its arithmetic result types from them): + - at the larger scale with one more integer
 * digit, * adds precisions (+1) and scales (a scale past 38 is refused), / keeps the dividend's scale plus 4 (as
 * PostgreSQL and MySQL do) with precision p1 + s2 + 4, % the larger scale over the smaller integer part; a precision
 * past 38 is capped at 38, the scale kept.
 */
export function decimalResultType(op: string, a: { p: number; s: number }, b: { p: number; s: number }, pos?: SourcePos): DType {
  if (op === '*' && a.s + b.s > MAX_PRECISION) {
    throw new PlanError(`Cannot get result type for decimal operation ${decimalType(a.p, a.s)} * ${decimalType(b.p, b.s)}: Invalid argument error: Output scale of ${decimalType(a.p, a.s)} * ${decimalType(b.p, b.s)} would exceed max scale of ${MAX_PRECISION}`, pos, StatusCode.PlanQuery);
  }
  let p: number, s: number;
  switch (op) {
    case '+': case '-':
      s = Math.max(a.s, b.s);
      p = Math.max(a.p - a.s, b.p - b.s) + s + 1;
      break;
    case '*':
      p = a.p + b.p + 1;
      s = a.s + b.s;
      break;
    case '/':
      s = Math.min(a.s + 4, MAX_PRECISION);
      p = a.p + b.s + 4;
      break;
    default: // %
      s = Math.max(a.s, b.s);
      p = Math.min(a.p - a.s, b.p - b.s) + s;
  }
  return decimalType(Math.min(p, MAX_PRECISION), s);
}

/** x rounded half away from zero to s fractional digits. */
export function roundScale(x: number, s: number): number {
  if (!Number.isFinite(x)) return x;
  const k = 10 ** s;
  const y = Math.abs(x) * k;
  // a nudge for values like 1.005 whose double is 1.00499999...: decide on the decimal text, not the double
  const r = Math.round(Number(y.toPrecision(15)));
  return (x < 0 ? -r : r) / k;
}

/** A value rounded to the type's scale; beyond its precision it is an error, as Arrow's cast reports it. */
export function toDecimal(x: number, d: { p: number; s: number }, pos?: SourcePos): number {
  const v = roundScale(x, d.s);
  const max = 10 ** (d.p - d.s);
  if (!Number.isFinite(v)) throw new OutOfRangeError(`Cannot cast ${nonFiniteText(v)} to value of ${decimalType(d.p, d.s)} type: a decimal holds no NaN or infinity`, pos);
  if (Math.abs(v) >= max) {
    const maxText = d.s > 0 ? `${'9'.repeat(d.p - d.s) || '0'}.${'9'.repeat(d.s)}` : '9'.repeat(d.p);
    throw new OutOfRangeError(`Arrow error: Invalid argument error: ${formatDecimal(v, d.s)} is too large to store in a Decimal128 of precision ${d.p}. Max is ${maxText}`, pos);
  }
  return v;
}

export const formatDecimal = doubleDecimalText;
