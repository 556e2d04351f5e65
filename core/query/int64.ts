// Exact 64-bit integers beside the Float64 view of a number column: word-level helpers over BigInt64Array /
// BigUint64Array, so columns are checked, copied and compared without allocating a BigInt per element.
import type { TsOffsets } from './vector.ts';

/** 2^32 and 2^53: a double holds every integer of magnitude <= 2^53 exactly. */
const TWO32 = 4294967296;
export const SAFE_LIMIT = 9007199254740992;

export type Int64Array = BigInt64Array | BigUint64Array;

/** The 32-bit words of a, low word first (little-endian), signed. */
export function words(a: Int64Array): Int32Array {
  return new Int32Array(a.buffer, a.byteOffset, a.length * 2);
}

/** The 32-bit words of a, unsigned. */
export function uwords(a: Int64Array): Uint32Array {
  return new Uint32Array(a.buffer, a.byteOffset, a.length * 2);
}

/** True when some element (where valid) lies outside +-2^53, i.e. the Float64 view would round it. */
export function needsExact(a: Int64Array, valid: Uint8Array | null = null): boolean {
  const w = words(a);
  const n = a.length;
  if (a instanceof BigUint64Array) {
    // unsigned: exact iff the high word < 2^21
    for (let i = 0; i < n; i++) if ((w[2 * i + 1]! >>> 0) >= 0x200000 && (valid === null || valid[i] === 1)) return true;
    return false;
  }
  for (let i = 0; i < n; i++) {
    const hi = w[2 * i + 1]!;
    // signed: [-2^53, 2^53) has a high word in [-2^21, 2^21)
    if ((hi < -0x200000 || hi >= 0x200000) && (valid === null || valid[i] === 1)) return true;
  }
  return false;
}

/** out[i] = the double nearest a[i] (one rounding, as Number(bigint) gives), from the words. */
export function toFloats(a: Int64Array, out: Float64Array = new Float64Array(a.length)): Float64Array {
  const n = a.length;
  const lo = uwords(a);
  if (a instanceof BigUint64Array) for (let i = 0; i < n; i++) out[i] = lo[2 * i + 1]! * TWO32 + lo[2 * i]!;
  else {
    const hi = words(a);
    for (let i = 0; i < n; i++) out[i] = hi[2 * i + 1]! * TWO32 + lo[2 * i]!;
  }
  return out;
}

/**
 * Integral doubles (|x| <= 2^53, not NaN) as int64 words; out of that range the value is written through
 * BigInt (rare: only floats that are already beyond exact range).
 */
export function fromFloats(v: ArrayLike<number>, out: Int64Array): Int64Array {
  const n = v.length;
  const w = uwords(out);
  for (let i = 0; i < n; i++) {
    const x = v[i]!;
    if (x >= -SAFE_LIMIT && x <= SAFE_LIMIT) {
      const hi = Math.floor(x / TWO32);
      w[2 * i] = x - hi * TWO32;
      w[2 * i + 1] = hi >>> 0;
    } else if (Number.isFinite(x)) {
      out[i] = out instanceof BigUint64Array ? BigInt.asUintN(64, BigInt(Math.trunc(x))) : BigInt.asIntN(64, BigInt(Math.trunc(x)));
    } else out[i] = 0n;
  }
  return out;
}

/**
 * Compares element i of (ah, al) with element j of (bh, bl), words split by hiLo: negative, zero or positive.
 * The high words are plain numbers (signed for Int64, unsigned for UInt64), so mixed signedness compares right.
 */
export interface HiLo { hi: Float64Array; lo: Float64Array }

/** The (high, low) words of n int64 values as numbers: from the exact array when there is one, else from the doubles. */
export function hiLo(exact: Int64Array | undefined, floats: Float64Array, n: number): HiLo {
  const hi = new Float64Array(n), lo = new Float64Array(n);
  if (exact) {
    const u = uwords(exact);
    if (exact instanceof BigUint64Array) for (let i = 0; i < n; i++) { hi[i] = u[2 * i + 1]!; lo[i] = u[2 * i]!; }
    else {
      const s = words(exact);
      for (let i = 0; i < n; i++) { hi[i] = s[2 * i + 1]!; lo[i] = u[2 * i]!; }
    }
    return { hi, lo };
  }
  for (let i = 0; i < n; i++) {
    const x = Math.trunc(floats[i]!);
    const h = Math.floor(x / TWO32);
    hi[i] = h;
    lo[i] = x - h * TWO32;
  }
  return { hi, lo };
}

/** dst[i] = src[idx[i]] over int64 words (idx -1 gives 0). */
export function takeInt64(src: Int64Array, idx: ArrayLike<number>): Int64Array {
  const n = idx.length;
  const out = src instanceof BigUint64Array ? new BigUint64Array(n) : new BigInt64Array(n);
  const s = words(src), d = words(out);
  for (let i = 0; i < n; i++) {
    const j = idx[i]!;
    if (j < 0) continue;
    d[2 * i] = s[2 * j]!;
    d[2 * i + 1] = s[2 * j + 1]!;
  }
  return out;
}

/** Writes the integral double x (|x| <= 2^53) as element i of the unsigned word view w. */
export function setWords(w: Uint32Array, i: number, x: number): void {
  const hi = Math.floor(x / TWO32);
  w[2 * i] = x - hi * TWO32;
  w[2 * i + 1] = hi >>> 0;
}

/**
 * Timestamps (or any int64s) as exact doubles relative to a base: off[i] = a[i] - base, computed from the words
 * without a BigInt per element. Null when some valid difference would not be exact (a span beyond about 2^52 ns,
 * 52 days of nanoseconds; years of milliseconds). Kernels that only compare, bucket or hash values work on `off`.
 */
export function int64Offsets(a: BigInt64Array, valid: Uint8Array | null = null): TsOffsets | null {
  const n = a.length;
  const w = words(a);
  const off = new Float64Array(n);
  let first = 0;
  while (first < n && valid !== null && valid[first] === 0) first++;
  if (first === n) return { base: 0n, off };
  const bhi = w[2 * first + 1]!, blo = w[2 * first]! >>> 0;
  for (let i = 0; i < n; i++) {
    if (valid !== null && valid[i] === 0) continue;
    const dhi = w[2 * i + 1]! - bhi;
    // |difference| < 2^52: the high words differ by less than 2^20
    if (dhi >= 0x100000 || dhi <= -0x100000) return null;
    off[i] = dhi * TWO32 + ((w[2 * i]! >>> 0) - blo);
  }
  return { base: a[first]!, off };
}

/** Writes base + delta (delta an exact integer double, |delta| < 2^53) into the words of element i. */
export function putOffset(w: Int32Array, i: number, baseHi: number, baseLo: number, delta: number): void {
  const dhi = Math.floor(delta / TWO32);
  let lo = baseLo + (delta - dhi * TWO32);
  let hi = baseHi + dhi;
  if (lo >= TWO32) { lo -= TWO32; hi += 1; }
  w[2 * i] = lo | 0;
  w[2 * i + 1] = hi | 0;
}
