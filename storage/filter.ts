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

/** Rows of the run that pass the filter, or null when every row passes. */
export function filterRun(run: Run, timeIndex: string, f: RowFilter): Ranges | null {
  const ts = words(run.cols.get(timeIndex)!.values as BigInt64Array);
  let start = f.start;
  if (f.cutoff !== undefined && (start === undefined || f.cutoff > start)) start = f.cutoff;
  const lo = start === undefined ? null : bound(start), hi = f.end === undefined ? null : bound(f.end);
  const tests = f.tags ? tagTests(run, f.tags) : [];
  if (lo === null && hi === null && tests.length === 0) return null;
  const r = new Ranges();
  let runStart = -1;
  const n = run.rows;
  for (let i = 0; i < n; i++) {
    let keep = (lo === null || cmp(ts, i, lo, 0) >= 0) && (hi === null || cmp(ts, i, hi, 0) < 0);
    for (let k = 0; keep && k < tests.length; k++) {
      const tt = tests[k]!;
      keep = tt.valid && tt.valid[i] === 0 ? tt.nullOk : tt.allowed[tt.codes[i]!] === 1;
    }
    if (keep) { if (runStart < 0) runStart = i; }
    else if (runStart >= 0) { r.push(0, runStart, i - runStart); runStart = -1; }
  }
  if (runStart >= 0) r.push(0, runStart, n - runStart);
  return r.rows === n ? null : r;
}
