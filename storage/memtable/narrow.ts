// Float columns of memtable chunks kept as scaled integers: a chunk of decimal floats (58.31, 7, 0.125) is stored as
// Int16 or Int32 values times 10^-scale, exactly, in a quarter or half of the memory of its Float64Array. The scale
// is the segment encoder's (scaleAbove, as decimalPlan): round(v * 10^s) / 10^s === v for every valid value, so reading back
// divides and gets the same double. Anything else (NaN, infinities, -0, more digits, too wide) stays Float64.
import { POW10, scaleAbove } from '../segment/encoding.ts';
import type { ChunkColumn } from './memtable.ts';

// Scaled values of the chunk being narrowed, reused across chunks (the narrowed copy is made at its exact size).
let scratch = new Int32Array(0);

/**
 * Integers standing for the floats (value = ints[i] / 10^scale), or null when the column stays as it is. One pass at
 * the smallest scale that holds every value, restarted only when a value needs a larger one (usually the first).
 */
export function narrowFloats(v: Float64Array, valid: Uint8Array | null, n: number): { ints: Int16Array | Int32Array; scale: number } | null {
  if (n === 0) return null;
  if (scratch.length < n) scratch = new Int32Array(Math.max(n, 2 * scratch.length));
  const out = scratch;
  let s = 0, p = 1;
  restart: for (;;) {
    let min = 0, max = 0;
    for (let i = 0; i < n; i++) {
      if (valid !== null && valid[i] === 0) { out[i] = 0; continue; }
      const x = v[i]!, r = Math.round(x * p);
      if (r / p !== x) {
        s = scaleAbove(x, s);
        if (s < 0) return null;
        p = POW10[s]!;
        continue restart;
      }
      if (r < min) min = r;
      else if (r > max) max = r;
      else if (r === 0 && 1 / x < 0) return null; // -0 reads back as +0
      out[i] = r;
    }
    if (min < -2147483648 || max > 2147483647) return null;
    const ints = min >= -32768 && max <= 32767 ? new Int16Array(n) : new Int32Array(n);
    ints.set(out.subarray(0, n));
    return { ints, scale: s };
  }
}

/** A narrowed column's values as doubles, into out[at..at + n) (null rows read 0). */
export function widenInto(ints: Int16Array | Int32Array, scale: number, n: number, out: Float64Array, at: number): void {
  const p = POW10[scale]!;
  for (let i = 0; i < n; i++) out[at + i] = ints[i]! / p;
}

/** The column as the batch carried it: narrowed floats widened into a new Float64Array, others as they are. */
export function widened(c: ChunkColumn, n: number): ChunkColumn;
export function widened(c: ChunkColumn | undefined, n: number): ChunkColumn | undefined;
export function widened(c: ChunkColumn | undefined, n: number): ChunkColumn | undefined {
  if (c?.scale === undefined) return c;
  const values = new Float64Array(n);
  widenInto(c.values as Int16Array | Int32Array, c.scale, n, values, 0);
  return { values, valid: c.valid, type: c.type };
}
