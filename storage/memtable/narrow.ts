// Float columns of memtable chunks kept as scaled integers: a chunk of decimal floats (58.31, 7, 0.125) is stored as
// Int16 or Int32 values times 10^-scale, exactly, in a quarter or half of the memory of its Float64Array. The scale
// is the segment encoder's (decimalPlan): round(v * 10^s) / 10^s === v for every valid value, so reading back
// divides and gets the same double. Anything else (NaN, infinities, -0, more digits, too wide) stays Float64.
import { decimalPlan, POW10 } from '../segment/encoding.ts';
import type { ChunkColumn } from './memtable.ts';

// Scaled values of the chunk being narrowed, reused across chunks (the narrowed copy is made at its exact size).
let scratch = new Int32Array(0);

/** Integers standing for the floats (value = ints[i] / 10^scale), or null when the column stays as it is. */
export function narrowFloats(v: Float64Array, valid: Uint8Array | null, n: number): { ints: Int16Array | Int32Array; scale: number } | null {
  if (n === 0) return null;
  const plan = decimalPlan(v, valid, n);
  if (plan === null) return null;
  const p = POW10[plan.scale]!;
  if (scratch.length < n) scratch = new Int32Array(Math.max(n, 2 * scratch.length));
  let min = 0, max = 0;
  for (let i = 0; i < n; i++) {
    if (valid !== null && valid[i] === 0) { scratch[i] = 0; continue; }
    // The same operations decimalPlan checked: r / p === v[i].
    const r = Math.round(v[i]! * p);
    if (r < min) min = r; else if (r > max) max = r;
    if (r < -2147483648 || r > 2147483647) return null;
    scratch[i] = r;
  }
  const ints = min >= -32768 && max <= 32767 ? new Int16Array(n) : new Int32Array(n);
  ints.set(scratch.subarray(0, n));
  return { ints, scale: plan.scale };
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
