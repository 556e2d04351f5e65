// Where each series starts in a scan's rows: rows come ordered by (tags, time) within each batch, so a series is a run
// of rows with equal tag values; found per row (plain) or, when equal codes mean equal labels, by galloping over runs.
import { dictOf, type StrVec } from '../query/vector.ts';

/**
 * A tag column as canonical codes: equal strings get one code (a scan's dictionary may hold a string twice), null and
 * '' are code 0, `names[code]` the string. A dictionary column keeps its codes and maps them (`canon[code + 1]`); a
 * plain one is coded row by row (`canon[row]`, `codes` null). `exact`: a dictionary column whose codes (null
 * included) map one to one to canonical codes, so equal raw codes are equal labels and the reverse.
 */
export interface TagCodes { codes: Int32Array | null; canon: Int32Array; names: string[]; exact: boolean }

export function canonicalCodes(c: StrVec): TagCodes {
  const names: string[] = [''];
  const seen = new Map<string, number>([['', 0]]);
  const codeOf = (x: string | null | undefined): number => {
    if (!x) return 0;
    let k = seen.get(x);
    if (k === undefined) { k = names.length; names.push(x); seen.set(x, k); }
    return k;
  };
  const d = dictOf(c);
  if (d) {
    const canon = new Int32Array(d.dict.length + 1);
    for (let k = 0; k < d.dict.length; k++) canon[k + 1] = codeOf(d.dict[k]);
    return { codes: d.codes, canon, names, exact: names.length === d.dict.length + 1 };
  }
  const canon = new Int32Array(c.v.length);
  for (let r = 0; r < c.v.length; r++) canon[r] = codeOf(c.v[r]);
  return { codes: null, canon, names, exact: false };
}

/** Sets starts[r] where row r's code differs from row r - 1's. */
function markChanges(tc: TagCodes, len: number, starts: Uint8Array): void {
  const { codes, canon } = tc;
  if (codes) {
    let prev = canon[codes[0]! + 1];
    for (let r = 1; r < len; r++) {
      const c = canon[codes[r]! + 1];
      if (c !== prev) { starts[r] = 1; prev = c; }
    }
  } else {
    for (let r = 1; r < len; r++) if (canon[r] !== canon[r - 1]) starts[r] = 1;
  }
}

/** The plain path: starts[r] = 1 where any tag's canonical code changes (and at 0 and len). */
export function seriesStartsPlain(tags: TagCodes[], len: number): Uint8Array {
  const starts = new Uint8Array(len + 1);
  starts[0] = 1;
  starts[len] = 1;
  for (const tc of tags) markChanges(tc, len, starts);
  return starts;
}

/**
 * The rows where runs of one series start, ascending, then len: row r starts one where its labels differ from row
 * r - 1's, and so does every batch start (`batchEnds`: the batches' end rows, ascending, the last = len). When every tag
 * is `exact`, rows of one series are one stretch of each batch, so each stretch's end is found by galloping from its
 * start and a binary search (O(series x log rows) probes, not one per row and tag); otherwise per row, as
 * seriesStartsPlain. Either way the caller walks runs, not rows. A run split at a batch start is joined by the caller,
 * as any series found twice.
 */
export function seriesStarts(tags: TagCodes[], len: number, batchEnds: readonly number[]): Uint32Array {
  if (!tags.every((t) => t.exact)) {
    const mask = seriesStartsPlain(tags, len);
    for (const e of batchEnds) mask[e] = 1;
    let n = 0;
    for (let r = 0; r <= len; r++) n += mask[r]!;
    const out = new Uint32Array(n);
    for (let r = 0, k = 0; r <= len; r++) if (mask[r] === 1) out[k++] = r;
    return out;
  }
  const starts: number[] = [];
  const cols = tags.map((t) => t.codes!);
  const nt = cols.length;
  const same = (a: number, b: number): boolean => {
    for (let k = 0; k < nt; k++) if (cols[k]![a] !== cols[k]![b]) return false;
    return true;
  };
  let from = 0;
  let guess = 1;
  for (const end of batchEnds) {
    let i = from;
    while (i < end) {
      starts.push(i);
      // lo: a row known to be in i's series; hi: the first row known not to be (or end)
      let lo = i;
      let step = guess;
      let hi = i + step;
      while (hi < end && same(i, hi)) { lo = hi; step *= 2; hi = i + step; }
      if (hi > end) hi = end;
      while (hi - lo > 1) {
        const m = lo + ((hi - lo) >> 1);
        if (same(i, m)) lo = m;
        else hi = m;
      }
      guess = hi - i;
      i = hi;
    }
    from = end;
  }
  starts.push(len);
  return Uint32Array.from(starts);
}

/**
 * Orders one series' samples by time when they were gathered from several runs (batches), each already in time order:
 * `runs` holds each run's start offset in t/v, then t.length. Runs that follow each other in time (a series cut at a
 * batch boundary) are left as they are after one look per run; otherwise runs are merged pairwise, bottom-up, into
 * scratch arrays (O(n log runs)), an equal time keeping the earlier run's sample first (a stable sort's answer).
 * Values are moved as typed-array elements, so NaN payloads (stale markers) survive.
 */
export function mergeTimeRuns(t: Float64Array, v: Float64Array, runs: readonly number[]): void {
  let ordered = true;
  for (let k = 1; k + 1 < runs.length && ordered; k++) {
    const at = runs[k]!;
    if (at > 0 && at < t.length && t[at]! < t[at - 1]!) ordered = false;
  }
  if (ordered) return;
  let bounds = runs.slice();
  // values travel as their two 32-bit halves: a double read into a JS number may lose a NaN's payload
  let srcT: Float64Array = t, srcV: Int32Array = new Int32Array(v.buffer, v.byteOffset, v.length * 2);
  let dstT: Float64Array = new Float64Array(t.length), dstV: Int32Array = new Int32Array(v.length * 2);
  while (bounds.length > 2) {
    const next: number[] = [0];
    for (let k = 0; k + 1 < bounds.length; k += 2) {
      const a = bounds[k]!, m = bounds[k + 1]!, b = k + 2 < bounds.length ? bounds[k + 2]! : m;
      let i = a, j = m, o = a;
      while (i < m && j < b) {
        const x = srcT[j]! < srcT[i]! ? j++ : i++;
        dstT[o] = srcT[x]!;
        dstV[2 * o] = srcV[2 * x]!;
        dstV[2 * o + 1] = srcV[2 * x + 1]!;
        o++;
      }
      if (i < m) { dstT.set(srcT.subarray(i, m), o); dstV.set(srcV.subarray(2 * i, 2 * m), 2 * o); o += m - i; }
      if (j < b) { dstT.set(srcT.subarray(j, b), o); dstV.set(srcV.subarray(2 * j, 2 * b), 2 * o); }
      next.push(b);
    }
    bounds = next;
    [srcT, dstT] = [dstT, srcT];
    [srcV, dstV] = [dstV, srcV];
  }
  if (srcT !== t) { t.set(srcT); new Int32Array(v.buffer, v.byteOffset, v.length * 2).set(srcV); }
}
