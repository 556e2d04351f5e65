// Row selections: sorted, disjoint [start, end) row ranges of one segment, as flat Uint32Arrays (no per-row objects).

/** Rows of a segment an index says may match: ranges sorted by start, disjoint, non-empty. */
export interface RowSelection {
  /** start[i] < end[i] <= start[i + 1]. */
  start: Uint32Array;
  end: Uint32Array;
}

export const EMPTY_SELECTION: RowSelection = { start: new Uint32Array(0), end: new Uint32Array(0) };

export function allRows(rows: number): RowSelection {
  return rows === 0 ? EMPTY_SELECTION : { start: Uint32Array.of(0), end: Uint32Array.of(rows) };
}

export function selectedRows(s: RowSelection): number {
  let n = 0;
  for (let i = 0; i < s.start.length; i++) n += s.end[i]! - s.start[i]!;
  return n;
}

/** Sorts and merges possibly overlapping or touching ranges (given as flat start/end lists) into a selection. */
export function normalize(start: Uint32Array, end: Uint32Array, n = start.length): RowSelection {
  if (n === 0) return EMPTY_SELECTION;
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) if (start[i]! < start[i - 1]!) sorted = false;
  if (!sorted) ({ start, end } = sortByStart(start, end, n));
  const os = new Uint32Array(n), oe = new Uint32Array(n);
  let k = -1;
  for (let i = 0; i < n; i++) {
    const s = start[i]!, e = end[i]!;
    if (e <= s) continue;
    if (k >= 0 && s <= oe[k]!) { if (e > oe[k]!) oe[k] = e; continue; }
    k++;
    os[k] = s; oe[k] = e;
  }
  return { start: os.subarray(0, k + 1), end: oe.subarray(0, k + 1) };
}

/**
 * The first n ranges sorted by start (stable), as new arrays. The union of many posting lists (a regex matching
 * hundreds of values) is a concatenation of sorted runs: they are merged pairwise, pass after pass (a natural merge
 * sort over typed arrays, log2(runs) linear passes), where a comparator sort called back into JS per comparison (most
 * of a 1,000-series PromQL selector's index time).
 */
export function sortByStart(start: Uint32Array, end: Uint32Array, n: number): { start: Uint32Array; end: Uint32Array } {
  let s: Uint32Array = start.slice(0, n), e: Uint32Array = end.slice(0, n);
  // run boundaries: bounds[r] .. bounds[r + 1]
  let bounds: number[] = [0];
  for (let i = 1; i < n; i++) if (s[i]! < s[i - 1]!) bounds.push(i);
  bounds.push(n);
  let ts: Uint32Array = new Uint32Array(n), te: Uint32Array = new Uint32Array(n);
  while (bounds.length > 2) {
    const next: number[] = [0];
    for (let r = 0; r + 1 < bounds.length; r += 2) {
      const lo = bounds[r]!, mid = bounds[r + 1]!, hi = r + 2 < bounds.length ? bounds[r + 2]! : mid;
      let i = lo, j = mid, o = lo;
      while (i < mid && j < hi) {
        // <=: the earlier run first on ties (stable)
        if (s[i]! <= s[j]!) { ts[o] = s[i]!; te[o++] = e[i++]!; } else { ts[o] = s[j]!; te[o++] = e[j++]!; }
      }
      while (i < mid) { ts[o] = s[i]!; te[o++] = e[i++]!; }
      while (j < hi) { ts[o] = s[j]!; te[o++] = e[j++]!; }
      next.push(hi);
    }
    [s, ts] = [ts, s];
    [e, te] = [te, e];
    bounds = next;
  }
  return { start: s, end: e };
}

/** Rows in both selections. */
export function intersect(a: RowSelection, b: RowSelection): RowSelection {
  const n = a.start.length + b.start.length;
  const os = new Uint32Array(n), oe = new Uint32Array(n);
  let i = 0, j = 0, k = 0;
  while (i < a.start.length && j < b.start.length) {
    const s = Math.max(a.start[i]!, b.start[j]!), e = Math.min(a.end[i]!, b.end[j]!);
    if (s < e) { os[k] = s; oe[k] = e; k++; }
    if (a.end[i]! < b.end[j]!) i++; else j++;
  }
  return { start: os.subarray(0, k), end: oe.subarray(0, k) };
}

/** The selection as a byte per row (1: selected), for tests and small segments. */
export function toMask(s: RowSelection, rows: number): Uint8Array {
  const m = new Uint8Array(rows);
  for (let i = 0; i < s.start.length; i++) m.fill(1, s.start[i]!, Math.min(rows, s.end[i]!));
  return m;
}
