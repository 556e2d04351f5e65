// Number scanning in place over bytes: 64-bit integers as two 32-bit words (no BigInt per value) and floats.

/** Typed arrays use the platform's byte order; the word pair of an int64 is laid out accordingly. */
export const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
export const LO = LITTLE_ENDIAN ? 0 : 1;
export const HI = LITTLE_ENDIAN ? 1 : 0;
const TWO32 = 4294967296;
const POW10: number[] = [];
for (let p = 1, k = 0; k <= 22; k++, p *= 10) POW10.push(p);

/** Magnitude produced by the last parseMagnitude call, and where scanFloat stopped; shared so no value allocates. */
export const W = { lo: 0, hi: 0, end: 0 };

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

/**
 * Scans a decimal float `[+-]?digits[.digits][(e|E)[+-]?digits]` from s (at most to e), leaving where
 * it stopped in W.end. Returns NaN on bad syntax (inf/nan are not accepted) and +-Infinity when out
 * of range. Short mantissas take the exact fast path (mantissa < 2^53 times or divided by an exact
 * power of ten); the rest go through Number().
 */
export function scanFloat(buf: Uint8Array, s: number, e: number): number {
  let i = s;
  let neg = false;
  const c0 = buf[i];
  if (c0 === 45 || c0 === 43) {
    neg = c0 === 45;
    i++;
  }
  let m = 0;
  let nd = 0;
  let exp = 0;
  let any = false;
  for (; i < e; i++) {
    const d = buf[i]! - 48;
    if ((d >>> 0) > 9) break;
    any = true;
    m = m * 10 + d;
    if (m !== 0) nd++;
  }
  if (i < e && buf[i] === 46) {
    for (i++; i < e; i++) {
      const d = buf[i]! - 48;
      if ((d >>> 0) > 9) break;
      any = true;
      m = m * 10 + d;
      if (m !== 0) nd++;
      exp--;
    }
  }
  if (!any) return NaN;
  let slow = nd > 15;
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
    if (i === es) return NaN;
    exp += eneg ? -x : x;
  }
  W.end = i;
  if (slow || exp > 22 || exp < -22) {
    return Number(latin1(buf, s, i));
  }
  const v = exp < 0 ? m / POW10[-exp]! : m * POW10[exp]!;
  return neg ? -v : v;
}
