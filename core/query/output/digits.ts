// Exact decimal text of 64-bit integers and timestamps read from typed arrays, without a double and mostly without BigInt.
import type { TimeUnit } from '../../schema.ts';
import type { NumVec, TsVec } from '../vector.ts';
import { UNIT_NS } from '../vector.ts';
import type { ByteWriter } from './byte_writer.ts';

const TWO32 = 4294967296;
const UNIT_DIV: Record<TimeUnit, number> = { s: 1e9, ms: 1e6, us: 1e3, ns: 1 };

/** The two 32-bit halves of each int64 (little-endian, as on every platform Node runs on). */
export function words(a: BigInt64Array | BigUint64Array): Int32Array {
  return new Int32Array(a.buffer, a.byteOffset, a.length * 2);
}

/**
 * Digits of the int64 (or uint64 when `unsigned`) at i. Values within +-2^53 go through a Number; larger
 * non-negative ones are split exactly as q * 10^9 + r with 32-bit arithmetic; only large negatives box a BigInt.
 */
export function int64Text(w: Int32Array, i: number, unsigned: boolean, big: BigInt64Array | BigUint64Array): string {
  const lo = w[2 * i]! >>> 0;
  const hi = unsigned ? w[2 * i + 1]! >>> 0 : w[2 * i + 1]!;
  if (hi >= -0x200000 && hi < 0x200000) return String(hi * TWO32 + lo);
  if (hi < 0) return String(big[i]!);
  // approx is within 2048 of the value, so q is off by at most one; r is exact modulo 2^32 and small, so it is fixed up.
  const approx = hi * TWO32 + lo;
  let q = Math.floor(approx / 1e9);
  let r = (lo - Math.imul(q | 0, 1e9)) | 0;
  if (r < 0) { q -= 1; r += 1e9; } else if (r >= 1e9) { q += 1; r -= 1e9; }
  return String(q) + String(r).padStart(9, '0');
}

/**
 * A nanosecond value as a count of `unit`, exactly: a double when it divides evenly (the usual case: a ms
 * column holds whole ms), checked on the low 32 bits; otherwise null, and the caller falls back to BigInt.
 */
export function unitsOf(w: Int32Array, i: number, unit: TimeUnit): number | null {
  const d = UNIT_DIV[unit];
  const lo = w[2 * i]! >>> 0;
  const hi = w[2 * i + 1]!;
  const q = Math.round((hi * TWO32 + lo) / d);
  // |q*d - x| < 2^32 by the error bound, so equal low words mean equal values.
  if ((Math.imul(q | 0, d) >>> 0) !== lo || !Number.isSafeInteger(q)) return null;
  return q;
}

/** Digits of timestamp i in its column's unit (truncated toward zero as BigInt division does, if ever uneven). */
export function tsText(c: TsVec, w: Int32Array, i: number): string {
  if (c.unit === 'ns') return int64Text(w, i, false, c.v);
  const q = unitsOf(w, i, c.unit);
  return q !== null ? String(q) : String(c.v[i]! / UNIT_NS[c.unit]);
}

/** Typed access to a numeric vector: its exact 64-bit integers (`big`, present when a value is beyond 2^53) or its doubles. */
export type NumStore =
  | { kind: 'f64'; v: Float64Array }
  | { kind: 'i64'; v: BigInt64Array; w: Int32Array }
  | { kind: 'u64'; v: BigUint64Array; w: Int32Array };

export function numStore(c: NumVec): NumStore {
  const v = (c.big ?? c.v) as Float64Array | BigInt64Array | BigUint64Array;
  if (v instanceof BigInt64Array) return { kind: 'i64', v, w: words(v) };
  if (v instanceof BigUint64Array) return { kind: 'u64', v, w: words(v) };
  return { kind: 'f64', v };
}

/**
 * How EddyDB writes a float that is not a finite number, in every output format: as GreptimeDB and DataFusion display
 * it (`NaN`, `inf`, `-inf`). JSON has no number for these; GreptimeDB's own JSON writer (serde_json) turns them into
 * null, which a client cannot tell from SQL NULL, so EddyDB's JSON carries the display text as a string instead.
 */
export function nonFiniteText(x: number): string {
  return Number.isNaN(x) ? 'NaN' : x > 0 ? 'inf' : '-inf';
}

/** The JSON text of a double: JSON's own, except -0 keeps its sign and NaN / +-inf are the strings of nonFiniteText. */
export function floatJson(x: number): string {
  if (!Number.isFinite(x)) return `"${nonFiniteText(x)}"`;
  return x === 0 && 1 / x < 0 ? '-0' : String(x);
}

/** 10^0 .. 10^22: every one exact in a double. */
const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/**
 * Writes a finite non-zero double as String(x) spells it, when its shortest round-trip digits number 15 or fewer and
 * 1e-6 <= |x| < 1e15 (plain notation: a measurement's short decimal, not an average's 17 digits); answers false and
 * writes nothing otherwise. m = round(|x| * 10^p) for the p that gives 15 significant digits: m / 10^p is correctly
 * rounded, so when it equals |x| the decimal m * 10^-p reads back as x, and as no two decimals of at most 15
 * significant digits read as one double (DBL_DIG), it is the shortest one with trailing zeros dropped.
 */
export function writeShortFloat(out: ByteWriter, x: number): boolean {
  const ax = x < 0 ? -x : x;
  if (!(ax >= 1e-6 && ax < 1e15)) return false;
  // the power of ten of the leading digit; off by one near a power of ten only costs a fallback, never a wrong digit
  const p = 14 - Math.floor(Math.log10(ax));
  if (p > 22) return false;
  const scale = POW10[p]!;
  const m = Math.round(ax * scale);
  if (m >= 1e15 || m / scale !== ax) return false;
  const ip = Math.floor(m / scale);
  let frac = m - ip * scale;
  out.ensure(40);
  if (x < 0) out.buf[out.pos++] = 45;
  out.int(ip);
  if (frac === 0) return true;
  // drop the trailing zeros of the p fractional digits (frac < 1e15 has at most 14: 8 + 4 + 2 + 1 covers them): a
  // quotient is an integer exactly when the division is even (frac / 10^j < 1e15 / 10^j leaves a fraction of at least
  // 10^-j, above its rounding error)
  let n = p;
  let q = frac / 1e8;
  if (q === Math.floor(q)) { frac = q; n -= 8; }
  q = frac / 1e4;
  if (q === Math.floor(q)) { frac = q; n -= 4; }
  q = frac / 100;
  if (q === Math.floor(q)) { frac = q; n -= 2; }
  q = frac / 10;
  if (q === Math.floor(q)) { frac = q; n -= 1; }
  const b = out.buf;
  let at = out.pos + n;
  out.pos = at + 1;
  for (; n > 0; n--) { q = Math.floor(frac / 10); b[at--] = 48 + (frac - q * 10); frac = q; }
  b[at] = 46;
  return true;
}

/** CSV text of a double: NaN, inf and -inf stay readable instead of becoming empty cells. */
export function floatCsv(x: number): string {
  if (!Number.isFinite(x)) return nonFiniteText(x);
  return x === 0 && 1 / x < 0 ? '-0' : String(x);
}

/** int64Text's digits straight into a byte buffer (no string per value). */
export function writeInt64(out: ByteWriter, w: Int32Array, i: number, unsigned: boolean, big: BigInt64Array | BigUint64Array): void {
  const lo = w[2 * i]! >>> 0;
  const hi = unsigned ? w[2 * i + 1]! >>> 0 : w[2 * i + 1]!;
  if (hi >= -0x200000 && hi < 0x200000) { out.int(hi * TWO32 + lo); return; }
  if (hi < 0) { out.ascii(String(big[i]!)); return; }
  const approx = hi * TWO32 + lo;
  let q = Math.floor(approx / 1e9);
  let r = (lo - Math.imul(q | 0, 1e9)) | 0;
  if (r < 0) { q -= 1; r += 1e9; } else if (r >= 1e9) { q += 1; r -= 1e9; }
  out.int(q);
  out.nine(r);
}

/** tsText's digits straight into a byte buffer. */
export function writeTs(out: ByteWriter, c: TsVec, w: Int32Array, i: number): void {
  if (c.unit === 'ns') { writeInt64(out, w, i, false, c.v); return; }
  const q = unitsOf(w, i, c.unit);
  if (q !== null) out.int(q);
  else out.ascii(String(c.v[i]! / UNIT_NS[c.unit]));
}
