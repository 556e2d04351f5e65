// Byte-per-value flags (validity, booleans) packed into Arrow's LSB-first bitmaps.

/** Packs n byte flags (non-zero = set) into a bitmap, counting the unset ones (Arrow's null count for validity). */
export function packBits(bytes: Uint8Array, n: number): { bitmap: Uint8Array; zeros: number } {
  const bitmap = new Uint8Array((n + 7) >> 3);
  // all set (a validity column without nulls, the usual case): a native search, then whole bytes
  if (bytes.length >= n && bytes.subarray(0, n).indexOf(0) < 0) {
    bitmap.fill(0xff);
    if (n & 7) bitmap[n >> 3] = (1 << (n & 7)) - 1;
    return { bitmap, zeros: 0 };
  }
  let zeros = 0;
  for (let i = 0; i < n; i++) {
    if (bytes[i]) bitmap[i >> 3]! |= 1 << (i & 7);
    else zeros++;
  }
  return { bitmap, zeros };
}
