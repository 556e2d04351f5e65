// Decimal128 numbers as unscaled BigInts (value * 10^scale): exact text in and out, no vectors (a leaf module, as
// int64.ts is for Int64): what vector.ts and the decimal kernels (expr/decimal_exact.ts) share.

const POW10: bigint[] = Array.from({ length: 80 }, (_, k) => 10n ** BigInt(k));
export const pow10 = (k: number): bigint => POW10[k] ?? 10n ** BigInt(k);

/** i128's largest value: what a Decimal128's unscaled integer may reach before Arrow reports an overflow. */
export const I128_MAX = (1n << 127n) - 1n;
/** Unscaled values a double holds exactly (and so may stay in `v` alone). */
export const SAFE = 9007199254740991n;

/** The text of a double as a plain decimal (no exponent), its 15 significant digits: 1e-7 -> 0.0000001. */
export function doubleText(x: number): string {
  const t = Number(x.toPrecision(15)).toString();
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(t);
  if (!m) return t;
  const digits = m[2]! + (m[3] ?? ''), exp = Number(m[4]);
  if (exp >= 0) return m[1] + digits.padEnd(exp + 1, '0');
  return m[1] + '0.' + '0'.repeat(-exp - 1) + digits;
}

/**
 * The unscaled integer of decimal text at scale s, rounded half away from zero; null when the text is no number.
 * Accepts what Arrow's decimal parser does: sign, digits, a point, an exponent (`1.5e3`).
 */
export function parseUnscaled(text: string, s: number): bigint | null {
  const m = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return null;
  let int = m[2]!, frac = m[3] ?? '';
  const exp = m[4] ? Number(m[4]) : 0;
  // move the point by the exponent
  if (exp > 0) { const take = frac.slice(0, exp).padEnd(exp, '0'); int += take; frac = frac.slice(exp); }
  else if (exp < 0) { const k = -exp; const pad = int.padStart(k, '0'); frac = pad.slice(pad.length - k) + frac; int = pad.slice(0, pad.length - k); }
  const kept = frac.slice(0, s).padEnd(s, '0');
  let u = BigInt((int || '0') + kept);
  if (frac.length > s && frac.charCodeAt(s) >= 53) u += 1n;
  return m[1] === '-' ? -u : u;
}

/** Decimal text of an unscaled integer at scale s: every digit of the scale, as GreptimeDB prints a Decimal128. */
export function formatUnscaled(u: bigint, s: number): string {
  const neg = u < 0n;
  let t = (neg ? -u : u).toString();
  if (s > 0) {
    t = t.padStart(s + 1, '0');
    t = `${t.slice(0, t.length - s)}.${t.slice(t.length - s)}`;
  }
  return neg ? `-${t}` : t;
}

/** Text of a decimal held as a double, at scale s: its 15 significant digits, then zeros (never binary noise). */
export function doubleDecimalText(x: number, s: number): string {
  if (!Number.isFinite(x)) return String(x);
  // toFixed is exact while every printed digit is within the double's 15 significant ones
  if (s <= 6 && Math.abs(x) < 1e9) return s > 0 ? x.toFixed(s) : String(Math.round(x));
  return formatUnscaled(parseUnscaled(doubleText(x), s)!, s);
}

/** Text of a Decimal128 type's unscaled value (the scale read from its type name). */
export function decimalTextOf(u: bigint, dt: string): string {
  const m = /,\s*(-?\d+)\)$/.exec(dt);
  return formatUnscaled(u, m ? Number(m[1]) : 0);
}
