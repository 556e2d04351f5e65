// Raw key bytes (a series key, a measurement, a column key) kept with a copy as 32-bit words, so the parser checks that
// the input repeats a known key 4 bytes at a time (through a DataView over the input) instead of byte by byte.

export class RawKey {
  /** The bytes as little-endian 32-bit words (the last length % 4 bytes are left out). */
  readonly words: Int32Array;
  /** The last 4 bytes as a word (0 when shorter): a key whose length is not a multiple of 4 ends with an overlapping read. */
  readonly tail: number;
  readonly length: number;

  constructor(readonly bytes: Uint8Array) {
    this.length = bytes.length;
    const full = bytes.length >>> 2;
    this.words = new Int32Array(full);
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let k = 0; k < full; k++) this.words[k] = v.getInt32(4 * k, true);
    this.tail = bytes.length >= 4 ? v.getInt32(bytes.length - 4, true) : 0;
  }
}

/** A DataView over exactly the bytes of `buf`, to read words at any offset. */
export function viewOf(buf: Uint8Array): DataView {
  return new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** True when input[s, s + key.length) equals the key; the caller checked that the range lies inside the input. */
export function matchesKey(view: DataView, buf: Uint8Array, s: number, key: RawKey): boolean {
  const w = key.words;
  const full = w.length;
  let k = 0;
  // four words per test: one branch per 16 bytes of a long series key
  for (; k + 4 <= full; k += 4) {
    const o = s + 4 * k;
    if ((view.getInt32(o, true) ^ w[k]!) | (view.getInt32(o + 4, true) ^ w[k + 1]!) | (view.getInt32(o + 8, true) ^ w[k + 2]!) | (view.getInt32(o + 12, true) ^ w[k + 3]!)) return false;
  }
  for (; k < full; k++) if (view.getInt32(s + 4 * k, true) !== w[k]) return false;
  const len = key.length;
  if ((len & 3) === 0) return true;
  if (len >= 4) return view.getInt32(s + len - 4, true) === key.tail;
  const b = key.bytes;
  for (let i = 0; i < len; i++) if (buf[s + i] !== b[i]) return false;
  return true;
}

/** True when input[a, a + len) equals input[b, b + len); both ranges lie inside the input. */
export function sameRanges(view: DataView, buf: Uint8Array, a: number, b: number, len: number): boolean {
  let i = 0;
  for (; i + 4 <= len; i += 4) if (view.getInt32(a + i, true) !== view.getInt32(b + i, true)) return false;
  for (; i < len; i++) if (buf[a + i] !== buf[b + i]) return false;
  return true;
}
