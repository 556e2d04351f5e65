// Row operations (put / delete tombstone / put that replaces older rows) and the merge modes that combine rows of one key.
import type { TableSchema } from '../core/index.ts';
import { cmp, words } from './int64.ts';
import { allocTyped, gatherRun, Ranges } from './run.ts';
import type { ColumnData, Run } from './types.ts';

/**
 * Hidden column of a run (and of a segment file) with one op per row; absent when every row is a plain put.
 * Held as a byte-per-row 'boolean' ColumnData (values 0..2), written to segments as Arrow Uint8.
 */
export const OP_COLUMN = '__eddy_op';

export const Op = {
  /** A write; under last_non_null its null fields let older values show through. */
  Put: 0,
  /** A tombstone: hides every older row of its key (tags, ts). */
  Delete: 1,
  /** A write that hides every older row of its key (a put after a delete, collapsed). */
  Replace: 2,
} as const;

export type MergeMode = 'last_row' | 'last_non_null' | 'append';

export function mergeModeOf(schema: TableSchema): MergeMode {
  if (schema.options.appendMode) return 'append';
  return schema.options.extra?.merge_mode === 'last_non_null' ? 'last_non_null' : 'last_row';
}

/** True when two rows of one run have the same key: equal time and equal tag codes. */
function keyEqualer(run: Run, tagNames: string[], timeIndex: string): (a: number, b: number) => boolean {
  const ts = words(run.cols.get(timeIndex)!.values as BigInt64Array);
  const tags = tagNames.map((n) => run.cols.get(n)!);
  const codes = tags.map((c) => c.values as Int32Array);
  const valids = tags.map((c) => c.valid);
  return (a, b) => {
    if (cmp(ts, a, ts, b) !== 0) return false;
    for (let t = 0; t < codes.length; t++) {
      const v = valids[t];
      const na = v !== null && v[a] === 0, nb = v !== null && v[b] === 0;
      if (na !== nb || (!na && codes[t]![a] !== codes[t]![b])) return false;
    }
    return true;
  };
}

/**
 * Collapses rows of equal key (adjacent, oldest first) into one under last_non_null: each field takes the newest
 * non-null value since the newest Delete/Replace of the key. Returns the run itself when no key repeats.
 */
export function collapseLastNonNull(run: Run, tagNames: string[], timeIndex: string): Run {
  const n = run.rows;
  const same = keyEqualer(run, tagNames, timeIndex);
  let dups = false;
  for (let i = 1; i < n && !dups; i++) dups = same(i - 1, i);
  if (!dups) return run;
  const opCol = run.cols.get(OP_COLUMN);
  const ops = opCol ? (opCol.values as Uint8Array) : null;
  // Groups [gStart[g], gEnd[g]) and, per group, the first row whose values count (after the newest Delete/Replace).
  const gEnd: number[] = [], gBase: number[] = [], gOp: number[] = [];
  let start = 0;
  for (let i = 1; i <= n; i++) {
    if (i < n && same(i - 1, i)) continue;
    const last = i - 1;
    let base = start, op: number = Op.Put;
    if (ops) {
      for (let j = last; j >= start; j--) {
        const o = ops[j]!;
        if (o === Op.Put) continue;
        base = o === Op.Delete && j < last ? j + 1 : j;
        op = j === last ? o : Op.Replace;
        break;
      }
    }
    gEnd.push(i); gBase.push(base); gOp.push(op);
    start = i;
  }
  const G = gEnd.length;
  const keyRows = new Ranges();
  for (let g = 0; g < G; g++) keyRows.push(0, gEnd[g]! - 1, 1);
  const keyNames = [...tagNames, timeIndex];
  const out = gatherRun([run], keyRows, keyNames);
  for (const [name, c] of run.cols) {
    if (name === OP_COLUMN || keyNames.includes(name)) continue;
    out.cols.set(name, pickNewestValid(c, G, gBase, gEnd));
  }
  if (ops || gOp.some((o) => o !== Op.Put)) out.cols.set(OP_COLUMN, { type: 'boolean', values: Uint8Array.from(gOp), valid: null });
  return out;
}

/** Per group, the value of the newest row in [base, end) that is not null. */
function pickNewestValid(c: ColumnData, G: number, gBase: number[], gEnd: number[]): ColumnData {
  const values = allocTyped(c.type, G) as Float64Array;
  const src = c.values as Float64Array;
  const valid = c.valid ? new Uint8Array(G) : null;
  for (let g = 0; g < G; g++) {
    let j = gEnd[g]! - 1;
    const base = gBase[g]!;
    if (c.valid) {
      while (j >= base && c.valid[j] === 0) j--;
      if (j < base) continue;
      valid![g] = 1;
    }
    values[g] = src[j]!;
  }
  const out: ColumnData = { type: c.type, values, valid };
  if (c.dict) out.dict = c.dict;
  return out;
}

/**
 * The rows of a run that are not Delete rows, and whether the op column stays: with `older` false nothing older than
 * the run remains, so Replace rows become plain puts and the op column goes; otherwise it is kept for what remains.
 * Null when the run has no op column (every row stays, as it is).
 */
export function putRows(run: Run, older: boolean): { keep: Ranges; keepOps: boolean } | null {
  const opCol = run.cols.get(OP_COLUMN);
  if (!opCol) return null;
  const ops = opCol.values as Uint8Array;
  const keep = new Ranges();
  let runStart = -1, replace = false;
  for (let i = 0; i < run.rows; i++) {
    if (ops[i] === Op.Replace) replace = true;
    if (ops[i] !== Op.Delete) { if (runStart < 0) runStart = i; continue; }
    if (runStart >= 0) { keep.push(0, runStart, i - runStart); runStart = -1; }
  }
  if (runStart >= 0) keep.push(0, runStart, run.rows - runStart);
  return { keep, keepOps: older && replace };
}

/** Removes Delete rows (putRows). */
export function withoutDeletes(run: Run, older: boolean): Run {
  const p = putRows(run, older);
  if (!p) return run;
  const names = [...run.cols.keys()].filter((n) => n !== OP_COLUMN || p.keepOps);
  return gatherRun([run], p.keep, names);
}

/** The runs, each with an op column (zeros where missing) when any has one, so they can be gathered together. */
export function alignOps(runs: Run[]): Run[] {
  if (!runs.some((r) => r.cols.has(OP_COLUMN))) return runs;
  return runs.map((r) => {
    if (r.cols.has(OP_COLUMN)) return r;
    const cols = new Map(r.cols);
    cols.set(OP_COLUMN, { type: 'boolean', values: new Uint8Array(r.rows), valid: null });
    return { rows: r.rows, cols };
  });
}

/** Number of rows of a run that are not plain puts (Delete or Replace): segments with any keep the op column. */
export function countOps(run: Run): number {
  const c = run.cols.get(OP_COLUMN);
  if (!c) return 0;
  const ops = c.values as Uint8Array;
  let k = 0;
  for (let i = 0; i < run.rows; i++) if (ops[i] !== Op.Put) k++;
  return k;
}
