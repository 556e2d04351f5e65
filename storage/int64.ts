// int64 helpers over Int32Array word views: reading a BigInt64Array element allocates a BigInt, so hot loops
// compare and copy the two 32-bit halves instead (little-endian: low word first).

export function words(a: BigInt64Array | BigUint64Array): Int32Array {
  return new Int32Array(a.buffer, a.byteOffset, a.length * 2);
}

/** Compares signed int64 elements i of a and j of b: negative, zero or positive. */
export function cmp(a: Int32Array, i: number, b: Int32Array, j: number): number {
  const ha = a[2 * i + 1]!, hb = b[2 * j + 1]!;
  if (ha !== hb) return ha < hb ? -1 : 1;
  const la = a[2 * i]! >>> 0, lb = b[2 * j]! >>> 0;
  return la === lb ? 0 : la < lb ? -1 : 1;
}

/** A bound as the (high, low) words of one int64, for comparing elements against it. */
export function bound(v: bigint): Int32Array {
  return words(BigInt64Array.of(v));
}

/** Index of the smallest and largest element of a (n > 0; the first of equal ones). Runs once per written batch. */
export function minMaxIndex(a: Int32Array, n: number): [number, number] {
  let lo = 0, hi = 0;
  if (n < 2) return [lo, hi];
  // the current minimum's and maximum's words held in locals: no call and no re-read per element
  let loH = a[1]!, loL = a[0]! >>> 0, hiH = loH, hiL = loL;
  for (let i = 1; i < n; i++) {
    const h = a[2 * i + 1]!, l = a[2 * i]! >>> 0;
    if (h < loH || (h === loH && l < loL)) {
      lo = i;
      loH = h;
      loL = l;
    } else if (h > hiH || (h === hiH && l > hiL)) {
      hi = i;
      hiH = h;
      hiL = l;
    }
  }
  return [lo, hi];
}

/** dst[i] = src[perm[i]] for int64 word views. */
export function gather(src: Int32Array, perm: Uint32Array, dst: Int32Array): void {
  for (let i = 0; i < perm.length; i++) {
    const j = perm[i]! * 2;
    dst[2 * i] = src[j]!;
    dst[2 * i + 1] = src[j + 1]!;
  }
}
