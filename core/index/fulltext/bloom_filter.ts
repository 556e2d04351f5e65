// A bloom filter over strings with a stable hash (the bits are stored in index files, so the hash may never change).

/** FNV-1a over UTF-16 code units, and a second independent 32-bit hash for double hashing (Kirsch-Mitzenmacher). */
export function hashPair(s: string): [number, number] {
  let h1 = 0x811c9dc5, h2 = 0x9747b28c;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  h2 = Math.imul(h2 ^ (h2 >>> 13), 0xc2b2ae35);
  h2 ^= h2 >>> 16;
  return [h1 >>> 0, (h2 | 1) >>> 0];
}

/** Bits and hash count for n items at false-positive rate p (m = -n ln p / ln2^2, k = m/n ln2), words of 32 bits. */
export function bloomShape(n: number, p: number): { words: number; k: number } {
  if (n === 0) return { words: 0, k: 0 };
  const m = Math.max(32, Math.ceil((-n * Math.log(p)) / (Math.LN2 * Math.LN2)));
  const words = Math.ceil(m / 32);
  const k = Math.max(1, Math.min(16, Math.round(((words * 32) / n) * Math.LN2)));
  return { words, k };
}

export function bloomAdd(bits: Uint32Array, k: number, h: [number, number]): void {
  const m = bits.length * 32;
  for (let i = 0; i < k; i++) {
    const b = (h[0] + Math.imul(i, h[1])) >>> 0;
    const at = b % m;
    bits[at >>> 5]! |= 1 << (at & 31);
  }
}

export function bloomHas(bits: Uint32Array, k: number, h: [number, number]): boolean {
  const m = bits.length * 32;
  if (m === 0) return false;
  for (let i = 0; i < k; i++) {
    const at = ((h[0] + Math.imul(i, h[1])) >>> 0) % m;
    if ((bits[at >>> 5]! & (1 << (at & 31))) === 0) return false;
  }
  return true;
}
