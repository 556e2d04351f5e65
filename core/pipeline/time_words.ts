// Writes int64 nanoseconds into a BigInt64Array from (seconds, nanos) through its 32-bit words: no BigInt per line.
const TWO32 = 4294967296;

/** Sets arr[i] = sec * 1e9 + nanos (sec an integer, 0 <= nanos < 1e9). */
export function setNs(words: Uint32Array, arr: BigInt64Array, i: number, sec: number, nanos: number): void {
  if (sec < 0 || sec >= 9.2e9) {
    arr[i] = BigInt(sec) * 1_000_000_000n + BigInt(nanos);
    return;
  }
  const aHi = Math.floor(sec / TWO32);
  const aLo = sec - aHi * TWO32;
  const p = Math.floor(aLo / 65536);
  const q = aLo - p * 65536;
  const t0 = 1e9 * q + nanos;
  let carry = Math.floor(t0 / TWO32);
  let lo = t0 - carry * TWO32;
  const t1 = 1e9 * p;
  const t1hi = Math.floor(t1 / 65536);
  lo += (t1 - t1hi * 65536) * 65536;
  const c2 = Math.floor(lo / TWO32);
  lo -= c2 * TWO32;
  carry += c2;
  words[2 * i] = lo;
  words[2 * i + 1] = carry + t1hi + 1e9 * aHi;
}

export function wordsOf(arr: BigInt64Array): Uint32Array {
  return new Uint32Array(arr.buffer, arr.byteOffset, arr.length * 2);
}
