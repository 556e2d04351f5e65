// Lightweight column encodings for segments: decimal floats as scaled integers, delta / delta-of-delta, zigzag,
// byte-split streams. Values are held as int64 (lo, hi) word pairs; every loop is over typed arrays.

const TWO32 = 4294967296;
/** Scaled decimals stay below 2^50 so deltas and zigzag stay exact in doubles. */
const MAX_SCALED = 2 ** 50;
export const MAX_SCALE = 9;
export const POW10 = Array.from({ length: MAX_SCALE + 1 }, (_, i) => 10 ** i);

/**
 * Smallest s <= MAX_SCALE such that every valid value v equals round(v * 10^s) / 10^s with |v * 10^s| < 2^50, and
 * the byte width of the largest zigzag delta at that scale (deltas restart at each group start); null when some
 * value is not such a decimal (NaN, infinities and -0 are not). One pass, restarted only when s must grow. `minScale`:
 * the first s tried (a segment's other row groups need at least that one).
 */
export function decimalPlan(v: Float64Array, valid: Uint8Array | null, n: number, starts: number[] = [0], minScale = 0): { scale: number; width: 1 | 2 | 4 | 8 } | null {
  let s = minScale, p = POW10[s]!;
  restart: for (;;) {
    let maxD = 0, prev = 0, g = 0;
    for (let i = 0; i < n; i++) {
      if (g < starts.length && i === starts[g]) { prev = 0; g++; }
      if (valid !== null && valid[i] === 0) continue;
      const x = v[i]!;
      const r = Math.round(x * p);
      if (r / p !== x || !(Math.abs(r) < MAX_SCALED)) {
        s = scaleAbove(x, s);
        if (s < 0) return null;
        p = POW10[s]!;
        continue restart;
      }
      if (x === 0 && 1 / x < 0) return null;
      const d = r > prev ? r - prev : prev - r;
      if (d > maxD) maxD = d;
      prev = r;
    }
    return { scale: s, width: widthOf(2 * maxD) };
  }
}

/** Smallest scale above s at which x is a decimal (round(x * 10^s) / 10^s === x, below 2^50 scaled), or -1. */
export function scaleAbove(x: number, s: number): number {
  if (!Number.isFinite(x)) return -1;
  while (++s <= MAX_SCALE) {
    const p = POW10[s]!, q = Math.round(x * p);
    if (q / p === x && Math.abs(q) < MAX_SCALED) return s;
  }
  return -1;
}

/** The decimal scale of the values, or -1 (see decimalPlan). */
export function decimalScale(v: Float64Array, valid: Uint8Array | null, n: number): number {
  return decimalPlan(v, valid, n)?.scale ?? -1;
}

/**
 * Zigzag deltas of scaled decimals into int64 words (out[2i] low, out[2i+1] high), restarting at each group
 * start (`starts` ascending, first 0). Null rows repeat the previous value (delta 0). The scale must come from
 * decimalPlan over the same values. `maxOut[0]` receives the largest zigzag value.
 */
export function encodeDecimal(v: Float64Array, valid: Uint8Array | null, n: number, scale: number, starts: number[], out: Int32Array, maxOut: Float64Array): boolean {
  const p = POW10[scale]!;
  let max = 0, g = 0, prev = 0;
  for (let i = 0; i < n; i++) {
    if (g < starts.length && i === starts[g]) { prev = 0; g++; }
    let x = prev;
    // decimalPlan checked round(v * p) / p === v for every value at this scale; the same operations give the same x.
    if (valid === null || valid[i] !== 0) x = Math.round(v[i]! * p);
    const d = x - prev;
    prev = x;
    const z = d >= 0 ? 2 * d : -2 * d - 1;
    if (z > max) max = z;
    if (z < TWO32) { out[2 * i] = z; out[2 * i + 1] = 0; continue; }
    const hi = Math.floor(z / TWO32);
    out[2 * i] = z - hi * TWO32;
    out[2 * i + 1] = hi;
  }
  maxOut[0] = max;
  return true;
}

/** encodeDecimal + byteSplit in one pass for widths up to 4 (zigzag values below 2^32), straight into out. */
export function encodeDecimalBytes(v: Float64Array, valid: Uint8Array | null, n: number, scale: number, width: number, out: Uint8Array): void {
  const p = POW10[scale]!;
  let prev = 0;
  for (let i = 0; i < n; i++) {
    const x = valid === null || valid[i] !== 0 ? Math.round(v[i]! * p) : prev;
    const d = x - prev;
    prev = x;
    const z = d >= 0 ? 2 * d : -2 * d - 1;
    out[i] = z;
    if (width === 1) continue;
    out[n + i] = z >>> 8;
    if (width === 2) continue;
    out[2 * n + i] = z >>> 16;
    out[3 * n + i] = z >>> 24;
  }
}

/** Inverse of byteSplit + encodeDecimal for one group of n rows, straight from the byte streams. */
export function decodeDecimalStreams(src: Uint8Array, n: number, width: number, scale: number, out: Float64Array, at: number, scratch: Int32Array): void {
  const p = POW10[scale]!;
  let x = 0;
  if (width === 1) {
    for (let i = 0; i < n; i++) { const z = src[i]!; x += (z >>> 1) ^ -(z & 1); out[at + i] = x / p; }
  } else if (width === 2) {
    for (let i = 0; i < n; i++) { const z = src[i]! | (src[n + i]! << 8); x += (z >>> 1) ^ -(z & 1); out[at + i] = x / p; }
  } else if (width === 4) {
    for (let i = 0; i < n; i++) {
      const z = (src[i]! | (src[n + i]! << 8) | (src[2 * n + i]! << 16) | (src[3 * n + i]! << 24)) >>> 0;
      x += (z >>> 1) ^ -(z & 1);
      out[at + i] = x / p;
    }
  } else {
    byteJoin(src, n, width, scratch);
    decodeDecimal(scratch, n, scale, out, at);
  }
}

/** Inverse of encodeDecimal for one group of n rows. */
export function decodeDecimal(zz: Int32Array, n: number, scale: number, out: Float64Array, at: number): void {
  const p = POW10[scale]!;
  let x = 0;
  for (let i = 0; i < n; i++) {
    const lo = zz[2 * i]! >>> 0;
    const z = (zz[2 * i + 1]! >>> 0) * TWO32 + lo;
    x += (lo & 1) === 1 ? -(z + 1) / 2 : z / 2;
    out[at + i] = x / p;
  }
}

/**
 * Zigzag delta (order 1) or delta-of-delta (order 2) of int64 words into out, restarting at each group start;
 * null rows repeat the previous value. Returns the number of significant bytes of the largest result (1..8).
 */
export function encodeInt64(w: Int32Array, valid: Uint8Array | null, n: number, order: 1 | 2, starts: number[], out: Int32Array): number {
  let pl = 0, ph = 0, dl = 0, dh = 0, orLo = 0, orHi = 0, g = 0;
  for (let i = 0; i < n; i++) {
    if (g < starts.length && i === starts[g]) { pl = ph = dl = dh = 0; g++; }
    let xl = pl, xh = ph;
    if (valid === null || valid[i] !== 0) { xl = w[2 * i]! >>> 0; xh = w[2 * i + 1]! | 0; }
    // d = x - prev
    let el = (xl - pl) >>> 0;
    let eh = (xh - ph - (xl < pl ? 1 : 0)) | 0;
    pl = xl; ph = xh;
    if (order === 2) {
      const ql = (el - dl) >>> 0, qh = (eh - dh - (el < dl ? 1 : 0)) | 0;
      dl = el; dh = eh;
      el = ql; eh = qh;
    }
    const sign = eh >> 31;
    const zl = ((el << 1) ^ sign) >>> 0, zh = (((eh << 1) | (el >>> 31)) ^ sign) >>> 0;
    out[2 * i] = zl;
    out[2 * i + 1] = zh;
    orLo |= zl; orHi |= zh;
  }
  if (orHi !== 0) return 8;
  return (orLo >>> 0) < 256 ? 1 : (orLo >>> 0) < 65536 ? 2 : 4;
}

/** Inverse of encodeInt64 for one group: zigzag words -> int64 words written at row `at` of out. */
export function decodeInt64(zz: Int32Array, n: number, order: 1 | 2, out: Int32Array, at: number): void {
  let xl = 0, xh = 0, dl = 0, dh = 0;
  for (let i = 0; i < n; i++) {
    const zl = zz[2 * i]! >>> 0, zh = zz[2 * i + 1]! >>> 0;
    const sign = -(zl & 1);
    let el = (((zl >>> 1) | (zh << 31)) ^ sign) >>> 0;
    let eh = ((zh >>> 1) ^ sign) | 0;
    if (order === 2) {
      const sl = dl + el;
      dh = (dh + eh + (sl >= TWO32 ? 1 : 0)) | 0;
      dl = sl >>> 0;
      el = dl; eh = dh;
    }
    const sl = xl + el;
    xh = (xh + eh + (sl >= TWO32 ? 1 : 0)) | 0;
    xl = sl >>> 0;
    out[2 * (at + i)] = xl;
    out[2 * (at + i) + 1] = xh;
  }
}

/** Width in bytes (1, 2, 4 or 8) that holds every value up to max (max < 2^53). */
export function widthOf(max: number): 1 | 2 | 4 | 8 {
  return max < 256 ? 1 : max < 65536 ? 2 : max < TWO32 ? 4 : 8;
}

/**
 * Float columns that are not short decimals: the 8 bytes of each value as 8 streams (byteSplit of its two words, as
 * Parquet's BYTE_STREAM_SPLIT): sign, exponent and high mantissa bytes then compress apart from the noisy low ones,
 * which a page of 8k rows otherwise leaves zstd too little context to find.
 */
export const FLOAT_SPLIT = 'float-bytesplit';

/** Writes the low `width` bytes of words[from..from+n) as `width` streams (all byte 0s, then all byte 1s, ...). */
export function byteSplit(words: Int32Array, from: number, n: number, width: number, out: Uint8Array): void {
  for (let i = 0; i < n; i++) {
    const lo = words[2 * (from + i)]!;
    out[i] = lo;
    if (width === 1) continue;
    out[n + i] = lo >>> 8;
    if (width === 2) continue;
    out[2 * n + i] = lo >>> 16;
    out[3 * n + i] = lo >>> 24;
    if (width === 4) continue;
    const hi = words[2 * (from + i) + 1]!;
    out[4 * n + i] = hi;
    out[5 * n + i] = hi >>> 8;
    out[6 * n + i] = hi >>> 16;
    out[7 * n + i] = hi >>> 24;
  }
}

/**
 * Inverse of byteSplit: streams of n values -> int64 words (out must hold 2 * count words). `count` (default n): only
 * the first values, as a read that needs rows up to some row only does.
 */
export function byteJoin(src: Uint8Array, n: number, width: number, out: Int32Array, count = n): void {
  if (width === 1) { for (let i = 0; i < count; i++) { out[2 * i] = src[i]!; out[2 * i + 1] = 0; } return; }
  if (width === 2) { for (let i = 0; i < count; i++) { out[2 * i] = src[i]! | (src[n + i]! << 8); out[2 * i + 1] = 0; } return; }
  for (let i = 0; i < count; i++) {
    out[2 * i] = src[i]! | (src[n + i]! << 8) | (src[2 * n + i]! << 16) | (src[3 * n + i]! << 24);
    out[2 * i + 1] = width === 4 ? 0 : src[4 * n + i]! | (src[5 * n + i]! << 8) | (src[6 * n + i]! << 16) | (src[7 * n + i]! << 24);
  }
}
