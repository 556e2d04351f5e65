// Row filters on runs: time range, TTL cutoff and tag value sets, producing row ranges.
import { InvalidArgumentError, valueTest, type ColumnPredicate, type RowSelection } from '../core/index.ts';
import { bound, cmp, words } from './int64.ts';
import { Ranges } from './run.ts';
import type { Run } from './types.ts';

export interface RowFilter {
  start?: bigint | undefined;
  /** Exclusive. */
  end?: bigint | undefined;
  /** Rows older than this (TTL) are dropped. */
  cutoff?: bigint | undefined;
  tags?: Record<string, (string | null)[]> | undefined;
  /** Conjuncts on string columns, exact (callers pass only those safe to apply before the merge); never true for NULL. */
  preds?: ColumnPredicate[] | undefined;
}

interface TagTest {
  codes: Int32Array;
  valid: Uint8Array | null;
  /** Per dictionary code: 1 passes; 0 does not, or (with `lazy`) not known yet and 2 does not. */
  allowed: Uint8Array;
  nullOk: boolean;
  /** A predicate evaluated per code on first sight: dictionaries are per segment, often far larger than the rows tested. */
  lazy?: { test: (v: string) => boolean; dict: string[] };
  /** The values a tag filter keeps (a sorted dictionary finds their codes by binary search). */
  values?: (string | null)[];
}

function tagTests(run: Run, tags: Record<string, (string | null)[]>): TagTest[] {
  const tests: TagTest[] = [];
  for (const [name, values] of Object.entries(tags)) {
    const c = run.cols.get(name);
    if (!c || c.type !== 'string') throw new InvalidArgumentError(`tag filter on '${name}', which is not a string column of the table`);
    const want = new Set(values);
    tests.push({ codes: c.values as Int32Array, valid: c.valid, allowed: new Uint8Array(c.dict!.length), nullOk: want.has(null), lazy: { test: (v) => want.has(v), dict: c.dict! }, values });
  }
  return tests;
}

/** A predicate as a test per dictionary code: the value test runs once per distinct value, not per row. */
function predTests(run: Run, preds: ColumnPredicate[]): TagTest[] {
  const tests: TagTest[] = [];
  for (const p of preds) {
    const c = run.cols.get(p.column);
    if (!c || c.type !== 'string') throw new InvalidArgumentError(`predicate on '${p.column}', which is not a string column of the table`);
    tests.push({ codes: c.values as Int32Array, valid: c.valid, allowed: new Uint8Array(c.dict!.length), nullOk: false, lazy: { test: valueTest(p), dict: c.dict! } });
  }
  return tests;
}

/**
 * Rows of the run that pass the filter, or null when every row passes. `within` (rows an index selected) limits the
 * rows tested: rows outside it are dropped without a look. `sortedBy`: the run's first sort column (the table's first
 * primary-key tag), whose codes rise with its sorted dictionary along the rows; a filter on it is answered by binary
 * search (a metric engine scan of one logical table reads only its range of the physical run).
 */
export function filterRun(run: Run, timeIndex: string, f: RowFilter, within?: RowSelection, sortedBy?: string): Ranges | null {
  const ts = words(run.cols.get(timeIndex)!.values as BigInt64Array);
  let start = f.start;
  if (f.cutoff !== undefined && (start === undefined || f.cutoff > start)) start = f.cutoff;
  const lo = start === undefined ? null : bound(start), hi = f.end === undefined ? null : bound(f.end);
  let tests = f.tags ? tagTests(run, f.tags) : [];
  const nTags = tests.length;
  if (f.preds?.length) tests.push(...predTests(run, f.preds));
  if (lo === null && hi === null && tests.length === 0 && !within) return null;
  const n = run.rows;
  // Candidate row spans: the index's selection (or the whole run), cut to the sorted column's allowed codes.
  let spans: number[] = [];
  if (within) for (let p = 0; p < within.start.length; p++) spans.push(within.start[p]!, Math.min(n, within.end[p]!));
  else spans = [0, n];
  const sk = sortedBy !== undefined && f.tags && sortedBy in f.tags ? Object.keys(f.tags).indexOf(sortedBy) : -1;
  if (sk >= 0 && sk < nTags && tests[sk]!.valid === null && sortedDict(run.cols.get(sortedBy!)!.dict!)) {
    const t = tests[sk]!;
    const coded: number[] = [];
    for (const c of allowedCodes(t)) {
      const a = lowerBound(t.codes, n, c), b = lowerBound(t.codes, n, c + 1);
      if (b > a) coded.push(a, b);
    }
    spans = intersectSpans(spans, coded);
    tests = tests.filter((_, k) => k !== sk);
  }
  const r = new Ranges();
  for (let s = 0; s < spans.length; s += 2) {
    let runStart = -1;
    const to = spans[s + 1]!;
    for (let i = spans[s]!; i < to; i++) {
      let keep = (lo === null || cmp(ts, i, lo, 0) >= 0) && (hi === null || cmp(ts, i, hi, 0) < 0);
      for (let k = 0; keep && k < tests.length; k++) {
        const tt = tests[k]!;
        if (tt.valid && tt.valid[i] === 0) { keep = tt.nullOk; continue; }
        const code = tt.codes[i]!;
        let a = tt.allowed[code]!;
        if (a === 0 && tt.lazy) { a = tt.lazy.test(tt.lazy.dict[code]!) ? 1 : 2; tt.allowed[code] = a; }
        keep = a === 1;
      }
      if (keep) { if (runStart < 0) runStart = i; }
      else if (runStart >= 0) { r.push(0, runStart, i - runStart); runStart = -1; }
    }
    // Ranges.push joins touching ranges, so closing at each span's end costs nothing
    if (runStart >= 0) r.push(0, runStart, to - runStart);
  }
  return r.rows === n ? null : r;
}

/**
 * The codes a test on a sorted dictionary keeps, ascending: a tag filter's values found by binary search (a segment's
 * dictionary of a leading tag holds every series, far more than the values asked for), else every code tested.
 */
function allowedCodes(t: TagTest): number[] {
  const dict = t.lazy!.dict;
  if (t.values) {
    const out: number[] = [];
    for (const v of t.values) {
      if (v === null) continue;
      const c = dictLowerBound(dict, v);
      if (c < dict.length && dict[c] === v) out.push(c);
    }
    return out.sort((a, b) => a - b).filter((c, i, a) => i === 0 || a[i - 1] !== c);
  }
  const out: number[] = [];
  for (let c = 0; c < dict.length; c++) if (t.lazy!.test(dict[c]!)) out.push(c);
  return out;
}

/** First index of a sorted dictionary whose value is >= v. */
function dictLowerBound(dict: string[], v: string): number {
  let a = 0, b = dict.length;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (dict[m]! < v) a = m + 1;
    else b = m;
  }
  return a;
}

const checkedDicts = new WeakSet<string[]>();
/** The dictionary is in sort order (memtable runs and segments write it so; checked once per dictionary). */
function sortedDict(d: string[]): boolean {
  if (checkedDicts.has(d)) return true;
  for (let i = 1; i < d.length; i++) if (!(d[i - 1]! < d[i]!)) return false;
  checkedDicts.add(d);
  return true;
}

/** First row whose code is >= c (codes non-decreasing). */
function lowerBound(codes: Int32Array, n: number, c: number): number {
  let a = 0, b = n;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (codes[m]! < c) a = m + 1;
    else b = m;
  }
  return a;
}

/** The intersection of two sorted lists of disjoint [start, end) spans, flattened as start, end pairs. */
function intersectSpans(a: number[], b: number[]): number[] {
  const out: number[] = [];
  let i = 0, j = 0;
  while (i < a.length && j < b.length) {
    const s = Math.max(a[i]!, b[j]!), e = Math.min(a[i + 1]!, b[j + 1]!);
    if (e > s) out.push(s, e);
    if (a[i + 1]! < b[j + 1]!) i += 2; else j += 2;
  }
  return out;
}
