// Row filters on runs: time range, TTL cutoff and tag value sets, producing row ranges.
import { InvalidArgumentError } from '../core/index.ts';
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
}

interface TagTest {
  codes: Int32Array;
  valid: Uint8Array | null;
  allowed: Uint8Array;
  nullOk: boolean;
}

function tagTests(run: Run, tags: Record<string, (string | null)[]>): TagTest[] {
  const tests: TagTest[] = [];
  for (const [name, values] of Object.entries(tags)) {
    const c = run.cols.get(name);
    if (!c || c.type !== 'string') throw new InvalidArgumentError(`tag filter on '${name}', which is not a string column of the table`);
    const want = new Set(values);
    const allowed = new Uint8Array(c.dict!.length);
    c.dict!.forEach((v, i) => { if (want.has(v)) allowed[i] = 1; });
    tests.push({ codes: c.values as Int32Array, valid: c.valid, allowed, nullOk: want.has(null) });
  }
  return tests;
}

/**
 * Rows of the run that pass the filter, or null when every row passes. `sortedBy`: the run's first sort column (the
 * table's first primary-key tag), whose codes rise with its sorted dictionary along the rows; a filter on it is
 * answered by binary search (a metric engine scan of one logical table reads only its range of the physical run).
 */
export function filterRun(run: Run, timeIndex: string, f: RowFilter, sortedBy?: string): Ranges | null {
  const ts = words(run.cols.get(timeIndex)!.values as BigInt64Array);
  let start = f.start;
  if (f.cutoff !== undefined && (start === undefined || f.cutoff > start)) start = f.cutoff;
  const lo = start === undefined ? null : bound(start), hi = f.end === undefined ? null : bound(f.end);
  let tests = f.tags ? tagTests(run, f.tags) : [];
  if (lo === null && hi === null && tests.length === 0) return null;
  const n = run.rows;
  // candidate row spans: the whole run, or the spans of the sorted column's allowed codes
  let spans: number[] = [0, n];
  const sk = sortedBy !== undefined && f.tags && sortedBy in f.tags ? Object.keys(f.tags).indexOf(sortedBy) : -1;
  if (sk >= 0 && tests[sk]!.valid === null && sortedDict(run.cols.get(sortedBy!)!.dict!)) {
    const t = tests[sk]!;
    spans = [];
    for (let c = 0; c < t.allowed.length; c++) {
      if (t.allowed[c] !== 1) continue;
      const a = lowerBound(t.codes, n, c), b = lowerBound(t.codes, n, c + 1);
      if (b > a) spans.push(a, b);
    }
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
        keep = tt.valid && tt.valid[i] === 0 ? tt.nullOk : tt.allowed[tt.codes[i]!] === 1;
      }
      if (keep) { if (runStart < 0) runStart = i; }
      else if (runStart >= 0) { r.push(0, runStart, i - runStart); runStart = -1; }
    }
    if (runStart >= 0) r.push(0, runStart, to - runStart);
  }
  return r.rows === n ? null : r;
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
