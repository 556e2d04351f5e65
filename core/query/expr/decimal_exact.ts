// Exact Decimal128 values. A decimal vector holds doubles in `v` (exact up to 15 significant digits); one whose values
// a double cannot hold also carries `dec`, the unscaled 128-bit integers (value * 10^scale) as BigInts, as an Int64
// vector beyond 2^53 carries `big`. Kernels that must be exact (casts from text, arithmetic, sum, printing) read
// `dec` when it is there; everything else reads `v`.
import { ArithmeticError, CastError, OutOfRangeError } from '../../errors.ts';
import type { SourcePos } from '../../sql/index.ts';
import type { DType, NumVec, Vec } from '../vector.ts';
import { isNull, numVec, setNull } from '../vector.ts';
import { doubleDecimalText, doubleText, formatUnscaled, I128_MAX, parseUnscaled, pow10, SAFE } from '../decimal128.ts';
import { nonFiniteText } from '../output/digits.ts';

export { doubleDecimalText, formatUnscaled, parseUnscaled, pow10 } from '../decimal128.ts';

/** The unscaled integer of row i of a decimal or integer vector at its scale s (0 for integers). */
export function unscaledAt(c: NumVec, i: number, s: number): bigint {
  const d = (c as { dec?: (bigint | null)[] }).dec;
  if (d) return d[i] ?? 0n;
  if (c.big) return BigInt(c.big[i]!);
  const x = c.v[i]!;
  if (s === 0) return BigInt(Math.round(x));
  return parseUnscaled(doubleText(x), s)!;
}

/** u rescaled from scale `from` to `to`: exact upward (overflow checked), rounded half away from zero downward. */
export function rescale(u: bigint, from: number, to: number, pos?: SourcePos): bigint {
  if (to === from) return u;
  if (to > from) {
    const f = pow10(to - from);
    const r = u * f;
    if (r > I128_MAX || r < -I128_MAX) throw new ArithmeticError(`Arrow error: Compute error: Overflow happened on: ${u} * ${f}`, pos);
    return r;
  }
  const f = pow10(from - to);
  const q = u / f, rem = u % f;
  const half = rem < 0n ? -rem * 2n >= f : rem * 2n >= f;
  return half ? q + (u < 0n ? -1n : 1n) : q;
}

/** An error unless |u| fits the precision p at scale s (Arrow's cast check). */
export function checkPrecision(u: bigint, p: number, s: number, pos?: SourcePos): void {
  if (u < pow10(p) && u > -pow10(p)) return;
  const maxText = s > 0 ? `${'9'.repeat(p - s) || '0'}.${'9'.repeat(s)}` : '9'.repeat(p);
  throw new OutOfRangeError(`Arrow error: Invalid argument error: ${formatUnscaled(u, s)} is too large to store in a Decimal128 of precision ${p}. Max is ${maxText}`, pos);
}

const DIGITS15 = 1_000_000_000_000_000n;

/** A decimal vector of `dt` from unscaled values (null: NULL): doubles always, `dec` only when some value needs it. */
export function decimalVec(dt: DType, vals: (bigint | null)[]): NumVec {
  const s = scaleOf(dt);
  const n = vals.length;
  const out = numVec(dt, n);
  let exact = false;
  for (let i = 0; i < n; i++) {
    const u = vals[i];
    if (u === null || u === undefined) { setNull(out, i); continue; }
    const safe = u <= SAFE && u >= -SAFE;
    // a double prints back only 15 significant digits (decimalText), so a 16th keeps the unscaled integers
    if (u >= DIGITS15 || u <= -DIGITS15) exact = true;
    // both exact doubles: IEEE division rounds the quotient correctly
    out.v[i] = safe && s <= 22 ? Number(u) / 10 ** s : Number(formatUnscaled(u, s));
  }
  if (exact) (out as { dec?: (bigint | null)[] }).dec = vals;
  return out;
}

/** The scale of a Decimal128(p, s) type name (0 for anything else). */
function scaleOf(dt: DType): number {
  const m = /^Decimal128\(\d+,\s*(-?\d+)\)$/.exec(dt);
  return m ? Number(m[1]) : 0;
}

/** The exact unscaled values of a decimal vector, or null when its doubles are exact (no `dec`). */
export function decOf(c: NumVec): (bigint | null)[] | null {
  return (c as { dec?: (bigint | null)[] }).dec ?? null;
}

/** Text of row i of a decimal vector at scale s, exact when the vector carries `dec`. */
export function decimalText(c: NumVec, i: number, s: number): string {
  const d = decOf(c);
  if (d && d[i] !== null && d[i] !== undefined) return formatUnscaled(d[i]!, s);
  return doubleDecimalText(c.v[i]!, s);
}


/** Whether an operation of these types should take the exact path: wide precision, or an input carrying `dec`. */
export function needsExact(dt: DType, ...inputs: NumVec[]): boolean {
  const m = /^Decimal128\((\d+),/.exec(dt);
  return (m !== null && Number(m[1]) > 15) || inputs.some((c) => decOf(c) !== null || (c.big !== undefined));
}

/** The unscaled values of a vector (null rows: null) at scale s. */
export function unscaledColumn(c: NumVec, s: number): (bigint | null)[] {
  const n = c.v.length;
  const out: (bigint | null)[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = isNull(c, i) ? null : unscaledAt(c, i, s);
  return out;
}

/**
 * Numbers and text to Decimal128(p, s) exactly: text parsed digit by digit, integers and decimals rescaled (rounded
 * half away from zero), floats from their 15 significant digits; beyond the precision an error, or NULL under TRY_CAST.
 * Null for a vector kind it does not read (the caller's path through Float64 takes it).
 */
export function castDecimalExact(v: Vec, dt: DType, d: { p: number; s: number }, tryCast: boolean, pos?: SourcePos): NumVec | null {
  if (v.kind !== 'str' && v.kind !== 'num') return null;
  const n = v.v.length;
  const from = v.kind === 'num' ? /^Decimal128\((\d+),\s*(-?\d+)\)$/.exec(v.dt) : null;
  const fromScale = from ? Number(from[2]) : 0;
  const float = v.kind === 'num' && (v.dt === 'Float64' || v.dt === 'Float32');
  const vals: (bigint | null)[] = new Array(n);
  for (let i = 0; i < n; i++) {
    if (isNull(v, i)) { vals[i] = null; continue; }
    try {
      let u: bigint | null;
      if (v.kind === 'str') {
        u = parseUnscaled(v.v[i]!, d.s);
        if (u === null) throw new CastError(`Cannot cast string '${v.v[i]}' to value of ${dt} type`, pos);
      } else if (float) {
        const x = v.v[i]!;
        if (!Number.isFinite(x)) throw new OutOfRangeError(`Cannot cast ${nonFiniteText(x)} to value of ${dt} type: a decimal holds no NaN or infinity`, pos);
        u = parseUnscaled(doubleText(x), d.s)!;
      } else {
        u = rescale(unscaledAt(v, i, fromScale), fromScale, d.s, pos);
      }
      checkPrecision(u, d.p, d.s, pos);
      vals[i] = u;
    } catch (e) {
      if (!tryCast) throw e;
      vals[i] = null;
    }
  }
  return decimalVec(dt, vals);
}

/**
 * a op b on unscaled 128-bit integers (x at scale sx, y at sy; integers at 0) into Decimal128 `dt` at scale s: + - %
 * at the common scale, * at sx + sy, / truncated at s as Arrow divides; an operand or result beyond i128 fails as
 * Arrow's overflow does.
 */
export function decimalArithExact(op: string, x: NumVec, y: NumVec, sx: number, sy: number, dt: DType, s: number, n: number, pos: SourcePos): NumVec {
  const vals: (bigint | null)[] = new Array(n);
  for (let i = 0; i < n; i++) {
    if (isNull(x, i) || isNull(y, i)) { vals[i] = null; continue; }
    const a = unscaledAt(x, i, sx), b = unscaledAt(y, i, sy);
    let r: bigint;
    switch (op) {
      case '+': r = rescale(a, sx, s, pos) + rescale(b, sy, s, pos); break;
      case '-': r = rescale(a, sx, s, pos) - rescale(b, sy, s, pos); break;
      case '*': r = rescale(a * b, sx + sy, s, pos); break;
      case '/': {
        if (b === 0n) throw new ArithmeticError('Arrow error: Divide by zero error', pos);
        const k = s + sy - sx;
        r = k >= 0 ? rescale(a, 0, k, pos) / b : a / (b * pow10(-k));
        break;
      }
      default: {
        if (b === 0n) throw new ArithmeticError('Arrow error: Divide by zero error', pos);
        r = rescale(a, sx, s, pos) % rescale(b, sy, s, pos);
      }
    }
    if (r > I128_MAX || r < -I128_MAX) throw new ArithmeticError(`Arrow error: Compute error: Overflow happened on: ${formatUnscaled(a, sx)} ${op} ${formatUnscaled(b, sy)}`, pos);
    vals[i] = r;
  }
  return decimalVec(dt, vals);
}
