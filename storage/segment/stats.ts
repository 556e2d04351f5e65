// Per-column statistics of a run (min/max/nulls) and its series count, recorded in the manifest for pruning.
import { cmp, words } from '../int64.ts';
import type { ColumnData, ColumnStats, Run } from '../types.ts';
import { OP_COLUMN } from '../ops.ts';

function floatStat(v: number): number | string {
  return Number.isFinite(v) ? v : String(v);
}

export function columnStats(c: ColumnData, n: number): ColumnStats {
  let nulls = 0;
  const valid = c.valid;
  if (c.type === 'string') {
    const used = new Uint8Array(c.dict!.length);
    const codes = c.values as Int32Array;
    for (let i = 0; i < n; i++) {
      if (valid && valid[i] === 0) nulls++;
      else used[codes[i]!] = 1;
    }
    let min: string | null = null, max: string | null = null;
    c.dict!.forEach((v, i) => {
      if (!used[i]) return;
      if (min === null || v < min) min = v;
      if (max === null || v > max) max = v;
    });
    return { min, max, nulls };
  }
  if (c.type === 'float64') {
    const a = c.values as Float64Array;
    let min = Infinity, max = -Infinity, seen = false;
    for (let i = 0; i < n; i++) {
      if (valid && valid[i] === 0) { nulls++; continue; }
      const v = a[i]!;
      if (v !== v) continue;
      seen = true;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    return seen ? { min: floatStat(min), max: floatStat(max), nulls } : { min: null, max: null, nulls };
  }
  if (c.type === 'boolean') {
    const a = c.values as Uint8Array;
    let min = 1, max = 0, seen = false;
    for (let i = 0; i < n; i++) {
      if (valid && valid[i] === 0) { nulls++; continue; }
      seen = true;
      if (a[i]! < min) min = a[i]!;
      if (a[i]! > max) max = a[i]!;
    }
    return seen ? { min, max, nulls } : { min: null, max: null, nulls };
  }
  if (c.type !== 'uint64') {
    const a = c.values as BigInt64Array, w = words(a);
    let lo = -1, hi = -1;
    for (let i = 0; i < n; i++) {
      if (valid && valid[i] === 0) { nulls++; continue; }
      if (lo < 0 || cmp(w, i, w, lo) < 0) lo = i;
      if (hi < 0 || cmp(w, i, w, hi) > 0) hi = i;
    }
    return { min: lo < 0 ? null : String(a[lo]), max: hi < 0 ? null : String(a[hi]), nulls };
  }
  const a = c.values as BigUint64Array;
  let min: bigint | null = null, max: bigint | null = null;
  for (let i = 0; i < n; i++) {
    if (valid && valid[i] === 0) { nulls++; continue; }
    const v = a[i]!;
    if (min === null || v < min) min = v;
    if (max === null || v > max) max = v;
  }
  return { min: min === null ? null : String(min), max: max === null ? null : String(max), nulls };
}

/** Number of distinct series in a sorted run (tag tuple changes). */
export function countSeries(run: Run, tagNames: string[]): number {
  if (run.rows === 0) return 0;
  const tags = tagNames.map((n) => run.cols.get(n)!);
  let count = 1;
  for (let i = 1; i < run.rows; i++) {
    for (const c of tags) {
      const codes = c.values as Int32Array;
      if (codes[i] !== codes[i - 1] || (c.valid && c.valid[i] !== c.valid[i - 1])) { count++; break; }
    }
  }
  return count;
}

export function runStats(run: Run): Record<string, ColumnStats> {
  const out: Record<string, ColumnStats> = {};
  for (const [name, c] of run.cols) if (name !== OP_COLUMN) out[name] = columnStats(c, run.rows);
  return out;
}
