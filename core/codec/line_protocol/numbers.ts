// Number scanning in place over bytes: 64-bit integers as two 32-bit words (no BigInt per value) and floats.

/** Typed arrays use the platform's byte order; the word pair of an int64 is laid out accordingly. */
export const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
export const LO = LITTLE_ENDIAN ? 0 : 1;
export const HI = LITTLE_ENDIAN ? 1 : 0;
const TWO32 = 4294967296;
const POW10: number[] = [];
for (let p = 1, k = 0; k <= 22; k++, p *= 10) POW10.push(p);

/** Magnitude produced by the last parseMagnitude call; shared so no value allocates. */
export const W = { lo: 0, hi: 0 };

export const NUM_OK = 0;
export const NUM_BAD = 1;
export const NUM_OVERFLOW = 2;

/** Parses the ASCII digits [s, e) into W as an unsigned 64-bit magnitude. */
export function parseMagnitude(buf: Uint8Array, s: number, e: number): number {
  if (s >= e) return NUM_BAD;
  while (s < e - 1 && buf[s] === 48) s++;
  const n = e - s;
  if (n > 20) {
    for (; s < e; s++) if (((buf[s]! - 48) >>> 0) > 9) return NUM_BAD;
    return NUM_OVERFLOW;
  }
  // Up to 15 digits fit a double exactly; the rest (at most 5) are folded in word by word.
  const m = s + (n < 15 ? n : 15);
  let a = 0;
  for (; s < m; s++) {
    const d = buf[s]! - 48;
    if ((d >>> 0) > 9) return NUM_BAD;
    a = a * 10 + d;
  }
  let hi = Math.floor(a / TWO32);
  let lo = a - hi * TWO32;
  if (s < e) {
    let b = 0;
    let p = 1;
    for (; s < e; s++) {
      const d = buf[s]! - 48;
      if ((d >>> 0) > 9) return NUM_BAD;
      b = b * 10 + d;
      p *= 10;
    }
    lo = lo * p + b;
    const c = Math.floor(lo / TWO32);
    lo -= c * TWO32;
    hi = hi * p + c;
    if (hi >= TWO32) return NUM_OVERFLOW;
  }
  W.lo = lo;
  W.hi = hi;
  return NUM_OK;
}

/** W *= m for m <= 1000; false on unsigned 64-bit overflow. */
export function multiplyMagnitude(m: number): boolean {
  let lo = W.lo * m;
  const c = Math.floor(lo / TWO32);
  lo -= c * TWO32;
  const hi = W.hi * m + c;
  if (hi >= TWO32) return false;
  W.lo = lo;
  W.hi = hi;
  return true;
}

/** True when the magnitude in W, with the sign, fits a signed int64. */
export function fitsInt64(neg: boolean): boolean {
  return W.hi < 0x80000000 || (neg && W.hi === 0x80000000 && W.lo === 0);
}

/** Stores W (two's complement when negative) at element i of an int64 array viewed as words. */
export function storeWords(words: Uint32Array, i: number, neg: boolean): void {
  let lo = W.lo;
  let hi = W.hi;
  if (neg) {
    if (lo === 0) hi = -hi;
    else {
      lo = TWO32 - lo;
      hi = ~hi;
    }
  }
  words[2 * i + LO] = lo;
  words[2 * i + HI] = hi;
}

function latin1(buf: Uint8Array, s: number, e: number): string {
  let out = '';
  for (let i = s; i < e; i++) out += String.fromCharCode(buf[i]!);
  return out;
}

/** The value of the last scanFloat call: a slot of a typed array, because a double returned from a call is boxed. */
export const FLOAT = new Float64Array(1);
const EXACT = 9007199254740992; // 2^53: integers below it are exact doubles

/**
 * Scans a decimal float `[+-]?digits[.digits][(e|E)[+-]?digits]` from s (at most to e) into FLOAT[0]; returns where it
 * stopped, or -1 on bad syntax (inf/nan are not accepted). Out of range is +-Infinity. The digits are accumulated as
 * an integer: below 2^53 it is exact, and with an exponent within +-22 one multiplication or division by an exact power
 * of ten rounds correctly (the common `12.34`); the rest go through Number().
 */
export function scanFloat(buf: Uint8Array, s: number, e: number): number {
  let i = s;
  const c0 = buf[i];
  const neg = c0 === 45;
  if (neg || c0 === 43) i++;
  let m = 0;
  const ds = i;
  for (; i < e; i++) {
    const d = buf[i]! - 48;
    if ((d >>> 0) > 9) break;
    m = m * 10 + d;
  }
  let digits = i - ds;
  let exp = 0;
  if (i < e && buf[i] === 46) {
    const fs = ++i;
    for (; i < e; i++) {
      const d = buf[i]! - 48;
      if ((d >>> 0) > 9) break;
      m = m * 10 + d;
    }
    exp = fs - i;
    digits += i - fs;
  }
  if (digits === 0) return -1;
  if (i < e && (buf[i] === 101 || buf[i] === 69)) {
    i++;
    let eneg = false;
    if (buf[i] === 45 || buf[i] === 43) {
      eneg = buf[i] === 45;
      i++;
    }
    let x = 0;
    const es = i;
    for (; i < e; i++) {
      const d = buf[i]! - 48;
      if ((d >>> 0) > 9) break;
      if (x < 100000) x = x * 10 + d;
    }
    if (i === es) return -1;
    exp += eneg ? -x : x;
  }
  if (m >= EXACT || exp > 22 || exp < -22) {
    FLOAT[0] = Number(latin1(buf, s, i));
    return i;
  }
  const v = exp < 0 ? m / POW10[-exp]! : m * POW10[exp]!;
  FLOAT[0] = neg ? -v : v;
  return i;
}
