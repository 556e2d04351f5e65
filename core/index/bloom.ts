// Bloom filter hashing and sizing shared by the skipping index (and any kind that keeps bloom filters per granule).

/** Two independent 32-bit hashes of a string's UTF-16 code units (FNV-1a, and a murmur3-finalized variant). */
export function hash2(s: string, out: Uint32Array): void {
  let h1 = 0x811c9dc5, h2 = 0x9747b28c ^ s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  h2 ^= h2 >>> 16; h2 = Math.imul(h2, 0x85ebca6b); h2 ^= h2 >>> 13; h2 = Math.imul(h2, 0xc2b2ae35); h2 ^= h2 >>> 16;
  out[0] = h1 >>> 0;
  out[1] = (h2 | 1) >>> 0; // odd step: the k probes of double hashing stay distinct
}

/** Bits (a multiple of 32, at least 64) and hash count for n distinct values at false-positive rate p. */
export function bloomSize(n: number, p: number): { bits: number; k: number } {
  if (n === 0) return { bits: 0, k: 0 };
  const m = Math.ceil((-n * Math.log(p)) / (Math.LN2 * Math.LN2));
  const bits = Math.max(64, Math.ceil(m / 32) * 32);
  const k = Math.min(16, Math.max(1, Math.round((bits / n) * Math.LN2)));
  return { bits, k };
}

/** Sets the k probes of (h1, h2) in the filter at words[base..base + bits / 32). */
export function bloomAdd(words: Uint32Array, base: number, bits: number, k: number, h1: number, h2: number): void {
  let h = h1;
  for (let i = 0; i < k; i++) {
    const b = h % bits;
    words[base + (b >>> 5)]! |= 1 << (b & 31);
    h = (h + h2) >>> 0;
  }
}

export function bloomHas(words: Uint32Array, base: number, bits: number, k: number, h1: number, h2: number): boolean {
  if (bits === 0) return false;
  let h = h1;
  for (let i = 0; i < k; i++) {
    const b = h % bits;
    if ((words[base + (b >>> 5)]! & (1 << (b & 31))) === 0) return false;
    h = (h + h2) >>> 0;
  }
  return true;
}
